import { createHash } from 'node:crypto';
import { millisStamp, type IdSource } from './clock';
import { squareErrors, type SquareFailure } from './errors';

/**
 * Orders, payments and refunds, in Square's wire spelling: money is `{ amount: <integer minor
 * units>, currency }` (the SDK types amounts as bigint), fulfillments of type PICKUP move
 * PROPOSED → RESERVED → PREPARED → COMPLETED (or CANCELED / FAILED), each step stamping its
 * pickup_details time.
 * - An order created through the API (CreateOrder) has a `version`: 1, then +1 per committed
 *   update; it fires order.created. A sale rung up at the Point of Sale has NO version ("Orders
 *   not created through the API do not include a version number and therefore cannot be
 *   updated") and fires no order.created: only payment.created / payment.updated naming it.
 * - A refund is a new return order (`returns[].source_order_id` is the sale) with the refund in
 *   it; the PaymentRefund's `order_id` names that return order, not the sale
 *   (https://developer.squareup.com/docs/refunds-api/retrieve-refunds). The sale gets the Refund
 *   in its `refunds`, its `return_amounts` grow and its `net_amounts` shrink (Order.net_amounts:
 *   "sale money - return money"; that Square updates the sale's amounts is inferred).
 * https://developer.squareup.com/reference/square/objects/Order
 * https://developer.squareup.com/docs/orders-api/fulfillments
 * https://developer.squareup.com/docs/orders-api/order-returns-exchanges
 */

export interface Money {
  amount: number;
  currency: string;
}

export interface FakeLineItem {
  uid: string;
  name?: string;
  catalog_object_id?: string;
  variation_name?: string;
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
    rejected_at?: string;
  };
}

/** Order.net_amounts / return_amounts (OrderMoneyAmounts). */
export interface FakeMoneyAmounts {
  total_money: Money;
  tax_money: Money;
  discount_money: Money;
  tip_money: Money;
  service_charge_money: Money;
}

/** Order.refunds[] (Refund: the tender refund, `transaction_id` = the sale's order id). */
export interface FakeOrderRefund {
  id: string;
  location_id: string;
  transaction_id: string;
  tender_id: string;
  created_at: string;
  reason: string;
  amount_money: Money;
  status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'FAILED';
}

/** Order.returns[] of a return order: a custom-amount refund of the sale. */
export interface FakeOrderReturn {
  uid: string;
  source_order_id: string;
  return_line_items: Array<{ uid: string; name: string; quantity: string; item_type: 'CUSTOM_AMOUNT'; base_price_money: Money; total_money: Money }>;
  return_amounts: FakeMoneyAmounts;
}

/** PaymentRefund, as refund.created / refund.updated carry it. */
export interface FakeRefund {
  id: string;
  status: 'PENDING' | 'COMPLETED' | 'REJECTED' | 'FAILED';
  location_id: string;
  amount_money: Money;
  payment_id: string;
  /** The return order made for the refund. */
  order_id: string;
  reason: string;
  created_at: string;
  updated_at: string;
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
  refunds?: FakeOrderRefund[];
  returns?: FakeOrderReturn[];
  return_amounts?: FakeMoneyAmounts;
  net_amounts: FakeMoneyAmounts;
  total_money: Money;
  net_amount_due_money: Money;
  state: 'OPEN' | 'COMPLETED' | 'CANCELED' | 'DRAFT';
  /** Only on orders created through the API. */
  version?: number;
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
  refunded_money?: Money;
  refund_ids?: string[];
}

/** A sale rung up at the counter (Square Point of Sale): paid at once, closed. */
export interface SaleInput {
  location_id?: string;
  customer_id?: string;
  line_items: Array<{ name: string; quantity: string; base_price_money: Money; catalog_object_id?: string; variation_name?: string }>;
  source_type?: FakePayment['source_type'];
}

/** UpdateOrder's sparse order: what the fake applies (fulfillment states, the order state). */
export interface OrderUpdate {
  version?: number;
  state?: FakeOrder['state'];
  fulfillments?: Array<{ uid: string; state?: FulfillmentState }>;
}

export interface OrderInput {
  location_id: string;
  reference_id?: string;
  customer_id?: string;
  line_items: Array<{ uid?: string; name?: string; quantity: string; base_price_money: Money; catalog_object_id?: string; variation_name?: string }>;
  fulfillments?: Array<{
    uid?: string;
    type: 'PICKUP';
    state?: FulfillmentState;
    pickup_details: { recipient: FakeFulfillment['pickup_details']['recipient']; schedule_type?: 'SCHEDULED' | 'ASAP'; pickup_at?: string };
  }>;
}

