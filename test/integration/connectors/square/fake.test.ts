import { afterEach, describe, expect, it } from 'vitest';
import { SquareClient, SquareError } from 'square';
import { startSquareFake, type SquareFake, type SquareFakeOptions } from '../../../../connectors/square/fake/server';
import { SquareWebhooks } from '../../../../connectors/square/fake/webhooks';
import { SIGNATURE_KEY, TOKEN, caught } from './support';

const CLOCK = new Date('2025-03-01T12:00:00.250Z');
let fake: SquareFake;

async function start(options: Partial<SquareFakeOptions> = {}): Promise<SquareFake> {
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0, now: () => CLOCK, ...options });
  return fake;
}

/** The real SDK, pointed at the fake, without its retries unless asked. */
function sdk(options: { maxRetries?: number; token?: string } = {}): SquareClient {
  return new SquareClient({ token: options.token ?? TOKEN, baseUrl: fake.baseUrl, maxRetries: options.maxRetries ?? 0 });
}

function squareError(error: unknown): { status: number | undefined; errors: unknown } {
  if (!(error instanceof SquareError)) throw new Error(`expected a SquareError, got ${String(error)}`);
  return { status: error.statusCode, errors: error.errors };
}

afterEach(async () => {
  await fake?.close();
});

describe('customers', () => {
  it('creates a customer with Square\'s clocks: created_at to the millisecond, updated_at to the second, version 0', async () => {
    // Prepare
    await start();

    // Act
    const answer = await sdk().customers.create({ givenName: 'Amelia', emailAddress: 'Amelia.Earhart@example.com', phoneNumber: '+1-212-555-4240' });

    // Assess
    expect(answer.customer).toMatchObject({ createdAt: '2025-03-01T12:00:00.25Z', updatedAt: '2025-03-01T12:00:00Z', version: 0n, creationSource: 'THIRD_PARTY' });
    expect(answer.customer?.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(fake.customers.get(answer.customer!.id!)).toMatchObject({ given_name: 'Amelia', email_address: 'Amelia.Earhart@example.com', phone_number: '+1-212-555-4240' });
  });

  it('replays the first answer for a repeated idempotency key: one customer, whatever changed since', async () => {
    // Prepare
    await start();
    const request = { idempotencyKey: 'key-1', givenName: 'Grace', emailAddress: 'grace@example.org' };
    const first = await sdk().customers.create(request);
    fake.admin.updateCustomer(first.customer!.id!, { given_name: 'Amazing Grace' });

    // Act
    const again = await sdk().customers.create(request);

    // Assess
    expect(again.customer).toEqual(first.customer);
    expect(fake.customers.list()).toHaveLength(1);
    expect(fake.customers.get(first.customer!.id!)?.given_name).toBe('Amazing Grace');
  });

  it('refuses an idempotency key sent again with another body: 400 IDEMPOTENCY_KEY_REUSED, nothing created', async () => {
    // Prepare
    await start();
    await sdk().customers.create({ idempotencyKey: 'key-1', givenName: 'Grace' });

    // Act
    const error = await caught(sdk().customers.create({ idempotencyKey: 'key-1', givenName: 'Ada' }));

    // Assess
    expect(squareError(error)).toEqual({
      status: 400,
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'IDEMPOTENCY_KEY_REUSED', detail: 'The idempotency key can only be retried with the same request data.', field: 'idempotency_key' }],
    });
    expect(fake.customers.list().map((customer) => customer.given_name)).toEqual(['Grace']);
  });

  it('keeps two customers with one email: Square does not enforce unique emails or phones', async () => {
    // Prepare
    await start();

    // Act
    await sdk().customers.create({ givenName: 'Ada', emailAddress: 'family@example.com', phoneNumber: '+12125550101' });
    await sdk().customers.create({ givenName: 'Byron', emailAddress: 'family@example.com', phoneNumber: '+12125550101' });

    // Assess
    expect(fake.customers.list().map((customer) => customer.given_name)).toEqual(['Ada', 'Byron']);
  });

  it('refuses an update with a stale version (400 VERSION_MISMATCH) and leaves the customer as it was', async () => {
    // Prepare
    await start();
    const created = await sdk().customers.create({ givenName: 'Ada' });
    const id = created.customer!.id!;
    fake.admin.updateCustomer(id, { family_name: 'Lovelace' });

    // Act
    const error = await caught(sdk().customers.update({ customerId: id, givenName: 'Augusta', version: 0n }));

    // Assess
    expect(squareError(error)).toEqual({
      status: 400,
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'VERSION_MISMATCH', detail: `Supplied version 0 does not match the current version 1 of customer ${id}.`, field: 'version' }],
    });
    expect(fake.customers.get(id)).toMatchObject({ given_name: 'Ada', family_name: 'Lovelace', version: 1 });
  });

  it('ignores a null without X-Clear-Null, as Square does, and clears the field with it', async () => {
    // Prepare
    await start();
    const id = (await sdk().customers.create({ givenName: 'Ada', phoneNumber: '+12125550101', address: { locality: 'London', country: 'GB' } })).customer!.id!;

    // Act
    const ignored = await sdk().customers.update({ customerId: id, phoneNumber: null, address: { locality: null } });
    const cleared = await sdk().customers.update({ customerId: id, phoneNumber: null, address: { locality: null } }, { headers: { 'X-Clear-Null': 'true' } });

    // Assess
    expect(ignored.customer).toMatchObject({ phoneNumber: '+12125550101', address: { locality: 'London', country: 'GB' }, version: 0n });
    expect(cleared.customer?.phoneNumber).toBeUndefined();
    expect(cleared.customer?.address).toEqual({ country: 'GB' });
    expect(cleared.customer?.version).toBe(1n);
  });

  it('answers an unknown customer with 404 NOT_FOUND in Square\'s envelope', async () => {
    // Prepare
    await start();

    // Act
    const error = await caught(sdk().customers.get({ customerId: 'NOPE0000000000000000000000' }));

    // Assess
    expect(squareError(error)).toEqual({
      status: 404,
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: 'Customer with ID `NOPE0000000000000000000000` not found.' }],
    });
  });

  it('answers a wrong token with 401 UNAUTHORIZED', async () => {
    // Prepare
    await start();

    // Act
    const error = await caught(sdk({ token: 'EAAA-wrong' }).customers.list());

    // Assess
    expect(squareError(error)).toEqual({ status: 401, errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'This request could not be authorized.' }] });
  });

  it('lists 100 customers a page at most, with a cursor for the next, and refuses a larger limit', async () => {
    // Prepare
    await start();
    for (let index = 0; index < 150; index += 1) fake.customers.create({ given_name: `Customer ${String(index).padStart(3, '0')}` });

    // Act
    const first = await sdk().customers.list({ limit: 100, sortField: 'CREATED_AT' });
    const second = await sdk().customers.list({ limit: 100, sortField: 'CREATED_AT', cursor: first.response.cursor });
    const tooMany = await caught(sdk().customers.list({ limit: 101 }));

    // Assess
    expect(first.data).toHaveLength(100);
    expect(second.data).toHaveLength(50);
    expect(second.response.cursor).toBeUndefined();
    expect(new Set([...first.data, ...second.data].map((customer) => customer.id)).size).toBe(150);
    expect(squareError(tooMany)).toMatchObject({ status: 400, errors: [{ code: 'VALUE_TOO_HIGH', field: 'limit' }] });
  });

  it('finds a write in list and search only after the index lag, while a read by id sees it at once', async () => {
    // Prepare
    await start({ searchLagMs: 200 });
    const id = (await sdk().customers.create({ givenName: 'Late', emailAddress: 'late@example.com' })).customer!.id!;

    // Act
    const searchedAtOnce = await sdk().customers.search({ query: { filter: { emailAddress: { exact: 'LATE@example.com' } } } });
    const listedAtOnce = await sdk().customers.list();
    const retrieved = await sdk().customers.bulkRetrieveCustomers({ customerIds: [id] });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const searchedLater = await sdk().customers.search({ query: { filter: { emailAddress: { exact: 'LATE@example.com' } } } });

    // Assess
    expect(searchedAtOnce.customers).toBeUndefined();
    expect(listedAtOnce.data).toEqual([]);
    expect(retrieved.responses?.[id]?.customer?.givenName).toBe('Late');
    expect(searchedLater.customers?.map((customer) => customer.id)).toEqual([id]);
  });

  it('searches by updated_at from an instant, and cannot sort by updated_at (CustomerSortField is DEFAULT or CREATED_AT)', async () => {
    // Prepare
    let now = new Date('2025-03-01T10:00:00Z');
    await start({ now: () => now });
    const old = fake.customers.create({ given_name: 'Old' });
    now = new Date('2025-03-01T12:00:00Z');
    fake.customers.create({ given_name: 'New' });
    if (old.ok) fake.customers.update(old.customer.id, { family_name: 'Edited' }, { clearNulls: false });

    // Act
    const found = await sdk().customers.search({ query: { filter: { updatedAt: { startAt: '2025-03-01T11:00:00Z' } }, sort: { field: 'CREATED_AT', order: 'ASC' } } });
    const bySortOnUpdatedAt = await fetch(`${fake.baseUrl}/v2/customers/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: { sort: { field: 'UPDATED_AT' } } }),
    });

    // Assess
    expect(found.customers?.map((customer) => customer.givenName)).toEqual(['Old', 'New']);
    expect(bySortOnUpdatedAt.status).toBe(400);
    expect(await bySortOnUpdatedAt.json()).toMatchObject({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_ENUM_VALUE', field: 'query.sort.field' }] });
  });

  it('answers BulkRetrieveCustomers with a NOT_FOUND entry inside the 200 for an id it does not know', async () => {
    // Prepare
    await start();
    const id = (await sdk().customers.create({ givenName: 'Ada' })).customer!.id!;

    // Act
    const answer = await sdk().customers.bulkRetrieveCustomers({ customerIds: [id, 'GONE0000000000000000000000'] });

    // Assess
    expect(answer.responses?.[id]?.customer?.givenName).toBe('Ada');
    expect(answer.responses?.['GONE0000000000000000000000']).toEqual({
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: 'Customer with ID `GONE0000000000000000000000` not found.' }],
    });
  });
});

describe('rate limits and faults', () => {
  it('answers over the rolling window with 429 RATE_LIMITED in Square\'s envelope', async () => {
    // Prepare
    await start({ rateLimit: { max: 2, intervalMs: 60_000 } });
    await sdk().customers.list();
    await sdk().customers.list();

    // Act
    const error = await caught(sdk().customers.list());

    // Assess
    expect(squareError(error)).toEqual({ status: 429, errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'Rate limit exceeded.' }] });
  });

  it('is retried by the SDK itself on a forced 429 with Retry-After, and on a 503', async () => {
    // Prepare
    await start();
    fake.admin.failNext(1, { status: 429, retryAfterSeconds: 1 });
    fake.admin.failNext(1, { status: 503 });

    // Act
    const answer = await sdk({ maxRetries: 2 }).customers.create({ idempotencyKey: 'retried', givenName: 'Ada' });

    // Assess
    expect(answer.customer?.givenName).toBe('Ada');
    expect(fake.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual(['POST /v2/customers 429', 'POST /v2/customers 503', 'POST /v2/customers 200']);
    expect(fake.customers.list()).toHaveLength(1);
  });
});

describe('orders and payments', () => {
  it('creates a pickup order with money in integer minor units and reads it back as the SDK types it (bigint amounts)', async () => {
    // Prepare
    await start();

    // Act
    const created = await sdk().orders.create({
      idempotencyKey: 'order-1',
      order: {
        locationId: fake.location,
        lineItems: [{ name: 'Flat white', quantity: '2', basePriceMoney: { amount: 450n, currency: 'USD' } }],
        fulfillments: [{ type: 'PICKUP', pickupDetails: { recipient: { displayName: 'Ada', phoneNumber: '+12125550101' }, scheduleType: 'ASAP' } }],
      },
    });

    // Assess
    expect(created.order).toMatchObject({ state: 'OPEN', version: 1, totalMoney: { amount: 900n, currency: 'USD' } });
    expect(created.order?.fulfillments?.[0]).toMatchObject({ type: 'PICKUP', state: 'PROPOSED', pickupDetails: { placedAt: '2025-03-01T12:00:00.25Z' } });
  });

  it('refuses a fractional amount: money is an integer of minor units', async () => {
    // Prepare
    await start();

    // Act
    const response = await fetch(`${fake.baseUrl}/v2/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ order: { location_id: fake.location, line_items: [{ quantity: '1', base_price_money: { amount: 4.5, currency: 'USD' } }] } }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(fake.orders.orders.size).toBe(0);
  });

  it('moves a pickup PROPOSED → RESERVED → PREPARED → COMPLETED, one version each, and refuses going back', async () => {
    // Prepare
    await start();
    const order = fake.admin.createOrder({
      location_id: fake.location,
      line_items: [{ name: 'Cold brew', quantity: '1', base_price_money: { amount: 500, currency: 'USD' } }],
      fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'Katherine', phone_number: '+12125550104' } } }],
    });
    const uid = order.fulfillments![0]!.uid;

    // Act
    for (const state of ['RESERVED', 'PREPARED'] as const) fake.admin.setFulfillmentState(order.id, uid, state);
    fake.admin.payOrder(order.id);
    fake.admin.setFulfillmentState(order.id, uid, 'COMPLETED');
    const back = () => fake.admin.setFulfillmentState(order.id, uid, 'PREPARED');

    // Assess
    const [read] = (await sdk().orders.batchGet({ orderIds: [order.id, 'MISSING00000000000000000000000'] })).orders ?? [];
    expect(read).toMatchObject({ state: 'COMPLETED', version: 5, netAmountDueMoney: { amount: 0n } });
    expect(read?.fulfillments?.[0]?.pickupDetails).toMatchObject({ acceptedAt: expect.any(String), readyAt: expect.any(String), pickedUpAt: expect.any(String) });
    expect(back).toThrow(/cannot move from COMPLETED to PREPARED/);
  });

  it('finds orders updated since an instant only when sorted by UPDATED_AT, and tells a paid order by its payment', async () => {
    // Prepare
    await start({ seed: true });
    const paid = [...fake.orders.payments.values()];

    // Act
    const found = await sdk().orders.search({
      locationIds: [fake.location],
      query: { filter: { dateTimeFilter: { updatedAt: { startAt: '2025-03-01T00:00:00Z' } } }, sort: { sortField: 'UPDATED_AT', sortOrder: 'ASC' } },
    });
    const mismatch = await caught(sdk().orders.search({ locationIds: [fake.location], query: { filter: { dateTimeFilter: { updatedAt: { startAt: '2025-03-01T00:00:00Z' } } } } }));
    const payments = await sdk().payments.list({ locationId: fake.location });
    const payment = await sdk().payments.get({ paymentId: paid[0]!.id });

    // Assess
    expect(found.orders?.map((order) => order.id).sort()).toEqual([...fake.orders.orders.keys()].sort());
    expect(squareError(mismatch)).toMatchObject({ status: 400, errors: [{ field: 'query.filter.date_time_filter' }] });
    expect(payments.data.map((each) => each.orderId).sort()).toEqual(paid.map((each) => each.order_id).sort());
    expect(payment.payment).toMatchObject({ status: 'COMPLETED', orderId: paid[0]!.order_id });
  });
});

