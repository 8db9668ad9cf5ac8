import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSquareClient, type SquareTuning } from '../../../../connectors/square/client';
import { startSquareFake, type SquareFake, type SquareFakeOptions } from '../../../../connectors/square/fake/server';
import { requestLogOf } from '../../../../connectors/testing/fake-http';
import { ConnectorError } from '../../../../core/errors';
import { RecordChangedSinceRead } from '../../../../core/sync/customer-target';
import { SIGNATURE_KEY, TOKEN, capturingLog, caught, type CapturedLog } from './support';

let fake: SquareFake;
let log: CapturedLog;
const CLOCK = new Date('2025-03-01T12:00:00.000Z');

async function start(options: Partial<SquareFakeOptions> = {}): Promise<SquareFake> {
  log = capturingLog();
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0, now: () => CLOCK, ...options });
  return fake;
}

function client(tuning: SquareTuning = {}, accessToken = TOKEN) {
  return createSquareClient(
    { config: { environment: 'sandbox', locationIds: 'all' }, secret: { accessToken }, mapping: { defaultCountry: 'US' }, baseUrl: fake.baseUrl, log },
    { now: () => CLOCK, ...tuning },
  );
}

const CreateBodySchema = z.object({ idempotency_key: z.string() }).passthrough();
const UpdateBodySchema = z.object({ version: z.number().optional() }).passthrough();

function calls(): string[] {
  return fake.requests.map((request) => `${request.method} ${request.path.replace(/[0-9A-Z]{26}/, ':id')} ${request.status}`);
}

afterEach(async () => {
  await fake?.close();
});