export type OrderChange =
  | { kind: 'order_created' | 'order_updated'; order: FakeOrder; fulfillmentUpdate?: Array<{ fulfillment_uid: string; old_state?: FulfillmentState; new_state: FulfillmentState }> }
  | { kind: 'payment_created' | 'payment_updated'; payment: FakePayment }
  | { kind: 'refund_created' | 'refund_updated'; refund: FakeRefund };

/** Orders, payments, CreateOrder's replay table and the receipt counter, as persistPath keeps them. */
export interface OrdersSnapshot {
  orders: FakeOrder[];
  payments: FakePayment[];
  refunds?: FakeRefund[];
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
  FAILED: 'rejected_at',
};
/** What the Point of Sale names itself as in `source.name` (Square's own app). */
export const POS_SOURCE = 'Square Point of Sale';
const STEP: Record<FulfillmentState, number> = { PROPOSED: 0, RESERVED: 1, PREPARED: 2, COMPLETED: 3, CANCELED: 4, FAILED: 4 };

export class OrdersState {
  readonly orders = new Map<string, FakeOrder>();
  readonly payments = new Map<string, FakePayment>();
  readonly refunds = new Map<string, FakeRefund>();
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
    const lineItems = this.lineItems(input.line_items, currency);
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
      net_amounts: amounts(total.amount, currency),
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
    if (!order) return { ok: false, failure: squareErrors.notFound(`Order \`${orderId}\` not found.`) };
    const at = millisStamp(this.now());
    const moved = this.moveFulfillment(order, uid, state, at);
    if (!moved.ok) return moved;
    this.touch(order, at);
    this.emit({ kind: 'order_updated', order, fulfillmentUpdate: [moved.value] });
    return { ok: true, value: structuredClone(order) };
  }

  /**
   * UpdateOrder: a sparse order with the version it was read at. No version: BAD_REQUEST on
   * order.version; another version: VERSION_MISMATCH (400, as on Square's forum); an order without
   * a version (not created through the API) cannot be updated. Fulfillment state changes fire
   * order.updated and order.fulfillment.updated.
   * https://developer.squareup.com/docs/orders-api/manage-orders/update-orders
   */
  update(orderId: string, change: OrderUpdate): Result<FakeOrder> {
    const order = this.orders.get(orderId);
    if (!order) return { ok: false, failure: squareErrors.notFound(`Order \`${orderId}\` not found.`) };
    if (order.version === undefined) return { ok: false, failure: squareErrors.invalid('BAD_REQUEST', 'Orders not created through the API cannot be updated.', 'order_id') };
    if (change.version === undefined) return { ok: false, failure: squareErrors.invalid('BAD_REQUEST', 'Missing required parameter.', 'order.version') };
    if (change.version !== order.version) return { ok: false, failure: squareErrors.versionMismatch('order', order.id, change.version, order.version, 'order.version') };
    const draft = structuredClone(order);
    const at = millisStamp(this.now());
    const updates: Array<{ fulfillment_uid: string; old_state: FulfillmentState; new_state: FulfillmentState }> = [];
    for (const fulfillment of change.fulfillments ?? []) {
      if (fulfillment.state === undefined) continue;
      const moved = this.moveFulfillment(draft, fulfillment.uid, fulfillment.state, at);
      if (!moved.ok) return moved;
      updates.push(moved.value);
    }
    if (change.state === 'CANCELED') {
      const canceled = this.cancelDraft(draft, at);
      if (!canceled.ok) return canceled;
      updates.push(...canceled.value);
    } else if (change.state !== undefined && change.state !== draft.state) {
      return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', `The fake moves an order's state only to CANCELED.`, 'order.state') };
    }
    this.touch(draft, at);
    this.orders.set(draft.id, draft);
    this.emit({ kind: 'order_updated', order: draft, ...(updates.length > 0 ? { fulfillmentUpdate: updates } : {}) });
    return { ok: true, value: structuredClone(draft) };
  }

  /** The seller cancels an unpaid order (the Dashboard or the Order Manager): CANCELED, and so is each open fulfillment. */
  cancel(orderId: string): Result<FakeOrder> {
    const order = this.orders.get(orderId);
    if (!order) return { ok: false, failure: squareErrors.notFound(`Order \`${orderId}\` not found.`) };
    const draft = structuredClone(order);
    const at = millisStamp(this.now());
    const canceled = this.cancelDraft(draft, at);
    if (!canceled.ok) return canceled;
    this.touch(draft, at);
    this.orders.set(draft.id, draft);
    this.emit({ kind: 'order_updated', order: draft, ...(canceled.value.length > 0 ? { fulfillmentUpdate: canceled.value } : {}) });
    return { ok: true, value: structuredClone(draft) };
  }

  private cancelDraft(order: FakeOrder, at: string): Result<Array<{ fulfillment_uid: string; old_state: FulfillmentState; new_state: FulfillmentState }>> {
    if (order.state !== 'OPEN' && order.state !== 'DRAFT') return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', `An order in state ${order.state} cannot be canceled.`, 'order.state') };
    // A paid order is refunded, not canceled.
    if ((order.tenders ?? []).length > 0) return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', 'An order with payments cannot be canceled; refund it instead.', 'order.state') };
    const updates = [];
    for (const fulfillment of order.fulfillments ?? []) {
      if (STEP[fulfillment.state] >= 3) continue;
      updates.push({ fulfillment_uid: fulfillment.uid, old_state: fulfillment.state, new_state: 'CANCELED' as const });
      fulfillment.state = 'CANCELED';
      fulfillment.pickup_details.canceled_at = at;
    }
    order.state = 'CANCELED';
    order.closed_at = at;
    return { ok: true, value: updates };
  }

  /**
   * A sale rung up at the counter: Square Point of Sale makes the order (no version) and takes
   * the payment at once. Webhooks: payment.created (APPROVED) and payment.updated (COMPLETED),
   * each with the order_id; no order.* event ("Creating an order in the Point of Sale app will
   * not publish this event", OrderCreatedEvent).
   */
  ringUpSale(input: SaleInput): Result<{ order: FakeOrder; payment: FakePayment }> {
    const location = input.location_id ?? this.locations[0]!;
    if (!this.locations.includes(location)) return { ok: false, failure: squareErrors.notFound(`Location \`${location}\` not found.`) };
    const currency = input.line_items[0]?.base_price_money.currency ?? 'USD';
    if (input.line_items.length === 0 || input.line_items.some((item) => item.base_price_money.currency !== currency)) {
      return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', 'A sale needs line items in one currency.', 'order.line_items') };
    }
    const at = millisStamp(this.now());
    const lineItems = this.lineItems(input.line_items, currency);
    const total = { amount: lineItems.reduce((sum, item) => sum + item.total_money.amount, 0), currency };
    const order: FakeOrder = {
      id: this.ids.next(29),
      location_id: location,
      ...(input.customer_id === undefined ? {} : { customer_id: input.customer_id }),
      source: { name: POS_SOURCE },
      line_items: lineItems,
      net_amounts: amounts(total.amount, currency),
      total_money: total,
      net_amount_due_money: { ...total },
      state: 'COMPLETED',
      created_at: at,
      updated_at: at,
      closed_at: at,
    };
    this.orders.set(order.id, order);
    const payment = this.newPayment(order, total, input.source_type ?? 'CARD', 'APPROVED', at);
    this.emit({ kind: 'payment_created', payment });
    payment.status = 'COMPLETED';
    this.emit({ kind: 'payment_updated', payment });
    return { ok: true, value: { order: structuredClone(order), payment: structuredClone(payment) } };
  }

  /**
   * The seller refunds `amount` (default: all that is left) of the order's first payment. Square
   * makes a return order holding the refund (refund.created with its id as order_id, PENDING,
   * then refund.updated COMPLETED), the payment shows refunded_money (payment.updated), and the
   * sale holds the refund and smaller net amounts (order.updated for an API-created order).
   */
  refund(orderId: string, amount?: number, reason = 'Returned goods'): Result<{ refund: FakeRefund; returnOrder: FakeOrder }> {
    const order = this.orders.get(orderId);
    if (!order) return { ok: false, failure: squareErrors.notFound(`Order \`${orderId}\` not found.`) };
    const tender = order.tenders?.[0];
    const payment = tender ? this.payments.get(tender.payment_id) : undefined;
    if (!tender || !payment || payment.status !== 'COMPLETED') return { ok: false, failure: squareErrors.invalid('BAD_REQUEST', 'The order has no completed payment to refund.', 'payment_id') };
    const currency = payment.amount_money.currency;
    const left = payment.amount_money.amount - (payment.refunded_money?.amount ?? 0);
    const refunded = amount ?? left;
    if (!Number.isInteger(refunded) || refunded <= 0) return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', 'The refund amount must be a positive integer.', 'amount_money.amount') };
    if (refunded > left) return { ok: false, failure: squareErrors.invalid('AMOUNT_TOO_HIGH', 'The requested refund amount exceeds the amount available to refund.', 'amount_money.amount') };
    const at = millisStamp(this.now());
    const money = { amount: refunded, currency };
    const orderRefund: FakeOrderRefund = {
      id: this.ids.next(29),
      location_id: order.location_id,
      transaction_id: order.id,
      tender_id: tender.id,
      created_at: at,
      reason,
      amount_money: { ...money },
      status: 'APPROVED',
    };
    const returned = amounts(refunded, currency);
    const returnOrder: FakeOrder = {
      id: this.ids.next(29),
      location_id: order.location_id,
      ...(order.customer_id === undefined ? {} : { customer_id: order.customer_id }),
      source: { ...order.source },
      line_items: [],
      returns: [
        {
          uid: this.ids.next(22),
          source_order_id: order.id,
          return_line_items: [{ uid: this.ids.next(22), name: 'Custom Amount', quantity: '1', item_type: 'CUSTOM_AMOUNT', base_price_money: { ...money }, total_money: { ...money } }],
          return_amounts: returned,
        },
      ],
      refunds: [structuredClone(orderRefund)],
      return_amounts: returned,
      net_amounts: amounts(-refunded, currency),
      total_money: { amount: 0, currency },
      net_amount_due_money: { amount: 0, currency },
      state: 'COMPLETED',
      created_at: at,
      updated_at: at,
      closed_at: at,
    };
    this.orders.set(returnOrder.id, returnOrder);
    const refund: FakeRefund = { id: `${payment.id}_${this.ids.next(40)}`, status: 'PENDING', location_id: order.location_id, amount_money: { ...money }, payment_id: payment.id, order_id: returnOrder.id, reason, created_at: at, updated_at: at };
    this.refunds.set(refund.id, refund);
    payment.refunded_money = { amount: (payment.refunded_money?.amount ?? 0) + refunded, currency };
    payment.refund_ids = [...(payment.refund_ids ?? []), refund.id];
    payment.updated_at = at;
    order.refunds = [...(order.refunds ?? []), orderRefund];
    order.return_amounts = amounts((order.return_amounts?.total_money.amount ?? 0) + refunded, currency);
    order.net_amounts = amounts(order.net_amounts.total_money.amount - refunded, currency);
    this.touch(order, at);
    this.emit({ kind: 'refund_created', refund });
    this.emit({ kind: 'payment_updated', payment });
    if (order.version !== undefined) this.emit({ kind: 'order_updated', order });
    refund.status = 'COMPLETED';
    this.emit({ kind: 'refund_updated', refund });
    return { ok: true, value: { refund: structuredClone(refund), returnOrder: structuredClone(returnOrder) } };
  }

  /** The buyer pays the whole order at the counter: a COMPLETED payment, a tender on the order, nothing left due. */
  pay(orderId: string, sourceType: FakePayment['source_type'] = 'CARD'): Result<FakePayment> {
    const order = this.orders.get(orderId);
    if (!order) return { ok: false, failure: squareErrors.notFound(`Order \`${orderId}\` not found.`) };
    if (order.state !== 'OPEN') return { ok: false, failure: squareErrors.invalid('BAD_REQUEST', `An order in state ${order.state} cannot be paid.`, 'order_id') };
    if (order.net_amount_due_money.amount === 0) return { ok: false, failure: squareErrors.invalid('BAD_REQUEST', 'The order is already paid.', 'order_id') };
    const at = millisStamp(this.now());
    const payment = this.newPayment(order, order.net_amount_due_money, sourceType, 'COMPLETED', at);
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
      refunds: structuredClone([...this.refunds.values()]),
      replays: [...this.idempotency].map(([key, entry]) => ({ key, fingerprint: entry.fingerprint, order: structuredClone(entry.order) })),
      receipts: this.receipts,
    };
  }

  /** Replaces everything with saved orders and payments (no webhook). */
  load(snapshot: OrdersSnapshot): void {
    this.orders.clear();
    this.payments.clear();
    this.refunds.clear();
    this.idempotency.clear();
    for (const order of snapshot.orders) this.orders.set(order.id, structuredClone(order));
    for (const payment of snapshot.payments) this.payments.set(payment.id, structuredClone(payment));
    for (const refund of snapshot.refunds ?? []) this.refunds.set(refund.id, structuredClone(refund));
    for (const { key, fingerprint, order } of snapshot.replays) this.idempotency.set(key, { fingerprint, order: structuredClone(order) });
    this.receipts = snapshot.receipts;
  }

  /** Every committed change: updated_at, and +1 on the version of an order that has one (API-created). */
  private touch(order: FakeOrder, at: string): void {
    if (order.version !== undefined) order.version += 1;
    order.updated_at = at;
  }

  private lineItems(items: OrderInput['line_items'], currency: string): FakeLineItem[] {
    return items.map((item) => {
      // Square rounds a fractional quantity's total to the minor unit.
      const total = Math.round(Number(item.quantity) * item.base_price_money.amount);
      return {
        uid: item.uid ?? this.ids.next(22),
        ...(item.name === undefined ? {} : { name: item.name }),
        ...(item.catalog_object_id === undefined ? {} : { catalog_object_id: item.catalog_object_id }),
        ...(item.variation_name === undefined ? {} : { variation_name: item.variation_name }),
        quantity: item.quantity,
        base_price_money: { ...item.base_price_money },
        gross_sales_money: { amount: total, currency },
        total_money: { amount: total, currency },
      };
    });
  }

  private newPayment(order: FakeOrder, amount: Money, sourceType: FakePayment['source_type'], status: FakePayment['status'], at: string): FakePayment {
    this.receipts += 1;
    const payment: FakePayment = {
      id: this.ids.next(29),
      created_at: at,
      updated_at: at,
      amount_money: { ...amount },
      total_money: { ...amount },
      status,
      source_type: sourceType,
      location_id: order.location_id,
      order_id: order.id,
      ...(order.customer_id === undefined ? {} : { customer_id: order.customer_id }),
      receipt_number: `R${String(this.receipts).padStart(3, '0')}`,
      version_token: this.ids.next(20),
    };
    this.payments.set(payment.id, payment);
    order.tenders = [...(order.tenders ?? []), { id: this.ids.next(22), type: sourceType, amount_money: { ...amount }, payment_id: payment.id }];
    order.net_amount_due_money = { amount: order.net_amount_due_money.amount - amount.amount, currency: amount.currency };
    return payment;
  }

  private moveFulfillment(order: FakeOrder, uid: string, state: FulfillmentState, at: string): Result<{ fulfillment_uid: string; old_state: FulfillmentState; new_state: FulfillmentState }> {
    const fulfillment = order.fulfillments?.find((each) => each.uid === uid);
    if (!fulfillment) return { ok: false, failure: squareErrors.notFound(`Order \`${order.id}\` has no fulfillment \`${uid}\`.`) };
    const old = fulfillment.state;
    if (old === state) return { ok: true, value: { fulfillment_uid: uid, old_state: old, new_state: state } };
    if (STEP[state] < STEP[old] || STEP[old] >= 3) {
      return { ok: false, failure: squareErrors.invalid('INVALID_VALUE', `Fulfillment cannot move from ${old} to ${state}.`, 'order.fulfillments.state') };
    }
    fulfillment.state = state;
    const stamp = STAMPS[state];
    if (stamp) Object.assign(fulfillment.pickup_details, { [stamp]: at });
    if (state === 'COMPLETED' && order.net_amount_due_money.amount === 0 && order.fulfillments?.every((each) => each.state === 'COMPLETED')) {
      order.state = 'COMPLETED';
      order.closed_at = at;
    }
    if ((state === 'CANCELED' || state === 'FAILED') && order.fulfillments?.every((each) => each.state === 'CANCELED' || each.state === 'FAILED') && (order.tenders ?? []).length === 0) {
      order.state = 'CANCELED';
      order.closed_at = at;
    }
    return { ok: true, value: { fulfillment_uid: uid, old_state: old, new_state: state } };
  }

  private emit(change: OrderChange): void {
    const copy = structuredClone(change);
    for (const listener of this.listeners) listener(copy);
  }
}

/** OrderMoneyAmounts with only a total (the fake charges no tax, discount, tip or service charge). */
function amounts(total: number, currency: string): FakeMoneyAmounts {
  const zero = { amount: 0, currency };
  return { total_money: { amount: total, currency }, tax_money: { ...zero }, discount_money: { ...zero }, tip_money: { ...zero }, service_charge_money: { ...zero } };
}
