import { fromMinorUnits, type Money } from '../../../core/model/money';
import { normalizeEmail, toE164 } from '../../../core/model/normalize';
import type { Order, OrderLine, OrderStatus, PickupState, SalesChannel } from '../../../core/model/order';
import { toMillis } from '../../../core/model/system';
import { UnusableOrder } from '../../../core/orders/ports';
import type { MappingContext } from '../../connector';
import type { SquareMoney, SquareOrder } from './schemas';

/**
 * A Square order → the canonical order (docs/identity.md §9). Pure; a value we cannot copy
 * exactly (money without an amount, another currency than the order's, a quantity we cannot
 * read, an order without its times) throws UnusableOrder naming the field, never the value.
 * https://developer.squareup.com/reference/square/objects/Order
 */

export const SYSTEM = 'square';

/** Refunds that took (or may still take) money back; REJECTED and FAILED ones did not. */
const REFUNDING = new Set(['PENDING', 'APPROVED', 'COMPLETED']);

/**
 * Pickup fulfillment state → the click & collect state. PROPOSED (placed, not yet accepted) and
 * RESERVED ("in progress") are both still "placed" for the buyer; PREPARED is ready; COMPLETED is
 * picked up; CANCELED and FAILED (rejected, expired) end it.
 * https://developer.squareup.com/docs/orders-api/fulfillments/pickup
 */
const PICKUP_STATES: Record<string, PickupState> = {
  PROPOSED: 'placed',
  RESERVED: 'placed',
  PREPARED: 'ready_for_pickup',
  COMPLETED: 'picked_up',
  CANCELED: 'cancelled',
  FAILED: 'cancelled',
};

/** The sale a return order refunds (Square makes one return order per refund): its `returns[].source_order_id`. */
export function refundedSaleOf(order: SquareOrder): string | undefined {
  if ((order.lineItems ?? []).length > 0) return undefined;
  return order.returns?.map((entry) => entry.sourceOrderId).find((id): id is string => typeof id === 'string' && id.length > 0);
}

export function toCanonicalOrder(order: SquareOrder, context: MappingContext & { locationName?: string | null }): Order {
  const refuse = (reason: string) => new UnusableOrder(SYSTEM, order.id, reason);
  const currency = order.totalMoney?.currency;
  if (!currency || !/^[A-Z]{3}$/.test(currency)) throw refuse('total_money.currency is missing or not an ISO 4217 code');
  if (!order.createdAt) throw refuse('created_at is missing');
  if (!order.updatedAt) throw refuse('updated_at is missing');

  const minor = (value: SquareMoney | undefined, field: string, fallback?: bigint): bigint => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (value?.amount === undefined || value.amount === null) throw refuse(`${field}.amount is missing`);
    if (value.currency !== undefined && value.currency !== currency) throw refuse(`${field}.currency differs from the order's`);
    return value.amount;
  };
  const money = (units: bigint): Money => fromMinorUnits(units, currency);

  const total = minor(order.totalMoney, 'total_money');
  const refunded = refundedAmount(order, minor);
  const lines = (order.lineItems ?? []).map((line, index): OrderLine => {
    const field = `line_items[${index}]`;
    if (!line.uid) throw refuse(`${field}.uid is missing`);
    if (!/^\d+(\.\d+)?$/.test(line.quantity)) throw refuse(`${field}.quantity is not a decimal quantity`);
    return {
      lineId: line.uid,
      name: line.name ?? line.variationName ?? '',
      // The SKU is on the catalog variation (catalog_object_id), a Catalog API read away: not fetched.
      sku: null,
      quantity: line.quantity,
      unitPrice: money(minor(line.basePriceMoney, `${field}.base_price_money`)),
      total: money(minor(line.totalMoney, `${field}.total_money`)),
    };
  });
  const extras = minor(order.totalTaxMoney, 'total_tax_money', 0n) + minor(order.totalTipMoney, 'total_tip_money', 0n) + minor(order.totalServiceChargeMoney, 'total_service_charge_money', 0n);
  const pickup = order.fulfillments?.find((fulfillment) => fulfillment.type === 'PICKUP');
  const pickupState = pickup ? PICKUP_STATES[pickup.state ?? ''] : 'none';
  if (pickupState === undefined) throw refuse('fulfillments[PICKUP].state is not a known fulfillment state');
  const recipient = pickup?.pickupDetails?.recipient;
  const customerId = order.customerId ?? recipient?.customerId ?? null;

  return {
    origin: { system: SYSTEM, externalId: order.id },
    // An API-created order has a version; one rung up at the Point of Sale has none: its updated_at orders its states.
    revision: order.version ?? toMillis(order.updatedAt),
    updatedAt: order.updatedAt,
    placedAt: order.createdAt,
    name: order.ticketName ?? order.referenceId ?? order.id,
    channel: channelOf(order),
    status: statusOf(order, total, refunded),
    currency,
    // The money kept: what was charged less what was refunded (the net amounts, sale less returns).
    total: money(total - refunded > 0n ? total - refunded : 0n),
    subtotal: money(total - extras),
    lines,
    pickup: {
      state: pickupState,
      location: pickup ? { id: order.locationId, name: context.locationName ?? null } : null,
      readyAt: pickup?.pickupDetails?.readyAt ?? null,
      pickedUpAt: pickup?.pickupDetails?.pickedUpAt ?? null,
    },
    // The order names its customer; without one, the pickup's recipient is who it was for.
    buyer: customerId
      ? { externalId: customerId, email: null, phone: null }
      : { externalId: null, email: normalizeEmail(recipient?.emailAddress) ?? null, phone: toE164(recipient?.phoneNumber, context.defaultCountry) ?? null },
  };
}

