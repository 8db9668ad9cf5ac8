import { createHash } from 'node:crypto';
import { millisStamp, type IdSource } from './clock';
import { squareErrors, type SquareFailure } from './errors';

/**
 * Orders and payments, in Square's wire spelling: money is `{ amount: <integer minor units>,
 * currency }` (the SDK types amounts as bigint), order `version` starts at 1 and grows by one per
 * committed update, fulfillments of type PICKUP move PROPOSED → RESERVED → PREPARED → COMPLETED
 * (or CANCELED / FAILED), each step stamping its pickup_details time.
 * https://developer.squareup.com/reference/square/objects/Order
 * https://developer.squareup.com/docs/orders-api/fulfillments
 */

export interface Money {
  amount: number;
  currency: string;
}

export interface FakeLineItem {
  uid: string;
  name?: string;
  quantity: string;
  base_price_money: Money;
  gross_sales_money: Money;
  total_money: Money;
}

export const FULFILLMENT_STATES = ['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED', 'CANCELED', 'FAILED'] as const;
export type FulfillmentState = (typeof FULFILLMENT_STATES)[number];

export interface FakeFulfillment {
  uid: string;
  type: 'PICKUP';
  state: FulfillmentState;
  pickup_details: {
    recipient: { display_name: string; phone_number?: string; email_address?: string; customer_id?: string };
    schedule_type: 'SCHEDULED' | 'ASAP';
    pickup_at?: string;
    placed_at?: string;
    accepted_at?: string;
    ready_at?: string;
    picked_up_at?: string;
    canceled_at?: string;
  };
}

export interface FakeOrder {
  id: string;
  location_id: string;
  reference_id?: string;
  customer_id?: string;
  source: { name: string };
  line_items: FakeLineItem[];
  fulfillments?: FakeFulfillment[];
  tenders?: Array<{ id: string; type: string; amount_money: Money; payment_id: string }>;
  total_money: Money;
  net_amount_due_money: Money;
  state: 'OPEN' | 'COMPLETED' | 'CANCELED' | 'DRAFT';
  version: number;
  created_at: string;
  updated_at: string;
  closed_at?: string;
}

export interface FakePayment {
  id: string;
  created_at: string;
  updated_at: string;
  amount_money: Money;
  total_money: Money;
  status: 'APPROVED' | 'PENDING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  source_type: 'CARD' | 'CASH' | 'EXTERNAL';
  location_id: string;
  order_id: string;
  customer_id?: string;
  receipt_number: string;
  version_token: string;
}

export interface OrderInput {
  location_id: string;
  reference_id?: string;
  customer_id?: string;
  line_items: Array<{ uid?: string; name?: string; quantity: string; base_price_money: Money }>;
  fulfillments?: Array<{
    uid?: string;
    type: 'PICKUP';
    state?: FulfillmentState;
    pickup_details: { recipient: FakeFulfillment['pickup_details']['recipient']; schedule_type?: 'SCHEDULED' | 'ASAP'; pickup_at?: string };
  }>;
}

export type OrderChange =
  | { kind: 'order_created' | 'order_updated'; order: FakeOrder; fulfillmentUpdate?: Array<{ fulfillment_uid: string; old_state?: FulfillmentState; new_state: FulfillmentState }> }
  | { kind: 'payment_created' | 'payment_updated'; payment: FakePayment };

/** Orders, payments, CreateOrder's replay table and the receipt counter, as persistPath keeps them. */
export interface OrdersSnapshot {
  orders: FakeOrder[];
  payments: FakePayment[];
  replays: Array<{ key: string; fingerprint: string; order: FakeOrder }>;
  receipts: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; failure: SquareFailure };

/** Where each fulfillment step stamps its time (inferred from the pickup_details field docs). */
const STAMPS: Partial<Record<FulfillmentState, keyof FakeFulfillment['pickup_details']>> = {
  RESERVED: 'accepted_at',
  PREPARED: 'ready_at',
  COMPLETED: 'picked_up_at',
  CANCELED: 'canceled_at',
};
const STEP: Record<FulfillmentState, number> = { PROPOSED: 0, RESERVED: 1, PREPARED: 2, COMPLETED: 3, CANCELED: 4, FAILED: 4 };

