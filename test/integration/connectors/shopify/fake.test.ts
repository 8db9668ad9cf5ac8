import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startShopifyFake, type ShopifyFake, type ShopifyFakeOptions } from '../../../../connectors/shopify/fake/server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseLosslessJson } from 'lossless-json';
import { parse, verify } from '../../../../connectors/shopify/webhook';
import { fixtureText, startWebhookReceiver } from '../../../support/shopify';

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

  it('throttles a seeded share of GraphQL requests as Shopify does (HTTP 200, THROTTLED), fails others with 503, runs none of them', async () => {
    // Prepare
    await startFake();
    fake.apiFaults.configure({ seed: 3, rateLimited: 0.5, serverError: 0.5 });

    // Act
    const bodies = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const response = await fetch(`${fake.baseUrl}/admin/api/2025-10/graphql.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': secret.accessToken },
          body: JSON.stringify({ query: 'mutation C($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }', variables: { input: { email: 'faulted@example.com' } } }),
        });
        return {
          status: response.status,
          body: (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }>; extensions?: { cost?: { requestedQueryCost?: number } } },
        };
      }),
    );

    // Assess
    const throttled = bodies.filter((b) => b.status === 200);
    expect(throttled.length).toBe(fake.apiFaults.counts.rateLimited);
    expect(throttled.every((b) => b.body.errors?.[0]?.extensions?.code === 'THROTTLED')).toBe(true);
    // The query's calculated cost (a mutation field costs 10), as Shopify reports it on a throttle
    expect(throttled.map((b) => b.body.extensions?.cost?.requestedQueryCost)).toEqual(throttled.map(() => 10));
    expect(bodies.filter((b) => b.status === 503)).toHaveLength(fake.apiFaults.counts.serverError);
    expect(fake.apiFaults.counts.rateLimited).toBeGreaterThan(0);
    expect(fake.apiFaults.counts.serverError).toBeGreaterThan(0);
    expect(fake.writes()).toEqual([]);
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
    // The tag edit (vip, newsletter → vip) also fires customer.tags_removed.
    expect(receiver.deliveries.map((each) => each.headers['x-shopify-topic'])).toEqual(['customers/update', 'customer.tags_removed']);
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

/** The delivered topics, in order, and each body's keys. */
function topics(): string[] {
  return receiver.deliveries.map((delivery) => delivery.headers['x-shopify-topic'] ?? '');
}

function deliveryOf(topic: string) {
  const delivery = receiver.deliveries.find((each) => each.headers['x-shopify-topic'] === topic);
  if (!delivery) throw new Error(`no ${topic} delivery among ${topics().join(', ')}`);
  return delivery;
}

function keysOf(json: string): string[] {
  const value: unknown = parseLosslessJson(json, null, (digits) => digits);
  return typeof value === 'object' && value !== null ? Object.keys(value) : [];
}

const mapping = { defaultCountry: 'US' as const };

describe('webhooks as Shopify sends them at 2025-10', () => {
  it('sends customers/create with exactly the keys of Shopify\'s sample payload: no tags, no consent', async () => {
    // Prepare
    await startFake();

    // Act
    fake.admin.createCustomer({
      first_name: 'Ada',
      email: 'ada@example.com',
      tags: 'vip',
      default_address: { address1: '1 Main St', country_code: 'US' },
      email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' },
    });
    await fake.webhooks.idle();

    // Assess
    const body = deliveryOf('customers/create').rawBody.toString();
    expect(keysOf(body)).toEqual(keysOf(fixtureText('customers-create.json')));
    expect(body).not.toContain('tags');
    expect(body).not.toContain('marketing_consent');
    expect(topics()).toEqual(['customers/create', 'customer.tags_added', 'customers_email_marketing_consent/update']);
    expect(deliveryOf('customers/create').headers).toMatchObject({
      'x-shopify-shop-domain': 'omnihub-sandbox.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-shopify-event-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // One merchant action: one event id shared by its deliveries, one webhook id each.
    expect(new Set(receiver.deliveries.map((each) => each.headers['x-shopify-event-id'])).size).toBe(1);
    expect(new Set(receiver.deliveries.map((each) => each.headers['x-shopify-webhook-id'])).size).toBe(3);
  });

  it('fires the tag deltas and customers/update when the merchant changes tags, and they parse to a reference', async () => {
    // Prepare
    await startFake({ seed: true });
    const ada = fake.admin.listCustomers()[0]!; // tags "newsletter, vip"

    // Act
    fake.admin.setTags(ada.id, ['vip', 'speaker']);
    await fake.webhooks.idle();

    // Assess
    expect(topics()).toEqual(['customers/update', 'customer.tags_added', 'customer.tags_removed']);
    expect(deliveryOf('customer.tags_added').rawBody.toString()).toContain('"tags":["speaker"]');
    expect(deliveryOf('customer.tags_removed').rawBody.toString()).toContain('"tags":["newsletter"]');
    expect(keysOf(deliveryOf('customer.tags_added').rawBody.toString())).toEqual(keysOf(fixtureText('customer-tags-added.json')));
    const parsed = parse(deliveryOf('customer.tags_added'), mapping);
    expect(parsed.ok && parsed.items[0]).toMatchObject({ kind: 'referenced', externalId: ada.id });
    expect(verify(deliveryOf('customer.tags_added'), secret, new Date())).toEqual({ ok: true });
  });

  it('fires the email consent topic and customers/update when the merchant changes consent, parsed to the consent alone', async () => {
    // Prepare
    await startFake({ seed: true, now: () => new Date('2025-03-01T10:00:07.250Z') });
    const grace = fake.admin.listCustomers()[1]!;

    // Act
    fake.admin.setEmailConsent(grace.id, 'subscribed');
    await fake.webhooks.idle();

    // Assess
    expect(topics()).toEqual(['customers/update', 'customers_email_marketing_consent/update']);
    const consent = deliveryOf('customers_email_marketing_consent/update');
    expect(keysOf(consent.rawBody.toString())).toEqual(keysOf(fixtureText('customers-email-marketing-consent-update.json')));
    const parsed = parse(consent, mapping);
    expect(parsed.ok && parsed.items[0]).toEqual({
      kind: 'observed',
      dedupeKey: consent.headers['x-shopify-webhook-id'],
      observation: { system: 'shopify', externalId: grace.id, observedAt: '2025-03-01T05:00:07-05:00', values: { emailConsent: 'subscribed' } },
    });
  });

  it('fires the SMS consent topic (customers_marketing_consent/update)', async () => {
    // Prepare
    await startFake({ seed: true });
    const ada = fake.admin.listCustomers()[0]!;

    // Act
    fake.admin.setSmsConsent(ada.id, 'subscribed');
    await fake.webhooks.idle();

    // Assess
    const consent = deliveryOf('customers_marketing_consent/update');
    expect(keysOf(consent.rawBody.toString())).toEqual(keysOf(fixtureText('customers-marketing-consent-update.json')));
    const parsed = parse(consent, mapping);
    expect(parsed.ok && parsed.items[0]).toMatchObject({ kind: 'observed', observation: { externalId: ada.id, values: { smsConsent: 'subscribed' } } });
  });

  it('deletes a customer over DELETE /_sandbox/customers/:id and fires customers/delete', async () => {
    // Prepare
    await startFake({ seed: true });
    const alan = fake.admin.listCustomers()[2]!;

    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/customers/${alan.id}`, { method: 'DELETE' });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(fake.admin.getCustomer(alan.id)).toBeUndefined();
    expect(topics()).toEqual(['customers/delete']);
    expect(deliveryOf('customers/delete').rawBody.toString()).toBe(`{"id":${alan.id},"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/${alan.id}"}`);
    const parsed = parse(deliveryOf('customers/delete'), mapping);
    expect(parsed.ok && parsed.items[0]).toMatchObject({ kind: 'removed', externalId: alan.id, reason: 'deleted' });
  });

  it('redacts a customer: customers/redact only, and the customer is gone', async () => {
    // Prepare
    await startFake({ seed: true });
    const katherine = fake.admin.listCustomers()[3]!;

    // Act
    fake.admin.redactCustomer(katherine.id);
    await fake.webhooks.idle();

    // Assess
    expect(topics()).toEqual(['customers/redact']);
    expect(keysOf(deliveryOf('customers/redact').rawBody.toString())).toEqual(keysOf(fixtureText('customers-redact.json')));
    const parsed = parse(deliveryOf('customers/redact'), mapping);
    expect(parsed.ok && parsed.items[0]).toMatchObject({ kind: 'removed', externalId: katherine.id, reason: 'redacted' });
    expect(fake.admin.getCustomer(katherine.id)).toBeUndefined();
  });

  it('merges two customers the way Shopify picks the kept one, and fires customers/merge and the kept customer\'s update', async () => {
    // Prepare
    await startFake();
    const withEmail = fake.admin.createCustomer({ first_name: 'Mary', email: 'mary@example.com', tags: 'a' });
    const withPhone = fake.admin.createCustomer({ last_name: 'Jackson', phone: '+17575550105', tags: 'b' });
    await fake.webhooks.idle();
    receiver.deliveries.length = 0;

    // Act: customerTwo has no email, so customerOne (the one with the email) is kept
    const merged = fake.admin.mergeCustomers(withEmail.id, withPhone.id);
    await fake.webhooks.idle();

    // Assess
    expect(merged).toEqual({ keptId: withEmail.id, deletedId: withPhone.id });
    expect(fake.admin.getCustomer(withPhone.id)).toBeUndefined();
    expect(fake.admin.getCustomer(withEmail.id)).toMatchObject({ first_name: 'Mary', last_name: 'Jackson', phone: '+17575550105', tags: 'a, b' });
    // The kept customer took the phone (and its SMS consent record) from the other.
    expect(topics()).toEqual(['customers/merge', 'customers/update', 'customer.tags_added', 'customers_marketing_consent/update']);
    const parsed = parse(deliveryOf('customers/merge'), mapping);
    expect(parsed.ok && parsed.items[0]).toMatchObject({ kind: 'merged', survivorId: withEmail.id, mergedIds: [withPhone.id] });
    expect(keysOf(deliveryOf('customers/merge').rawBody.toString())).toEqual(keysOf(fixtureText('customers-merge.json')));
  });
});

