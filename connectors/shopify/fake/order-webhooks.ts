import { LosslessNumber } from 'lossless-json';
import { json, shopTime, toRestCustomer } from './rest';
import type { FakeCustomer } from './state';
import {
  currentQuantity,
  currentSubtotal,
  currentTotal,
  displayFulfillmentStatus,
  restDecimal,
  subtotal,
  totalPrice,
  type FakeFulfillment,
  type FakeFulfillmentOrder,
  type FakeLineItem,
  type FakeOrder,
  type FakeRefund,
  type OrderChange,
} from './orders-state';

/**
 * What Shopify sends when an order changes, at API 2025-10: the topics each merchant action
 * fires and their REST-shaped bodies (the REST order resource's keys; since 2025-01 the
 * `customer` inside orders/* carries no `tags`, `email_marketing_consent` or
 * `sms_marketing_consent`). Fulfillment-order topics name the fulfillment order by gid only.
 * https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/create
 * https://shopify.dev/changelog/new-customer-s-webhook-and-changes-to-existing-customer-s-webhooks-payload
 */

export type OrderWebhookTopic =
  | 'orders/create'
  | 'orders/updated'
  | 'orders/paid'
  | 'orders/fulfilled'
  | 'orders/partially_fulfilled'
  | 'orders/cancelled'
  | 'refunds/create'
  | 'fulfillments/create'
  | 'fulfillment_orders/order_routing_complete'
  | 'fulfillment_orders/line_items_prepared_for_pickup'
  | 'fulfillment_orders/cancelled';

export interface OrderWebhookMessage {
  topic: OrderWebhookTopic;
  body: string;
}

export type OrderAction = 'placed' | 'paid' | 'prepared' | 'fulfilled' | 'cancelled' | 'refunded' | 'touched';

/**
 * The deliveries one merchant action causes, in Shopify's order. `orders/updated` is followed by
 * `echoes` more of the same body (Shopify's "known issue": it fires several times per change,
 * some carrying nothing new). "Ready for pickup" fires its fulfillment-order topic only: no
 * orders/* topic is documented for it, and the order is not saved by it.
 */
export function orderMessages(action: OrderAction, change: OrderChange, customer: FakeCustomer | undefined, echoes: number): OrderWebhookMessage[] {
  const order = () => orderBody(change.order, customer);
  const updated = (): OrderWebhookMessage[] => Array.from({ length: 1 + echoes }, () => ({ topic: 'orders/updated' as const, body: order() }));
  const fulfillmentOrders = change.fulfillmentOrders ?? [];
  switch (action) {
    case 'placed':
      return [
        { topic: 'orders/create', body: order() },
        ...(change.order.financialStatus === 'PAID' ? [{ topic: 'orders/paid' as const, body: order() }] : []),
        ...(change.fulfillment ? [{ topic: 'fulfillments/create' as const, body: fulfillmentBody(change.order, change.fulfillment) }] : []),
        ...fulfillmentOrders
          .filter((fo) => fo.methodType !== 'RETAIL')
          .map((fo) => ({ topic: 'fulfillment_orders/order_routing_complete' as const, body: json({ fulfillment_order: { id: foGid(fo), status: fo.status.toLowerCase() } }) })),
      ];
    case 'paid':
      return [{ topic: 'orders/paid', body: order() }, ...updated()];
    case 'prepared':
      return fulfillmentOrders.map((fo) => ({
        topic: 'fulfillment_orders/line_items_prepared_for_pickup' as const,
        body: json({ fulfillment_order: { id: foGid(fo), status: fo.status.toLowerCase(), preparable: false, delivery_method: { method_type: fo.methodType.toLowerCase() } } }),
      }));
    case 'fulfilled': {
      const status = displayFulfillmentStatus(change.order);
      return [
        ...(change.fulfillment ? [{ topic: 'fulfillments/create' as const, body: fulfillmentBody(change.order, change.fulfillment) }] : []),
        { topic: status === 'FULFILLED' ? 'orders/fulfilled' : 'orders/partially_fulfilled', body: order() },
        ...updated(),
      ];
    }
    case 'cancelled':
      return [
        { topic: 'orders/cancelled', body: order() },
        ...fulfillmentOrders.map((fo) => ({ topic: 'fulfillment_orders/cancelled' as const, body: json({ fulfillment_order: { id: foGid(fo), status: 'cancelled' }, replacement_fulfillment_order: null }) })),
        ...updated(),
      ];
    case 'refunded':
      return [...(change.refund ? [{ topic: 'refunds/create' as const, body: refundBody(change.order, change.refund) }] : []), ...updated()];
    case 'touched':
      return updated();
  }
}

function foGid(fo: FakeFulfillmentOrder): string {
  return `gid://shopify/FulfillmentOrder/${fo.id}`;
}

