import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseLossless, isLosslessNumber } from 'lossless-json';
import type { MappingContext } from '../../../../connectors/connector';
import { shopifyApi } from '../../../../connectors/shopify/client';
import { startShopifyFake, type ShopifyFake } from '../../../../connectors/shopify/fake/server';
import { capturingLog, startWebhookReceiver } from '../../../support/shopify';

/**
 * The fake Shopify's orders, seen from outside: the webhooks each merchant action fires (topics,
 * bodies, headers), the GraphQL reads (shapes, pagination, cost) and metafieldsSet's rules.
 */

const secret = { accessToken: 'shpat_omnihub_test', webhookSecret: 'omnihub-webhook-secret' };
const config = { shop: 'omnihub-test', apiVersion: '2025-10' };
const mapping: MappingContext = { defaultCountry: 'US' };

let fake: ShopifyFake;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let now: Date;

/** A raw GraphQL call through shopify-api-node (its answers are plain JSON; tests read them loosely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  return shopifyApi({ config, secret, mapping, baseUrl: fake.baseUrl, log: capturingLog() }).sdk.graphql(query, variables);
}

async function deliveriesOf(action: () => void): Promise<{ topic: string; body: string; headers: Record<string, string> }[]> {
  await fake.webhooks.idle();
  const before = receiver.deliveries.length;
  action();
  await fake.webhooks.idle();
  return receiver.deliveries.slice(before).map((delivery) => ({ topic: delivery.headers['x-shopify-topic']!, body: delivery.rawBody.toString('utf8'), headers: delivery.headers }));
}

const beans = { title: 'House beans', sku: 'BEANS-1KG', quantity: 2, price: '19.90' };

beforeEach(async () => {
  now = new Date('2025-06-02T09:00:00Z');
  receiver = await startWebhookReceiver();
  fake = await startShopifyFake({ ...secret, webhookUrl: receiver.url, shop: config.shop, now: () => now });
});

afterEach(async () => {
  await fake?.close();
  await receiver.close();
});

describe('order webhooks', () => {
  it('an online order fires orders/create, orders/paid and order_routing_complete, one event id, with REST bodies', async () => {
    // Prepare
    const customerId = fake.admin.createCustomer({ email: 'ada@example.com', tags: ['vip'] }).id;
    await fake.webhooks.idle();

    // Act
    let orderId = '';
    const deliveries = await deliveriesOf(() => {
      orderId = fake.orderAdmin.placeOrder({ customerId, lines: [beans] }).id;
    });

    // Assess
    expect(deliveries.map((delivery) => delivery.topic)).toEqual(['orders/create', 'orders/paid', 'fulfillment_orders/order_routing_complete']);
    expect(new Set(deliveries.map((delivery) => delivery.headers['x-shopify-event-id'])).size).toBe(1);
    expect(new Set(deliveries.map((delivery) => delivery.headers['x-shopify-webhook-id'])).size).toBe(3);
    const body = parseLossless(deliveries[0]!.body) as Record<string, any>;
    expect(String(body['id'])).toBe(orderId);
    expect(body['admin_graphql_api_id']).toBe(`gid://shopify/Order/${orderId}`);
    expect(body).toMatchObject({ financial_status: 'paid', fulfillment_status: null, source_name: 'web', currency: 'USD', total_price: '39.80', current_total_price: '39.80' });
    expect(String(body['customer']['id'])).toBe(customerId);
    // Since 2025-01 the customer inside orders/* has no tags and no consent.
    expect(Object.keys(body['customer'])).not.toEqual(expect.arrayContaining(['tags']));
    expect(deliveries[0]!.body).not.toMatch(/marketing_consent/);
    const fo = fake.orders.get(BigInt(orderId))!.fulfillmentOrders[0]!;
    expect(JSON.parse(deliveries[2]!.body)).toEqual({ fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${fo.id}`, status: 'open' } });
  });

  it('a guest checkout has no customer in its body', async () => {
    // Act
    const deliveries = await deliveriesOf(() => fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans] }));

    // Assess
    expect((parseLossless(deliveries[0]!.body) as Record<string, unknown>)['customer']).toBeNull();
  });

  it('marking paid fires orders/paid and orders/updated, and orders/updated again with the same body (a storm)', async () => {
    // Prepare
    const { id } = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans], paid: false });

    // Act
    now = new Date(now.getTime() + 1000);
    const deliveries = await deliveriesOf(() => fake.orderAdmin.markPaid(id));

    // Assess
    expect(deliveries.map((delivery) => delivery.topic)).toEqual(['orders/paid', 'orders/updated', 'orders/updated']);
    expect(deliveries[1]!.body).toBe(deliveries[2]!.body);
    expect(deliveries[1]!.headers['x-shopify-webhook-id']).not.toBe(deliveries[2]!.headers['x-shopify-webhook-id']);
  });

  it('ready for pickup fires the fulfillment-order topic only, moves the fulfillment order and not the order', async () => {
    // Prepare
    const { id } = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans], pickupAt: fake.locations[1]!.id.toString() });
    const before = fake.orders.get(BigInt(id))!;
    now = new Date(now.getTime() + 60_000);

    // Act
    const deliveries = await deliveriesOf(() => fake.orderAdmin.markReadyForPickup(id));

    // Assess
    const after = fake.orders.get(BigInt(id))!;
    expect(deliveries.map((delivery) => delivery.topic)).toEqual(['fulfillment_orders/line_items_prepared_for_pickup']);
    expect(JSON.parse(deliveries[0]!.body)).toEqual({
      fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${after.fulfillmentOrders[0]!.id}`, status: 'in_progress', preparable: false, delivery_method: { method_type: 'pick_up' } },
    });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(after.fulfillmentOrders[0]).toMatchObject({ status: 'IN_PROGRESS', updatedAt: now });
    expect(() => fake.orderAdmin.markReadyForPickup(id)).toThrow(/FULFILLMENT_ORDER_INVALID/);
  });

  it('a refund fires refunds/create (the order by order_id) and orders/updated', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans] });

    // Act
    const deliveries = await deliveriesOf(() => fake.orderAdmin.refund(placed.id, [{ lineItemId: placed.lineItemIds[0]!, quantity: 1 }]));

    // Assess
    expect(deliveries.map((delivery) => delivery.topic)).toEqual(['refunds/create', 'orders/updated', 'orders/updated']);
    const refund = parseLossless(deliveries[0]!.body) as Record<string, any>;
    expect(String(refund['order_id'])).toBe(placed.id);
    expect(isLosslessNumber(refund['refund_line_items'][0]['subtotal'])).toBe(true);
    expect(String(refund['refund_line_items'][0]['subtotal'])).toBe('19.90');
    expect((parseLossless(deliveries[1]!.body) as Record<string, unknown>)).toMatchObject({ financial_status: 'partially_refunded', current_total_price: '19.90', total_price: '39.80' });
  });

  it('a cancellation fires orders/cancelled, fulfillment_orders/cancelled and orders/updated', async () => {
    // Prepare
    const { id } = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans], pickupAt: fake.locations[1]!.id.toString() });

    // Act
    const deliveries = await deliveriesOf(() => fake.orderAdmin.cancel(id, 'CUSTOMER'));

    // Assess
    expect(deliveries.map((delivery) => delivery.topic)).toEqual(['orders/cancelled', 'fulfillment_orders/cancelled', 'orders/updated', 'orders/updated']);
    expect((parseLossless(deliveries[0]!.body) as Record<string, unknown>)).toMatchObject({ cancel_reason: 'customer', cancelled_at: expect.stringMatching(/-05:00$/) });
  });

  it('a POS counter sale fires orders/create, orders/paid and fulfillments/create, no routing', async () => {
    // Act
    const deliveries = await deliveriesOf(() => fake.orderAdmin.placeOrder({ source: 'pos', lines: [beans] }));

    // Assess
    expect(deliveries.map((delivery) => delivery.topic)).toEqual(['orders/create', 'orders/paid', 'fulfillments/create']);
    expect((parseLossless(deliveries[0]!.body) as Record<string, unknown>)).toMatchObject({ source_name: 'pos', fulfillment_status: 'fulfilled' });
  });
});

describe('sandbox order routes', () => {
  it('places an order and marks it ready over HTTP, firing the same webhooks', async () => {
    // Act
    const placed = await fetch(`${fake.baseUrl}/_sandbox/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'guest@example.com', lines: [beans], pickupAt: fake.locations[1]!.id.toString() }),
    });
    const { order } = (await placed.json()) as { order: { id: string } };
    const ready = await fetch(`${fake.baseUrl}/_sandbox/orders/${order.id}/ready`, { method: 'POST' });
    const again = await fetch(`${fake.baseUrl}/_sandbox/orders/${order.id}/ready`, { method: 'POST' });
    const read = await fetch(`${fake.baseUrl}/_sandbox/orders/${order.id}`);
    await fake.webhooks.idle();

    // Assess
    expect([placed.status, ready.status, again.status, read.status]).toEqual([201, 200, 422, 200]);
    expect(fake.orders.get(BigInt(order.id))?.fulfillmentOrders[0]?.status).toBe('IN_PROGRESS');
    expect(await read.text()).toContain(`"id":${order.id},`);
    expect(receiver.deliveries.map((delivery) => delivery.headers['x-shopify-topic'])).toContain('fulfillment_orders/line_items_prepared_for_pickup');
  });

  it('places an order in the buyer’s language (customerLocale), refusing one that is not a locale', async () => {
    // Act
    const place = (extra: Record<string, unknown>) =>
      fetch(`${fake.baseUrl}/_sandbox/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'guest@example.com', lines: [beans], ...extra }) });
    const placed = await place({ customerLocale: 'pt-BR' });
    const refused = await place({ customerLocale: 'Portuguese please' });
    const { order } = (await placed.json()) as { order: { id: string } };
    const data = await graphql(`query ($id: ID!) { order(id: $id) { customerLocale } }`, { id: `gid://shopify/Order/${order.id}` });

    // Assess
    expect([placed.status, refused.status]).toEqual([201, 400]);
    expect(data.order).toEqual({ customerLocale: 'pt-BR' });
  });
});

describe('persistence', () => {
  it('keeps orders and metafields across a restart (persistPath), ids continuing', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'omnihub-shopify-orders-'));
    const persistPath = join(dir, 'shop.json');
    try {
      await fake.close();
      fake = await startShopifyFake({ ...secret, shop: config.shop, now: () => now, persistPath });
      const customerId = fake.admin.createCustomer({ email: 'ada@example.com' }).id;
      const first = fake.orderAdmin.placeOrder({ customerId, lines: [beans], pickupAt: fake.locations[1]!.id.toString() });
      fake.orderAdmin.markReadyForPickup(first.id);
      await graphql(`mutation ($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { code } } }`, {
        m: [{ ownerId: `gid://shopify/Customer/${customerId}`, namespace: 'omnihub', key: 'orders', type: 'number_integer', value: '1' }],
      });
      const held = fake.orders.get(BigInt(first.id));
      await fake.close();

      // Act
      fake = await startShopifyFake({ ...secret, shop: config.shop, now: () => now, persistPath });
      const second = fake.orderAdmin.placeOrder({ customerId, lines: [beans] });

      // Assess
      expect(fake.orders.get(BigInt(first.id))).toEqual(held);
      expect(fake.metafields.get(BigInt(customerId), 'omnihub', 'orders')?.value).toBe('1');
      expect(BigInt(second.id)).toBeGreaterThan(BigInt(first.id));
      expect(second.name).toBe('#1002');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('orders and their customers', () => {
  it('refuses to delete a customer who has placed orders', () => {
    // Prepare
    const customerId = fake.admin.createCustomer({ email: 'ada@example.com' }).id;
    fake.orderAdmin.placeOrder({ customerId, lines: [beans] });

    // Act + Assess
    expect(() => fake.admin.deleteCustomer(customerId)).toThrow(/placed orders/);
    expect(fake.admin.getCustomer(customerId)).toBeDefined();
  });

  it('moves the absorbed customer’s orders to the kept one on a merge', async () => {
    // Prepare
    const one = fake.admin.createCustomer({ email: 'ada@example.com', first_name: 'Ada' }).id;
    const two = fake.admin.createCustomer({ email: 'ada.l@example.com', first_name: 'Ada' }).id;
    const placed = fake.orderAdmin.placeOrder({ customerId: two, lines: [beans] });

    // Act
    const { keptId, deletedId } = fake.admin.mergeCustomers(one, two, { keep: one });

    // Assess
    expect(deletedId).toBe(two);
    expect(fake.orders.get(BigInt(placed.id))?.customerId).toBe(BigInt(keptId));
    const data = await graphql(`query ($id: ID!) { order(id: $id) { customer { id } } }`, { id: `gid://shopify/Order/${placed.id}` });
    expect(data.order.customer).toEqual({ id: `gid://shopify/Customer/${keptId}` });
  });
});

describe('order reads', () => {
  it('answers an Order and a FulfillmentOrder in nodes(ids:), money as Shopify Decimals', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans], pickupAt: fake.locations[1]!.id.toString() });

    // Act
    const data = await graphql(
      `query ($ids: [ID!]!) { nodes(ids: $ids) {
        ... on Order { id currentTotalPriceSet { shopMoney { amount currencyCode } } }
        ... on FulfillmentOrder { id status deliveryMethod { methodType } assignedLocation { name location { id } } order { id } }
      } }`,
      { ids: [`gid://shopify/Order/${placed.id}`, `gid://shopify/FulfillmentOrder/${placed.fulfillmentOrderIds[0]}`, 'gid://shopify/Order/1'] },
    );

    // Assess
    expect(data.nodes).toEqual([
      { id: `gid://shopify/Order/${placed.id}`, currentTotalPriceSet: { shopMoney: { amount: '39.8', currencyCode: 'USD' } } },
      {
        id: `gid://shopify/FulfillmentOrder/${placed.fulfillmentOrderIds[0]}`,
        status: 'OPEN',
        deliveryMethod: { methodType: 'PICK_UP' },
        assignedLocation: { name: fake.locations[1]!.name, location: { id: `gid://shopify/Location/${fake.locations[1]!.id}` } },
        order: { id: `gid://shopify/Order/${placed.id}` },
      },
      null,
    ]);
    // Per id 1 + the dearer of the two fragments (FulfillmentOrder: 4, Order: 2); the unknown id returned nothing.
    expect(fake.reads().at(-1)).toMatchObject({ requestedQueryCost: 3 * (1 + 4), actualQueryCost: 1 + 2 + (1 + 4) });
  });

  it('answers customerLocale: the language the order was placed in, else the shop’s primary locale', async () => {
    // Prepare
    const french = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans], customerLocale: 'fr-CA' });
    const plain = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans] });

    // Act
    const data = await graphql(`query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id customerLocale } } }`, {
      ids: [`gid://shopify/Order/${french.id}`, `gid://shopify/Order/${plain.id}`],
    });
    const listed = await graphql(`{ orders(first: 5, sortKey: ID) { nodes { customerLocale } } }`);

    // Assess
    expect(data.nodes).toEqual([
      { id: `gid://shopify/Order/${french.id}`, customerLocale: 'fr-CA' },
      { id: `gid://shopify/Order/${plain.id}`, customerLocale: 'en' },
    ]);
    expect(listed.orders.nodes).toEqual([{ customerLocale: 'fr-CA' }, { customerLocale: 'en' }]);
    // A scalar: it adds nothing to the query's cost.
    expect(fake.reads().at(-2)).toMatchObject({ actualQueryCost: 2 * 1 });
  });

  it('gives the order’s locale in its webhook bodies too (customer_locale)', async () => {
    // Act
    const deliveries = await deliveriesOf(() => {
      fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans], customerLocale: 'de' });
    });

    // Assess
    expect(JSON.parse(deliveries[0]!.body)).toMatchObject({ customer_locale: 'de' });
  });

  it('pages orders(query: "updated_at:>=…", sortKey: UPDATED_AT) by keyset cursors', async () => {
    // Prepare: three orders a minute apart, the first one edited last
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans] }).id);
      now = new Date(now.getTime() + 60_000);
    }
    fake.orderAdmin.touch(ids[0]!);
    const query = `query ($after: String) { orders(first: 2, after: $after, sortKey: UPDATED_AT, query: "updated_at:>=2025-06-02T09:01:00Z") { nodes { legacyResourceId } pageInfo { hasNextPage endCursor } } }`;

    // Act
    const first = await graphql(query);
    const second = await graphql(query, { after: first.orders.pageInfo.endCursor });

    // Assess
    expect(first.orders.nodes.map((node: { legacyResourceId: string }) => node.legacyResourceId)).toEqual([ids[1], ids[2]]);
    expect(first.orders.pageInfo.hasNextPage).toBe(true);
    expect(second.orders.nodes.map((node: { legacyResourceId: string }) => node.legacyResourceId)).toEqual([ids[0]]);
    expect(second.orders.pageInfo.hasNextPage).toBe(false);
  });

  it('charges connections by their page size and refunds what was not returned', async () => {
    // Prepare
    const placed = fake.orderAdmin.placeOrder({ email: 'guest@example.com', lines: [beans] });

    // Act
    await graphql(`query ($id: ID!) { order(id: $id) { id lineItems(first: 10) { nodes { id originalUnitPriceSet { shopMoney { amount } } } } } }`, { id: `gid://shopify/Order/${placed.id}` });

    // Assess: order 1 + connection 2 + 10 × (line 1 + MoneyBag 1 + MoneyV2 1); one line returned
    expect(fake.reads().at(-1)).toMatchObject({ requestedQueryCost: 1 + 2 + 10 * 3, actualQueryCost: 1 + 2 + 3 });
  });
});

describe('metafieldsSet', () => {
  const write = (metafields: Record<string, unknown>[]) =>
    graphql(`mutation ($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key value } userErrors { field message code elementIndex } } }`, { m: metafields });

  it('refuses more than 25 metafields in one call', async () => {
    // Prepare
    const ownerId = `gid://shopify/Customer/${fake.admin.createCustomer({ email: 'ada@example.com' }).id}`;

    // Act
    const result = await write(Array.from({ length: 26 }, (_, i) => ({ ownerId, namespace: 'omnihub', key: `k${i}x`, type: 'number_integer', value: '1' })));

    // Assess
    expect(result.metafieldsSet.userErrors).toEqual([{ field: ['metafields'], message: 'Exceeded the maximum metafields input limit of 25.', code: 'LESS_THAN_OR_EQUAL_TO', elementIndex: null }]);
  });

  it('validates every value against its type and writes nothing when one is wrong (atomic)', async () => {
    // Prepare
    const id = fake.admin.createCustomer({ email: 'ada@example.com' }).id;
    const ownerId = `gid://shopify/Customer/${id}`;

    // Act
    const result = await write([
      { ownerId, namespace: 'omnihub', key: 'orders', type: 'number_integer', value: '3' },
      { ownerId, namespace: 'omnihub', key: 'spent', type: 'number_integer', value: '12.50' },
      { ownerId, namespace: 'omnihub', key: 'spent_json', type: 'json', value: '{not json' },
      { ownerId, namespace: 'omnihub', key: 'when', type: 'date_time', value: 'yesterday' },
      { ownerId, namespace: 'omnihub', key: 'odd', type: 'number_fancy', value: '1' },
      { ownerId, namespace: 'omnihub', key: 'names', type: 'list.single_line_text_field', value: '"web"' },
    ]);

    // Assess
    expect(result.metafieldsSet.metafields).toBeNull();
    expect(result.metafieldsSet.userErrors.map((error: { field: string[]; code: string }) => [error.field.join('.'), error.code])).toEqual([
      ['metafields.1.value', 'INVALID_VALUE'],
      ['metafields.2.value', 'INVALID_VALUE'],
      ['metafields.3.value', 'INVALID_VALUE'],
      ['metafields.4.type', 'INVALID_TYPE'],
      ['metafields.5.value', 'INVALID_VALUE'],
    ]);
    expect(fake.metafields.list(BigInt(id))).toEqual([]);
  });

  it('keeps a metafield’s type and refuses an owner that does not exist', async () => {
    // Prepare
    const id = fake.admin.createCustomer({ email: 'ada@example.com' }).id;
    const ownerId = `gid://shopify/Customer/${id}`;
    await write([{ ownerId, namespace: 'omnihub', key: 'orders', type: 'number_integer', value: '3' }]);

    // Act
    const retyped = await write([{ ownerId, namespace: 'omnihub', key: 'orders', type: 'json', value: '3' }]);
    const ownerless = await write([{ ownerId: 'gid://shopify/Customer/1', namespace: 'omnihub', key: 'orders', type: 'number_integer', value: '3' }]);

    // Assess
    expect(retyped.metafieldsSet.userErrors[0]).toMatchObject({ field: ['metafields', '0', 'type'], code: 'INVALID_TYPE' });
    expect(ownerless.metafieldsSet.userErrors).toEqual([{ field: ['metafields', '0', 'ownerId'], message: 'Owner does not exist.', code: 'INVALID', elementIndex: 0 }]);
    expect(fake.metafields.get(BigInt(id), 'omnihub', 'orders')).toMatchObject({ type: 'number_integer', value: '3' });
  });

  it('costs 10 points, as every mutation field does', async () => {
    // Prepare
    const ownerId = `gid://shopify/Customer/${fake.admin.createCustomer({ email: 'ada@example.com' }).id}`;

    // Act
    await write([{ ownerId, namespace: 'omnihub', key: 'orders', type: 'number_integer', value: '3' }]);

    // Assess
    expect(fake.writes().at(-1)).toMatchObject({ fields: ['metafieldsSet'], requestedQueryCost: 10, actualQueryCost: 10 });
  });
});
