import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../core/schema';
import { TimestampSchema } from '../../core/model/system';
import type { MappingContext, ParseResult, VerifyResult, WebhookItem, WebhookRequest } from '../connector';
import type { ShopifyWebhookSecret } from './manifest';
import { customerIdFromGid, emailConsentObservation, smsConsentObservation, toObservation } from './mapping';
import {
  ShopifyCustomerDeleteWebhookSchema,
  ShopifyCustomerWebhookSchema,
  ShopifyEmailConsentWebhookSchema,
  ShopifyMergeWebhookSchema,
  ShopifyRedactWebhookSchema,
  ShopifySmsConsentWebhookSchema,
  ShopifyTagsWebhookSchema,
} from './schemas';
import { ShopifyFulfillmentOrderWebhookSchema, ShopifyFulfillmentWebhookSchema, ShopifyOrderWebhookSchema, ShopifyRefundWebhookSchema } from './order-schemas';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_BYTES = 32;

/**
 * A Shopify header by its documented name. Webhooks send `X-Shopify-<Name>`; Events deliveries
 * send `shopify-<name>` too (and, for now, both). The newer name wins when both are present, as
 * in Shopify's own library (shopify-app-js lib/webhooks/header-names.ts and validate.ts).
 * https://shopify.dev/docs/apps/build/webhooks/delivery-structure#headers
 * https://shopify.dev/docs/apps/build/events/delivery-structure#headers
 */
function shopifyHeader(request: WebhookRequest, name: 'hmac-sha256' | 'topic' | 'webhook-id' | 'triggered-at'): string | undefined {
  const value = request.headers[`shopify-${name}`]?.trim() || request.headers[`x-shopify-${name}`]?.trim();
  return value || undefined;
}

/**
 * Shopify signs the raw body, and nothing else, with HMAC-SHA256 keyed with the app's API secret
 * key, base64-encoded in X-Shopify-Hmac-Sha256 (Shopify-Hmac-Sha256). There is no timestamp,
 * hence no replay window: `now` is unused and replays are stopped by the delivery-id dedupe.
 * https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
 */
