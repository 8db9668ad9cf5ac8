import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiReport } from '../../core/orders/kpi-report';
import { root, SHOP_WHATSAPP, startPipeline, type Pipeline } from '../support/pipeline';

const run = promisify(execFile);

/**
 * The customer journey omnihub exists for (issue 8, point 5), through the whole pipeline with all
 * five systems: she asks the shop a question by WhatsApp from a phone nobody knows, orders online
 * for pickup with that phone and her email, the store marks the order ready, she gets the notice
 * by SMS, picks the order up and buys a coffee at the counter. Every vendor delivers its webhooks
 * at least once (each twice here).
 */
describe('the journey: a question by WhatsApp, an online order for pickup, the notice, the pickup', () => {
  let p: Pipeline;
  const PHONE = '+14155550190';
  const EMAIL = 'mae.jemison@example.net';
  let question = '';
  let orderId = '';

  beforeAll(async () => {
    // The wall clock for every fake, as in life: the events' order in Klaviyo is by their times, which come from several systems.
    p = await startPipeline({ square: {}, klaviyo: {}, twilio: {}, twilioConfig: { notices: { storeName: 'Main Street Goods' } }, clock: () => new Date() });
    p.shopify.webhooks.chaos = { duplicate: 1, seed: 31 };
    p.hubspot.webhooks.chaos = { duplicate: 1, seed: 32 };
    p.square!.webhooks.chaos = { duplicate: 1, seed: 33 };
    p.twilio!.webhooks.chaos = { duplicate: 1, seed: 34 };
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  const customers = async () => (await p.table.customers()).filter((customer) => customer.phones.includes(PHONE) || customer.emails.includes(EMAIL));

  it('walks the journey to one customer linked in all five systems', async () => {
    // Act 1: she messages the shop by WhatsApp from a new phone.
    question = p.twilio!.receive({ from: `whatsapp:${PHONE}`, to: `whatsapp:${SHOP_WHATSAPP}`, body: 'Hi! Do you have the blue teapot for pickup?', profileName: 'Mae' });
    await p.settle();
    // Act 2: she orders online for pickup with that phone and her email (a guest checkout), and accepts marketing email.
    const store = p.shopify.locations.find((location) => location.name === 'Main Street Store')!;
    orderId = p.shopify.orderAdmin.placeOrder({ customerId: null, email: EMAIL, phone: PHONE, pickupAt: String(store.id), lines: [{ title: 'Blue teapot', sku: 'TP-B', quantity: 1, price: '32.00' }] }).id;
    await p.settle();
    const [she] = await customers();
    const shopifyId = she!.links.find((link) => link.system === 'shopify')!.externalId;
    p.shopify.admin.updateCustomer(shopifyId, { first_name: 'Mae', email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' } });
    await p.settle();
    // Act 3: the store marks the order ready; she is told.
    p.shopify.orderAdmin.markReadyForPickup(orderId);
    await p.settle();
    // Act 4: she picks it up, and buys a coffee at the counter as the customer the store knows.
    p.shopify.orderAdmin.fulfill(orderId);
    const squareId = (await customers())[0]!.links.find((link) => link.system === 'square')!.externalId;
    p.square!.admin.ringUpSale({ customer_id: squareId, line_items: [{ name: 'Flat white', quantity: '1', base_price_money: { amount: 450, currency: 'USD' } }] });
    await p.settle();

    // Assess: one customer, linked in all five systems.
    const all = await customers();
    expect(all).toHaveLength(1);
    // (`guest-order` is where she was first seen with her email: docs/identity.md §9, no system.)
    expect(all[0]!.links.map((link) => link.system).filter((system) => system !== 'guest-order').sort()).toEqual(['hubspot', 'klaviyo', 'shopify', 'square', 'twilio']);
    expect(all[0]!.emails).toEqual([EMAIL]);
    expect(p.runtime.deadLetters()).toEqual([]);
  });

  it('shows her question, the order with its pickup states and the notice on one HubSpot contact', async () => {
    // Prepare
    const [she] = await customers();
    const contactId = she!.links.find((link) => link.system === 'hubspot')!.externalId;
    const notice = p.twilio!.messages().filter((message) => message.direction === 'outbound-api' && message.to === PHONE);

    // Assess
    expect(notice).toHaveLength(1);
    expect(notice[0]!.body).toContain('is ready for pickup at Main Street Store');
    const timeline = p.hubspot.admin.listCommunications().filter((c) => c.contactIds.includes(contactId));
    expect(timeline.map((c) => [c.properties.hs_communication_channel_type, c.properties.omnihub_message_key]).sort()).toEqual(
      [
        ['WHATS_APP', `twilio:${question}`],
        ['SMS', `twilio:${notice[0]!.sid}`],
      ].sort(),
    );
    const orders = p.hubspot.admin.listOrders().filter((order) => order.contactIds.includes(contactId));
    const byKey = Object.fromEntries(orders.map((order) => [String(order.properties.omnihub_order_key).split(':')[0], order.properties.omnihub_pickup_state]));
    expect(orders).toHaveLength(2);
    expect(byKey).toEqual({ shopify: 'picked_up', square: 'none' });
    expect(orders.find((order) => order.properties.omnihub_order_key === `shopify:${orderId}`)).toBeDefined();
  });

  it('gives her Klaviyo profile her consent and the events in the order they happened', async () => {
    // Prepare
    const [she] = await customers();
    const profileId = she!.links.find((link) => link.system === 'klaviyo')!.externalId;

    // Assess
    expect(p.klaviyo!.profile(profileId)?.attributes.subscriptions?.email?.marketing?.consent).toBe('SUBSCRIBED');
    const events = p.klaviyo!.events()
      .filter((event) => event.profileId === profileId)
      .sort((a, b) => a.time.localeCompare(b.time));
    const metrics = events.map((event) => event.metric);
    expect(new Set(metrics)).toEqual(new Set(['Sent WhatsApp Message to Shop', 'Placed Order', 'Ordered Product', 'Ready for Pickup', 'Received SMS from Shop', 'Picked Up', 'Fulfilled Order', 'Subscribed to Email Marketing']));
    expect(metrics.filter((metric) => metric === 'Received SMS from Shop')).toHaveLength(1);
    const first = (metric: string) => metrics.indexOf(metric);
    expect(first('Sent WhatsApp Message to Shop')).toBeLessThan(first('Placed Order'));
    expect(first('Placed Order')).toBeLessThan(first('Ready for Pickup'));
    expect(first('Ready for Pickup')).toBeLessThanOrEqual(first('Received SMS from Shop'));
    expect(first('Received SMS from Shop')).toBeLessThan(first('Picked Up'));
  });

  it('counts her as a two-channel customer in her stats and in `npx omnihub kpis`', async () => {
    // Prepare
    const [she] = await customers();
    const contactId = she!.links.find((link) => link.system === 'hubspot')!.externalId;
    const env = { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: p.table.endpoint };

    // Act
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/omnihub.ts', 'kpis', '--json', '--table', p.table.tableName], { cwd: root, env });

    // Assess
    expect(p.hubspot.admin.getContact(contactId)?.properties).toMatchObject({ omnihub_total_orders: '2', omnihub_web_orders: '1', omnihub_store_orders: '1', omnihub_pickups: '1' });
    const report = JSON.parse(stdout) as KpiReport;
    expect(report.customers.byChannelsUsed).toEqual({ one: 0, twoOrMore: 1 });
    expect(report.pickupsCollected).toBe(1);
  });
});
