import { minorDigits } from '../../../core/model/money';

/**
 * The fake shop's orders, as Shopify holds them at Admin API 2025-10: an order with its line
 * items, its fulfillment orders (one per location and delivery method: PICK_UP for click &
 * collect, SHIPPING, RETAIL for a POS counter sale), its fulfillments and its refunds. Money is
 * kept in integer minor units and rendered as Shopify's decimal strings. Clocks are the shop's,
 * truncated to the second (Shopify's DateTime resolution).
 *
 * Each merchant action changes what Shopify changes and nothing else. In particular the order's
 * `updatedAt` does not move when only a fulfillment order does (a hold, "ready for pickup"):
 * "Putting a FulfillmentOrder on hold updates the updated_at field of FulfillmentOrder, but does
 * not update the updated_at field of the parent Order"
 * (https://community.shopify.com/t/inconsistent-updated-at-behavior-between-order-and-fulfillmentorder/322697).
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Order
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/FulfillmentOrder
 */

export type OrderSourceName = 'web' | 'pos';
export type DeliveryMethodType = 'PICK_UP' | 'SHIPPING' | 'RETAIL';
/** https://shopify.dev/docs/api/admin-graphql/2025-10/enums/FulfillmentOrderStatus (the ones the fake reaches). */
export type FulfillmentOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';
/** https://shopify.dev/docs/api/admin-graphql/2025-10/enums/OrderDisplayFinancialStatus (the ones the fake reaches). */
export type FinancialStatus = 'PENDING' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
/** https://shopify.dev/docs/api/admin-graphql/2025-10/enums/OrderCancelReason */
export type CancelReason = 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'OTHER' | 'STAFF';

export interface FakeLocation {
  id: bigint;
  name: string;
}

export interface FakeLineItem {
  id: bigint;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  /** Taken off by refunds: `currentQuantity` is quantity − refunded. */
  refundedQuantity: number;
  /** Unit price in minor units of the order's currency. */
  price: bigint;
}