describe('seed', () => {
  it('holds customers known only by phone, as a real store does, three pickup orders and three counter sales (one refunded)', async () => {
    // Prepare
    await start({ seed: true });

    // Act
    const listed = await sdk().customers.list();

    // Assess
    const phoneOnly = listed.data.filter((customer) => !customer.emailAddress && customer.phoneNumber);
    expect(listed.data).toHaveLength(4);
    expect(phoneOnly.map((customer) => customer.phoneNumber)).toEqual(expect.arrayContaining(['(212) 555-0104', '212.555.0199']));
    const orders = [...fake.orders.orders.values()];
    expect(orders.filter((order) => order.fulfillments?.[0]?.type === 'PICKUP')).toHaveLength(3);
    expect(orders.filter((order) => order.source.name === 'Square Point of Sale' && order.line_items.length > 0).map((order) => order.version)).toEqual([undefined, undefined, undefined]);
    expect(orders.filter((order) => order.returns?.[0]?.source_order_id !== undefined)).toHaveLength(1);
  });
});

describe('signing', () => {
  it('signs the way the official Square SDK vector was signed', () => {
    // Prepare
    const body =
      '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}';

    // Act
    const signature = SquareWebhooks.sign('Ibxx_5AKakO-3qeNVR61Dw', 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9', body);

    // Assess
    expect(signature).toBe('GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=');
  });
});