describe('calculated query cost', () => {
  it('counts the objects inside a connection: 2 + first × (node + its objects), and refunds what was not returned', async () => {
    // Prepare: 4 customers, a page of 10 asked for
    await startFake({ seed: true, throttle: { maximumAvailable: 1000, restoreRate: 1 } });

    // Act
    const { body } = await gql('{ customers(first: 10) { nodes { id defaultAddress { city } } pageInfo { hasNextPage } } }');

    // Assess: requested 2 + 10 × 2; actual 2 + 4 × 2
    const cost = CostSchema.parse(body).extensions.cost;
    expect(cost.requestedQueryCost).toBe(22);
    expect(body).toMatchObject({ extensions: { cost: { actualQueryCost: 10 } } });
    expect(cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(990);
  });

  it('refuses a query above 1,000 points before running it, with Shopify\'s wording and MAX_COST_EXCEEDED', async () => {
    // Prepare
    await startFake({ seed: true });
    const query = '{ customers(first: 250) { nodes { id defaultAddress { city } defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } } } }';

    // Act
    const { status, body } = await gql(query);

    // Assess: 2 + 250 × 4 = 1002
    expect(status).toBe(200);
    expect(body).toEqual({
      errors: [
        {
          message: expect.stringMatching(/^Query cost is 1002, which exceeds the single query max cost limit \(1000\)\.\n/),
          extensions: { code: 'MAX_COST_EXCEEDED', cost: 1002, maxCost: 1000, documentation: 'https://shopify.dev/api/usage/limits#rate-limits' },
        },
      ],
    });
    expect(fake.reads()).toHaveLength(0);
  });

  it('costs nodes(ids:) by the number of ids', async () => {
    // Prepare
    await startFake({ seed: true });
    const ids = fake.admin.listCustomers().map((customer) => `gid://shopify/Customer/${customer.id}`);

    // Act
    const { body } = await gql('query R($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id defaultAddress { city } } } }', { ids: [...ids, 'gid://shopify/Customer/1'] });

    // Assess: 5 × (1 + 1) requested; the missing one costs nothing
    expect(body).toMatchObject({ extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 8 } } });
    expect(body).toMatchObject({ data: { nodes: [{ id: ids[0] }, { id: ids[1] }, { id: ids[2] }, { id: ids[3] }, null] } });
  });
});

