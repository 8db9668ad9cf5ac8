import { orderKey, type Order, type OrderLine } from '../../core/model/order';
import { toMillis } from '../../core/model/system';
import type { PropertySet } from './property-setup';

/**
 * How a canonical order reads as a HubSpot commerce order (`0-123`) and its line items (`0-8`).
 * Money goes as the canonical decimal strings, never through a float. Standard properties:
 * facts §3.2 and https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/orders/guide.
 */

/** The unique property each order copy carries: upserts key on it, so a copy is made once. */
export const ORDER_KEY_PROPERTY = 'omnihub_order_key';
/** The unique property each line item carries: `<orderKey>#<lineId>`. */
export const LINE_KEY_PROPERTY = 'omnihub_line_key';

/** order → contact and order → line item, HUBSPOT_DEFINED (facts §3.2). */
export const ORDER_TO_CONTACT = 507;
export const ORDER_TO_LINE_ITEM = 513;

const GROUP = { name: 'omnihub', label: 'omnihub' };

export const ORDER_PROPERTIES: PropertySet = {
  objectType: 'order',
  group: GROUP,
  properties: [
    {
      name: ORDER_KEY_PROPERTY,
      label: 'omnihub order key',
      type: 'string',
      fieldType: 'text',
      description: 'The order in the system it was placed in (system:id). omnihub keeps one copy per key.',
      hasUniqueValue: true,
    },
    {
      name: 'omnihub_channel',
      label: 'Sales channel',
      type: 'enumeration',
      fieldType: 'select',
      description: 'Where the sale happened: the web shop or a store counter.',
      options: [
        { label: 'Web', value: 'web' },
        { label: 'Store', value: 'store' },
      ],
    },
    {
      name: 'omnihub_status',
      label: 'Order status',
      type: 'enumeration',
      fieldType: 'select',
      description: 'The order status as omnihub reads it from the system it was placed in.',
      options: [
        { label: 'Placed', value: 'placed' },
        { label: 'Paid', value: 'paid' },
        { label: 'Fulfilled', value: 'fulfilled' },
        { label: 'Cancelled', value: 'cancelled' },
        { label: 'Refunded', value: 'refunded' },
      ],
    },
    {
      name: 'omnihub_pickup_state',
      label: 'Pickup state',
      type: 'enumeration',
      fieldType: 'select',
      description: 'Click & collect: where a pickup order is (none for an order that is not for pickup).',
      options: [
        { label: 'Not for pickup', value: 'none' },
        { label: 'Placed', value: 'placed' },
        { label: 'Ready for pickup', value: 'ready_for_pickup' },
        { label: 'Picked up', value: 'picked_up' },
        { label: 'Cancelled', value: 'cancelled' },
      ],
    },
    {
      name: 'omnihub_pickup_location',
      label: 'Pickup location',
      type: 'string',
      fieldType: 'text',
      description: 'The store where a pickup order is collected.',
    },
  ],
};

export const LINE_ITEM_PROPERTIES: PropertySet = {
  objectType: 'line_items',
  group: GROUP,
  properties: [
    {
      name: LINE_KEY_PROPERTY,
      label: 'omnihub line key',
      type: 'string',
      fieldType: 'text',
      description: "The order line in the system the order was placed in (system:orderId#lineId). omnihub keeps one line item per key.",
      hasUniqueValue: true,
    },
  ],
};

export function lineKey(order: Order, line: OrderLine): string {
  return `${orderKey(order.origin)}#${line.lineId}`;
}

/** Free text, as integrations fill it (the guide's example: "Packing"). */
function fulfillmentStatus(order: Order): string {
  if (order.status === 'cancelled' || order.pickup.state === 'cancelled') return 'Cancelled';
  if (order.pickup.state === 'picked_up') return 'Picked up';
  if (order.pickup.state === 'ready_for_pickup') return 'Ready for pickup';
  if (order.status === 'fulfilled') return 'Fulfilled';
  return 'Unfulfilled';
}

/** Every property omnihub sets on the copy ('' clears a value the order no longer has). */
export function orderProperties(order: Order): Record<string, string> {
  const location = order.pickup.location;
  return {
    [ORDER_KEY_PROPERTY]: orderKey(order.origin),
    hs_order_name: order.name,
    hs_currency_code: order.currency,
    hs_total_price: order.total.amount,
    hs_subtotal_price: order.subtotal.amount,
    hs_external_order_id: order.origin.externalId,
    hs_external_order_status: order.status,
    // datetime properties take epoch milliseconds.
    hs_external_created_date: String(toMillis(order.placedAt)),
    hs_source_store: order.origin.system,
    hs_fulfillment_status: fulfillmentStatus(order),
    omnihub_channel: order.channel,
    omnihub_status: order.status,
    omnihub_pickup_state: order.pickup.state,
    omnihub_pickup_location: location ? (location.name ?? location.id) : '',
  };
}

export function lineItemProperties(order: Order, line: OrderLine): Record<string, string> {
  return {
    [LINE_KEY_PROPERTY]: lineKey(order, line),
    name: line.name,
    quantity: line.quantity,
    price: line.unitPrice.amount,
    hs_line_item_currency_code: line.unitPrice.currency,
    hs_sku: line.sku ?? '',
  };
}
