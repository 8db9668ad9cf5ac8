import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MappingContext } from '../../../../connectors/connector';
import { startShopifyFake, type ShopifyFake } from '../../../../connectors/shopify/fake/server';
import { currentTotal, restDecimal, type FakeOrder } from '../../../../connectors/shopify/fake/orders-state';
import { createShopifyOrderSource, ORDER_FIELDS_COST } from '../../../../connectors/shopify/orders';
import { shopifyOrders } from '../../../../connectors/shopify/orders-connector';
import { parse } from '../../../../connectors/shopify/webhook';
import type { Order } from '../../../../core/model/order';
import { capturingLog, startWebhookReceiver, type CapturedLog } from '../../../support/shopify';

/**
 * The order source (shopify-api-node over HTTP) against the fake Shopify: each read is compared
 * with what the fake holds, and each state change must raise the revision.
 */

const secret = { accessToken: 'shpat_omnihub_test', webhookSecret: 'omnihub-webhook-secret' };
const config = { shop: 'omnihub-test', apiVersion: '2025-10' };
const mapping: MappingContext = { defaultCountry: 'US' };

let fake: ShopifyFake;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let log: CapturedLog;
let now: Date;

/** The shop's clock moves only when a test says so (Shopify's clocks have whole seconds). */
function tick(seconds = 1): void {
  now = new Date(now.getTime() + seconds * 1000);
}

function aSource() {
  return createShopifyOrderSource({ config, secret, mapping, baseUrl: fake.baseUrl, log });
}

async function readOne(id: string): Promise<Order> {
  const [order, ...rest] = await aSource().readOrders([id]);
  expect(rest).toEqual([]);
  if (!order) throw new Error(`order ${id} was not read`);
  return order;
}

function held(id: string): FakeOrder {
  const order = fake.orders.get(BigInt(id));
  if (!order) throw new Error(`the fake holds no order ${id}`);
  return order;
}

function topicsSince(count: number): string[] {
  return receiver.deliveries.slice(count).map((delivery) => delivery.headers['x-shopify-topic']!);
}

const latte = { title: 'Oat latte', variantTitle: 'Large', sku: 'LATTE-L', quantity: 2, price: '4.50' };
const beans = { title: 'House beans', sku: 'BEANS-1KG', quantity: 1, price: '19.90' };

beforeEach(async () => {
  now = new Date('2025-06-02T09:00:00Z');
  receiver = await startWebhookReceiver();
  log = capturingLog();
  fake = await startShopifyFake({ ...secret, webhookUrl: receiver.url, shop: config.shop, now: () => now, ordersUpdatedEchoes: 1 });
});

afterEach(async () => {
  await fake?.close();
  await receiver.close();
});

function aCustomer(): string {
  return fake.admin.createCustomer({ email: 'ada.lovelace@example.com', phone: '+12125550101', first_name: 'Ada', last_name: 'Lovelace' }).id;
}