describe('errors in Shopify\'s words', () => {
  it('answers an unknown field with undefinedField and the path', async () => {
    // Prepare
    await startFake();

    // Act
    const { body } = await gql('query Find { customers(first: 1) { nodes { id emailAddress } } }');

    // Assess
    expect(body).toEqual({
      errors: [
        {
          message: "Field 'emailAddress' doesn't exist on type 'Customer'",
          locations: [{ line: 1, column: 47 }],
          path: ['query Find', 'customers', 'nodes', 'emailAddress'],
          extensions: { code: 'undefinedField', typeName: 'Customer', fieldName: 'emailAddress' },
        },
      ],
    });
  });

  it('answers an argument the field does not take with argumentNotAccepted', async () => {
    // Prepare
    await startFake();

    // Act
    const { body } = await gql('{ customers(first: 1, email: "x") { nodes { id } } }');

    // Assess
    expect(body).toMatchObject({ errors: [{ message: "Field 'customers' doesn't accept argument 'email'", extensions: { code: 'argumentNotAccepted' } }] });
  });

  it('answers a missing or mistyped variable with INVALID_VARIABLE', async () => {
    // Prepare
    await startFake();

    // Act
    const missing = await gql('query R($id: ID!) { customer(id: $id) { id } }', {});
    const mistyped = await gql('mutation C($input: CustomerInput!) { customerCreate(input: $input) { userErrors { message } } }', { input: { email: 42 } });

    // Assess
    expect(missing.body).toEqual({
      errors: [
        {
          message: 'Variable $id of type ID! was provided invalid value',
          locations: [{ line: 1, column: 9 }],
          extensions: { code: 'INVALID_VARIABLE', value: null, problems: [{ path: [], explanation: 'Expected value to not be null' }] },
        },
      ],
    });
    expect(mistyped.body).toMatchObject({
      errors: [{ message: 'Variable $input of type CustomerInput! was provided invalid value', extensions: { code: 'INVALID_VARIABLE', problems: [{ path: ['email'] }] } }],
    });
    expect(fake.writes()).toHaveLength(0);
  });
});