function priceSet(units: bigint, currency: string) {
  const money = { amount: restDecimal(units, currency), currency_code: currency };
  return { shop_money: money, presentment_money: money };
}

/** The customer inside orders/* at 2025-10: no tags, no consent objects. */
function orderCustomer(customer: FakeCustomer) {
  const rest = toRestCustomer(customer, (id) => id);
  return {
    id: rest.id,
    email: rest.email,
    created_at: rest.created_at,
    updated_at: rest.updated_at,
    first_name: rest.first_name,
    last_name: rest.last_name,
    state: rest.state,
    note: rest.note,
    verified_email: rest.verified_email,
    multipass_identifier: rest.multipass_identifier,
    tax_exempt: rest.tax_exempt,
    phone: rest.phone,
    currency: rest.currency,
    tax_exemptions: rest.tax_exemptions,
    admin_graphql_api_id: rest.admin_graphql_api_id,
    ...(rest.default_address ? { default_address: rest.default_address } : {}),
  };
}

function lineItemBody(order: FakeOrder, line: FakeLineItem) {
  const fulfilled = order.fulfillments.reduce((sum, fulfillment) => sum + fulfillment.lineItems.filter((each) => each.lineItemId === line.id).reduce((n, each) => n + each.quantity, 0), 0);
  const remaining = order.fulfillmentOrders.reduce((sum, fo) => sum + (fo.lineItems.find((each) => each.lineItemId === line.id)?.remainingQuantity ?? 0), 0);
  return {
    id: line.id,
    admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
    attributed_staffs: [],
    current_quantity: currentQuantity(line),
    fulfillable_quantity: remaining,
    fulfillment_service: 'manual',
    fulfillment_status: fulfilled === 0 ? null : fulfilled >= currentQuantity(line) ? 'fulfilled' : 'partial',
    gift_card: false,
    grams: 0,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    price: restDecimal(line.price, order.currency),
    price_set: priceSet(line.price, order.currency),
    product_exists: false,
    product_id: null,
    properties: [],
    quantity: line.quantity,
    requires_shipping: true,
    sales_line_item_group_id: null,
    sku: line.sku,
    taxable: false,
    title: line.title,
    total_discount: restDecimal(0n, order.currency),
    total_discount_set: priceSet(0n, order.currency),
    variant_id: null,
    variant_inventory_management: null,
    variant_title: line.variantTitle,
    vendor: null,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}

function fulfillmentJson(order: FakeOrder, fulfillment: FakeFulfillment) {
  return {
    id: fulfillment.id,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${fulfillment.id}`,
    created_at: shopTime(fulfillment.createdAt),
    location_id: fulfillment.locationId,
    name: fulfillment.name,
    order_id: order.id,
    origin_address: {},
    receipt: {},
    service: 'manual',
    shipment_status: null,
    status: 'success',
    tracking_company: null,
    tracking_number: null,
    tracking_numbers: [],
    tracking_url: null,
    tracking_urls: [],
    updated_at: shopTime(fulfillment.updatedAt),
    line_items: fulfillment.lineItems.map(({ lineItemId, quantity }) => ({ ...lineItemBody(order, order.lineItems.find((line) => line.id === lineItemId)!), quantity })),
  };
}

function refundJson(order: FakeOrder, refund: FakeRefund) {
  return {
    id: refund.id,
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    created_at: shopTime(refund.createdAt),
    note: refund.note,
    order_id: order.id,
    processed_at: shopTime(refund.createdAt),
    restock: false,
    total_duties_set: priceSet(0n, order.currency),
    user_id: null,
    order_adjustments: [],
    transactions: [
      {
        id: refund.id + 1n,
        admin_graphql_api_id: `gid://shopify/OrderTransaction/${refund.id + 1n}`,
        amount: restDecimal(refund.amount, order.currency),
        currency: order.currency,
        kind: 'refund',
        status: 'success',
        gateway: 'manual',
        order_id: order.id,
        created_at: shopTime(refund.createdAt),
        processed_at: shopTime(refund.createdAt),
        test: false,
      },
    ],
    refund_line_items: refund.lineItems.map((line) => ({
      id: line.id,
      line_item_id: line.lineItemId,
      location_id: null,
      quantity: line.quantity,
      restock_type: 'no_restock',
      // A JSON number here, as in Shopify's REST refunds (`"subtotal": 195.66`).
      subtotal: new LosslessNumber(restDecimal(line.subtotal, order.currency)),
      subtotal_set: priceSet(line.subtotal, order.currency),
      total_tax: new LosslessNumber('0.0'),
      total_tax_set: priceSet(0n, order.currency),
      line_item: lineItemBody(order, order.lineItems.find((each) => each.id === line.lineItemId)!),
    })),
    duties: [],
    additional_fees: [],
  };
}

