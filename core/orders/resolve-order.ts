import type { IdentityStore } from '../identity/identity-store';
import { jitteredBackoff } from '../identity/resolve';
import { normalizeEmail } from '../model/normalize';
import type { Observation } from '../model/observation';
import { GUEST_ORDER_SYSTEM, pickupMoves, supersedes, type Order, type PickupState } from '../model/order';
import { canonicalJson } from '../model/same-value';
import { applyContribution, contributionOf, EMPTY_STATS, type CustomerStats } from '../model/stats';
import { applyToCustomers, applyToDay, collectionMinutes, EMPTY_CUSTOMER_KPIS, EMPTY_DAY, orderDay } from '../model/kpis';
import type { HeldOrder, OrderSave, OrderStore, PickupMove } from './order-store';

/**
 * Applies one observation of an order (docs/identity.md §9): only a newer revision of the
 * origin replaces what is held; the buyer is resolved by the identity rules (§3); the pickup
 * state only moves forward; the buyer's stats change by the difference of the order's old and
 * new contribution, in the same transaction as the order.
 */
export type OrderResolution =
  /** The same revision again, or an older one: no effect. */
  | { outcome: 'repeat' | 'late'; held: HeldOrder }
  /** The order names a customer record of its origin we have not linked yet: read it first, then retry. */
  | { outcome: 'buyer-unknown'; system: string; externalId: string }
  /** A guest nobody owns the email (or phone) of: resolve `guest` (a first sighting of her), then retry. */
  | { outcome: 'buyer-new'; guest: Observation }
  | {
      outcome: 'recorded';
      held: HeldOrder;
      /** True when the order is new to omnihub. */
      created: boolean;
      /** Pickup moves this revision made (published from the order's outbox). */
      moves: PickupMove[];
      /** Customers whose stats changed. */
      statsChanged: string[];
      attempts: number;
    };

const MAX_ATTEMPTS = 8;

export async function resolveOrder(
  orders: OrderStore,
  identity: Pick<IdentityStore, 'findOwner' | 'isGone'>,
  order: Order,
  options: { backoff?: (attempt: number) => Promise<void> } = {},
): Promise<OrderResolution> {
  const backoff = options.backoff ?? jitteredBackoff;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const held = await orders.getOrder(order.origin);
    if (held && !supersedes(held.order, order)) return { outcome: order.revision === held.order.revision ? 'repeat' : 'late', held };

    const buyer = await resolveBuyer(identity, order);
    // A buyer we knew stays the buyer; a new guest becomes a customer first (docs/identity.md §9).
    if (buyer.kind === 'new-guest' && !held?.customerId) return { outcome: 'buyer-new', guest: guestObservation(order, buyer) };
    if (buyer.kind === 'unknown-record') {
      // A buyer we knew stays the buyer when its record can no longer be read (deleted since).
      if (!held?.customerId) return { outcome: 'buyer-unknown', system: order.origin.system, externalId: buyer.externalId };
    }
    const customerId = buyer.kind === 'customer' ? buyer.customerId : buyer.kind === 'unknown-record' || buyer.kind === 'new-guest' ? (held?.customerId ?? null) : null;

    const { state, moves } = movePickup(held?.order.pickup.state ?? 'none', order);
    const recorded: Order = { ...order, pickup: { ...order.pickup, state, ...pickupTimes(held?.order, order, moves) } };
    const next: HeldOrder = {
      order: recorded,
      customerId,
      version: (held?.version ?? 0) + 1,
      unpublishedMoves: [...(held?.unpublishedMoves ?? []), ...moves],
    };

    const before = held ? contributionOf(held.order) : undefined;
    const after = contributionOf(recorded);
    const deltas = new Map<string, { before?: typeof before; after?: typeof after }>();
    if (held?.customerId) deltas.set(held.customerId, { before });
    if (customerId) deltas.set(customerId, { ...deltas.get(customerId), after });
    const stats: OrderSave['stats'] = [];
    const statsBefore = new Map<string, CustomerStats | undefined>();
    for (const [id, delta] of deltas) {
      const current = await orders.getStats(id);
      const updated = applyContribution(current?.stats ?? EMPTY_STATS, delta.before, delta.after);
      if (!same(updated, current?.stats ?? EMPTY_STATS)) {
        stats.push({ customerId: id, stats: updated, expectedVersion: current?.version });
        statsBefore.set(id, current?.stats);
      }
    }

    // The shop's KPIs move in the same write: the order's day, and the customers' totals.
    const aggregates: OrderSave['aggregates'] = [];
    const collected = moves.some((m) => m.to === 'picked_up') ? collectionMinutes(recorded) : undefined;
    const dayKey = `DAY#${orderDay(recorded.placedAt)}` as const;
    const day = await orders.getDayKpis(orderDay(recorded.placedAt));
    const dayAfter = applyToDay(day.value ?? EMPTY_DAY, before, after, collected === undefined ? undefined : { minutes: collected });
    if (!same(dayAfter, day.value ?? EMPTY_DAY)) aggregates.push({ key: dayKey, value: dayAfter, expectedVersion: day.version });
    if (stats.length > 0) {
      const customers = await orders.getCustomerKpis();
      const customersAfter = stats.reduce((kpis, s) => applyToCustomers(kpis, statsBefore.get(s.customerId), s.stats), customers.value ?? EMPTY_CUSTOMER_KPIS);
      aggregates.push({ key: 'CUSTOMERS', value: customersAfter, expectedVersion: customers.version });
    }

    const key = `${recorded.origin.system}:${recorded.origin.externalId}`;
    const index: OrderSave['index'] = {
      ...(customerId
        ? { put: { customerId, entry: { orderKey: key, name: recorded.name, placedAt: recorded.placedAt, channel: recorded.channel, status: recorded.status, pickup: state, total: recorded.total, revision: recorded.revision } } }
        : {}),
      ...(held?.customerId && held.customerId !== customerId ? { drop: { customerId: held.customerId } } : {}),
    };

    const saved = await orders.saveOrder({ order: next, expectedVersion: held?.version, stats, aggregates, index });
    if (saved.ok) return { outcome: 'recorded', held: next, created: !held, moves, statsChanged: stats.map((s) => s.customerId), attempts: attempt };
    await backoff(attempt);
  }
  throw new Error(`order ${order.origin.system}:${order.origin.externalId}: still conflicting after ${MAX_ATTEMPTS} attempts`);
}