describe('create', () => {
  it('creates a customer and reports what Square holds for the fields written, timed by its updated_at', async () => {
    // Prepare
    await start();

    // Act
    const outcome = await client().create({
      email: 'katherine.johnson@example.com',
      firstName: 'Katherine',
      phone: '+17575550110',
      address: { line1: '1 NASA Drive', city: 'Hampton', region: 'VA', postalCode: '23681', country: 'US' },
      tags: ['vip'],
    });

    // Assess
    expect(outcome).toEqual({
      kind: 'created',
      externalId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      at: '2025-03-01T12:00:00Z',
      holds: {
        email: 'katherine.johnson@example.com',
        firstName: 'Katherine',
        phone: '+17575550110',
        address: { line1: '1 NASA Drive', line2: null, city: 'Hampton', region: 'VA', postalCode: '23681', country: 'US' },
      },
    });
    expect(outcome.kind === 'created' && fake.customers.get(outcome.externalId)).toMatchObject({
      given_name: 'Katherine',
      email_address: 'katherine.johnson@example.com',
      address: { address_line_1: '1 NASA Drive', locality: 'Hampton', administrative_district_level_1: 'VA', postal_code: '23681', country: 'US' },
    });
  });

  it('sends the same idempotency key when a crashed sync creates the same customer again, so Square replays instead of duplicating', async () => {
    // Prepare: the retry comes before Square's search shows the first create (search lags writes).
    await start({ searchLagMs: 60_000 });
    const values = { email: 'grace@example.org', firstName: 'Grace', lastName: 'Hopper' };
    const first = await client().create(values);

    // Act: a new invocation (a new client), the same write.
    const again = await client().create(values);

    // Assess
    expect(again).toEqual(first);
    expect(fake.customers.list()).toHaveLength(1);
    const keys = fake.requests.filter((request) => request.method === 'POST' && request.path === '/v2/customers').map((request) => CreateBodySchema.parse(request.body).idempotency_key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).toMatch(/^oh[A-Za-z0-9_-]{40}$/);
  });

  it('derives the key from the omnihub customer when sync names it: two people with the same values get two records', async () => {
    // Prepare
    await start();
    const values = { firstName: 'John', lastName: 'Smith' };

    // Act
    const one = await client().create(values, { customerId: 'oh_0000000000000000000000000a' });
    const two = await client().create(values, { customerId: 'oh_0000000000000000000000000b' });

    // Assess
    expect(one.externalId).not.toBe(two.externalId);
    expect(fake.customers.list()).toHaveLength(2);
  });

  it('links the customer the store already has with that email (the oldest of several) instead of making another: Square keeps no unique emails', async () => {
    // Prepare: the seller's directory holds Grace twice already, the second made a minute later.
    let now = CLOCK;
    await start({ seed: true, now: () => now });
    const first = fake.customers.list().find((customer) => customer.email_address === 'grace@example.org')!;
    now = new Date(CLOCK.getTime() + 60_000);
    fake.admin.createCustomer({ given_name: 'Grace', email_address: 'Grace@Example.org' });

    // Act
    const outcome = await client().create({ email: 'grace@example.org', firstName: 'Amazing Grace' });

    // Assess
    expect(outcome).toEqual({ kind: 'exists', externalId: first.id, matchedOn: 'email' });
    expect(fake.customers.list().filter((customer) => customer.email_address?.toLowerCase() === 'grace@example.org')).toHaveLength(2);
    expect(calls()).toEqual(['POST /v2/customers/search 200']);
    expect(log.lines.map((line) => line.message)).toContain('Square holds several customers with this email or phone; linking the oldest');
  });

  it('links a phone-only store customer by phone, but never a record with an email by phone alone', async () => {
    // Prepare: a walk-in known by phone, and someone else who shares a family phone but has an email.
    await start();
    const walkIn = fake.admin.createCustomer({ phone_number: '212.555.0123' });
    fake.admin.createCustomer({ given_name: 'Kin', email_address: 'kin@example.com', phone_number: '+12125550188' });

    // Act
    const byPhone = await client().create({ phone: '+12125550123', firstName: 'Mary' });
    const sharedPhone = await client().create({ phone: '+12125550188', firstName: 'Dorothy' });

    // Assess
    expect(byPhone).toEqual({ kind: 'exists', externalId: walkIn.id, matchedOn: 'phone' });
    expect(sharedPhone.kind).toBe('created');
    expect(fake.customers.list().filter((customer) => customer.phone_number === '+12125550188')).toHaveLength(2);
  });

  it('creates again under a new key when Square replays a create whose customer was deleted since', async () => {
    // Prepare: created 10 minutes ago, then deleted in the Dashboard.
    let now = new Date('2025-03-01T11:50:00Z');
    await start({ now: () => now });
    const values = { email: 'ada@example.com', firstName: 'Ada' };
    const first = await client({ now: () => now }).create(values);
    fake.admin.deleteCustomer(first.externalId);
    now = new Date('2025-03-01T12:00:00Z');

    // Act
    const again = await client({ now: () => now }).create(values);

    // Assess
    expect(again.externalId).not.toBe(first.externalId);
    expect(fake.customers.list().map((customer) => customer.id)).toEqual([again.externalId]);
  });

  it('refuses to create a customer with nothing Square accepts as a name, email or phone, without calling Square', async () => {
    // Prepare
    await start();

    // Act
    const error = await caught(client().create({ address: { city: 'Hampton' } }));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('update', () => {
  it('writes with the version it read, clears with X-Clear-Null, and reports what Square answered', async () => {
    // Prepare
    await start();
    const customer = fake.admin.createCustomer({ given_name: 'Mary', family_name: 'Jackson', phone_number: '212.555.0105', address: { locality: 'Hampton', country: 'US' } });
    const square = client();

    // Act
    const outcome = await square.update(customer.id, { firstName: 'Mary W.', phone: null, address: { line1: '1 Main St', city: 'Hampton', region: 'VA', postalCode: null, country: null } });

    // Assess
    expect(outcome).toEqual({
      externalId: customer.id,
      at: '2025-03-01T12:00:00Z',
      holds: { firstName: 'Mary W.', phone: null, address: { line1: '1 Main St', line2: null, city: 'Hampton', region: 'VA', postalCode: null, country: null } },
    });
    expect(fake.customers.get(customer.id)).toMatchObject({ given_name: 'Mary W.', family_name: 'Jackson', version: 1, address: { address_line_1: '1 Main St', locality: 'Hampton', administrative_district_level_1: 'VA' } });
    expect(fake.customers.get(customer.id)?.phone_number).toBeUndefined();
    expect(UpdateBodySchema.parse(fake.requests.at(-1)?.body).version).toBe(0);
  });

  it('uses the version its own read saw, so an edit made after that read is a version conflict, then re-reads and writes again', async () => {
    // Prepare: sync reads the customer, then the seller edits another field before our write.
    await start();
    const customer = fake.admin.createCustomer({ given_name: 'Ada', email_address: 'ada@example.com' });
    const square = client();
    await square.read([customer.id]);
    fake.admin.updateCustomer(customer.id, { family_name: 'Lovelace' });

    // Act
    const outcome = await square.update(customer.id, { firstName: 'Augusta Ada' });

    // Assess
    expect(calls()).toEqual(['POST /v2/customers/bulk-retrieve 200', 'PUT /v2/customers/:id 400', 'GET /v2/customers/:id 200', 'PUT /v2/customers/:id 200']);
    expect(fake.customers.get(customer.id)).toMatchObject({ given_name: 'Augusta Ada', family_name: 'Lovelace', version: 2 });
    expect(outcome.holds).toEqual({ firstName: 'Augusta Ada' });
    expect(log.lines.map((line) => line.message)).toContain('Square customer changed since our read (version conflict); reading it again');
  });

  // docs/identity.md §2: never write over an edit we have not seen.
  it("writes nothing over a conflicting edit of a field it would write: it hands the record as read back to sync", async () => {
    // Prepare: sync reads Ada; the seller then renames her at the counter, before our write.
    await start();
    const customer = fake.admin.createCustomer({ given_name: 'Ada', email_address: 'ada@example.com' });
    const square = client();
    const [read] = await square.read([customer.id]);
    fake.admin.updateCustomer(customer.id, { given_name: 'A.' });

    // Act
    const error = await caught(square.update(customer.id, { firstName: 'Augusta Ada' }, { read: read! }));

    // Assess: one refused write, the seller's edit kept, the record as it is now for the resolver
    expect(error).toBeInstanceOf(RecordChangedSinceRead);
    expect((error as RecordChangedSinceRead).observation.values.firstName).toBe('A.');
    expect(calls()).toEqual(['POST /v2/customers/bulk-retrieve 200', 'PUT /v2/customers/:id 400', 'GET /v2/customers/:id 200']);
    expect(fake.customers.get(customer.id)?.given_name).toBe('A.');
  });

  it('gives up after a bounded number of version conflicts with a retryable-looking refusal, writing nothing', async () => {
    // Prepare: the seller edits the customer right after every read of ours.
    await start();
    const customer = fake.admin.createCustomer({ given_name: 'Ada' });
    requestLogOf(fake.requests)?.subscribe((request) => {
      if (request.method === 'GET') fake.admin.updateCustomer(customer.id, { note: `edit at ${fake.requests.length}` });
    });

    // Act
    const error = await caught(client({ versionConflictRetries: 2 }).update(customer.id, { firstName: 'Augusta' }));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).metadata.codes).toBe('VERSION_MISMATCH');
    expect(calls().filter((call) => call.startsWith('PUT'))).toEqual(['PUT /v2/customers/:id 400', 'PUT /v2/customers/:id 400', 'PUT /v2/customers/:id 400']);
    expect(fake.customers.get(customer.id)?.given_name).toBe('Ada');
  });

  it('reports a customer deleted in Square as a stale link, not a retry', async () => {
    // Prepare
    await start();

    // Act
    const error = await caught(client().update('GONE0000000000000000000000', { firstName: 'Ada' }));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toMatch(/does not exist .*stale/);
    expect((error as ConnectorError).retryable).toBe(false);
  });
});

describe('read', () => {
  it('reads in batches of 100 with BulkRetrieveCustomers and leaves out ids Square does not know', async () => {
    // Prepare
    await start();
    const ids = Array.from({ length: 120 }, (_, index) => fake.admin.createCustomer({ given_name: `Customer ${index}`, phone_number: `+1212555${String(1000 + index)}` }).id);

    // Act
    const observations = await client().read([...ids, 'GONE0000000000000000000000']);

    // Assess
    expect(observations).toHaveLength(120);
    expect(new Set(observations.map((observation) => observation.externalId))).toEqual(new Set(ids));
    expect(calls()).toEqual(['POST /v2/customers/bulk-retrieve 200', 'POST /v2/customers/bulk-retrieve 200']);
    expect(observations[0]).toMatchObject({ system: 'square', observedAt: '2025-03-01T12:00:00Z', values: { firstName: 'Customer 0', phone: '+12125551000', email: null } });
  });

  it('logs a value it cannot normalize by field name, never its value', async () => {
    // Prepare: 10 digits pass Square's check (9 to 16 digits) but are no valid number anywhere.
    await start();
    const customer = fake.admin.createCustomer({ given_name: 'Ada', phone_number: '000-000-0000' });

    // Act
    const [observation] = await client().read([customer.id]);

    // Assess
    expect(observation?.unusable).toEqual(['phone']);
    expect(log.lines.find((line) => line.level === 'warn')).toEqual({ level: 'warn', message: 'Square customer holds values that cannot be normalized', attrs: { externalId: customer.id, fields: 'phone' } });
    expect(JSON.stringify(log.lines)).not.toContain('000-000-0000');
  });
});

describe('rate limits and errors', () => {
  it('lets the SDK wait out a 429 (Retry-After) and replays the create under its idempotency key: one customer', async () => {
    // Prepare: no email or phone, so nothing is looked up first and the create meets the 429.
    await start();
    fake.admin.failNext(1, { status: 429, retryAfterSeconds: 1 });

    // Act
    const outcome = await client().create({ firstName: 'Ada', lastName: 'Lovelace' });

    // Assess
    expect(outcome.kind).toBe('created');
    expect(calls()).toEqual(['POST /v2/customers 429', 'POST /v2/customers 200']);
    expect(fake.customers.list()).toHaveLength(1);
  });

  it('backs off with jitter after the SDK gave up on 429s, then succeeds', async () => {
    // Prepare
    await start();
    fake.admin.failNext(2, { status: 429 });

    // Act
    const observations = await client({ sdkRetries: 0, backoffBaseMs: 5 }).read([fake.admin.createCustomer({ given_name: 'Ada' }).id]);

    // Assess
    expect(observations).toHaveLength(1);
    expect(calls()).toEqual(['POST /v2/customers/bulk-retrieve 429', 'POST /v2/customers/bulk-retrieve 429', 'POST /v2/customers/bulk-retrieve 200']);
    expect(log.lines.filter((line) => line.message === 'Square rate limited the call; backing off')).toHaveLength(2);
  });

  it('gives a call still rate limited after its rounds back as retryable', async () => {
    // Prepare
    await start({ rateLimit: { max: 0, intervalMs: 60_000 } });

    // Act
    const error = await caught(client({ sdkRetries: 0, rateLimitRounds: 2, backoffBaseMs: 5 }).read(['ADA00000000000000000000000']));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ status: 429, retryable: true });
    expect(calls()).toEqual(['POST /v2/customers/bulk-retrieve 429', 'POST /v2/customers/bulk-retrieve 429', 'POST /v2/customers/bulk-retrieve 429']);
  });

  it('turns a 401 into a non-retryable error that says which secret to fix', async () => {
    // Prepare
    await start();

    // Act
    const error = await caught(client({}, 'EAAA-revoked').read(['ADA00000000000000000000000']));

    // Assess
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect((error as Error).message).toContain('omnihub/square');
  });

  it('names the field and code of a refused write, never the value', async () => {
    // Prepare
    await start();
    const customer = fake.admin.createCustomer({ given_name: 'Ada' });

    // Act
    const error = await caught(client().update(customer.id, { email: 'ada@invalid' }));

    // Assess
    expect(error).toMatchObject({ status: 400, retryable: false, metadata: { codes: 'INVALID_EMAIL_ADDRESS', fields: 'email_address' } });
    expect((error as Error).message).not.toContain('ada@invalid');
  });
});
