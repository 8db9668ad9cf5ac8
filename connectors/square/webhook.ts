import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../core/schema';
import type { MappingContext, ParseResult, UnusableEvent, VerifyResult, WebhookItem, WebhookRequest } from '../connector';
import type { SquareWebhookSecret } from './manifest';
import { customerFromWire, toObservation } from './mapping';
import { isOrderEvent, ORDER_EVENTS, readOrderEvent } from './order-events';
import { SquareCustomerEventSchema, SquareEventEnvelopeSchema, type SquareCustomerEvent } from './schemas';

export const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_BYTES = 32;

/**
 * Square signs the notification URL (exactly as configured in the subscription) followed by the
 * raw body: base64(HMAC-SHA256(signatureKey, notificationUrl + body)) in x-square-hmacsha256-signature.
 * https://developer.squareup.com/docs/webhooks/step3validate (the SDK's WebhooksHelper.verifySignature)
 *
 * The URL is the configured one from the secret, never the URL we were reached at: behind API
 * Gateway or a proxy the two differ, and only the configured one is what Square signed. There is
 * no timestamp in the signature, hence no replay window: `now` is unused, and a replay is a
 * duplicate event_id, which the receiver's dedupe drops. Compared in constant time after a length
 * check, unlike the SDK helper's `===`.
 */
export function verify(request: WebhookRequest, secret: SquareWebhookSecret, _now: Date): VerifyResult {
  const header = request.headers[SIGNATURE_HEADER]?.trim();
  if (!header) return { ok: false, reason: 'missing_signature' };
  if (!BASE64.test(header)) return { ok: false, reason: 'bad_signature' };
  const provided = Buffer.from(header, 'base64');
  // The body goes in as received bytes: never re-serialized JSON.
  const expected = createHmac('sha256', secret.signatureKey).update(secret.notificationUrl, 'utf8').update(request.rawBody).digest();
  // timingSafeEqual throws on a length mismatch: a truncated header is a bad signature, not a 500.
  if (provided.length !== SHA256_BYTES || provided.length !== expected.length) return { ok: false, reason: 'bad_signature' };
  return timingSafeEqual(provided, expected) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/** The event types omnihub acts on: what the README tells users to subscribe to. */
export const SUBSCRIBED_EVENTS = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'order.created',
  'order.updated',
  'order.fulfillment.updated',
  'payment.created',
  'payment.updated',
  'refund.created',
  'refund.updated',
] as const satisfies ReadonlyArray<'customer.created' | 'customer.updated' | 'customer.deleted' | keyof typeof ORDER_EVENTS>;

/**
 * A verified notification → what it tells the hub. Square sends one event per request; its
 * `event_id` is the documented idempotency key (retries and duplicates carry the same one).
 * - customer.created / customer.updated carry the whole customer: observed, nothing to read;
 * - customer.deleted: removed, or, when a merge deleted it (`event_context.merge`), merged into
 *   the new customer the merge created (whose own customer.created carries its data);
 * - order.created / order.updated / order.fulfillment.updated, payment.created / payment.updated
 *   and refund.created / refund.updated name an order: order-referenced, the order function reads
 *   it (order-events.ts); a payment or refund without an order_id is ignored;
 * - anything else (loyalty, webhooks.test_notification) is ignored.
 * An event we should act on but cannot read is `unusable` (parked, 2xx): Square retries any
 * non-2xx for up to 72 hours and disables a subscription that gets none for three weeks, so a
 * refusal would buy nothing. Reasons name paths and codes, never values.
 * https://developer.squareup.com/docs/customers-api/use-the-api/customer-webhooks
 */
export function parse(request: WebhookRequest, mapping: MappingContext): ParseResult {
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'Square notification body is not JSON' };
  }
  const envelope = SquareEventEnvelopeSchema.safeParse(body);
  if (!envelope.success) return unusable(body, `Square notification is not an event envelope (${describeIssues(envelope.error.issues)})`);
  const { type } = envelope.data;
  if (!(SUBSCRIBED_EVENTS as readonly string[]).includes(type)) return { ok: true, items: [], ignored: 1 };
  if (isOrderEvent(type)) {
    const reading = readOrderEvent(type, body);
    if (!reading.ok) return unusable(body, `Square ${type} event does not match the expected shape (${describeIssues(reading.issues)})`);
    return reading.item ? { ok: true, items: [reading.item], ignored: 0 } : { ok: true, items: [], ignored: 1 };
  }

  const event = SquareCustomerEventSchema.safeParse(body);
  if (!event.success) return unusable(body, `Square ${type} event does not match the expected shape (${describeIssues(event.error.issues)})`);
  return { ok: true, items: [itemOf(event.data, mapping)], ignored: 0 };
}

function itemOf(event: SquareCustomerEvent, mapping: MappingContext): WebhookItem {
  const dedupeKey = event.event_id;
  const { customer, event_context: context } = event.data.object;
  if (event.type !== 'customer.deleted') {
    return { kind: 'observed', dedupeKey, observation: toObservation(customerFromWire(customer), mapping) };
  }
  if (context) {
    // One customer.deleted per merged-away profile, each naming the whole merge.
    const mergedIds = [...new Set([...context.merge.from_customer_ids, event.data.id])].filter((id) => id !== context.merge.to_customer_id);
    return { kind: 'merged', dedupeKey, survivorId: context.merge.to_customer_id, mergedIds, occurredAt: event.created_at };
  }
  return { kind: 'removed', dedupeKey, externalId: event.data.id, reason: 'deleted', occurredAt: event.created_at };
}

function unusable(raw: unknown, reason: string): ParseResult {
  const event: UnusableEvent = { reason, ...eventRef(raw), raw };
  return { ok: true, items: [], ignored: 0, unusable: [event] };
}

/** Paths and codes only: messages and values could carry personal data. */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; code: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(event)'}: ${issue.code}`).join('; ');
}

const EventIdSchema = z.object({ event_id: z.string().check(z.regex(/^[A-Za-z0-9-]{1,100}$/)) });

/** The vendor's own event id, for the parking lot, when the event has a usable one. */
function eventRef(raw: unknown): { eventRef?: string } {
  const id = EventIdSchema.safeParse(raw);
  return id.success ? { eventRef: id.data.event_id } : {};
}