export class OrdersState {
  readonly orders = new Map<string, FakeOrder>();
  readonly payments = new Map<string, FakePayment>();
  readonly locations: string[];
  private readonly idempotency = new Map<string, { fingerprint: string; order: FakeOrder }>();
  private listeners: Array<(change: OrderChange) => void> = [];
  private receipts = 0;

  constructor(
    private readonly now: () => Date,
    private readonly ids: IdSource,
    locations: string[],
  ) {
    this.locations = [...locations];
  }

  onChange(listener: (change: OrderChange) => void): void {
    this.listeners.push(listener);
  }

  /** CreateOrder: at most one fulfillment through the API; the same idempotency key replays, with other data it is refused. */
  create(input: OrderInput, idempotencyKey?: string, body?: unknown): Result<FakeOrder> {
    const fingerprint = createHash('sha256').update(JSON.stringify(body ?? input)).digest('hex');
    if (idempotencyKey !== undefined) {
      const earlier = this.idempotency.get(idempotencyKey);
      if (earlier) return earlier.fingerprint === fingerprint ? { ok: true, value: structuredClone(earlier.order) } : { ok: false, failure: squareErrors.idempotencyKeyReused() };
    }
    if (!this.locations.includes(input.location_id)) return { ok: false, failure: squareErrors.notFound(`Location \`${input.location_id}\` not found.`) };
    if ((input.fulfillments?.length ?? 0) > 1) {
      return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', 'Only one fulfillment can be specified when creating an order.', 'order.fulfillments') };
    }
    const currency = input.line_items[0]?.base_price_money.currency ?? 'USD';
    if (input.line_items.some((item) => item.base_price_money.currency !== currency)) {
      return { ok: false, failure: squareErrors.invalid('CURRENCY_MISMATCH', 'All money amounts of an order must use one currency.', 'order.line_items') };
    }
    const at = millisStamp(this.now());
    const lineItems: FakeLineItem[] = input.line_items.map((item) => {
      const total = Math.round(Number(item.quantity) * item.base_price_money.amount);
      return {
        uid: item.uid ?? this.ids.next(22),
        ...(item.name === undefined ? {} : { name: item.name }),
        quantity: item.quantity,
        base_price_money: { ...item.base_price_money },
        gross_sales_money: { amount: total, currency },
        total_money: { amount: total, currency },
      };
    });
    const total = { amount: lineItems.reduce((sum, item) => sum + item.total_money.amount, 0), currency };
    const order: FakeOrder = {
      id: this.ids.next(29),
      location_id: input.location_id,
      ...(input.reference_id === undefined ? {} : { reference_id: input.reference_id }),
      ...(input.customer_id === undefined ? {} : { customer_id: input.customer_id }),
      source: { name: 'omnihub sandbox' },
      line_items: lineItems,
      ...(input.fulfillments
        ? {
            fulfillments: input.fulfillments.map((fulfillment) => ({
              uid: fulfillment.uid ?? this.ids.next(22),
              type: fulfillment.type,
              state: fulfillment.state ?? 'PROPOSED',
              pickup_details: {
                recipient: { ...fulfillment.pickup_details.recipient },
                schedule_type: fulfillment.pickup_details.schedule_type ?? 'SCHEDULED',
                ...(fulfillment.pickup_details.pickup_at ? { pickup_at: fulfillment.pickup_details.pickup_at } : {}),
                placed_at: at,
              },
            })),
          }
        : {}),
      total_money: total,
      net_amount_due_money: { ...total },
      state: 'OPEN',
      version: 1,
      created_at: at,
      updated_at: at,
    };
    this.orders.set(order.id, order);
    if (idempotencyKey !== undefined) this.idempotency.set(idempotencyKey, { fingerprint, order: structuredClone(order) });
    this.emit({ kind: 'order_created', order });
    return { ok: true, value: structuredClone(order) };
  }

