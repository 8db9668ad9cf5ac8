import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubspotOrderTarget } from '../../../../connectors/hubspot/orders';
import { hubspotOrders } from '../../../../connectors/hubspot/orders-connector';
import { startHubspotFake, type HubspotFake, type HubspotFakeOptions } from '../../../../connectors/hubspot/fake/server';
import { ConnectorError } from '../../../../core/errors';
import type { LogSink } from '../../../../core/log';
import type { Order } from '../../../../core/model/order';
import type { OrderProjectionTarget } from '../../../../core/orders/ports';

const TOKEN = 'pat-na1-test-token';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');
const quiet: LogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let fake: HubspotFake;

async function startFake(options: Partial<HubspotFakeOptions> = {}): Promise<HubspotFake> {
  return startHubspotFake({ accessToken: TOKEN, clientSecret: 'secret', seed: true, rateLimit: { max: 200, intervalMs: 50 }, now: () => CLOCK, ...options });
}

function target(): OrderProjectionTarget {
  return createHubspotOrderTarget({ config: { batchSize: 100 }, secret: { accessToken: TOKEN }, mapping: { defaultCountry: 'US' }, baseUrl: fake.baseUrl, log: quiet });
}

function order(overrides: Partial<Order> = {}): Order {
  return {
    origin: { system: 'shopify', externalId: '450789469' },
    revision: 1,
    updatedAt: '2025-02-28T10:00:00Z',
    placedAt: '2025-02-28T09:30:00Z',
    name: '#1001',
    channel: 'web',
    status: 'paid',
    currency: 'USD',
    total: { amount: '120.50', currency: 'USD' },
    subtotal: { amount: '110.00', currency: 'USD' },
    lines: [
      { lineId: 'L1', name: 'Nano', sku: 'IPOD-RED', quantity: '1', unitPrice: { amount: '100.00', currency: 'USD' }, total: { amount: '100.00', currency: 'USD' } },
      { lineId: 'L2', name: 'Cable', sku: null, quantity: '2', unitPrice: { amount: '5.00', currency: 'USD' }, total: { amount: '10.00', currency: 'USD' } },
    ],
    pickup: { state: 'none', location: null, readyAt: null, pickedUpAt: null },
    buyer: { externalId: '207119551', email: null, phone: null },
    ...overrides,
  };
}

afterEach(async () => {
  await fake.close();
});

