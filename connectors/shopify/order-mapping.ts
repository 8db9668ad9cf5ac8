import { fromDecimal, fromMinorUnits, toMinorUnits, type Money } from '../../core/model/money';
import { normalizeEmail, toE164 } from '../../core/model/normalize';
import type { Order, OrderStatus, PickupState } from '../../core/model/order';
import { UnusableOrder } from '../../core/orders/ports';
import type { MappingContext } from '../connector';
import { customerIdFromGid } from './mapping';
import type { ShopifyFulfillmentOrderNode, ShopifyLineItemNode, ShopifyMoneyBag, ShopifyOrderNode } from './order-schemas';

/**
 * A Shopify order (GraphQL, with all its line items and fulfillment orders) → the canonical
 * order (docs/identity.md §9). Pure. Money is the shop currency's (`shopMoney`), converted
 * exactly; a value that would need rounding makes the order unusable, naming the field.
 */
export function toCanonicalOrder(node: ShopifyOrderNode, lines: ShopifyLineItemNode[], fulfillmentOrders: ShopifyFulfillmentOrderNode[], context: MappingContext): Order {
  const externalId = node.legacyResourceId;
  const currency = node.currentTotalPriceSet.shopMoney.currencyCode;
  const money = (field: string, bag: ShopifyMoneyBag): Money => {
    if (bag.shopMoney.currencyCode !== currency) throw new UnusableOrder('shopify', externalId, `${field}: currency differs from the order's`);
    try {
      return fromDecimal(bag.shopMoney.amount, currency);
    } catch {
      throw new UnusableOrder('shopify', externalId, `${field}: not an exact ${currency} amount`);
    }
  };
  const pickup = pickupOf(node, fulfillmentOrders);
  return {
    origin: { system: 'shopify', externalId },
    revision: revisionOf(node, fulfillmentOrders),
    updatedAt: latestUpdate(node, fulfillmentOrders).at,
    placedAt: node.processedAt,
    name: node.name,
    // POS sales are `pos`; online checkout is `web`; draft orders and apps' orders count as web.
    channel: node.sourceName === 'pos' ? 'store' : 'web',
    status: statusOf(node),
    currency,
    total: money('currentTotalPriceSet', node.currentTotalPriceSet),
    subtotal: money('currentSubtotalPriceSet', node.currentSubtotalPriceSet),
    lines: lines.map((line, index) => {
      const unitPrice = money(`lineItems.${index}.originalUnitPriceSet`, line.originalUnitPriceSet);
      return {
        lineId: idFromGid(line.id),
        name: line.name,
        sku: line.sku?.trim() ? line.sku : null,
        quantity: String(line.currentQuantity),
        unitPrice,
        total: fromMinorUnits(toMinorUnits(unitPrice) * BigInt(line.currentQuantity), currency),
      };
    }),
    pickup,
    locale: localeOf(node.customerLocale),
    buyer: {
      externalId: node.customer ? customerIdFromGid(node.customer.id) : null,
      email: normalizeEmail(node.email) ?? null,
      phone: toE164(node.phone, context.defaultCountry) ?? null,
    },
  };
}

/**
 * Order.customerLocale, the language the buyer checked out in ("en", "fr-CA"), as Shopify gives
 * it; null when it gives none. One longer than the canonical schema allows is dropped, not
 * allowed to make the whole order unusable. https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Order
 */
function localeOf(customerLocale: string | null): string | null {
  const locale = customerLocale?.trim();
  return locale && locale.length <= MAX_LOCALE_LENGTH ? locale : null;
}

/** OrderSchema's bound on `locale`. */
const MAX_LOCALE_LENGTH = 35;

/** `gid://shopify/LineItem/123` → `123` (Shopify's numeric id, as the REST payloads give it). */
export function idFromGid(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1);
}

/** Cancelled > refunded > fulfilled > paid > placed. */
function statusOf(node: ShopifyOrderNode): OrderStatus {
  if (node.cancelledAt) return 'cancelled';
  if (node.displayFinancialStatus === 'REFUNDED') return 'refunded';
  if (node.displayFulfillmentStatus === 'FULFILLED') return 'fulfilled';
  if (node.displayFinancialStatus === 'PAID' || node.displayFinancialStatus === 'PARTIALLY_REFUNDED') return 'paid';
  return 'placed';
}