export interface FakeFulfillmentOrderLine {
  id: bigint;
  lineItemId: bigint;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface FakeFulfillmentOrder {
  id: bigint;
  status: FulfillmentOrderStatus;
  methodType: DeliveryMethodType;
  location: FakeLocation;
  createdAt: Date;
  updatedAt: Date;
  lineItems: FakeFulfillmentOrderLine[];
}

export interface FakeFulfillment {
  id: bigint;
  fulfillmentOrderId: bigint;
  locationId: bigint;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  lineItems: { lineItemId: bigint; quantity: number }[];
}

export interface FakeRefund {
  id: bigint;
  createdAt: Date;
  note: string | null;
  lineItems: { id: bigint; lineItemId: bigint; quantity: number; subtotal: bigint }[];
  /** What was given back, minor units. */
  amount: bigint;
}

export interface FakeOrder {
  id: bigint;
  number: number;
  name: string;
  email: string | null;
  phone: string | null;
  /** null: a guest checkout (or a POS sale without a customer). */
  customerId: bigint | null;
  /** Order.customerLocale: the language the buyer checked out in ("en", "fr-CA"); Shopify's field is nullable. */
  customerLocale: string | null;
  currency: string;
  sourceName: OrderSourceName;
  /** The POS location of a counter sale, else null. */
  locationId: bigint | null;
  createdAt: Date;
  updatedAt: Date;
  processedAt: Date;
  cancelledAt: Date | null;
  cancelReason: CancelReason | null;
  financialStatus: FinancialStatus;
  lineItems: FakeLineItem[];
  shipping: { title: string; price: bigint } | null;
  fulfillmentOrders: FakeFulfillmentOrder[];
  fulfillments: FakeFulfillment[];
  refunds: FakeRefund[];
}

export interface PlaceOrderInput {
  source: OrderSourceName;
  customerId: bigint | null;
  email: string | null;
  phone: string | null;
  /** The language of the checkout; null only for an order Shopify recorded none for. */
  customerLocale: string | null;
  currency: string;
  lines: { title: string; variantTitle?: string | null; sku?: string | null; quantity: number; price: string }[];
  /** Click & collect at this location. */
  pickupAt?: FakeLocation;
  /** Where a POS sale happened (POS only). */
  soldAt?: FakeLocation;
  shipping?: { title: string; price: string };
  paid: boolean;
}

/**
 * The fake shop's primary locale. Shopify gives an order placed without a language of its own
 * (an admin or API order, a checkout in the default language) the shop's primary locale, not
 * null (https://github.com/nozzlegear/ShopifySharp/issues/1086: "Order CustomerLocale always
 * takes the default store locale"); orderCreate has no way to set it
 * (https://community.shopify.com/t/order-api-set-customer-language-locale-for-notifications/109053).
 */
export const SHOP_PRIMARY_LOCALE = 'en';

/**
 * What Order.customerLocale holds: "A two-letter or three-letter language code, optionally
 * followed by a region modifier" ("en", "en-CA", "fr-Fr" in Shopify's own changelog, "zh-Hant-TW").
 */
export const CUSTOMER_LOCALE_PATTERN = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/** What an action changed: the order after it, and the objects Shopify's webhooks for it describe. */
export interface OrderChange {
  order: FakeOrder;
  fulfillmentOrders?: FakeFulfillmentOrder[];
  fulfillment?: FakeFulfillment;
  refund?: FakeRefund;
}

// Ids above 2^53, as a shop's ids are: clients that parse them as numbers lose digits.
const FIRST_ORDER_ID = 9_007_199_254_740_993_001n;
const FIRST_LINE_ITEM_ID = 9_007_199_254_741_993_001n;
const FIRST_FULFILLMENT_ORDER_ID = 9_007_199_254_742_993_001n;
const FIRST_OTHER_ID = 9_007_199_254_743_993_001n;

/** The fake shop's locations: the warehouse that ships, and two stores that sell and hand out pickups. */
export const FAKE_LOCATIONS: readonly FakeLocation[] = [
  { id: 68_000_000_001n, name: 'Warehouse' },
  { id: 68_000_000_002n, name: 'Main Street Store' },
  { id: 68_000_000_003n, name: 'Harbour Store' },
];

/** Everything the orders state holds, for persistence (orders-persist.ts). */
export interface OrdersSnapshot {
  orders: FakeOrder[];
  counters: { order: bigint; lineItem: bigint; fulfillmentOrder: bigint; other: bigint; number: number };
}

export class ShopifyOrdersState {
  private readonly orders = new Map<bigint, FakeOrder>();
  private nextOrderId = FIRST_ORDER_ID;
  private nextLineItemId = FIRST_LINE_ITEM_ID;
  private nextFulfillmentOrderId = FIRST_FULFILLMENT_ORDER_ID;
  private nextOtherId = FIRST_OTHER_ID;
  private nextNumber = 1001;

  constructor(private readonly clock: () => Date) {}

  now(): Date {
    return new Date(Math.floor(this.clock().getTime() / 1000) * 1000);
  }

  snapshot(): OrdersSnapshot {
    return {
      orders: [...this.orders.values()].map((order) => structuredClone(order)),
      counters: { order: this.nextOrderId, lineItem: this.nextLineItemId, fulfillmentOrder: this.nextFulfillmentOrderId, other: this.nextOtherId, number: this.nextNumber },
    };
  }

  restore(snapshot: OrdersSnapshot): void {
    this.orders.clear();
    for (const order of snapshot.orders) this.orders.set(order.id, structuredClone(order));
    this.nextOrderId = snapshot.counters.order;
    this.nextLineItemId = snapshot.counters.lineItem;
    this.nextFulfillmentOrderId = snapshot.counters.fulfillmentOrder;
    this.nextOtherId = snapshot.counters.other;
    this.nextNumber = snapshot.counters.number;
  }

  get(id: bigint): FakeOrder | undefined {
    const order = this.orders.get(id);
    return order ? structuredClone(order) : undefined;
  }

