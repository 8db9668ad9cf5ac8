import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillCommand } from '../../bin/backfill';
import { DynamoDbCheckpointStore } from '../../functions/lib/adapters/checkpoint-store';
import { DynamoDbOrderStore } from '../../functions/lib/adapters/dynamodb-order-store';
import { backfillTarget, beforeOmnihub, capturedIo } from '../support/backfill';
import { startPipeline, steppingClock, type Pipeline } from '../support/pipeline';

/**
 * `npx omnihub backfill <shopify|square> --orders` against the whole local pipeline: orders
 * placed before omnihub was installed (no webhook ever told it) are read at their origin through
 * the real SDKs, resolved to their buyers (who are read too: nobody was linked yet), counted
 * once in the stats and KPIs, and copied to HubSpot once. Shopify shows only 60 days of orders
 * to an app without read_all_orders, as Shopify does. Assertions are on what the fakes hold and
 * what the table holds.
 */
const run = { since: undefined, full: false, dryRun: false, remote: false, json: true, settleMs: 300, orders: true };
const DAY_MS = 86_400_000;

describe('order backfill: the shop\'s past orders reach the stats, the KPIs and the CRM, each once', () => {
  let p: Pipeline;
  let shift = 0;
  const stepping = steppingClock();
  const clock = () => new Date(stepping().getTime() + shift);
  let past: { ada: string; web: string; pickup: string; old: string; squareSale: string; squareAnonymous: string; grace: string };
  const copiesOf = (key: string) => p.hubspot.admin.listOrders().filter((order) => order.properties.omnihub_order_key === key);
  const hubspotWrites = () => p.hubspot.admin.apiWrites().length;

  beforeAll(async () => {
    p = await startPipeline({ square: {}, clock });
    const store = p.shopify.locations.find((location) => location.name === 'Main Street Store')!;
    past = beforeOmnihub(p, () => {
      // 100 days ago: an order Shopify hides from an app without read_all_orders.
      shift = -100 * DAY_MS;
      const early = p.shopify.admin.createCustomer({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org' });
      const old = p.shopify.orderAdmin.placeOrder({ customerId: early.id, lines: [{ title: 'Kettle', quantity: 1, price: '40.00' }] });
      shift = -10 * DAY_MS;
      const web = p.shopify.orderAdmin.placeOrder({ customerId: early.id, lines: [{ title: 'Teapot', quantity: 2, price: '12.50' }], shipping: { title: 'Standard', price: '5.00' } });
      const pickup = p.shopify.orderAdmin.placeOrder({ customerId: early.id, pickupAt: String(store.id), lines: [{ title: 'Cups', quantity: 4, price: '3.00' }] });
      p.shopify.orderAdmin.markReadyForPickup(pickup.id);
      p.shopify.orderAdmin.fulfill(pickup.id);
      const grace = p.square!.admin.createCustomer({ given_name: 'Grace', family_name: 'Hopper', phone_number: '+14155550123' });
      const sale = p.square!.admin.ringUpSale({ customer_id: grace.id, line_items: [{ name: 'Flat white', quantity: '1', base_price_money: { amount: 450, currency: 'USD' } }] });
      const anonymous = p.square!.admin.ringUpSale({ line_items: [{ name: 'Espresso', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }] });
      shift = 0;
      return { ada: early.id, web: web.id, pickup: pickup.id, old: old.id, squareSale: sale.order.id, squareAnonymous: anonymous.order.id, grace: grace.id };
    });
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('copies each Shopify order of the last 60 days to HubSpot once, on the buyer it links first, and says why older ones are missing', async () => {
    // Act
    const io = capturedIo();
    const code = await backfillCommand({ ...run, which: 'shopify' }, await backfillTarget(p), io);
    await p.settle();

    // Assess: the buyer was read and linked, and got a contact (nobody had one)
    expect(code).toBe(0);
    const contact = p.hubspot.admin.findContactByEmail('ada@example.org');
    expect(contact).toBeDefined();
    // Assess: one copy of each readable order, associated with her contact; the 100-day-old order is not read
    expect(copiesOf(`shopify:${past.web}`).map((copy) => [copy.properties.hs_total_price, copy.properties.omnihub_channel, copy.contactIds])).toEqual([['30.00', 'web', [contact!.id]]]);
    expect(copiesOf(`shopify:${past.pickup}`).map((copy) => [copy.properties.omnihub_pickup_state, copy.contactIds])).toEqual([['picked_up', [contact!.id]]]);
    expect(copiesOf(`shopify:${past.old}`)).toEqual([]);
    expect(io.lines.some((line) => line.startsWith('warning:') && line.includes('read_all_orders'))).toBe(true);
    // Assess: her stats count the two orders once, in HubSpot and in Shopify
    expect(p.hubspot.admin.getContact(contact!.id)?.properties).toMatchObject({ omnihub_total_orders: '2', omnihub_total_spent: 'USD 42.00', omnihub_web_orders: '2', omnihub_pickups: '1', omnihub_picked_up: '1' });
    expect(Object.fromEntries(p.shopify.metafields.list(BigInt(past.ada), 'omnihub').map((m) => [m.key, m.value]))).toMatchObject({ orders: '2', spent: '{"USD":"42.00"}' });
    // Assess: the report names the orders run and its reads
    const report = JSON.parse(io.lines.at(-1)!) as { runs: Array<{ connector: string; entity: string; completed: boolean; read: number }> };
    expect(report.runs).toMatchObject([{ connector: 'shopify', entity: 'orders', completed: true, read: 2 }]);
    // Assess: the order run kept its own checkpoint, apart from the customers', with what sync wrote for it:
    // Ada's contact and Square customer, the two copies (and a copy made before her contact, associated after)
    const checkpoints = new DynamoDbCheckpointStore(p.table.doc, p.table.tableName);
    const checkpoint = await checkpoints.get('shopify', 'orders');
    expect(checkpoint).toMatchObject({ entity: 'orders', read: 2, skipped: 0, written: { square: 1 } });
    expect(checkpoint!.written.hubspot).toBeGreaterThanOrEqual(3);
    expect(await checkpoints.get('shopify')).toBeUndefined();
  });

  it('reads Square\'s sales across its locations: one on the store customer (read and linked), one anonymous, counted in the KPIs', async () => {
    // Act
    const io = capturedIo();
    const code = await backfillCommand({ ...run, which: 'square' }, await backfillTarget(p), io);
    await p.settle();

    // Assess
    expect(code).toBe(0);
    const grace = p.hubspot.admin.listContacts().find((c) => c.properties.phone === '+14155550123');
    expect(grace).toBeDefined();
    expect(copiesOf(`square:${past.squareSale}`).map((copy) => [copy.properties.hs_total_price, copy.properties.omnihub_channel, copy.contactIds])).toEqual([['4.50', 'store', [grace!.id]]]);
    expect(copiesOf(`square:${past.squareAnonymous}`).map((copy) => [copy.properties.hs_total_price, copy.contactIds])).toEqual([['3.00', []]]);
    expect(p.hubspot.admin.getContact(grace!.id)?.properties).toMatchObject({ omnihub_total_orders: '1', omnihub_store_orders: '1' });
    // Assess: the shop's KPIs hold every order read, anonymous sale included, placed on its own day
    const store = new DynamoDbOrderStore(p.table.doc, p.table.tableName);
    const { days } = await store.readKpis(new Date(Date.now() - 200 * DAY_MS).toISOString().slice(0, 10), new Date().toISOString().slice(0, 10));
    const orderDays = days.map((day) => [Math.floor((Date.now() - Date.parse(day.day)) / DAY_MS), Object.values(day.kpis.orders).reduce((a, b) => a + b, 0)]);
    expect(orderDays).toEqual([[10, 4]]);
  });

  it('changes nothing on a second run, and reads only from the first run\'s start on', async () => {
    // Prepare
    const writes = hubspotWrites();
    const observedBefore = p.runtime.bus.published.filter((event) => event['detail-type'] === 'OrderObserved').length;

    // Act
    const io = capturedIo();
    expect(await backfillCommand({ ...run, which: 'all' }, await backfillTarget(p), io)).toBe(0);
    await p.settle();

    // Assess: both origins ran (HubSpot holds copies only), read nothing older than their watermark, wrote nothing
    const report = JSON.parse(io.lines.at(-1)!) as { runs: Array<{ connector: string; since?: string; read: number }> };
    expect(report.runs.map((r) => r.connector)).toEqual(['shopify', 'square']);
    expect(report.runs.every((r) => r.since !== undefined)).toBe(true);
    expect(hubspotWrites()).toBe(writes);
    // Orders re-read inside the overlap are repeats: no copy, no stat moves.
    expect(p.runtime.bus.published.filter((event) => event['detail-type'] === 'OrderObserved').length - observedBefore).toBe(report.runs.reduce((sum, r) => sum + r.read, 0));
    expect(copiesOf(`shopify:${past.web}`)).toHaveLength(1);
  });

  it('refuses what an order backfill cannot do, naming why', async () => {
    // Act
    const hubspot = capturedIo();
    const dry = capturedIo();
    const target = await backfillTarget(p);

    // Assess
    expect(await backfillCommand({ ...run, which: 'hubspot' }, target, hubspot)).toBe(2);
    expect(hubspot.lines.join('\n')).toMatch(/hubspot has no orders of its own.*shopify, square/);
    expect(await backfillCommand({ ...run, which: 'shopify', dryRun: true }, target, dry)).toBe(2);
    expect(dry.lines.join('\n')).toMatch(/orders are never merged/);
  });
});