export function verify(request: WebhookRequest, secret: ShopifyWebhookSecret, _now: Date): VerifyResult {
  const header = shopifyHeader(request, 'hmac-sha256');
  if (!header) return { ok: false, reason: 'missing_signature' };
  if (!BASE64.test(header)) return { ok: false, reason: 'bad_signature' };
  const provided = Buffer.from(header, 'base64');
  const expected = createHmac('sha256', secret.webhookSecret).update(request.rawBody).digest();
  // timingSafeEqual throws on a length mismatch: a truncated header is a bad signature, not a 500.
  if (provided.length !== SHA256_BYTES || provided.length !== expected.length) return { ok: false, reason: 'bad_signature' };
  return timingSafeEqual(provided, expected) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/** What one delivery of a topic says, or why its body cannot be used. */
type TopicReader = (body: unknown, delivery: Delivery) => { item: WebhookItem } | { ignored: true } | { reason: string };

interface Delivery {
  topic: string;
  webhookId: string;
  /** X-Shopify-Triggered-At, the only clock of the topics whose body has none. */
  triggeredAt: string | undefined;
  mapping: MappingContext;
}

/**
 * The topics omnihub subscribes to (connectors/shopify/README.md). Shapes per Shopify's
 * webhook reference at 2025-10 (https://shopify.dev/docs/api/webhooks?reference=toml), samples
 * in test/fixtures/shopify/. Each delivery carries one event.
 */
/**
 * A consent topic's time: the consent's own `consent_updated_at` (whole seconds), else when Shopify
 * triggered the webhook, floored to Shopify's second. X-Shopify-Triggered-At is sub-second; taken as
 * is, the "not subscribed" a new customer's first consent event states looked newer than a choice
 * made in that same second, whose times are whole seconds, and outvoted it (docs/identity.md §1, §10).
 */
export function consentTime(consentUpdatedAt: string | null | undefined, triggeredAt: string | undefined): string | undefined {
  if (consentUpdatedAt) return consentUpdatedAt;
  if (!triggeredAt) return undefined;
  const ms = Date.parse(triggeredAt);
  // Already a whole second: kept as Shopify wrote it.
  return Number.isNaN(ms) || ms % 1000 === 0 ? triggeredAt : new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

const TOPICS: Record<string, TopicReader> = {
  'customers/create': readCustomer,
  'customers/update': readCustomer,
  'customers_email_marketing_consent/update': (body, delivery) =>
    read(ShopifyEmailConsentWebhookSchema, body, delivery, (payload) => {
      const at = consentTime(payload.email_marketing_consent?.consent_updated_at, delivery.triggeredAt);
      if (!at) return missingClock(delivery);
      const observation = emailConsentObservation(payload, at);
      return observation ? { item: { kind: 'observed', dedupeKey: delivery.webhookId, observation } } : { ignored: true };
    }),
  'customers_marketing_consent/update': (body, delivery) =>
    read(ShopifySmsConsentWebhookSchema, body, delivery, (payload) => {
      const at = consentTime(payload.sms_marketing_consent?.consent_updated_at, delivery.triggeredAt);
      if (!at) return missingClock(delivery);
      const observation = smsConsentObservation(payload, at);
      return observation ? { item: { kind: 'observed', dedupeKey: delivery.webhookId, observation } } : { ignored: true };
    }),
  // A delta is not the customer's tags: the connector reads the customer (CustomerReferenced).
  'customer.tags_added': readTags,
  'customer.tags_removed': readTags,
  'customers/delete': (body, delivery) =>
    read(ShopifyCustomerDeleteWebhookSchema, body, delivery, (payload) => removed(payload.id, 'deleted', delivery)),
  'customers/redact': (body, delivery) =>
    read(ShopifyRedactWebhookSchema, body, delivery, (payload) => removed(payload.customer.id, 'redacted', delivery)),
  'customers/merge': (body, delivery) =>
    read(ShopifyMergeWebhookSchema, body, delivery, (payload) => {
      // failed / in_progress / requested: both customers still exist as they were.
      if (payload.status.toLowerCase() !== 'completed') return { ignored: true };
      if (!delivery.triggeredAt) return missingClock(delivery);
      return {
        item: {
          kind: 'merged',
          dedupeKey: delivery.webhookId,
          survivorId: customerIdFromGid(payload.admin_graphql_api_customer_kept_id),
          mergedIds: [customerIdFromGid(payload.admin_graphql_api_customer_deleted_id)],
          occurredAt: delivery.triggeredAt,
        },
      };
    }),
  // Orders (docs/identity.md §9): every order topic names an order the order function reads.
  // https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/create
  ...Object.fromEntries(
    ['orders/create', 'orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/partially_fulfilled', 'orders/cancelled'].map((topic) => [topic, readOrder]),
  ),
  'refunds/create': (body, delivery) =>
    read(ShopifyRefundWebhookSchema, body, delivery, (payload) => orderReferenced(payload.order_id, payload.created_at, delivery)),
  'fulfillments/create': readFulfillment,
  'fulfillments/update': readFulfillment,
  // These name the fulfillment order only (a gid): the order source reads its order.
  'fulfillment_orders/order_routing_complete': readFulfillmentOrder,
  'fulfillment_orders/line_items_prepared_for_pickup': readFulfillmentOrder,
  'fulfillment_orders/cancelled': readFulfillmentOrder,
};

/** The topics the connector acts on: what the README tells users to subscribe. */
export const SUBSCRIBED_TOPICS = Object.keys(TOPICS);

/**
 * A verified delivery → what it tells the hub. X-Shopify-Webhook-Id identifies the delivery
 * (Shopify's documented dedupe key); a delivery whose body we cannot use is refused whole
 * (400, Shopify sends one event per delivery) with a reason that names paths, never values.
 * https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates
 */
export function parse(request: WebhookRequest, mapping: MappingContext): ParseResult {
  const topic = shopifyHeader(request, 'topic');
  const webhookId = shopifyHeader(request, 'webhook-id');
  if (!topic) return { ok: false, reason: 'missing X-Shopify-Topic header' };
  if (!webhookId) return { ok: false, reason: 'missing X-Shopify-Webhook-Id header' };
  const reader = TOPICS[topic];
  if (!reader) return { ok: true, items: [], ignored: 1 };

  const triggeredHeader = shopifyHeader(request, 'triggered-at');
  const triggeredAt = triggeredHeader && TimestampSchema.safeParse(triggeredHeader).success ? triggeredHeader : undefined;

  let body: unknown;
  try {
    // Shopify ids exceed 2^53: every JSON number is kept as its exact digit string.
    body = parseKeepingDigits(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: `${topic} body is not valid JSON` };
  }
  const outcome = reader(body, { topic, webhookId, triggeredAt, mapping });
  if ('reason' in outcome) return { ok: false, reason: outcome.reason };
  if ('ignored' in outcome) return { ok: true, items: [], ignored: 1 };
  return { ok: true, items: [outcome.item], ignored: 0 };
}

function readCustomer(body: unknown, delivery: Delivery): ReturnType<TopicReader> {
  return read(ShopifyCustomerWebhookSchema, body, delivery, (payload) => ({
    item: { kind: 'observed', dedupeKey: delivery.webhookId, observation: toObservation(payload, delivery.mapping) },
  }));
}

function readOrder(body: unknown, delivery: Delivery): ReturnType<TopicReader> {
  return read(ShopifyOrderWebhookSchema, body, delivery, (payload) => orderReferenced(payload.id, payload.updated_at, delivery));
}

function readFulfillment(body: unknown, delivery: Delivery): ReturnType<TopicReader> {
  return read(ShopifyFulfillmentWebhookSchema, body, delivery, (payload) => orderReferenced(payload.order_id, payload.updated_at, delivery));
}

function readFulfillmentOrder(body: unknown, delivery: Delivery): ReturnType<TopicReader> {
  return read(ShopifyFulfillmentOrderWebhookSchema, body, delivery, (payload) =>
    delivery.triggeredAt ? orderReferenced(payload.fulfillment_order.id, delivery.triggeredAt, delivery) : missingClock(delivery),
  );
}

/**
 * An order (by id, or a fulfillment order by gid) the order function reads. The time is the
 * delivery's (X-Shopify-Triggered-At), else the body's own clock. One delivery, one item:
 * X-Shopify-Webhook-Id dedupes it (orders/updated storms are separate deliveries, each read).
 */
function orderReferenced(externalId: string, bodyTime: string, delivery: Delivery): ReturnType<TopicReader> {
  return { item: { kind: 'order-referenced', dedupeKey: delivery.webhookId, externalId, occurredAt: delivery.triggeredAt ?? bodyTime } };
}

function readTags(body: unknown, delivery: Delivery): ReturnType<TopicReader> {
  return read(ShopifyTagsWebhookSchema, body, delivery, (payload) => ({
    item: { kind: 'referenced', dedupeKey: delivery.webhookId, externalId: customerIdFromGid(payload.customerId), occurredAt: payload.occurredAt },
  }));
}

function removed(externalId: string, reason: 'deleted' | 'redacted', delivery: Delivery): ReturnType<TopicReader> {
  if (!delivery.triggeredAt) return missingClock(delivery);
  return { item: { kind: 'removed', dedupeKey: delivery.webhookId, externalId, reason, occurredAt: delivery.triggeredAt } };
}

function missingClock(delivery: Delivery): { reason: string } {
  return { reason: `${delivery.topic} delivery has no X-Shopify-Triggered-At header` };
}

function read<T>(schema: z.AnySchema<T>, body: unknown, delivery: Delivery, then: (payload: T) => ReturnType<TopicReader>): ReturnType<TopicReader> {
  const payload = z.safeParse(schema, body);
  if (payload.success) return then(payload.data);
  // Paths and issue codes only: the values may be personal data.
  const issues = payload.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.code}`);
  return { reason: `${delivery.topic} body is not what Shopify sends for this topic (${issues.join('; ')})` };
}

/**
 * JSON with every number kept as its exact digits (Shopify ids exceed 2^53), through JSON.parse's
 * source text access (ES2025, Node 22+): as lossless-json did, without its 6 KB in the receiver.
 * https://github.com/tc39/proposal-json-parse-with-source
 */
function parseKeepingDigits(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    if (typeof value !== 'number') return value;
    if (context?.source === undefined) throw new Error('This Node.js has no JSON.parse source text access (Node 22 or later is needed)');
    return context.source;
  });
}
