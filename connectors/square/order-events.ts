import * as z from '../../core/schema';
import { TimestampSchema } from '../../core/model/system';
import type { WebhookItem } from '../connector';
import { SquareIdSchema } from './schemas';

/**
 * The events that name an order, and where each one names it. Every one is treated as an
 * id-only reference (OrderReferenced): order.* carry a summary, never the order, and a POS sale
 * fires no order.created at all, only payment.created / payment.updated with the sale's order_id
 * (https://developer.squareup.com/reference/square/webhooks/order.created). A refund's order_id
 * is the return order Square made for it, not the sale
 * (https://developer.squareup.com/docs/refunds-api/retrieve-refunds): the order source follows
 * its `returns[].source_order_id` back to the sale.
 *
 * Keyed on the top-level `type` and on the single key inside `data.object`, never on
 * `data.type`: the SDK documents "order_created", a real delivery on Square's forum says "order".
 */
export const ORDER_EVENTS = {
  'order.created': 'order_created',
  'order.updated': 'order_updated',
  'order.fulfillment.updated': 'order_fulfillment_updated',
  'payment.created': 'payment',
  'payment.updated': 'payment',
  'refund.created': 'refund',
  'refund.updated': 'refund',
} as const;
export type OrderEventType = keyof typeof ORDER_EVENTS;

export function isOrderEvent(type: string): type is OrderEventType {
  return Object.hasOwn(ORDER_EVENTS, type);
}

/** The order summaries of order.* (order_id required); a payment or refund may have no order. */
const NamedOrderSchema = z.object({ order_id: SquareIdSchema });
const MaybeOrderSchema = z.object({ order_id: z.nullish(SquareIdSchema) });

const eventOf = (key: string, inner: z.ZodMiniType) =>
  z.object({
    event_id: z.string().check(z.minLength(1)),
    created_at: TimestampSchema,
    data: z.object({ object: z.object({ [key]: inner }) }),
  });

/** What an order-naming event tells: the order it names, or none (a payment not tied to an order). */
export type OrderEventReading = { ok: true; item: WebhookItem | undefined } | { ok: false; issues: ReadonlyArray<{ path: PropertyKey[]; code: string }> };

export function readOrderEvent(type: OrderEventType, body: unknown): OrderEventReading {
  const key = ORDER_EVENTS[type];
  const parsed = eventOf(key, key === 'payment' || key === 'refund' ? MaybeOrderSchema : NamedOrderSchema).safeParse(body);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  const inner = (parsed.data.data.object as Record<string, { order_id?: string | null }>)[key];
  const externalId = inner?.order_id;
  // Payments made without the Orders API (and their refunds) name no order: nothing to read.
  if (!externalId) return { ok: true, item: undefined };
  return { ok: true, item: { kind: 'order-referenced', externalId, occurredAt: parsed.data.created_at, dedupeKey: parsed.data.event_id } };
}