type Buyer =
  | { kind: 'customer'; customerId: string }
  | { kind: 'unknown-record'; externalId: string }
  | { kind: 'new-guest'; email: string | null; phone: string | null }
  | { kind: 'anonymous' };

/**
 * §3 for a buyer: the origin's customer record by its link; without one (a guest checkout, a
 * pickup ordered with a phone), the order's email, else its phone when it has no email. A guest
 * nobody owns those of is new (she becomes a customer: §9); a sale with neither is anonymous.
 */
async function resolveBuyer(identity: Pick<IdentityStore, 'findOwner' | 'isGone'>, order: Order): Promise<Buyer> {
  const { externalId, phone } = order.buyer;
  if (externalId) {
    const owner = await identity.findOwner({ kind: 'link', system: order.origin.system, externalId });
    if (owner) return { kind: 'customer', customerId: owner };
    // A buyer record deleted before we linked it never will be: the order's email or phone then (§9).
    if (!(await identity.isGone({ system: order.origin.system, externalId }))) return { kind: 'unknown-record', externalId };
  }
  const email = normalizeEmail(order.buyer.email) ?? null;
  if (email) {
    const owner = await identity.findOwner({ kind: 'email', value: email });
    return owner ? { kind: 'customer', customerId: owner } : { kind: 'new-guest', email, phone };
  }
  if (phone) {
    const owner = await identity.findOwner({ kind: 'phone', value: phone });
    return owner ? { kind: 'customer', customerId: owner } : { kind: 'new-guest', email: null, phone };
  }
  return { kind: 'anonymous' };
}

/** A guest's contact details as an observation (docs/identity.md §9), timed by when the order was placed. */
export function guestObservation(order: Order, contact: { email: string | null; phone: string | null }): Observation {
  return {
    system: GUEST_ORDER_SYSTEM,
    externalId: `${order.origin.system}:${order.origin.externalId}`,
    observedAt: order.placedAt,
    values: { ...(contact.email ? { email: contact.email } : {}), ...(contact.phone ? { phone: contact.phone } : {}) },
  };
}

/** Forward only (`pickupMoves`): a late or replayed earlier state keeps the state held. */
function movePickup(current: PickupState, order: Order): { state: PickupState; moves: PickupMove[] } {
  const next = order.pickup.state;
  if (next === current || !pickupMoves(current, next)) return { state: current, moves: [] };
  const at = next === 'ready_for_pickup' ? order.pickup.readyAt : next === 'picked_up' ? order.pickup.pickedUpAt : null;
  return { state: next, moves: [{ from: current, to: next, at: at ?? order.updatedAt }] };
}

/**
 * When the pickup became ready and was collected: what this revision says, else what was held
 * (an origin may stop reporting a time: Shopify's ready fulfillment order is gone once it is
 * picked up), else the time of the move this revision makes. A time once known is not lost.
 */
function pickupTimes(held: Order | undefined, order: Order, moves: PickupMove[]): Pick<Order['pickup'], 'readyAt' | 'pickedUpAt'> {
  const movedAt = (to: PickupState) => moves.find((m) => m.to === to)?.at ?? null;
  return {
    readyAt: order.pickup.readyAt ?? held?.pickup.readyAt ?? movedAt('ready_for_pickup'),
    pickedUpAt: order.pickup.pickedUpAt ?? held?.pickup.pickedUpAt ?? movedAt('picked_up'),
  };
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
