import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseLosslessJson } from 'lossless-json';
import type { MappingContext, ParseResult, VerifyResult, WebhookRequest } from '../connector';
import type { ShopifyWebhookSecret } from './manifest';
import { toObservation } from './mapping';
import { ShopifyCustomerWebhookSchema } from './schemas';

/** Topics whose body is the whole customer (REST shape). Anything else is counted as ignored. */
const CUSTOMER_TOPICS = new Set(['customers/create', 'customers/update']);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_BYTES = 32;

/**
 * Shopify signs the raw body, and nothing else, with HMAC-SHA256 keyed with the app's API secret
 * key, base64-encoded in X-Shopify-Hmac-Sha256. There is no timestamp, hence no replay window:
 * `now` is unused and replays are stopped by the delivery-id dedupe instead.
 * https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
 */
export function verify(request: WebhookRequest, secret: ShopifyWebhookSecret, _now: Date): VerifyResult {
  const header = request.headers['x-shopify-hmac-sha256']?.trim();
  if (!header) return { ok: false, reason: 'missing_signature' };
  if (!BASE64.test(header)) return { ok: false, reason: 'bad_signature' };
  const provided = Buffer.from(header, 'base64');
  const expected = createHmac('sha256', secret.webhookSecret).update(request.rawBody).digest();
  // timingSafeEqual throws on a length mismatch: a truncated header is a bad signature, not a 500.
  if (provided.length !== SHA256_BYTES || provided.length !== expected.length) return { ok: false, reason: 'bad_signature' };
  return timingSafeEqual(provided, expected) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/**
 * A verified delivery → what it tells the hub. customers/create and customers/update carry the
 * whole customer; X-Shopify-Webhook-Id identifies the delivery (Shopify's documented dedupe key).
 * https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates
 */
export function parse(request: WebhookRequest, mapping: MappingContext): ParseResult {
  const topic = request.headers['x-shopify-topic']?.trim();
  const webhookId = request.headers['x-shopify-webhook-id']?.trim();
  if (!topic) return { ok: false, reason: 'missing X-Shopify-Topic header' };
  if (!webhookId) return { ok: false, reason: 'missing X-Shopify-Webhook-Id header' };
  if (!CUSTOMER_TOPICS.has(topic)) return { ok: true, items: [], ignored: 1 };

  let body: unknown;
  try {
    // Shopify ids exceed 2^53: every JSON number is kept as its exact digit string.
    body = parseLosslessJson(request.rawBody.toString('utf8'), null, (digits) => digits);
  } catch {
    return { ok: false, reason: `${topic} body is not valid JSON` };
  }
  const payload = ShopifyCustomerWebhookSchema.safeParse(body);
  if (!payload.success) {
    // Paths and issue codes only: the values may be personal data.
    const issues = payload.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.code}`);
    return { ok: false, reason: `${topic} body is not a Shopify customer (${issues.join('; ')})` };
  }
  return {
    ok: true,
    items: [{ kind: 'observed', dedupeKey: webhookId, observation: toObservation(payload.data, mapping) }],
    ignored: 0,
  };
}