describe('readOrders', () => {
  it('reads a web order as Shopify holds it: buyer, lines, totals, paid', async () => {
    // Prepare
    const customerId = aCustomer();
    const placed = fake.orderAdmin.placeOrder({ customerId, lines: [latte, beans], phone: '(212) 555-0101', shipping: { title: 'Standard', price: '5.00' } });
    const shop = held(placed.id);

    // Act
    const order = await readOne(placed.id);

    // Assess
    expect(order).toEqual({
      origin: { system: 'shopify', externalId: placed.id },
      revision: expect.any(Number),
      updatedAt: `${shop.updatedAt.toISOString().slice(0, 19)}Z`,
      placedAt: `${shop.processedAt.toISOString().slice(0, 19)}Z`,
      name: shop.name,
      channel: 'web',
      status: 'paid',
      currency: 'USD',
      total: { amount: restDecimal(currentTotal(shop), 'USD'), currency: 'USD' },
      subtotal: { amount: '28.90', currency: 'USD' },
      lines: shop.lineItems.map((line) => ({
        lineId: line.id.toString(),
        name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
        sku: line.sku,
        quantity: String(line.quantity),
        unitPrice: { amount: restDecimal(line.price, 'USD'), currency: 'USD' },
        total: { amount: restDecimal(line.price * BigInt(line.quantity), 'USD'), currency: 'USD' },
      })),
      pickup: { state: 'none', location: null, readyAt: null, pickedUpAt: null },
      // Placed without a language: Shopify records the shop's primary locale.
      locale: 'en',
      buyer: { externalId: customerId, email: 'ada.lovelace@example.com', phone: '+12125550101' },
    });
    expect(order.total.amount).toBe('33.90');
    expect(Math.floor(order.revision / 1000) * 1000).toBe(shop.updatedAt.getTime());
    expect(BigInt(placed.id)).toBeGreaterThan(2n ** 53n);
  });

  it('reads the language the buyer shopped in (customerLocale) as the order’s locale', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ customerId: aCustomer(), lines: [beans], customerLocale: 'fr-CA' });

    // Act
    const order = await readOne(placed.id);

    // Assess
    expect(order.locale).toBe('fr-CA');
  });

  it('reads a POS counter sale as a store order, fulfilled at once', async () => {
    // Prepare
    const customerId = aCustomer();
    const store = fake.locations[2]!;
    const placed = fake.orderAdmin.placeOrder({ source: 'pos', soldAt: store.id.toString(), customerId, lines: [latte] });

    // Act
    const order = await readOne(placed.id);

    // Assess
    expect(held(placed.id).fulfillmentOrders.map((fo) => [fo.methodType, fo.status])).toEqual([['RETAIL', 'CLOSED']]);
    expect(order).toMatchObject({ channel: 'store', status: 'fulfilled', total: { amount: '9.00', currency: 'USD' }, pickup: { state: 'none' }, buyer: { externalId: customerId } });
  });

  it('follows a click & collect order through placed → ready → picked up, each with a higher revision', async () => {
    // Prepare
    const customerId = aCustomer();
    const store = fake.locations[1]!;
    const placed = fake.orderAdmin.placeOrder({ customerId, lines: [beans], pickupAt: store.id.toString() });
    const atPlacement = await readOne(placed.id);
    await fake.webhooks.idle();
    const before = receiver.deliveries.length;

    // Act 1: the store marks it ready
    tick(60);
    fake.orderAdmin.markReadyForPickup(placed.id);
    const whenReady = await readOne(placed.id);
    await fake.webhooks.idle();

    // Assess 1: only the fulfillment-order topic fired, the order itself was not saved, yet the revision rose
    expect(topicsSince(before)).toEqual(['fulfillment_orders/line_items_prepared_for_pickup']);
    expect(held(placed.id).updatedAt.toISOString()).toBe(atPlacement.updatedAt.replace('Z', '.000Z'));
    expect(atPlacement.pickup).toEqual({ state: 'placed', location: { id: store.id.toString(), name: store.name }, readyAt: null, pickedUpAt: null });
    expect(whenReady.pickup).toEqual({ state: 'ready_for_pickup', location: { id: store.id.toString(), name: store.name }, readyAt: '2025-06-02T09:01:00Z', pickedUpAt: null });
    expect(whenReady.revision).toBeGreaterThan(atPlacement.revision);
    // Timed by the fulfillment order's updatedAt, the latest of the order's clocks.
    expect(whenReady.updatedAt).toBe('2025-06-02T09:01:00Z');
    expect(Math.floor(whenReady.revision / 1000) * 1000).toBe(Date.parse('2025-06-02T09:01:00Z'));

    // Act 2: the customer collects it
    tick(60);
    const beforePickup = receiver.deliveries.length;
    fake.orderAdmin.fulfill(placed.id);
    const whenCollected = await readOne(placed.id);
    await fake.webhooks.idle();

    // Assess 2
    expect(topicsSince(beforePickup)).toEqual(['fulfillments/create', 'orders/fulfilled', 'orders/updated', 'orders/updated']);
    expect(whenCollected).toMatchObject({ status: 'fulfilled', pickup: { state: 'picked_up', pickedUpAt: '2025-06-02T09:02:00Z' } });
    expect(whenCollected.revision).toBeGreaterThan(whenReady.revision);
  });

  it('raises the revision when ready and picked up happen within the same second', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ customerId: aCustomer(), lines: [beans], pickupAt: fake.locations[1]!.id.toString() });
    const revisions = [(await readOne(placed.id)).revision];

    // Act
    fake.orderAdmin.markReadyForPickup(placed.id);
    revisions.push((await readOne(placed.id)).revision);
    fake.orderAdmin.fulfill(placed.id);
    revisions.push((await readOne(placed.id)).revision);

    // Assess
    expect(new Set(revisions.map((revision) => Math.floor(revision / 1000))).size).toBe(1);
    expect(revisions[1]).toBeGreaterThan(revisions[0]!);
    expect(revisions[2]).toBeGreaterThan(revisions[1]!);
  });

  it('reads the order a prepared-for-pickup webhook names by its fulfillment-order gid', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ customerId: aCustomer(), lines: [beans], pickupAt: fake.locations[1]!.id.toString() });
    tick();
    fake.orderAdmin.markReadyForPickup(placed.id);
    await fake.webhooks.idle();
    const delivery = receiver.deliveries.find((each) => each.headers['x-shopify-topic'] === 'fulfillment_orders/line_items_prepared_for_pickup')!;
    const parsed = parse(delivery, mapping);
    if (!parsed.ok || parsed.items[0]?.kind !== 'order-referenced') throw new Error('expected an order-referenced item');

    // Act
    const orders = await aSource().readOrders([parsed.items[0].externalId]);

    // Assess
    expect(parsed.items[0].externalId).toBe(`gid://shopify/FulfillmentOrder/${placed.fulfillmentOrderIds[0]}`);
    expect(orders.map((order) => [order.origin.externalId, order.pickup.state])).toEqual([[placed.id, 'ready_for_pickup']]);
  });

  it('reads a guest checkout with the email and phone on the order and no customer', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ email: 'Guest.Buyer@Example.com', phone: '+44 20 7946 0958', lines: [beans] });

    // Act
    const order = await readOne(placed.id);

    // Assess
    expect(held(placed.id).customerId).toBeNull();
    expect(order.buyer).toEqual({ externalId: null, email: 'guest.buyer@example.com', phone: '+442079460958' });
  });

  it('reads a refund as a lower current total and quantity; a full refund as refunded', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ customerId: aCustomer(), lines: [latte, beans] });
    const first = await readOne(placed.id);

    // Act 1: one latte back
    tick();
    fake.orderAdmin.refund(placed.id, [{ lineItemId: placed.lineItemIds[0]!, quantity: 1 }]);
    const partly = await readOne(placed.id);

    // Assess 1
    expect(partly.total).toEqual({ amount: restDecimal(currentTotal(held(placed.id)), 'USD'), currency: 'USD' });
    expect(partly.total.amount).toBe('24.40');
    expect(partly).toMatchObject({ status: 'paid', subtotal: { amount: '24.40' } });
    expect(partly.lines[0]).toMatchObject({ quantity: '1', total: { amount: '4.50' } });
    expect(partly.revision).toBeGreaterThan(first.revision);

    // Act 2: the rest back
    tick();
    fake.orderAdmin.refund(placed.id, [
      { lineItemId: placed.lineItemIds[0]!, quantity: 1 },
      { lineItemId: placed.lineItemIds[1]!, quantity: 1 },
    ]);
    const refunded = await readOne(placed.id);

    // Assess 2
    expect(refunded).toMatchObject({ status: 'refunded', total: { amount: '0.00' } });
    expect(refunded.revision).toBeGreaterThan(partly.revision);
  });

  it('reads a cancelled pickup order as cancelled, its pickup too', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ customerId: aCustomer(), lines: [beans], pickupAt: fake.locations[1]!.id.toString() });
    const first = await readOne(placed.id);

    // Act
    tick();
    fake.orderAdmin.cancel(placed.id, 'CUSTOMER');
    const cancelled = await readOne(placed.id);

    // Assess
    expect(held(placed.id).cancelledAt).not.toBeNull();
    expect(cancelled).toMatchObject({ status: 'cancelled', pickup: { state: 'cancelled' } });
    expect(cancelled.revision).toBeGreaterThan(first.revision);
  });

  it('reads a pending order as placed, then paid', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ customerId: aCustomer(), lines: [beans], paid: false });
    const pending = await readOne(placed.id);

    // Act
    tick();
    fake.orderAdmin.markPaid(placed.id);
    const paid = await readOne(placed.id);

    // Assess
    expect([pending.status, paid.status]).toEqual(['placed', 'paid']);
    expect(paid.revision).toBeGreaterThan(pending.revision);
  });

  it('leaves out ids Shopify does not know and ids that are not order ids', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ customerId: aCustomer(), lines: [beans] });

    // Act
    const orders = await aSource().readOrders([placed.id, '12345', 'gid://shopify/FulfillmentOrder/777', 'not-an-id', placed.id]);

    // Assess
    expect(orders.map((order) => order.origin.externalId)).toEqual([placed.id]);
    expect(log.text()).not.toContain('not-an-id');
  });

  it('reads many orders in batches that fit the query cost limit, spending what Shopify calculates', async () => {
    // Prepare
    const customerId = aCustomer();
    const ids = Array.from({ length: 20 }, () => fake.orderAdmin.placeOrder({ customerId, lines: [beans] }).id);
    const readsBefore = fake.reads().length;

    // Act
    const orders = await aSource().readOrders(ids);

    // Assess
    expect(orders.map((order) => order.origin.externalId)).toEqual(ids);
    const reads = fake.reads().slice(readsBefore);
    expect(reads.map((call) => call.fields)).toEqual([['nodes'], ['nodes'], ['nodes']]);
    const perBatch = Math.floor(1000 / ORDER_FIELDS_COST);
    expect(reads.map((call) => call.requestedQueryCost)).toEqual([perBatch, perBatch, 20 - 2 * perBatch].map((count) => count * ORDER_FIELDS_COST));
    for (const call of reads) expect(call.actualQueryCost).toBeLessThan(call.requestedQueryCost!);
  });

  it('reads the line items beyond the first page of a large order', async () => {
    // Prepare
    const lines = Array.from({ length: 30 }, (_, i) => ({ title: `Item ${i}`, sku: `SKU-${i}`, quantity: 1, price: '1.00' }));
    const placed = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines });
    const readsBefore = fake.reads().length;

    // Act
    const order = await readOne(placed.id);

    // Assess
    expect(order.lines.map((line) => line.lineId)).toEqual(placed.lineItemIds);
    expect(order.total.amount).toBe('30.00');
    expect(fake.reads().slice(readsBefore).map((call) => call.fields)).toEqual([['nodes'], ['order']]);
  });

  it('an orders/updated storm delivered at least once names the order under one key per Shopify delivery', async () => {
    // Prepare: every delivery sent twice, as Shopify may
    const placed = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans], paid: false });
    await fake.webhooks.idle();
    const before = receiver.deliveries.length;
    fake.webhooks.chaos = { duplicate: 1, seed: 7 };

    // Act
    tick();
    fake.orderAdmin.markPaid(placed.id);
    await fake.webhooks.idle();
    const items = receiver.deliveries.slice(before).flatMap((delivery) => {
      const parsed = parse(delivery, mapping);
      return parsed.ok ? parsed.items.map((item) => ({ topic: delivery.headers['x-shopify-topic'], item })) : [];
    });

    // Assess: orders/paid and two orders/updated (the storm), each twice; three keys, one order
    expect(items).toHaveLength(6);
    expect(new Set(items.map(({ item }) => item.dedupeKey)).size).toBe(3);
    expect(new Set(items.map(({ item }) => (item.kind === 'order-referenced' ? item.externalId : '')))).toEqual(new Set([placed.id]));
  });

  it('is exported as the Shopify orders connector', () => {
    expect(shopifyOrders.createSource).toBe(createShopifyOrderSource);
  });
});