/**
 * What was given back: the larger of the refunds of the order's tenders and its returned amounts
 * (Square records a refund as a return order and the sale's `refunds`; either tells it).
 */
function refundedAmount(order: SquareOrder, minor: (value: SquareMoney | undefined, field: string, fallback?: bigint) => bigint): bigint {
  const refunds = (order.refunds ?? []).reduce((sum, refund, index) => (REFUNDING.has(refund.status ?? '') ? sum + minor(refund.amountMoney, `refunds[${index}].amount_money`) : sum), 0n);
  const returned = minor(order.returnAmounts?.totalMoney, 'return_amounts.total_money', 0n);
  return refunds > returned ? refunds : returned;
}

/**
 * CANCELED → cancelled; all of it given back → refunded; COMPLETED → fulfilled (Square completes
 * an order only once it is paid and every fulfillment is done: a counter sale is handed over when
 * it is rung up, a pickup when it is collected); OPEN with a payment (a tender, or nothing left
 * due) → paid; anything else (DRAFT, OPEN unpaid) → placed.
 * https://developer.squareup.com/reference/square/enums/OrderState
 */
function statusOf(order: SquareOrder, total: bigint, refunded: bigint): OrderStatus {
  if (order.state === 'CANCELED') return 'cancelled';
  if (total > 0n && refunded >= total) return 'refunded';
  if (order.state === 'COMPLETED') return 'fulfilled';
  const paid = (order.tenders ?? []).length > 0 || (total > 0n && order.netAmountDueMoney?.amount === 0n);
  return order.state === 'OPEN' && paid ? 'paid' : 'placed';
}

/**
 * `store` for what the Point of Sale rings up. `web` for a Square Online order: its source says
 * so, or it ships or is delivered (a counter sale never is). `source` names the latest app that
 * touched the order, so a Square Online pickup paid at a Terminal may read as `store`.
 */
function channelOf(order: SquareOrder): SalesChannel {
  if (/square online|online store/i.test(order.source?.name ?? '')) return 'web';
  return order.fulfillments?.some((fulfillment) => fulfillment.type === 'SHIPMENT' || fulfillment.type === 'DELIVERY') ? 'web' : 'store';
}