/**
 * Click & collect from the PICK_UP fulfillment order (shipping lines cannot tell pickup from
 * delivery): OPEN (or on hold, scheduled) → placed; IN_PROGRESS, what
 * fulfillmentOrderLineItemsPreparedForPickup leaves → ready; CLOSED (fulfilled: handed over) →
 * picked up; CANCELLED, or the order cancelled → cancelled. The FO's own updatedAt times
 * the ready and picked-up moves (Shopify keeps no separate timestamps for them).
 */
function pickupOf(node: ShopifyOrderNode, fulfillmentOrders: ShopifyFulfillmentOrderNode[]): Order['pickup'] {
  const pickups = fulfillmentOrders.filter((fo) => fo.deliveryMethod?.methodType === 'PICK_UP');
  // After a move or split, the live one (not cancelled) is where the order is collected.
  const fo = pickups.find((each) => each.status !== 'CANCELLED') ?? pickups[0];
  if (!fo) return { state: 'none', location: null, readyAt: null, pickedUpAt: null };
  const location = fo.assignedLocation.location
    ? { id: idFromGid(fo.assignedLocation.location.id), name: fo.assignedLocation.location.name }
    : { id: '', name: fo.assignedLocation.name };
  const state: PickupState = node.cancelledAt || fo.status === 'CANCELLED' ? 'cancelled' : fo.status === 'CLOSED' ? 'picked_up' : fo.status === 'IN_PROGRESS' ? 'ready_for_pickup' : 'placed';
  return {
    state,
    location: location.id ? location : null,
    readyAt: state === 'ready_for_pickup' ? fo.updatedAt : null,
    pickedUpAt: state === 'picked_up' ? fo.updatedAt : null,
  };
}

function latestUpdate(node: ShopifyOrderNode, fulfillmentOrders: ShopifyFulfillmentOrderNode[]): { at: string; ms: number } {
  let latest = { at: node.updatedAt, ms: Date.parse(node.updatedAt) };
  for (const fo of fulfillmentOrders) {
    const ms = Date.parse(fo.updatedAt);
    if (ms > latest.ms) latest = { at: fo.updatedAt, ms };
  }
  return latest;
}

const FINANCIAL_PROGRESS: Record<string, number> = { PENDING: 0, AUTHORIZED: 1, PARTIALLY_PAID: 1, PAID: 2, PARTIALLY_REFUNDED: 3, REFUNDED: 4, VOIDED: 4, EXPIRED: 4 };
const FULFILLMENT_ORDER_PROGRESS: Record<string, number> = { IN_PROGRESS: 1, CLOSED: 2, CANCELLED: 2 };
const FULFILLMENT_PROGRESS: Record<string, number> = { PARTIALLY_FULFILLED: 1, FULFILLED: 2 };

/**
 * The order's revision: the latest of the order's and its fulfillment orders' `updatedAt`, in
 * ms. A fulfillment order's change (ready for pickup) does not move the order's own updatedAt,
 * so the order's alone would miss it. Shopify's clocks have whole seconds: two changes in one
 * second (ready, then handed over) would share a revision and the second would read as a
 * repeat. The ms digits, always 000 in Shopify's times, hold a tie-breaker instead: how far
 * the order has gone (payment, fulfillment orders, fulfillment, cancellation), which only grows.
 */
export function revisionOf(node: ShopifyOrderNode, fulfillmentOrders: ShopifyFulfillmentOrderNode[]): number {
  const { ms } = latestUpdate(node, fulfillmentOrders);
  if (ms % 1000 !== 0) return ms;
  const progress =
    (FINANCIAL_PROGRESS[node.displayFinancialStatus ?? ''] ?? 0) +
    (FULFILLMENT_PROGRESS[node.displayFulfillmentStatus] ?? 0) +
    fulfillmentOrders.reduce((sum, fo) => sum + (FULFILLMENT_ORDER_PROGRESS[fo.status] ?? 0), 0) +
    (node.cancelledAt ? 1 : 0);
  return ms + Math.min(999, progress);
}
