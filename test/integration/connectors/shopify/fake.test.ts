import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startShopifyFake, type ShopifyFake, type ShopifyFakeOptions } from '../../../../connectors/shopify/fake/server';
import { verify } from '../../../../connectors/shopify/webhook';
import { startWebhookReceiver } from '../../../support/shopify';

/** The fake Shopify itself: it must behave like the real Admin API where the connector depends on it. */

const secret = { accessToken: 'shpat_fake', webhookSecret: 'fake-webhook-secret' };

const PageSchema = z.object({
  data: z.object({
    customers: z.object({
      nodes: z.array(z.object({ id: z.string() })),
      pageInfo: z.object({ hasNextPage: z.boolean(), hasPreviousPage: z.boolean(), endCursor: z.string().nullable() }),
    }),
  }),
});
const CostSchema = z.object({
  extensions: z.object({
    cost: z.object({
      requestedQueryCost: z.number(),
      throttleStatus: z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() }),
    }),
  }),
});

let fake: ShopifyFake;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

async function startFake(options: Partial<ShopifyFakeOptions> = {}): Promise<ShopifyFake> {
  fake = await startShopifyFake({ ...secret, webhookUrl: receiver.url, ...options });
  return fake;
}

async function gql(query: string, variables: Record<string, unknown> = {}, token = secret.accessToken) {
  const response = await fetch(`${fake.baseUrl}/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

beforeEach(async () => {
  receiver = await startWebhookReceiver();
});

afterEach(async () => {
  await fake?.close();
  await receiver.close();
});

describe('GraphQL Admin API', () => {
  it("answers a wrong access token with 401 and Shopify's error body", async () => {
    // Prepare
    await startFake();

    // Act
    const { status, body } = await gql('{ customers(first: 1) { nodes { id } } }', {}, 'shpat_wrong');

    // Assess
    expect(status).toBe(401);
    expect(body).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  });

  it('rejects a field Shopify does not have, with HTTP 200 and errors', async () => {
    // Prepare
    await startFake({ seed: true });

    // Act
    const { status, body } = await gql('{ customers(first: 1) { nodes { id emailAddress } } }');

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ errors: [{ message: expect.stringContaining('emailAddress') }] });
    expect(body).not.toHaveProperty('data');
  });

  it('pages through customers with first/after and pageInfo', async () => {
    // Prepare
    await startFake({ seed: true });
    const page = 'query Page($after: String) { customers(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }';

    // Act
    const first = PageSchema.parse((await gql(page)).body).data.customers;
    const second = PageSchema.parse((await gql(page, { after: first.pageInfo.endCursor })).body).data.customers;

    // Assess
    expect(first.nodes).toHaveLength(3);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(second.nodes).toHaveLength(1);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(new Set([...first.nodes, ...second.nodes].map((node) => node.id)).size).toBe(4);
  });

  it('finds a customer by email case-insensitively and by phone in any format', async () => {
    // Prepare
    await startFake({ seed: true });
    const find = 'query Find($q: String!) { customers(first: 5, query: $q) { nodes { firstName } } }';

    // Act
    const byEmail = await gql(find, { q: 'email:"ada.lovelace@example.com"' });
    const byPhone = await gql(find, { q: 'phone:212-555-0102' });

    // Assess
    expect(byEmail.body).toMatchObject({ data: { customers: { nodes: [{ firstName: 'Ada' }] } } });
    expect(byPhone.body).toMatchObject({ data: { customers: { nodes: [{ firstName: 'Grace' }] } } });
  });

  it('keeps email and phone unique per shop, like Shopify', async () => {
    // Prepare
    await startFake({ seed: true });
    const create = 'mutation C($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }';

    // Act
    const email = await gql(create, { input: { email: 'ADA.LOVELACE@example.com' } });
    const phone = await gql(create, { input: { firstName: 'Someone', phone: '212 555 0101' } });

    // Assess
    expect(email.body).toMatchObject({ data: { customerCreate: { customer: null, userErrors: [{ field: ['email'], message: 'Email has already been taken' }] } } });
    expect(phone.body).toMatchObject({ data: { customerCreate: { customer: null, userErrors: [{ field: ['phone'], message: 'Phone has already been taken' }] } } });
    expect(fake.state.list()).toHaveLength(4);
  });

  it('refuses marketing consent in customerUpdate, pointing to the consent mutation', async () => {
    // Prepare
    await startFake({ seed: true });
    const id = `gid://shopify/Customer/${fake.admin.listCustomers()[0]!.id}`;

    // Act
    const { body } = await gql(
      'mutation U($input: CustomerInput!) { customerUpdate(input: $input) { customer { id } userErrors { field message } } }',
      { input: { id, emailMarketingConsent: { marketingState: 'SUBSCRIBED' } } },
    );

    // Assess
    expect(body).toMatchObject({
      data: { customerUpdate: { customer: null, userErrors: [{ field: ['emailMarketingConsent'], message: expect.stringContaining('customerEmailMarketingConsentUpdate') }] } },
    });
  });

  it('reports the query cost and throttle status on every response', async () => {
    // Prepare
    await startFake({ seed: true, throttle: { maximumAvailable: 100, restoreRate: 10 } });

    // Act
    const { body } = await gql('{ customers(first: 2) { nodes { id defaultAddress { city } } } }');

    // Assess
    const cost = CostSchema.parse(body).extensions.cost;
    expect(cost.requestedQueryCost).toBeGreaterThan(0);
    expect(cost.throttleStatus).toMatchObject({ maximumAvailable: 100, restoreRate: 10 });
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThan(100);
  });

  it('answers THROTTLED with HTTP 200 once the cost bucket is empty', async () => {
    // Prepare
    await startFake({ throttle: { maximumAvailable: 10, restoreRate: 1 } });
    const create = 'mutation C($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }';
    await gql(create, { input: { email: 'one@example.com' } });

    // Act
    const { status, body } = await gql(create, { input: { email: 'two@example.com' } });

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
      extensions: { cost: { requestedQueryCost: 10, actualQueryCost: null } },
    });
    expect(fake.state.list()).toHaveLength(1);
  });

  it('forces HTTP 429 with Retry-After on demand', async () => {
    // Prepare
    await startFake();
    fake.failNext(1, { status: 429, retryAfter: '0.2' });

    // Act
    const response = await fetch(`${fake.baseUrl}/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': secret.accessToken },
      body: JSON.stringify({ query: '{ customers(first: 1) { nodes { id } } }' }),
    });

    // Assess
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('0.2');
  });

  it('counts executed mutations separately from reads', async () => {
    // Prepare
    await startFake();

    // Act
    await gql('{ customers(first: 1) { nodes { id } } }');
    await gql('mutation C($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }', {
      input: { email: 'counted@example.com' },
    });

    // Assess
    expect(fake.reads().map((call) => call.fields)).toEqual([['customers']]);
    expect(fake.writes().map((call) => call.fields)).toEqual([['customerCreate']]);
  });
});

describe('customers and webhooks', () => {
  it('stores phones in E.164 and gives ids above 2^53', async () => {
    // Prepare
    await startFake({ seed: true });

    // Act
    const customers = fake.admin.listCustomers();

    // Assess
    expect(customers.map((customer) => customer.phone)).toEqual(['+12125550101', '+12125550102', null, '+12125550104']);
    expect(customers.every((customer) => BigInt(customer.id) > 2n ** 53n)).toBe(true);
  });

  it('stamps updatedAt from the injected clock, truncated to the second', async () => {
    // Prepare
    await startFake({ now: () => new Date('2025-03-01T10:00:00.789Z') });

    // Act
    const customer = fake.admin.createCustomer({ email: 'clock@example.com' });
    const { body } = await gql('query R($id: ID!) { customer(id: $id) { updatedAt } }', { id: `gid://shopify/Customer/${customer.id}` });

    // Assess
    expect(customer.updated_at).toBe('2025-03-01T05:00:00-05:00');
    expect(body).toEqual({ data: { customer: { updatedAt: '2025-03-01T10:00:00Z' } }, extensions: expect.anything() });
  });

  it('sends a signed customers/update with the exact id after a sandbox edit', async () => {
    // Prepare
    await startFake({ seed: true });
    const ada = fake.admin.listCustomers()[0]!;

    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/customers/${ada.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { first_name: 'Augusta Ada', tags: 'vip' } }),
    });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(receiver.deliveries).toHaveLength(1);
    const delivery = receiver.deliveries[0]!;
    expect(delivery.headers['x-shopify-topic']).toBe('customers/update');
    expect(delivery.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.headers['x-shopify-triggered-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(delivery.rawBody.toString()).toContain(`{"id":${ada.id},`);
    expect(verify(delivery, secret, new Date())).toEqual({ ok: true });
  });

  it('answers a sandbox create with a taken email REST-style, and sends no webhook', async () => {
    // Prepare
    await startFake({ seed: true });

    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { email: 'grace@example.org' } }),
    });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ errors: { email: ['has already been taken'] } });
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('sends no webhook for the seed and none without a webhook URL', async () => {
    // Prepare
    await startFake({ seed: true, webhookUrl: undefined });

    // Act
    fake.admin.updateCustomer(fake.admin.listCustomers()[0]!.id, { note: 'quiet' });
    await fake.webhooks.idle();

    // Assess
    expect(receiver.deliveries).toHaveLength(0);
  });
});