  /** Orders by `updatedAt`, then id (the `orders(sortKey: UPDATED_AT)` order). */
  list(): FakeOrder[] {
    return [...this.orders.values()].map((order) => structuredClone(order)).sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The order holding fulfillment order `id`. */
  orderOfFulfillmentOrder(id: bigint): FakeOrder | undefined {
    for (const order of this.orders.values()) if (order.fulfillmentOrders.some((fo) => fo.id === id)) return structuredClone(order);
    return undefined;
  }

  location(id: bigint): FakeLocation | undefined {
    return FAKE_LOCATIONS.find((location) => location.id === id);
  }

  /**
   * Checkout (web) or a POS sale. A web order gets one fulfillment order: PICK_UP at the chosen
   * store, else SHIPPING from the warehouse. A POS counter sale is handed over at once: a RETAIL
   * fulfillment order, closed, with its fulfillment. A POS sale may also be for pickup later.
   */
  placeOrder(input: PlaceOrderInput): OrderChange {
    if (input.customerLocale !== null && !CUSTOMER_LOCALE_PATTERN.test(input.customerLocale)) throw new Error(`Customer locale is invalid: ${input.customerLocale}`);
    const now = this.now();
    const id = this.nextOrderId++;
    const number = this.nextNumber++;
    const lineItems: FakeLineItem[] = input.lines.map((line) => ({
      id: this.nextLineItemId++,
      title: line.title,
      variantTitle: line.variantTitle ?? null,
      sku: line.sku ?? null,
      quantity: line.quantity,
      refundedQuantity: 0,
      price: toMinor(line.price, input.currency),
    }));
    const counterSale = input.source === 'pos' && !input.pickupAt;
    const methodType: DeliveryMethodType = input.pickupAt ? 'PICK_UP' : counterSale ? 'RETAIL' : 'SHIPPING';
    const location = input.pickupAt ?? (counterSale ? (input.soldAt ?? FAKE_LOCATIONS[1]!) : FAKE_LOCATIONS[0]!);
    const fulfillmentOrder: FakeFulfillmentOrder = {
      id: this.nextFulfillmentOrderId++,
      status: counterSale ? 'CLOSED' : 'OPEN',
      methodType,
      location,
      createdAt: now,
      updatedAt: now,
      lineItems: lineItems.map((line) => ({ id: this.nextLineItemId++, lineItemId: line.id, totalQuantity: line.quantity, remainingQuantity: counterSale ? 0 : line.quantity })),
    };
    const order: FakeOrder = {
      id,
      number: number - 1000,
      name: `#${number}`,
      email: input.email,
      phone: input.phone,
      customerId: input.customerId,
      customerLocale: input.customerLocale,
      currency: input.currency,
      sourceName: input.source,
      locationId: input.source === 'pos' ? (input.soldAt ?? FAKE_LOCATIONS[1]!).id : null,
      createdAt: now,
      updatedAt: now,
      processedAt: now,
      cancelledAt: null,
      cancelReason: null,
      financialStatus: input.paid ? 'PAID' : 'PENDING',
      lineItems,
      shipping: methodType === 'SHIPPING' ? { title: input.shipping?.title ?? 'Standard', price: toMinor(input.shipping?.price ?? '0', input.currency) } : null,
      fulfillmentOrders: [fulfillmentOrder],
      fulfillments: [],
      refunds: [],
    };
    let fulfillment: FakeFulfillment | undefined;
    if (counterSale) {
      fulfillment = this.newFulfillment(order, fulfillmentOrder, lineItems.map((line) => ({ lineItemId: line.id, quantity: line.quantity })), now);
      order.fulfillments.push(fulfillment);
    }
    this.orders.set(id, order);
    return { order: structuredClone(order), fulfillmentOrders: [structuredClone(fulfillmentOrder)], ...(fulfillment ? { fulfillment: structuredClone(fulfillment) } : {}) };
  }

  /** orderMarkAsPaid. */
  markPaid(id: bigint): OrderChange {
    const order = this.require(id);
    if (order.financialStatus !== 'PENDING') throw new Error('Order cannot be marked as paid.');
    order.financialStatus = 'PAID';
    order.updatedAt = this.now();
    return { order: structuredClone(order) };
  }

  /**
   * fulfillmentOrderLineItemsPreparedForPickup: the pickup fulfillment order is being processed
   * (IN_PROGRESS) and its own updatedAt moves; the order itself is not updated.
   * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/fulfillmentOrderLineItemsPreparedForPickup
   */
  prepareForPickup(fulfillmentOrderId: bigint): OrderChange {
    const order = this.orderHolding(fulfillmentOrderId);
    const fulfillmentOrder = order.fulfillmentOrders.find((fo) => fo.id === fulfillmentOrderId)!;
    // FulfillmentOrderLineItemsPreparedForPickupUserErrorCode.FULFILLMENT_ORDER_INVALID
    if (fulfillmentOrder.methodType !== 'PICK_UP' || fulfillmentOrder.status !== 'OPEN') throw new Error('Fulfillment order is invalid (FULFILLMENT_ORDER_INVALID).');
    if (fulfillmentOrder.lineItems.every((line) => line.remainingQuantity === 0)) throw new Error('No line items to prepare (NO_LINE_ITEMS_TO_PREPARE_FOR_FULFILLMENT_ORDER).');
    fulfillmentOrder.status = 'IN_PROGRESS';
    fulfillmentOrder.updatedAt = this.now();
    return { order: structuredClone(order), fulfillmentOrders: [structuredClone(fulfillmentOrder)] };
  }

  /** fulfillmentCreate for everything left on the order's open fulfillment orders (a pickup handed over, a parcel shipped). */
  fulfill(id: bigint): OrderChange {
    const order = this.require(id);
    const now = this.now();
    const open = order.fulfillmentOrders.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
    if (order.cancelledAt || open.length === 0) throw new Error('Fulfillment order is not in a fulfillable state.');
    let fulfillment: FakeFulfillment | undefined;
    for (const fulfillmentOrder of open) {
      const lines = fulfillmentOrder.lineItems.filter((line) => line.remainingQuantity > 0).map((line) => ({ lineItemId: line.lineItemId, quantity: line.remainingQuantity }));
      for (const line of fulfillmentOrder.lineItems) line.remainingQuantity = 0;
      fulfillmentOrder.status = 'CLOSED';
      fulfillmentOrder.updatedAt = now;
      fulfillment = this.newFulfillment(order, fulfillmentOrder, lines, now);
      order.fulfillments.push(fulfillment);
    }
    order.updatedAt = now;
    return { order: structuredClone(order), fulfillmentOrders: open.map((fo) => structuredClone(fo)), fulfillment: structuredClone(fulfillment!) };
  }

  /** orderCancel (without a refund): its unfulfilled fulfillment orders are cancelled. */
  cancel(id: bigint, reason: CancelReason): OrderChange {
    const order = this.require(id);
    if (order.cancelledAt) throw new Error('Order has already been cancelled.');
    const now = this.now();
    order.cancelledAt = now;
    order.cancelReason = reason;
    order.updatedAt = now;
    const cancelled = order.fulfillmentOrders.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
    for (const fulfillmentOrder of cancelled) {
      fulfillmentOrder.status = 'CANCELLED';
      fulfillmentOrder.updatedAt = now;
    }
    return { order: structuredClone(order), fulfillmentOrders: cancelled.map((fo) => structuredClone(fo)) };
  }

  /** refundCreate of whole line quantities: the current total and quantities drop, the financial status follows. */
  refund(id: bigint, lines: { lineItemId: bigint; quantity: number }[], note: string | null): OrderChange {
    const order = this.require(id);
    if (order.financialStatus === 'PENDING') throw new Error('Order has no payment to refund.');
    const now = this.now();
    const refundLines: FakeRefund['lineItems'] = [];
    for (const { lineItemId, quantity } of lines) {
      const line = order.lineItems.find((each) => each.id === lineItemId);
      if (!line || quantity < 1 || quantity > line.quantity - line.refundedQuantity) throw new Error('Quantity cannot refund more items than were purchased.');
      line.refundedQuantity += quantity;
      refundLines.push({ id: this.nextOtherId++, lineItemId, quantity, subtotal: line.price * BigInt(quantity) });
      // Refunded units are no longer to be fulfilled.
      for (const fulfillmentOrder of order.fulfillmentOrders) {
        const foLine = fulfillmentOrder.lineItems.find((each) => each.lineItemId === lineItemId);
        if (foLine) foLine.remainingQuantity = Math.max(0, foLine.remainingQuantity - quantity);
      }
    }
    const refund: FakeRefund = { id: this.nextOtherId++, createdAt: now, note, lineItems: refundLines, amount: refundLines.reduce((sum, line) => sum + line.subtotal, 0n) };
    order.refunds.push(refund);
    order.financialStatus = currentTotal(order) === 0n ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    order.updatedAt = now;
    return { order: structuredClone(order), refund: structuredClone(refund) };
  }

  /** Whether a customer has placed orders (Shopify then refuses to delete the customer). */
  hasOrdersOf(customerId: bigint): boolean {
    return [...this.orders.values()].some((order) => order.customerId === customerId);
  }

  /** customerMerge moves the absorbed customer's orders to the kept one. */
  reassignCustomer(from: bigint, to: bigint): void {
    for (const order of this.orders.values()) if (order.customerId === from) order.customerId = to;
  }

  /** An edit that changes nothing visible but still saves the order (a note saved unchanged, an app touching it). */
  touch(id: bigint): OrderChange {
    const order = this.require(id);
    order.updatedAt = this.now();
    return { order: structuredClone(order) };
  }

  private newFulfillment(order: FakeOrder, fulfillmentOrder: FakeFulfillmentOrder, lines: FakeFulfillment['lineItems'], at: Date): FakeFulfillment {
    return {
      id: this.nextOtherId++,
      fulfillmentOrderId: fulfillmentOrder.id,
      locationId: fulfillmentOrder.location.id,
      name: `${order.name}.${order.fulfillments.length + 1}`,
      createdAt: at,
      updatedAt: at,
      lineItems: lines,
    };
  }

  private require(id: bigint): FakeOrder {
    const order = this.orders.get(id);
    if (!order) throw new Error('Order does not exist');
    return order;
  }

  private orderHolding(fulfillmentOrderId: bigint): FakeOrder {
    for (const order of this.orders.values()) if (order.fulfillmentOrders.some((fo) => fo.id === fulfillmentOrderId)) return order;
    throw new Error('Fulfillment order does not exist');
  }
}

// Totals as Shopify computes them for the fake's orders (no discounts, no taxes, no duties).

export function currentQuantity(line: FakeLineItem): number {
  return line.quantity - line.refundedQuantity;
}

export function subtotal(order: FakeOrder): bigint {
  return order.lineItems.reduce((sum, line) => sum + line.price * BigInt(line.quantity), 0n);
}

export function currentSubtotal(order: FakeOrder): bigint {
  return order.lineItems.reduce((sum, line) => sum + line.price * BigInt(currentQuantity(line)), 0n);
}

export function totalPrice(order: FakeOrder): bigint {
  return subtotal(order) + (order.shipping?.price ?? 0n);
}

/** "The current total price of the order … reflect order edits, returns, and refunds." */
export function currentTotal(order: FakeOrder): bigint {
  return totalPrice(order) - order.refunds.reduce((sum, refund) => sum + refund.amount, 0n);
}

/** OrderDisplayFulfillmentStatus as the fake's orders reach it. */
export function displayFulfillmentStatus(order: FakeOrder): 'FULFILLED' | 'PARTIALLY_FULFILLED' | 'UNFULFILLED' {
  const fulfilled = order.fulfillments.reduce((sum, fulfillment) => sum + fulfillment.lineItems.reduce((each, line) => each + line.quantity, 0), 0);
  const wanted = order.lineItems.reduce((sum, line) => sum + currentQuantity(line), 0);
  if (fulfilled === 0) return 'UNFULFILLED';
  return fulfilled >= wanted ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
}

/** Minor units → a REST decimal string with the currency's digits ("19.90", "1500" JPY). */
export function restDecimal(units: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const value = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${value}` : value;
}

/**
 * Minor units → GraphQL `Decimal` as Shopify renders it: trailing zeros dropped, at least one
 * fraction digit ("19.9", "20.0", "1500.0").
 */
export function graphqlDecimal(units: bigint, currency: string): string {
  const rest = restDecimal(units, currency);
  const [whole, fraction = ''] = rest.split('.');
  return `${whole}.${fraction.replace(/0+$/, '') || '0'}`;
}

function toMinor(amount: string, currency: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount);
  const digits = minorDigits(currency);
  if (!match || (match[2] ?? '').length > digits) throw new Error(`not a ${currency} price: ${amount}`);
  return BigInt(match[1]! + (match[2] ?? '').padEnd(digits, '0'));
}
