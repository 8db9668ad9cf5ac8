import type { HubspotFake } from '../../connectors/hubspot/fake/server';
import type { ShopifyFake } from '../../connectors/shopify/fake/server';
import type { SquareFake } from '../../connectors/square/fake/server';
import { between, type Random } from '../../connectors/testing/seeded-random';

/**
 * Orders in the chaos run (docs/identity.md §9): people buy online (Shopify, some for pickup at
 * a store, moved along to ready and picked up) and at the counter (Square, some without a
 * customer), under the same webhook chaos as the customers. The ground truth is each order's
 * buyer, total and pickup state; the checker holds HubSpot's copies, their associations, the
 * pickup moves announced and each buyer's stats against it.
 */

type PickupState = 'none' | 'placed' | 'ready_for_pickup' | 'picked_up';

export interface TruthOrder {
  key: string;
  origin: 'shopify' | 'square';
  id: string;
  /** The buyer; null for a counter sale without a customer. */
  person: string | null;
  /** Canonical decimal, USD. */
  total: string;
  pickup: PickupState;
  /** A Square pickup order's PICKUP fulfillment (its state moves the pickup). */
  fulfillmentUid?: string;
}

export interface OrderCounts {
  web: number;
  /** Pickup orders placed online at the store through Square (Square Online, an ordering app). */
  squarePickups: number;
  pickups: number;
  pickupMoves: number;
  counter: number;
  anonymous: number;
  /** Order steps with nobody free to buy (everyone mid-edit, or no record there yet). */
  noShopper: number;
  refused: number;
}

export interface Shopper {
  person: string;
  email: string;
  externalId: string;
}

export interface OrderFakes {
  shopify: ShopifyFake;
  square: SquareFake;
  hubspot: HubspotFake;
}

const ITEMS = [
  { title: 'Teapot', price: 2450 },
  { title: 'Mug', price: 1250 },
  { title: 'Tea, 100 g', price: 899 },
  { title: 'Cups, set of 4', price: 3200 },
];

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

export class OrderWorkload {
  readonly orders: TruthOrder[] = [];
  readonly counts: OrderCounts = { web: 0, squarePickups: 0, pickups: 0, pickupMoves: 0, counter: 0, anonymous: 0, noShopper: 0, refused: 0 };

  constructor(
    private readonly random: Random,
    private readonly fakes: OrderFakes,
    /** A person free to act, with a live record in the system. */
    private readonly shopper: (system: 'shopify' | 'square') => Shopper | undefined,
  ) {}

  /** One thing a buyer or the shop does with an order. */
  step(): void {
    try {
      const r = this.random();
      if (r < 0.3) this.webOrder();
      else if (r < 0.42) this.squarePickup();
      else if (r < 0.7) this.movePickup();
      else this.counterSale();
    } catch {
      this.counts.refused += 1;
    }
  }

  private lines(): { lines: Array<{ title: string; quantity: number; cents: number }>; cents: number } {
    const count = 1 + Math.floor(this.random() * 2);
    const lines = Array.from({ length: count }, () => {
      const item = ITEMS[Math.floor(this.random() * ITEMS.length)]!;
      return { title: item.title, quantity: 1 + Math.floor(this.random() * 3), cents: item.price };
    });
    return { lines, cents: lines.reduce((sum, line) => sum + line.quantity * line.cents, 0) };
  }

  private webOrder(): void {
    const buyer = this.shopper('shopify');
    if (!buyer) {
      this.counts.noShopper += 1;
      return;
    }
    const pickup = this.random() < 0.35;
    const { lines, cents } = this.lines();
    const store = this.fakes.shopify.locations.find((location) => location.name === 'Main Street Store')!;
    const placed = this.fakes.shopify.orderAdmin.placeOrder({
      customerId: buyer.externalId,
      lines: lines.map((line) => ({ title: line.title, quantity: line.quantity, price: money(line.cents) })),
      ...(pickup ? { pickupAt: String(store.id) } : {}),
    });
    this.orders.push({ key: `shopify:${placed.id}`, origin: 'shopify', id: placed.id, person: buyer.person, total: money(cents), pickup: pickup ? 'placed' : 'none' });
    this.counts.web += 1;
    if (pickup) this.counts.pickups += 1;
  }

