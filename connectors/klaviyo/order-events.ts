import { orderKey, type Order } from '../../core/model/order';

/**
 * An order as Klaviyo's ecommerce events (pure): what the order's present state says happened,
 * in Klaviyo's convention, each with a `unique_id` derived from the order's key, so sending the
 * same event again (a retry, a replay, a later state of the order) is recorded once: Klaviyo
 * keeps the first event per profile, metric and unique_id.
 * - `Placed Order` (value: the order total) and one `Ordered Product` per line (value: the line's
 *   total), at the time the order was placed;
 * - `Fulfilled Order`, `Cancelled Order`, `Refunded Order` once the order is in that state;
 * - `Ready for Pickup` and `Picked Up` for click & collect, at the times the origin gives; the
 *   shop's flow on `Ready for Pickup` is what emails a customer who cannot get an SMS.
 * https://developers.klaviyo.com/en/docs/guide_to_integrating_a_platform_without_a_pre_built_klaviyo_integration
 */
export const ORDER_METRICS = ['Placed Order', 'Ordered Product', 'Fulfilled Order', 'Cancelled Order', 'Refunded Order', 'Ready for Pickup', 'Picked Up'] as const;
export type OrderMetric = (typeof ORDER_METRICS)[number];

export interface KlaviyoOrderEvent {
  metric: OrderMetric;
  uniqueId: string;
  time: string;
  value: number;
  valueCurrency: string;
  properties: Record<string, unknown>;
}

export function orderEvents(order: Order): KlaviyoOrderEvent[] {
  const key = orderKey(order.origin);
  const value = Number(order.total.amount);
  const common = {
    OrderId: key,
    OrderName: order.name,
    Channel: order.channel,
    ItemNames: order.lines.map((line) => line.name),
    Items: order.lines.map((line) => ({ ProductID: line.lineId, SKU: line.sku, ProductName: line.name, Quantity: Number(line.quantity), ItemPrice: Number(line.unitPrice.amount), RowTotal: Number(line.total.amount) })),
    ...(order.pickup.state !== 'none' && order.pickup.location ? { PickupLocation: order.pickup.location.name ?? order.pickup.location.id } : {}),
  };
  const event = (metric: OrderMetric, suffix: string, time: string, properties: Record<string, unknown> = common, amount = value): KlaviyoOrderEvent => ({
    metric,
    uniqueId: `${key}:${suffix}`,
    time,
    value: amount,
    valueCurrency: order.currency,
    properties,
  });

  const events = [
    event('Placed Order', 'placed', order.placedAt),
    ...order.lines.map((line) =>
      event('Ordered Product', `line:${line.lineId}`, order.placedAt, { OrderId: key, OrderName: order.name, ProductID: line.lineId, SKU: line.sku, ProductName: line.name, Quantity: Number(line.quantity), ItemPrice: Number(line.unitPrice.amount) }, Number(line.total.amount)),
    ),
  ];
  if (order.status === 'fulfilled') events.push(event('Fulfilled Order', 'fulfilled', order.updatedAt));
  if (order.status === 'cancelled') events.push(event('Cancelled Order', 'cancelled', order.updatedAt));
  if (order.status === 'refunded') events.push(event('Refunded Order', 'refunded', order.updatedAt));
  const { pickup } = order;
  if ((pickup.state === 'ready_for_pickup' || pickup.state === 'picked_up') && pickup.readyAt) events.push(event('Ready for Pickup', 'ready', pickup.readyAt));
  if (pickup.state === 'picked_up') events.push(event('Picked Up', 'picked-up', pickup.pickedUpAt ?? order.updatedAt));
  return events;
}