describe('customer search', () => {
  it('lags writes by searchLagMs: a new customer is readable by id before search finds it', async () => {
    // Prepare
    await startFake({ searchLagMs: 60_000 });
    const created = fake.admin.createCustomer({ email: 'lagging@example.com' });
    const find = 'query F($q: String!) { customers(first: 1, query: $q) { nodes { id } } }';

    // Act
    const search = await gql(find, { q: 'email:"lagging@example.com"' });
    const byId = await gql('query R($id: ID!) { customer(id: $id) { id } }', { id: `gid://shopify/Customer/${created.id}` });

    // Assess
    expect(search.body).toMatchObject({ data: { customers: { nodes: [] } } });
    expect(byId.body).toMatchObject({ data: { customer: { id: `gid://shopify/Customer/${created.id}` } } });
  });

  it('finds a write at once with the default lag of 0', async () => {
    // Prepare
    await startFake();
    fake.admin.createCustomer({ email: 'instant@example.com' });

    // Act
    const { body } = await gql('query F($q: String!) { customers(first: 1, query: $q) { nodes { id } } }', { q: 'email:"instant@example.com"' });

    // Assess
    expect(body).toMatchObject({ data: { customers: { nodes: [{ id: expect.any(String) }] } } });
  });
});

describe('sandbox request log and persistence', () => {
  it('lists what it answered at GET /_sandbox/requests, without bodies', async () => {
    // Prepare
    await startFake({ seed: true });
    await gql('{ customers(first: 1) { nodes { id } } }');

    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/requests`);
    const log: unknown = await response.json();

    // Assess
    expect(response.status).toBe(200);
    expect(log).toMatchObject({
      requests: [{ method: 'POST', path: '/admin/api/2025-10/graphql.json', status: 200, at: expect.any(Number) }],
      graphql: [{ kind: 'query', fields: ['customers'], outcome: 'executed', requestedQueryCost: 3 }],
    });
    expect(JSON.stringify(log)).not.toContain('nodes');
  });

  it('redacts and merges over the sandbox routes', async () => {
    // Prepare
    await startFake({ seed: true });
    const [ada, grace, alan, katherine] = fake.admin.listCustomers();

    // Act
    const redact = await fetch(`${fake.baseUrl}/_sandbox/customers/${alan!.id}/redact`, { method: 'POST' });
    const merge = await fetch(`${fake.baseUrl}/_sandbox/customers/merge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer_one_id: ada!.id, customer_two_id: grace!.id }),
    });
    await fake.webhooks.idle();

    // Assess: both have emails and neither account is enabled; Ada's subscribed consent keeps Ada
    expect(redact.status).toBe(200);
    expect(merge.status).toBe(200);
    expect(await merge.json()).toEqual({ keptId: ada!.id, deletedId: grace!.id });
    expect(fake.admin.listCustomers().map((customer) => customer.id)).toEqual([ada!.id, katherine!.id]);
    expect(topics().slice(0, 2)).toEqual(['customers/redact', 'customers/merge']);
  });

  it('keeps its customers and id counters in persistPath across a restart', async () => {
    // Prepare
    const persistPath = join(mkdtempSync(join(tmpdir(), 'shopify-fake-')), 'state', 'shopify.json');
    await startFake({ persistPath, seed: true });
    const kept = fake.admin.createCustomer({ first_name: 'Annie', email: 'annie@example.com', tags: 'x', default_address: { city: 'Cleveland', country_code: 'US' } });
    await fake.close();

    // Act
    await startFake({ persistPath, seed: true });
    const next = fake.admin.createCustomer({ email: 'next@example.com' });

    // Assess
    expect(fake.admin.getCustomer(kept.id)).toEqual(kept);
    expect(fake.admin.listCustomers()).toHaveLength(6);
    expect(BigInt(next.id)).toBe(BigInt(kept.id) + 1n);
  });
});