  private movePickup(): void {
    const open = this.orders.filter((order) => order.pickup === 'placed' || order.pickup === 'ready_for_pickup');
    const order = open[Math.floor(this.random() * open.length)];
    if (!order) return;
    if (order.origin === 'square') {
      // Square's Order Manager: PROPOSED → RESERVED (accepted) → PREPARED (ready) → COMPLETED (picked up).
      const uid = order.fulfillmentUid!;
      if (order.pickup === 'placed') {
        this.fakes.square.admin.setFulfillmentState(order.id, uid, 'RESERVED');
        this.fakes.square.admin.setFulfillmentState(order.id, uid, 'PREPARED');
        order.pickup = 'ready_for_pickup';
      } else {
        this.fakes.square.admin.setFulfillmentState(order.id, uid, 'COMPLETED');
        order.pickup = 'picked_up';
      }
    } else if (order.pickup === 'placed') {
      this.fakes.shopify.orderAdmin.markReadyForPickup(order.id);
      order.pickup = 'ready_for_pickup';
    } else {
      this.fakes.shopify.orderAdmin.fulfill(order.id);
      order.pickup = 'picked_up';
    }
    this.counts.pickupMoves += 1;
  }

  /** An order for pickup at the store, placed and paid online through Square, by a store customer. */
  private squarePickup(): void {
    const buyer = this.shopper('square');
    if (!buyer) {
      this.counts.noShopper += 1;
      return;
    }
    const { lines, cents } = this.lines();
    const order = this.fakes.square.admin.createOrder({
      location_id: this.fakes.square.location,
      customer_id: buyer.externalId,
      line_items: lines.map((line) => ({ name: line.title, quantity: String(line.quantity), base_price_money: { amount: line.cents, currency: 'USD' } })),
      fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: buyer.person }, schedule_type: 'ASAP' } }],
    });
    this.fakes.square.admin.payOrder(order.id, 'CARD');
    this.orders.push({ key: `square:${order.id}`, origin: 'square', id: order.id, person: buyer.person, total: money(cents), pickup: 'placed', fulfillmentUid: order.fulfillments![0]!.uid });
    this.counts.squarePickups += 1;
    this.counts.pickups += 1;
  }

  private counterSale(): void {
    const wanted = this.random() < 0.8;
    const buyer = wanted ? this.shopper('square') : undefined;
    if (wanted && !buyer) {
      this.counts.noShopper += 1;
      return;
    }
    const { lines, cents } = this.lines();
    const { order } = this.fakes.square.admin.ringUpSale({
      ...(buyer ? { customer_id: buyer.externalId } : {}),
      line_items: lines.map((line) => ({ name: line.title, quantity: String(line.quantity), base_price_money: { amount: line.cents, currency: 'USD' } })),
    });
    this.orders.push({ key: `square:${order.id}`, origin: 'square', id: order.id, person: buyer?.person ?? null, total: money(cents), pickup: 'none' });
    this.counts.counter += 1;
    if (!buyer) this.counts.anonymous += 1;
  }

  /** How often a workload step is an order step: a share drawn per run. */
  static share(random: Random): number {
    return between(random, [0.05, 0.1]);
  }
}

export interface OrderFinding {
  check: OrderCheckName;
  detail: string;
}

export type OrderCheckName = 'missingOrderCopies' | 'duplicateOrderCopies' | 'wrongOrderCopies' | 'wrongOrderBuyers' | 'missingPickupMoves' | 'wrongStats';

/**
 * Once quiet: every order has exactly one HubSpot copy with the origin's total and pickup state,
 * associated with its buyer's contact (none for an anonymous sale); every pickup state reached
 * ended in was announced (OrderStatusChanged, at least once: a repeat carries the same eventId), and none it never reached; each
 * buyer's HubSpot contact and Shopify customer hold their order count and spend.
 */