/** The body of orders/* (the REST order, key for key where the fake has a value for it). */
export function orderBody(order: FakeOrder, customer: FakeCustomer | undefined): string {
  const zero = priceSet(0n, order.currency);
  const fulfillment = displayFulfillmentStatus(order);
  return json({
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    cancelled_at: order.cancelledAt ? shopTime(order.cancelledAt) : null,
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    client_details: null,
    closed_at: null,
    confirmation_number: `C${order.id.toString().slice(-8)}`,
    confirmed: true,
    contact_email: order.email,
    created_at: shopTime(order.createdAt),
    currency: order.currency,
    current_shipping_price_set: priceSet(order.shipping?.price ?? 0n, order.currency),
    current_subtotal_price: restDecimal(currentSubtotal(order), order.currency),
    current_subtotal_price_set: priceSet(currentSubtotal(order), order.currency),
    current_total_additional_fees_set: null,
    current_total_discounts: restDecimal(0n, order.currency),
    current_total_discounts_set: zero,
    current_total_duties_set: null,
    current_total_price: restDecimal(currentTotal(order), order.currency),
    current_total_price_set: priceSet(currentTotal(order), order.currency),
    current_total_tax: restDecimal(0n, order.currency),
    current_total_tax_set: zero,
    customer_locale: order.customerLocale,
    device_id: null,
    discount_codes: [],
    duties_included: false,
    email: order.email,
    estimated_taxes: false,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: fulfillment === 'FULFILLED' ? 'fulfilled' : fulfillment === 'PARTIALLY_FULFILLED' ? 'partial' : null,
    landing_site: null,
    location_id: order.locationId,
    merchant_of_record_app_id: null,
    name: order.name,
    note: null,
    note_attributes: [],
    number: order.number,
    order_number: order.number + 1000,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: order.financialStatus === 'PENDING' ? [] : ['manual'],
    phone: order.phone,
    po_number: null,
    presentment_currency: order.currency,
    processed_at: shopTime(order.processedAt),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: order.sourceName,
    source_url: null,
    subtotal_price: restDecimal(subtotal(order), order.currency),
    subtotal_price_set: priceSet(subtotal(order), order.currency),
    tags: '',
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: false,
    total_discounts: restDecimal(0n, order.currency),
    total_discounts_set: zero,
    total_line_items_price: restDecimal(subtotal(order), order.currency),
    total_line_items_price_set: priceSet(subtotal(order), order.currency),
    total_outstanding: restDecimal(order.financialStatus === 'PENDING' ? totalPrice(order) : 0n, order.currency),
    total_price: restDecimal(totalPrice(order), order.currency),
    total_price_set: priceSet(totalPrice(order), order.currency),
    total_shipping_price_set: priceSet(order.shipping?.price ?? 0n, order.currency),
    total_tax: restDecimal(0n, order.currency),
    total_tax_set: zero,
    total_tip_received: restDecimal(0n, order.currency),
    total_weight: 0,
    updated_at: shopTime(order.updatedAt),
    user_id: null,
    billing_address: null,
    // A guest checkout has no customer.
    customer: customer ? orderCustomer(customer) : null,
    discount_applications: [],
    fulfillments: order.fulfillments.map((each) => fulfillmentJson(order, each)),
    line_items: order.lineItems.map((line) => lineItemBody(order, line)),
    payment_terms: null,
    refunds: order.refunds.map((each) => refundJson(order, each)),
    shipping_address: null,
    // A pickup order's shipping line names the store, like a free-shipping line (do not tell them apart by it).
    shipping_lines: shippingLines(order),
    returns: [],
  });
}

function shippingLines(order: FakeOrder) {
  const pickup = order.fulfillmentOrders.find((fo) => fo.methodType === 'PICK_UP');
  const line = order.shipping ?? (pickup ? { title: pickup.location.name, price: 0n } : null);
  if (!line) return [];
  return [
    {
      id: order.id + 7n,
      carrier_identifier: null,
      code: line.title,
      discounted_price: restDecimal(line.price, order.currency),
      discounted_price_set: priceSet(line.price, order.currency),
      is_removed: false,
      phone: null,
      price: restDecimal(line.price, order.currency),
      price_set: priceSet(line.price, order.currency),
      requested_fulfillment_service_id: null,
      source: 'shopify',
      title: line.title,
      tax_lines: [],
      discount_allocations: [],
    },
  ];
}

function fulfillmentBody(order: FakeOrder, fulfillment: FakeFulfillment): string {
  return json({ ...fulfillmentJson(order, fulfillment), email: order.email, destination: null });
}

function refundBody(order: FakeOrder, refund: FakeRefund): string {
  return json(refundJson(order, refund));
}
