import { describe, expect, it } from 'vitest';
import { resolveObservation } from '../../core/identity/resolve';
import { resolveOrder } from '../../core/orders/resolve-order';
import { kpiReport } from '../../core/orders/kpi-report';
import { DynamoDbIdentityStore } from '../../functions/lib/adapters/dynamodb-identity-store';
import { DynamoDbOrderStore, statsItemKey } from '../../functions/lib/adapters/dynamodb-order-store';
import { anObservation, anOrder, laterRevision } from '../support/builders';
import { aFreshTable } from '../support/identity-table';

const noWait = async () => undefined;

/** A table where Ada's Shopify record is linked (anObservation), and the stores on it. */
async function withAda() {
  const table = await aFreshTable();
  const identity = new DynamoDbIdentityStore(table.doc, table.tableName);
  const orders = new DynamoDbOrderStore(table.doc, table.tableName);
  const ada = await resolveObservation(identity, anObservation());
  if (ada.outcome !== 'created') throw new Error('expected Ada to be created');
  const item = async (pk: string, sk: string) => (await table.items()).find((i) => i.pk === pk && i.sk === sk);
  return { table, identity, orders, adaId: ada.customer.id, item };
}

describe('the order resolver on DynamoDB Local (docs/identity.md §9)', () => {
  it('records an order of a linked buyer with its stats, in one write', async () => {
    // Prepare
    const { identity, orders, adaId, item } = await withAda();
    // Act
    const result = await resolveOrder(orders, identity, anOrder(), { backoff: noWait });
    // Assess
    expect(result).toMatchObject({ outcome: 'recorded', created: true, statsChanged: [adaId] });
    const order = await item('ORDER#shopify#450789469', 'ORDER');
    expect(order).toMatchObject({ version: 1, customerId: adaId, order: { name: '#1001', total: { amount: '20.00', currency: 'USD' } } });
    const stats = await item(statsItemKey(adaId).pk, 'STATS');
    expect(stats).toMatchObject({ version: 1, stats: { orders: 1, spent: { USD: '20.00' }, channels: ['web'] } });
  });

  it('changes nothing for a repeat or a late delivery', async () => {
    // Prepare
    const { table, identity, orders } = await withAda();
    const first = anOrder();
    const newer = laterRevision(first, 60, { status: 'fulfilled' });
    await resolveOrder(orders, identity, newer, { backoff: noWait });
    const before = await table.items();
    // Act
    const repeat = await resolveOrder(orders, identity, newer, { backoff: noWait });
    const late = await resolveOrder(orders, identity, first, { backoff: noWait });
    // Assess
    expect([repeat.outcome, late.outcome]).toEqual(['repeat', 'late']);
    expect(await table.items()).toEqual(before);
  });

  it('replaces the order\'s contribution when a newer revision changes it: a refund lowers the spend, the count stays one', async () => {
    // Prepare
    const { identity, orders, adaId, item } = await withAda();
    const first = anOrder();
    await resolveOrder(orders, identity, first, { backoff: noWait });
    // Act
    await resolveOrder(orders, identity, laterRevision(first, 60, { status: 'refunded', total: { amount: '5.00', currency: 'USD' } }), { backoff: noWait });
    // Assess
    expect(await item(statsItemKey(adaId).pk, 'STATS')).toMatchObject({ version: 2, stats: { orders: 1, spent: { USD: '5.00' } } });
  });

  it('counts an order once when two revisions of it race', async () => {
    // Prepare
    const { identity, orders, adaId, item } = await withAda();
    const first = anOrder();
    // Act
    await Promise.all([
      resolveOrder(orders, identity, first, { backoff: noWait }),
      resolveOrder(orders, identity, laterRevision(first, 1, { status: 'fulfilled' }), { backoff: noWait }),
      resolveOrder(orders, identity, first, { backoff: noWait }),
    ]);
    // Assess
    expect(await item(statsItemKey(adaId).pk, 'STATS')).toMatchObject({ stats: { orders: 1, spent: { USD: '20.00' } } });
    expect(await item('ORDER#shopify#450789469', 'ORDER')).toMatchObject({ order: { status: 'fulfilled' } });
  });

  it('moves a pickup forward only, recording each move once in the order\'s outbox', async () => {
    // Prepare
    const { identity, orders, item } = await withAda();
    const location = { id: 'L1', name: 'Main St' };
    const placed = anOrder({ pickup: { state: 'placed', location, readyAt: null, pickedUpAt: null } });
    const ready = laterRevision(placed, 60, { pickup: { state: 'ready_for_pickup', location, readyAt: '2026-01-02T10:01:00Z', pickedUpAt: null } });
    // Act
    const r1 = await resolveOrder(orders, identity, placed, { backoff: noWait });
    const r2 = await resolveOrder(orders, identity, ready, { backoff: noWait });
    // The origin's next revision still says "placed" (an edit read from a lagging replica): the state stays.
    const r3 = await resolveOrder(orders, identity, laterRevision(ready, 60, { pickup: placed.pickup, name: '#1001 (edited)' }), { backoff: noWait });
    // Assess
    const moves = [r1, r2, r3].map((r) => (r.outcome === 'recorded' ? r.moves.map((m) => `${m.from}>${m.to}`) : r.outcome));
    expect(moves).toEqual([['none>placed'], ['placed>ready_for_pickup'], []]);
    const held = await item('ORDER#shopify#450789469', 'ORDER');
    expect(held).toMatchObject({ order: { name: '#1001 (edited)', pickup: { state: 'ready_for_pickup' } } });
    expect((held!.unpublishedMoves as unknown[]).length).toBe(2);
    // Act: publishing a move drops it alone from the outbox, and bumps the version so that a
    // writer who read the outbox before cannot write it back.
    await orders.markMovesPublished(placed.origin, ['placed']);
    const afterFirst = await item('ORDER#shopify#450789469', 'ORDER');
    expect([(afterFirst!.unpublishedMoves as Array<{ to: string }>).map((m) => m.to), afterFirst!.version]).toEqual([['ready_for_pickup'], (held!.version as number) + 1]);
    await orders.markMovesPublished(placed.origin, ['ready_for_pickup', 'placed']);
    expect((await item('ORDER#shopify#450789469', 'ORDER'))!.unpublishedMoves).toEqual([]);
  });

  it('keeps the time a pickup became ready when a newer revision no longer says it (Shopify forgets it once picked up)', async () => {
    // Prepare
    const { identity, orders, item } = await withAda();
    const location = { id: 'L1', name: 'Main St' };
    const ready = anOrder({ pickup: { state: 'ready_for_pickup', location, readyAt: '2026-01-02T10:01:00Z', pickedUpAt: null } });
    const collected = laterRevision(ready, 1800, { pickup: { state: 'picked_up', location, readyAt: null, pickedUpAt: '2026-01-02T10:31:00Z' } });
    // A later edit that names neither time (the origin no longer reports them).
    const edited = laterRevision(collected, 60, { pickup: { state: 'picked_up', location, readyAt: null, pickedUpAt: null } });
    // Act
    await resolveOrder(orders, identity, ready, { backoff: noWait });
    await resolveOrder(orders, identity, collected, { backoff: noWait });
    await resolveOrder(orders, identity, edited, { backoff: noWait });
    // Assess
    expect(await item('ORDER#shopify#450789469', 'ORDER')).toMatchObject({
      order: { pickup: { state: 'picked_up', readyAt: '2026-01-02T10:01:00Z', pickedUpAt: '2026-01-02T10:31:00Z' } },
    });
  });

  it('waits for a buyer record it has not linked yet, and writes nothing', async () => {
    // Prepare
    const { table, identity, orders } = await withAda();
    const before = await table.items();
    // Act
    const result = await resolveOrder(orders, identity, anOrder({ buyer: { externalId: '999', email: 'new@example.com', phone: null } }), { backoff: noWait });
    // Assess
    expect(result).toEqual({ outcome: 'buyer-unknown', system: 'shopify', externalId: '999' });
    expect(await table.items()).toEqual(before);
  });

  it('stops waiting for a buyer record found deleted before it was linked, and places the order by its email', async () => {
    // Prepare: record 999 was read and not found (connector-sync), so the resolver remembered it as gone
    const { identity, orders, adaId } = await withAda();
    await identity.recordGone({ system: 'shopify', externalId: '999' }, '2026-01-01T00:00:00Z');
    // Act
    const result = await resolveOrder(orders, identity, anOrder({ buyer: { externalId: '999', email: 'ada@example.com', phone: null } }), { backoff: noWait });
    // Assess
    expect(result.outcome === 'recorded' && result.held.customerId).toBe(adaId);
    expect(await identity.isGone({ system: 'shopify', externalId: '998' })).toBe(false);
  });

  it('places a guest order by its email, else its phone; a sale with neither is anonymous, with no stats', async () => {
    // Prepare
    const { table, identity, orders, adaId } = await withAda();
    // Act
    const byEmail = await resolveOrder(orders, identity, anOrder({ origin: { system: 'square', externalId: 'A' }, buyer: { externalId: null, email: ' Ada@Example.com', phone: null } }), { backoff: noWait });
    const byPhone = await resolveOrder(orders, identity, anOrder({ origin: { system: 'square', externalId: 'B' }, buyer: { externalId: null, email: null, phone: '+12125550101' } }), { backoff: noWait });
    const cash = await resolveOrder(orders, identity, anOrder({ origin: { system: 'square', externalId: 'C' }, buyer: { externalId: null, email: null, phone: null } }), { backoff: noWait });
    // Assess
    expect([byEmail, byPhone, cash].map((r) => (r.outcome === 'recorded' ? r.held.customerId : r.outcome))).toEqual([adaId, adaId, null]);
    expect((await table.items()).filter((i) => i.sk === 'STATS').map((i) => (i.stats as { orders: number }).orders)).toEqual([2]);
  });

  it('makes a guest nobody knows a customer first (a `guest-order` sighting), writing nothing of the order until she is one', async () => {
    // Prepare: a guest with a new email who gives Ada's phone (a family phone: not Ada)
    const { table, identity, orders, adaId } = await withAda();
    const order = anOrder({ origin: { system: 'shopify', externalId: '77' }, buyer: { externalId: null, email: 'Grace@Example.com', phone: '+12125550101' } });
    const before = await table.items();

    // Act 1
    const first = await resolveOrder(orders, identity, order, { backoff: noWait });

    // Assess 1: her first sighting, timed by the order, and nothing written yet
    expect(first).toEqual({
      outcome: 'buyer-new',
      guest: { system: 'guest-order', externalId: 'shopify:77', observedAt: order.placedAt, values: { email: 'grace@example.com', phone: '+12125550101' } },
    });
    expect(await table.items()).toEqual(before);

    // Act 2: the resolver resolves her sighting, then the order again
    const grace = await resolveObservation(identity, (first as { guest: Parameters<typeof resolveObservation>[1] }).guest);
    const second = await resolveOrder(orders, identity, order, { backoff: noWait });

    // Assess 2: a new customer with the email; the phone stays Ada's (a possible duplicate, not a merge); the order is hers
    expect(grace.outcome).toBe('created');
    const graceId = grace.outcome === 'created' ? grace.customer.id : '';
    expect(graceId).not.toBe(adaId);
    expect(grace.outcome === 'created' && grace.customer.emails).toEqual(['grace@example.com']);
    expect(grace.outcome === 'created' && grace.customer.phones).toEqual([]);
    expect(grace.outcome === 'created' && grace.duplicates.map((d) => [d.otherCustomerId, d.shared])).toEqual([[adaId, 'phone']]);
    expect(second.outcome === 'recorded' && second.held.customerId).toBe(graceId);
  });

  it('keeps the shop\'s KPIs in the same writes: revenue by channel, click & collect, ready-to-collected minutes, two-channel buyers', async () => {
    // Prepare: Ada buys online (a pickup, collected 25 minutes after it was ready) and in the store (25.50 of the 27.50
    // customers spent: 92.72%, truncated to four digits); Bob only online, twice.
    const { identity, orders } = await withAda();
    const bob = await resolveObservation(identity, anObservation({ externalId: '2', values: { email: 'bob@example.com', firstName: 'Bob' } }));
    if (bob.outcome !== 'created') throw new Error('expected Bob');
    const location = { id: 'L1', name: 'Main St' };
    const pickup = anOrder({ pickup: { state: 'placed', location, readyAt: null, pickedUpAt: null } });
    const ready = laterRevision(pickup, 60, { pickup: { state: 'ready_for_pickup', location, readyAt: '2026-01-02T10:01:00Z', pickedUpAt: null } });
    const collected = laterRevision(ready, 1500, { status: 'fulfilled', pickup: { state: 'picked_up', location, readyAt: '2026-01-02T10:01:00Z', pickedUpAt: '2026-01-02T10:26:00Z' } });
    const store = anOrder({ origin: { system: 'square', externalId: 'S1' }, channel: 'store', buyer: { externalId: null, email: 'ada@example.com', phone: null }, total: { amount: '5.50', currency: 'USD' } });
    const bobs = [1, 2].map((n) => anOrder({ origin: { system: 'shopify', externalId: `B${n}` }, buyer: { externalId: '2', email: null, phone: null }, total: { amount: '1.00', currency: 'USD' } }));
    // Act
    for (const order of [pickup, ready, collected, collected, store, ...bobs]) await resolveOrder(orders, identity, order, { backoff: noWait });
    // Assess
    const { days, customers } = await orders.readKpis('2026-01-01', '2026-01-31');
    const report = kpiReport({ from: '2026-01-01', to: '2026-01-31' }, days.map((d) => d.kpis), customers);
    expect(report).toMatchObject({
      byChannel: { web: { orders: 3, revenue: { USD: '22.00' } }, store: { orders: 1, revenue: { USD: '5.50' } } },
      clickAndCollectShare: 0.25,
      medianReadyToPickedUpMinutes: 25,
      pickupsCollected: 1,
      customers: { byChannelsUsed: { one: 1, twoOrMore: 1 }, multiChannelRevenueShare: { USD: 0.9272 }, repeatPurchaseRate: { web: 0.5, store: 0 } },
    });
    expect((await orders.readKpis('2026-01-03', '2026-01-31')).days).toEqual([]);
    const adaOrders = await orders.listCustomerOrders((await identity.findOwner({ kind: 'email', value: 'ada@example.com' }))!);
    expect(adaOrders.map((o) => `${o.orderKey} ${o.channel} ${o.pickup}`)).toEqual(['shopify:450789469 web picked_up', 'square:S1 store none']);
  });
});