export function checkOrders(
  orders: readonly TruthOrder[],
  people: ReadonlyArray<{ id: string; email: string }>,
  fakes: OrderFakes,
  bus: ReadonlyArray<Record<string, unknown>>,
): { counts: Record<OrderCheckName, number>; findings: OrderFinding[]; repeatedMoves: number } {
  const counts: Record<OrderCheckName, number> = { missingOrderCopies: 0, duplicateOrderCopies: 0, wrongOrderCopies: 0, wrongOrderBuyers: 0, missingPickupMoves: 0, wrongStats: 0 };
  const findings: OrderFinding[] = [];
  const found = (check: OrderCheckName, detail: string) => {
    counts[check] += 1;
    findings.push({ check, detail });
  };
  const emailOf = new Map(people.map((person) => [person.id, person.email]));
  const contactOf = (person: string) => fakes.hubspot.admin.findContactByEmail(emailOf.get(person)!);
  const copies = new Map<string, ReturnType<HubspotFake['admin']['listOrders']>>();
  for (const copy of fakes.hubspot.admin.listOrders()) {
    const key = String(copy.properties.omnihub_order_key ?? '');
    copies.set(key, [...(copies.get(key) ?? []), copy]);
  }
  const moves = new Map<string, Array<{ to: string; eventId: string }>>();
  for (const event of bus) {
    if (event['detail-type'] !== 'OrderStatusChanged') continue;
    const detail = event.detail as { orderKey: string; to: string; eventId: string };
    moves.set(detail.orderKey, [...(moves.get(detail.orderKey) ?? []), detail]);
  }
  let repeatedMoves = 0;

  for (const order of orders) {
    const mine = copies.get(order.key) ?? [];
    if (mine.length === 0) {
      found('missingOrderCopies', `${order.key} has no HubSpot copy`);
      continue;
    }
    if (mine.length > 1) found('duplicateOrderCopies', `${order.key} has ${mine.length} HubSpot copies: ${mine.map((copy) => copy.id).join(', ')}`);
    const copy = mine[0]!;
    const wrong = [
      copy.properties.hs_total_price !== order.total ? 'total' : undefined,
      copy.properties.omnihub_pickup_state !== order.pickup ? `pickup state (${String(copy.properties.omnihub_pickup_state)}, not ${order.pickup})` : undefined,
    ].filter(Boolean);
    if (wrong.length > 0) found('wrongOrderCopies', `${order.key}: the copy's ${wrong.join(' and ')}`);
    const expected = order.person === null ? [] : [contactOf(order.person)?.id].filter((id): id is string => id !== undefined);
    if (JSON.stringify([...copy.contactIds].sort()) !== JSON.stringify(expected)) {
      found('wrongOrderBuyers', `${order.key} of ${order.person ?? 'nobody'} is associated with [${copy.contactIds.join(', ')}], not [${expected.join(', ')}]`);
    }
    if (order.pickup !== 'none') {
      // The state it ended in must be announced; one it passed before omnihub read it need not be
      // (a skipped step is not announced, docs/identity.md §9), but none it never reached may be.
      const reached = (['placed', 'ready_for_pickup', 'picked_up'] as const).slice(0, ['placed', 'ready_for_pickup', 'picked_up'].indexOf(order.pickup) + 1);
      const announced = moves.get(order.key) ?? [];
      if (!announced.some((move) => move.to === order.pickup)) found('missingPickupMoves', `${order.key}: no OrderStatusChanged to ${order.pickup}`);
      const unreached = announced.filter((move) => !(reached as readonly string[]).includes(move.to));
      if (unreached.length > 0) found('missingPickupMoves', `${order.key}: announced ${unreached.map((move) => move.to).join(', ')}, never reached`);
      repeatedMoves += announced.length - new Set(announced.map((move) => move.eventId)).size;
    }
  }

  // Each buyer's stats, where they are held.
  const byPerson = new Map<string, TruthOrder[]>();
  for (const order of orders) if (order.person) byPerson.set(order.person, [...(byPerson.get(order.person) ?? []), order]);
  for (const [person, theirs] of byPerson) {
    const count = String(theirs.length);
    const cents = theirs.reduce((sum, order) => sum + Math.round(Number(order.total) * 100), 0);
    const contact = contactOf(person);
    if (contact && (contact.properties.omnihub_total_orders !== count || contact.properties.omnihub_total_spent !== `USD ${money(cents)}`)) {
      found('wrongStats', `${person}: HubSpot contact ${contact.id} holds ${String(contact.properties.omnihub_total_orders)} orders, not ${count} (or not the spend)`);
    }
    const customer = fakes.shopify.admin.listCustomers().find((candidate) => candidate.email === emailOf.get(person));
    if (customer) {
      const held = fakes.shopify.metafields.get(BigInt(customer.id), 'omnihub', 'orders')?.value;
      if (held !== count) found('wrongStats', `${person}: Shopify customer ${customer.id} holds ${held ?? 'no'} orders, not ${count}`);
    }
  }
  return { counts, findings, repeatedMoves };
}
