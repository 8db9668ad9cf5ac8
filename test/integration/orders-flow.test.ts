import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiReport } from '../../core/orders/kpi-report';
import { root, startPipeline, type Pipeline } from '../support/pipeline';

const run = promisify(execFile);

/**
 * Orders through the whole pipeline (docs/identity.md §9): Shopify web and pickup orders and a
 * Square counter sale, read at their origin by the order functions, resolved to one customer,
 * projected to HubSpot as commerce orders with line items associated with the contact, and the
 * customer's stats written back to HubSpot and Shopify. Every webhook is delivered twice and
 * Shopify echoes orders/updated, as the vendors do.
 */
describe('orders from the web shop and the store counter, in the CRM', () => {
  let p: Pipeline;
  let ada: { shopifyId: string; hubspotId: string; squareId: string };
  const square = () => p.square!;
  const pickupStore = () => p.shopify.locations.find((location) => location.name === 'Main Street Store')!;

  const hubspotOrder = (key: string) => p.hubspot.admin.listOrders().filter((order) => order.properties.omnihub_order_key === key);
  const statusMoves = (orderKey: string) =>
    p.runtime.bus.published
      .filter((event) => event['detail-type'] === 'OrderStatusChanged')
      .map((event) => event.detail as { orderKey: string; from: string; to: string; eventId: string })
      .filter((move) => move.orderKey === orderKey);

  beforeAll(async () => {
    p = await startPipeline({ square: {} });
    p.shopify.webhooks.chaos = { duplicate: 1, seed: 7 };
    p.hubspot.webhooks.chaos = { duplicate: 1, seed: 8 };
    square().webhooks.chaos = { duplicate: 1, seed: 9 };
    // Prepare: Ada, a Shopify customer, known in all three systems.
    const made = p.shopify.admin.createCustomer({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', phone: '+14155550100' });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('ada@example.org');
    const inSquare = square().customers.list().find((customer) => customer.email_address === 'ada@example.org');
    if (!contact || !inSquare) throw new Error('Ada did not reach HubSpot and Square');
    ada = { shopifyId: made.id, hubspotId: contact.id, squareId: inSquare.id };
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('copies a web order to HubSpot once, with its line items, on Ada\'s contact', async () => {
    // Act
    const order = p.shopify.orderAdmin.placeOrder({ customerId: ada.shopifyId, lines: [{ title: 'Teapot', sku: 'TP-1', quantity: 2, price: '12.50' }], shipping: { title: 'Standard', price: '5.00' } });
    await p.settle();

    // Assess
    const copies = hubspotOrder(`shopify:${order.id}`);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.properties).toMatchObject({ hs_order_name: order.name, hs_currency_code: 'USD', hs_total_price: '30.00', omnihub_channel: 'web', omnihub_pickup_state: 'none' });
    expect(copies[0]!.contactIds).toEqual([ada.hubspotId]);
    expect(copies[0]!.lineItems.map((line) => [line.properties.name, line.properties.quantity, line.properties.price])).toEqual([['Teapot', '2', '12.50']]);
    // Every webhook arrived twice and orders/updated was echoed: still one order, one line item.
    expect(p.hubspot.admin.listLineItems().filter((line) => line.properties.omnihub_line_key?.startsWith(`shopify:${order.id}#`))).toHaveLength(1);
  });

  it('follows a click & collect order from placed to ready to picked up, announcing each move once', async () => {
    // Act
    const order = p.shopify.orderAdmin.placeOrder({ customerId: ada.shopifyId, pickupAt: String(pickupStore().id), lines: [{ title: 'Cups', quantity: 4, price: '3.00' }] });
    await p.settle();
    const placed = hubspotOrder(`shopify:${order.id}`).map((copy) => copy.properties.omnihub_pickup_state);
    p.shopify.orderAdmin.markReadyForPickup(order.id);
    await p.settle();
    const ready = hubspotOrder(`shopify:${order.id}`).map((copy) => copy.properties.omnihub_pickup_state);
    p.shopify.orderAdmin.fulfill(order.id);
    await p.settle();

    // Assess
    const copies = hubspotOrder(`shopify:${order.id}`);
    expect([placed, ready, copies.map((copy) => copy.properties.omnihub_pickup_state)]).toEqual([['placed'], ['ready_for_pickup'], ['picked_up']]);
    expect(copies[0]!.properties.omnihub_pickup_location).toBe('Main Street Store');
    const moves = statusMoves(`shopify:${order.id}`);
    expect(moves.map((move) => `${move.from}>${move.to}`)).toEqual(['none>placed', 'placed>ready_for_pickup', 'ready_for_pickup>picked_up']);
    expect(new Set(moves.map((move) => move.eventId)).size).toBe(3);
  });

  it('brings a counter sale in Square to the same contact, and keeps Ada\'s stats in HubSpot and Shopify', async () => {
    // Act
    const { order } = square().admin.ringUpSale({ customer_id: ada.squareId, line_items: [{ name: 'Flat white', quantity: '1', base_price_money: { amount: 450, currency: 'USD' } }] });
    await p.settle();

    // Assess
    const copies = hubspotOrder(`square:${order.id}`);
    expect(copies.map((copy) => [copy.properties.hs_total_price, copy.properties.omnihub_channel, copy.contactIds])).toEqual([['4.50', 'store', [ada.hubspotId]]]);
    expect(p.hubspot.admin.getContact(ada.hubspotId)?.properties).toMatchObject({
      omnihub_total_orders: '3',
      omnihub_total_spent: 'USD 46.50',
      omnihub_web_orders: '2',
      omnihub_store_orders: '1',
      omnihub_store_spent: 'USD 4.50',
      omnihub_pickups: '1',
      omnihub_picked_up: '1',
    });
    const metafields = Object.fromEntries(p.shopify.metafields.list(BigInt(ada.shopifyId), 'omnihub').map((m) => [m.key, m.value]));
    expect(metafields).toMatchObject({ orders: '3', orders_web: '2', orders_store: '1', spent: '{"USD":"46.50"}', pickups: '1', picked_up: '1' });
    expect((JSON.parse(metafields.channels!) as string[]).sort()).toEqual(['store', 'web']);
  });

  it('counts an anonymous counter sale in the shop\'s totals and on no contact', async () => {
    // Act
    const { order } = square().admin.ringUpSale({ line_items: [{ name: 'Espresso', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }] });
    await p.settle();

    // Assess
    const copies = hubspotOrder(`square:${order.id}`);
    expect(copies.map((copy) => [copy.properties.hs_total_price, copy.contactIds])).toEqual([['3.00', []]]);
    expect(p.hubspot.admin.getContact(ada.hubspotId)?.properties.omnihub_total_orders).toBe('3');
  });

  it('gives a HubSpot contact made again after a deletion the stats and the order associations from the start', async () => {
    // Prepare: the contact is deleted in HubSpot; Ada's next change makes her a new one (docs/identity.md §7).
    p.hubspot.admin.deleteContact(ada.hubspotId);
    await p.settle();
    // Act
    p.shopify.admin.updateCustomer(ada.shopifyId, { last_name: 'King' });
    await p.settle();

    // Assess
    const again = p.hubspot.admin.findContactByEmail('ada@example.org');
    expect(again?.id).not.toBe(ada.hubspotId);
    expect(again?.properties).toMatchObject({ lastname: 'King', omnihub_total_orders: '3', omnihub_store_orders: '1' });
    // Her three orders' copies are associated with the new contact.
    const hers = p.hubspot.admin.listOrders().filter((order) => order.properties.hs_total_price !== '3.00');
    expect(hers.map((order) => order.contactIds)).toEqual([[again!.id], [again!.id], [again!.id]]);
  });

  it('reports the shop\'s KPIs with `npx omnihub kpis`', async () => {
    // Act
    const env = { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: p.table.endpoint };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/omnihub.ts', 'kpis', '--json', '--table', p.table.tableName], { cwd: root, env });

    // Assess
    const report = JSON.parse(stdout) as KpiReport;
    expect(report.byChannel).toEqual({ web: { orders: 2, revenue: { USD: '42.00' } }, store: { orders: 2, revenue: { USD: '7.50' } } });
    expect([report.clickAndCollectShare, report.pickupsCollected, report.customers.byChannelsUsed]).toEqual([0.25, 1, { one: 0, twoOrMore: 1 }]);
    expect(report.medianReadyToPickedUpMinutes).not.toBeNull();
  }, 60_000);

  it('makes a guest who checks out with a new email one customer in every system, with the order on her contact', async () => {
    // Act: a guest checkout (no Shopify customer) with an email and phone nobody knows
    const order = p.shopify.orderAdmin.placeOrder({ customerId: null, email: 'Grace.Hopper@Example.com', phone: '+14155550177', lines: [{ title: 'Mug', quantity: 1, price: '9.00' }] });
    await p.settle();

    // Assess: she was made a customer (first seen on the order) and created in each system once
    const customers = (await p.table.customers()).filter((c) => c.emails.includes('grace.hopper@example.com'));
    expect(customers).toHaveLength(1);
    expect(customers[0]!.links.map((l) => l.system).sort()).toEqual(['guest-order', 'hubspot', 'shopify', 'square']);
    expect(customers[0]!.links.find((l) => l.system === 'guest-order')?.externalId).toBe(`shopify:${order.id}`);
    const contact = p.hubspot.admin.findContactByEmail('grace.hopper@example.com');
    expect(contact?.properties).toMatchObject({ phone: '+14155550177', omnihub_total_orders: '1', omnihub_web_orders: '1' });
    expect(p.shopify.admin.listCustomers().filter((c) => c.email === 'grace.hopper@example.com')).toHaveLength(1);
    expect(square().customers.list().filter((c) => c.email_address === 'grace.hopper@example.com')).toHaveLength(1);
    // Assess: the copy is on her contact
    expect(hubspotOrder(`shopify:${order.id}`).map((copy) => copy.contactIds)).toEqual([[contact!.id]]);
  });

  it('does not leave a sale waiting for a buyer deleted before omnihub read it: the sale is counted, on no contact', async () => {
    // Prepare: a store customer made and deleted while omnihub heard nothing (webhooks lost)
    square().setWebhookUrl(undefined);
    const gone = square().admin.createCustomer({ given_name: 'Dorothy', email_address: 'dorothy@example.com' });
    square().admin.deleteCustomer(gone.id);
    square().setWebhookUrl(p.runtime.webhookUrl('square'));

    // Act: a sale still names her
    const { order } = square().admin.ringUpSale({ customer_id: gone.id, line_items: [{ name: 'Tea', quantity: '1', base_price_money: { amount: 250, currency: 'USD' } }] });
    await p.settle();

    // Assess: copied once, associated with nobody, and nothing dead-lettered
    expect(hubspotOrder(`square:${order.id}`).map((copy) => [copy.properties.hs_total_price, copy.contactIds])).toEqual([['2.50', []]]);
    expect(p.runtime.deadLetters()).toEqual([]);
  });

  it('lands a store sale of a customer known only by phone and her later online order, given with that phone, on one contact with both in her stats', async () => {
    // Prepare: Katherine is known at the store by her phone only, and buys at the counter
    const katherine = square().admin.createCustomer({ given_name: 'Katherine', phone_number: '+14155550188' });
    await p.settle();
    const { order: sale } = square().admin.ringUpSale({ customer_id: katherine.id, line_items: [{ name: 'Latte', quantity: '1', base_price_money: { amount: 500, currency: 'USD' } }] });
    await p.settle();

    // Act: she orders online for pickup, giving her phone and no email
    const online = p.shopify.orderAdmin.placeOrder({ customerId: null, email: null, phone: '+14155550188', pickupAt: String(pickupStore().id), lines: [{ title: 'Beans', quantity: 1, price: '14.00' }] });
    await p.settle();

    // Assess: one customer, one contact, both orders on it, stats across both channels
    const hers = (await p.table.customers()).filter((c) => c.phones.includes('+14155550188'));
    expect(hers).toHaveLength(1);
    const contacts = p.hubspot.admin.listContacts().filter((c) => c.properties.phone === '+14155550188');
    expect(contacts).toHaveLength(1);
    expect([...hubspotOrder(`square:${sale.id}`), ...hubspotOrder(`shopify:${online.id}`)].map((copy) => copy.contactIds)).toEqual([[contacts[0]!.id], [contacts[0]!.id]]);
    expect(p.hubspot.admin.getContact(contacts[0]!.id)?.properties).toMatchObject({ omnihub_total_orders: '2', omnihub_total_spent: 'USD 19.00', omnihub_web_orders: '1', omnihub_store_orders: '1', omnihub_pickups: '1' });
  });
});