describe('HubSpot order projection', () => {
  beforeEach(async () => {
    fake = await startFake();
  });

  it('creates one commerce order with its line items, associated with the buyer contact', async () => {
    // Act
    const result = await target().projectOrder(order(), { copyId: null, buyerRecordId: '51' });

    // Assess
    const orders = fake.admin.listOrders();
    expect(orders).toHaveLength(1);
    const copy = orders[0]!;
    expect(result).toEqual({ copyId: copy.id, outcome: 'created' });
    expect(copy.properties).toMatchObject({
      omnihub_order_key: 'shopify:450789469',
      hs_order_name: '#1001',
      hs_currency_code: 'USD',
      hs_total_price: '120.50',
      hs_subtotal_price: '110.00',
      hs_external_order_id: '450789469',
      hs_external_order_status: 'paid',
      hs_external_created_date: String(Date.parse('2025-02-28T09:30:00Z')),
      hs_source_store: 'shopify',
      omnihub_channel: 'web',
      omnihub_pickup_state: 'none',
    });
    expect(copy.contactIds).toEqual(['51']);
    expect(copy.lineItems.map((line) => line.properties)).toEqual([
      expect.objectContaining({ omnihub_line_key: 'shopify:450789469#L1', name: 'Nano', quantity: '1', price: '100.00', hs_sku: 'IPOD-RED', amount: '100' }),
      expect.objectContaining({ omnihub_line_key: 'shopify:450789469#L2', name: 'Cable', quantity: '2', price: '5.00', hs_sku: null, amount: '10' }),
    ]);
  });

  it('creates the unique key properties once per client instance', async () => {
    // Prepare
    const client = target();

    // Act
    await client.projectOrder(order(), { copyId: null, buyerRecordId: '51' });
    await client.projectOrder(order({ revision: 2 }), { copyId: null, buyerRecordId: '51' });

    // Assess
    expect(fake.crm.catalog.get('orders', 'omnihub_order_key')).toMatchObject({ hasUniqueValue: true, groupName: 'omnihub' });
    expect(fake.crm.catalog.get('line_items', 'omnihub_line_key')).toMatchObject({ hasUniqueValue: true });
    const propertyCalls = fake.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/crm/v3/properties/'));
    expect(propertyCalls.length).toBe(2 + 5 + 1); // two groups, five order properties, one line item property
  });

  it('updates the same copy on a newer revision, never a second one', async () => {
    // Prepare
    const client = target();
    const first = await client.projectOrder(order(), { copyId: null, buyerRecordId: '51' });

    // Act
    const second = await client.projectOrder(order({ revision: 2, status: 'fulfilled', total: { amount: '99.99', currency: 'USD' } }), { copyId: first.copyId, buyerRecordId: '51' });

    // Assess
    expect(second).toEqual({ copyId: first.copyId, outcome: 'updated' });
    const orders = fake.admin.listOrders();
    expect(orders).toHaveLength(1);
    expect(orders[0]!.properties).toMatchObject({ hs_total_price: '99.99', omnihub_status: 'fulfilled', hs_fulfillment_status: 'Fulfilled' });
    expect(orders[0]!.lineItems).toHaveLength(2);
    expect(fake.admin.listLineItems()).toHaveLength(2);
  });

  it('finds the copy a crashed projection made, though search has not seen it yet', async () => {
    // Prepare: search lags writes by a minute, and the first projection's copy id was never recorded.
    await fake.close();
    fake = await startFake({ searchLagMs: 60_000 });
    await target().projectOrder(order(), { copyId: null, buyerRecordId: '51' });

    // Act: a new instance (the retried Lambda) projects the same order with no copy id.
    const retried = await target().projectOrder(order(), { copyId: null, buyerRecordId: '51' });

    // Assess
    const orders = fake.admin.listOrders();
    expect(orders).toHaveLength(1);
    expect(retried).toEqual({ copyId: orders[0]!.id, outcome: 'found-existing' });
    expect(fake.admin.listLineItems()).toHaveLength(2);
    expect(orders[0]!.contactIds).toEqual(['51']);
    const search = await fetch(`${fake.baseUrl}/crm/v3/objects/orders/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filterGroups: [{ filters: [{ propertyName: 'omnihub_order_key', operator: 'EQ', value: 'shopify:450789469' }] }] }),
    });
    expect(((await search.json()) as { total: number }).total).toBe(0);
  });

  it('archives the line items the order no longer has', async () => {
    // Prepare
    const client = target();
    const first = await client.projectOrder(order(), { copyId: null, buyerRecordId: '51' });
    const [kept, dropped] = fake.admin.getOrder(first.copyId)!.lineItems;

    // Act
    await client.projectOrder(order({ revision: 2, lines: order().lines.slice(0, 1) }), { copyId: first.copyId, buyerRecordId: '51' });

    // Assess
    const copy = fake.admin.getOrder(first.copyId)!;
    expect(copy.lineItems.map((line) => line.id)).toEqual([kept!.id]);
    expect(fake.crm.objects.get('line_items', dropped!.id)).toBeUndefined();
    const archive = fake.requests.find((request) => request.path === '/crm/v3/objects/line_items/batch/archive');
    expect(archive?.body).toEqual({ inputs: [{ id: dropped!.id }] });
  });

  it('moves the association to a buyer resolved anew and leaves an unknown buyer alone', async () => {
    // Prepare
    const client = target();
    const first = await client.projectOrder(order(), { copyId: null, buyerRecordId: '51' });

    // Act
    await client.projectOrder(order({ revision: 2 }), { copyId: first.copyId, buyerRecordId: '52' });
    await client.projectOrder(order({ revision: 3 }), { copyId: first.copyId, buyerRecordId: null });

    // Assess
    expect(fake.admin.getOrder(first.copyId)!.contactIds).toEqual(['52']);
  });

  it('writes money exactly as the canonical strings, pickup state and location included', async () => {
    // Act
    const pickup = order({
      origin: { system: 'square', externalId: 'CAISEHn' },
      channel: 'store',
      currency: 'JPY',
      total: { amount: '1500', currency: 'JPY' },
      subtotal: { amount: '1500', currency: 'JPY' },
      lines: [{ lineId: 'u1', name: 'Beans', sku: null, quantity: '1.5', unitPrice: { amount: '1000', currency: 'JPY' }, total: { amount: '1500', currency: 'JPY' } }],
      pickup: { state: 'ready_for_pickup', location: { id: 'LBV8', name: 'Main Street' }, readyAt: '2025-02-28T11:00:00Z', pickedUpAt: null },
    });
    await target().projectOrder(pickup, { copyId: null, buyerRecordId: null });

    // Assess
    const copy = fake.admin.listOrders()[0]!;
    expect(copy.properties).toMatchObject({ hs_total_price: '1500', hs_currency_code: 'JPY', omnihub_channel: 'store', omnihub_pickup_state: 'ready_for_pickup', omnihub_pickup_location: 'Main Street', hs_fulfillment_status: 'Ready for pickup' });
    expect(copy.contactIds).toEqual([]);
    expect(copy.lineItems[0]!.properties).toMatchObject({ quantity: '1.5', price: '1000', hs_line_item_currency_code: 'JPY', amount: '1500' });
    const upsert = fake.requests.find((request) => request.path === '/crm/v3/objects/order/batch/upsert');
    expect(upsert?.body).toMatchObject({ inputs: [{ id: 'square:CAISEHn', idProperty: 'omnihub_order_key', properties: { hs_total_price: '1500' } }] });
  });

  it('refuses, without retrying, a buyer contact HubSpot does not have, after writing the copy', async () => {
    // Act
    const error = await target()
      .projectOrder(order(), { copyId: null, buyerRecordId: '999' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    expect(fake.admin.listOrders()).toHaveLength(1);
    expect(fake.admin.listOrders()[0]!.contactIds).toEqual([]);
  });

  it('waits out a 429 and lands the copy once', async () => {
    // Prepare
    const client = target();
    await client.projectOrder(order(), { copyId: null, buyerRecordId: '51' });
    fake.admin.failNext(2, { status: 429, retryAfterSeconds: 0 });

    // Act
    const result = await client.projectOrder(order({ revision: 2, name: '#1001-B' }), { copyId: null, buyerRecordId: '51' });

    // Assess
    expect(result.outcome).toBe('found-existing');
    expect(fake.admin.listOrders().map((copy) => copy.properties.hs_order_name)).toEqual(['#1001-B']);
    expect(fake.requests.filter((request) => request.status === 429)).toHaveLength(2);
  });

  it('is the order side the connector exports', () => {
    expect(hubspotOrders.createTarget).toBe(createHubspotOrderTarget);
  });
});