  /** A fulfillment moves forward only (Square refuses going back), or to CANCELED / FAILED; each step bumps the order's version. */
  setFulfillmentState(orderId: string, uid: string, state: FulfillmentState): Result<FakeOrder> {
    const order = this.orders.get(orderId);
    const fulfillment = order?.fulfillments?.find((each) => each.uid === uid);
    if (!order || !fulfillment) return { ok: false, failure: squareErrors.notFound(`Order \`${orderId}\` has no fulfillment \`${uid}\`.`) };
    const old = fulfillment.state;
    if (STEP[state] < STEP[old] || STEP[old] >= 3) {
      return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', `Fulfillment cannot move from ${old} to ${state}.`, 'order.fulfillments.state') };
    }
    const at = millisStamp(this.now());
    fulfillment.state = state;
    const stamp = STAMPS[state];
    if (stamp) Object.assign(fulfillment.pickup_details, { [stamp]: at });
    if (state === 'COMPLETED' && order.net_amount_due_money.amount === 0) {
      order.state = 'COMPLETED';
      order.closed_at = at;
    }
    if (state === 'CANCELED' && order.fulfillments?.every((each) => each.state === 'CANCELED')) order.state = 'CANCELED';
    this.touch(order, at);
    this.emit({ kind: 'order_updated', order, fulfillmentUpdate: [{ fulfillment_uid: uid, old_state: old, new_state: state }] });
    return { ok: true, value: structuredClone(order) };
  }

  /** The buyer pays the whole order at the counter: a COMPLETED payment, a tender on the order, nothing left due. */
  pay(orderId: string, sourceType: FakePayment['source_type'] = 'CARD'): Result<FakePayment> {
    const order = this.orders.get(orderId);
    if (!order) return { ok: false, failure: squareErrors.notFound(`Order \`${orderId}\` not found.`) };
    if (order.net_amount_due_money.amount === 0) return { ok: false, failure: squareErrors.invalid('BAD_REQUEST', 'The order is already paid.', 'order_id') };
    const at = millisStamp(this.now());
    this.receipts += 1;
    const payment: FakePayment = {
      id: this.ids.next(29),
      created_at: at,
      updated_at: at,
      amount_money: { ...order.net_amount_due_money },
      total_money: { ...order.net_amount_due_money },
      status: 'COMPLETED',
      source_type: sourceType,
      location_id: order.location_id,
      order_id: order.id,
      ...(order.customer_id === undefined ? {} : { customer_id: order.customer_id }),
      receipt_number: `R${String(this.receipts).padStart(3, '0')}`,
      version_token: this.ids.next(20),
    };
    this.payments.set(payment.id, payment);
    order.tenders = [...(order.tenders ?? []), { id: this.ids.next(22), type: sourceType, amount_money: { ...payment.amount_money }, payment_id: payment.id }];
    order.net_amount_due_money = { amount: 0, currency: order.total_money.currency };
    if (order.fulfillments?.every((each) => each.state === 'COMPLETED')) {
      order.state = 'COMPLETED';
      order.closed_at = at;
    }
    this.touch(order, at);
    this.emit({ kind: 'payment_created', payment });
    this.emit({ kind: 'order_updated', order });
    return { ok: true, value: structuredClone(payment) };
  }

  /** A copy of everything, for persistPath. */
  snapshot(): OrdersSnapshot {
    return {
      orders: structuredClone([...this.orders.values()]),
      payments: structuredClone([...this.payments.values()]),
      replays: [...this.idempotency].map(([key, entry]) => ({ key, fingerprint: entry.fingerprint, order: structuredClone(entry.order) })),
      receipts: this.receipts,
    };
  }

  /** Replaces everything with saved orders and payments (no webhook). */
  load(snapshot: OrdersSnapshot): void {
    this.orders.clear();
    this.payments.clear();
    this.idempotency.clear();
    for (const order of snapshot.orders) this.orders.set(order.id, structuredClone(order));
    for (const payment of snapshot.payments) this.payments.set(payment.id, structuredClone(payment));
    for (const { key, fingerprint, order } of snapshot.replays) this.idempotency.set(key, { fingerprint, order: structuredClone(order) });
    this.receipts = snapshot.receipts;
  }

  private touch(order: FakeOrder, at: string): void {
    order.version += 1;
    order.updated_at = at;
  }

  private emit(change: OrderChange): void {
    const copy = structuredClone(change);
    for (const listener of this.listeners) listener(copy);
  }
}
