import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHubspotFake, type HubspotFake } from '../../../../connectors/hubspot/fake/server';
import { parse, verify } from '../../../../connectors/hubspot/webhook';
import { FakeHttpServer, type FakeRequest } from '../../../../connectors/testing/fake-http';

const TOKEN = 'pat-na1-test-token';
const CLIENT_SECRET = 'test-client-secret';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');

let fake: HubspotFake;
let receiver: FakeHttpServer;
let receiverUrl: string;
let received: FakeRequest[];

beforeEach(async () => {
  received = [];
  receiver = new FakeHttpServer((request) => {
    received.push(request);
    return { status: 200 };
  });
  receiverUrl = await receiver.listen();
  fake = await startHubspotFake({
    accessToken: TOKEN,
    clientSecret: CLIENT_SECRET,
    webhookUrl: `${receiverUrl}/webhooks/hubspot`,
    seed: true,
    now: () => CLOCK,
  });
});

afterEach(async () => {
  await fake.close();
  await receiver.close();
});

function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  return fetch(`${fake.baseUrl}${path}`, {
    ...rest,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...rest.headers },
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
}

describe('HubSpot fake API', () => {
  it('reads a contact by the value of a unique property (idProperty), refuses a second contact with that value, and refuses a non-unique idProperty as HubSpot does', async () => {
    // Prepare: a unique contact property, and a contact holding a value of it.
    await call('/crm/v3/properties/contacts', { method: 'POST', json: { name: 'omnihub_customer_id', label: 'Key', type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true } });
    const first = (await (await call('/crm/v3/objects/contacts', { method: 'POST', json: { properties: { phone: '+12125550177', omnihub_customer_id: 'oh_key1' } } })).json()) as { id: string };

    // Act
    const again = await call('/crm/v3/objects/contacts', { method: 'POST', json: { properties: { phone: '+12125550178', omnihub_customer_id: 'oh_key1' } } });
    const byKey = await call('/crm/v3/objects/contacts/oh_key1?idProperty=omnihub_customer_id');
    const unknownKey = await call('/crm/v3/objects/contacts/oh_key2?idProperty=omnihub_customer_id');
    const byPhone = await call('/crm/v3/objects/contacts/%2B12125550177?idProperty=phone');

    // Assess
    expect(again.status).toBe(400);
    expect(byKey.status).toBe(200);
    expect(((await byKey.json()) as { id: string }).id).toBe(first.id);
    expect(unknownKey.status).toBe(404);
    expect(byPhone.status).toBe(400);
    expect(((await byPhone.json()) as { message: string }).message).toMatch(/^Unable to perform update\/upsert by non-unique 0-1 property phone in portal ID \d+$/);
  });

  it("answers a call without a valid token with HubSpot's 401 body", async () => {
    // Prepare
    const headers = { authorization: 'Bearer wrong' };

    // Act
    const response = await call('/crm/v3/objects/contacts/51', { headers });

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({
      status: 'error',
      message: expect.stringMatching(/^Authentication credentials not found\./),
      correlationId: expect.any(String),
      category: 'INVALID_AUTHENTICATION',
    });
  });

  it('sends the rate-limit headers with every API answer', async () => {
    // Prepare
    await call('/crm/v3/objects/contacts/51');

    // Act
    const response = await call('/crm/v3/objects/contacts/52');

    // Assess
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('x-hubspot-ratelimit')))).toEqual({
      'x-hubspot-ratelimit-max': '190',
      'x-hubspot-ratelimit-remaining': '188',
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-secondly': '19',
      'x-hubspot-ratelimit-secondly-remaining': expect.stringMatching(/^1[78]$/),
      'x-hubspot-ratelimit-daily': '650000',
      'x-hubspot-ratelimit-daily-remaining': '649998',
    });
  });

  it("answers a forced 429 with HubSpot's body and a Retry-After", async () => {
    // Prepare
    fake.admin.failNext(1, { status: 429 });

    // Act
    const response = await call('/crm/v3/objects/contacts/51');

    // Assess
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(await response.json()).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
  });

  it('answers a seeded share of API calls with its own 429 and 502, and serves the rest', async () => {
    // Prepare: every call faulted, half of them rate limited
    fake.admin.apiFaults.configure({ seed: 7, rateLimited: 0.5, serverError: 0.5 });

    // Act
    const responses = await Promise.all(Array.from({ length: 20 }, () => call('/crm/v3/objects/contacts/51')));
    fake.admin.apiFaults.configure({ rateLimited: 0, serverError: 0 });
    const after = await call('/crm/v3/objects/contacts/51');

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(new Set(statuses)).toEqual(new Set([429, 502]));
    expect(statuses.filter((status) => status === 429)).toHaveLength(fake.admin.apiFaults.counts.rateLimited);
    const limited = responses.find((response) => response.status === 429)!;
    expect(await limited.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(after.status).toBe(200);
  });

  it('returns properties as strings and empty ones as null, with createdAt/updatedAt in ISO with milliseconds', async () => {
    // Prepare
    const path = '/crm/v3/objects/contacts/53?properties=email,phone,zip,city';

    // Act
    const response = await call(path);

    // Assess
    expect(await response.json()).toEqual({
      id: '53',
      properties: {
        city: 'Hampton',
        createdate: '2025-03-01T12:00:00.000Z',
        email: 'mary.jackson@example.com',
        hs_object_id: '53',
        lastmodifieddate: '2025-03-01T12:00:00.000Z',
        phone: '212.555.0105',
        zip: null,
      },
      createdAt: '2025-03-01T12:00:00.000Z',
      updatedAt: '2025-03-01T12:00:00.000Z',
      archived: false,
    });
  });

  it('refuses an unknown property with a VALIDATION_ERROR naming it', async () => {
    // Prepare
    const json = { properties: { email: 'new@example.com', favourite_colour: 'blue' } };

    // Act
    const response = await call('/crm/v3/objects/contacts', { method: 'POST', json });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: expect.stringContaining('"name":"favourite_colour"'),
    });
    expect(fake.state.findByEmail('new@example.com')).toBeUndefined();
  });

  it('refuses a second contact with the same email in another case with the exact 409 body', async () => {
    // Prepare
    const json = { properties: { email: 'Ada.Lovelace@Example.com' } };

    // Act
    const response = await call('/crm/v3/objects/contacts', { method: 'POST', json });

    // Assess
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      status: 'error',
      message: 'Contact already exists. Existing ID: 51',
      correlationId: expect.any(String),
      category: 'CONFLICT',
    });
  });

  it('finds a contact by email case-insensitively with search', async () => {
    // Prepare
    const json = { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'grace@example.org' }] }], properties: ['email'] };

    // Act
    const response = await call('/crm/v3/objects/contacts/search', { method: 'POST', json });

    // Assess
    expect(await response.json()).toMatchObject({ total: 1, results: [{ id: '52', properties: { email: 'GRACE@EXAMPLE.ORG' } }] });
    expect(fake.admin.apiReads()).toHaveLength(1);
    expect(fake.admin.apiWrites()).toHaveLength(0);
  });
});

describe('HubSpot fake sandbox (the HubSpot UI)', () => {
  it('fires a signed contact.creation and one CRM_UI propertyChange per property when a contact is created', async () => {
    // Prepare
    const json = { properties: { email: 'dorothy.vaughan@example.com', firstname: 'Dorothy' } };

    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/contacts`, { method: 'POST', body: JSON.stringify(json) });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(201);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.json).toEqual([
      expect.objectContaining({ subscriptionType: 'contact.creation', objectId: 54, changeSource: 'CRM_UI', changeFlag: 'NEW' }),
      expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 54, propertyName: 'email', changeSource: 'CRM_UI' }),
      expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 54, propertyName: 'firstname', propertyValue: 'Dorothy' }),
    ]);
    const request = { method: delivery!.method, url: `${receiverUrl}${delivery!.path}`, headers: delivery!.headers, rawBody: Buffer.from(delivery!.rawBody) };
    expect(verify(request, { clientSecret: CLIENT_SECRET }, CLOCK)).toEqual({ ok: true });
    const parsed = parse(request);
    expect(parsed).toMatchObject({ ok: true, ignored: 0 });
    // The creation names the contact (read in full); the mapped properties state their values, as one edit
    expect(parsed.ok && parsed.items).toMatchObject([
      { kind: 'referenced', externalId: '54' },
      { kind: 'observed', observation: { externalId: '54', values: { email: 'dorothy.vaughan@example.com', firstName: 'Dorothy' } } },
    ]);
  });

  it('fires webhooks for the properties an edit changed, and none for an edit that changes nothing', async () => {
    // Prepare
    fake.admin.updateContact('51', { lastname: 'Lovelace' });

    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/contacts/51`, { method: 'PATCH', body: JSON.stringify({ properties: { lastname: 'King', firstname: 'Ada' } }) });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(received.map((delivery) => delivery.json)).toEqual([
      [expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 51, propertyName: 'lastname', propertyValue: 'King', changeSource: 'CRM_UI' })],
    ]);
    expect(fake.requests.filter((request) => request.path.startsWith('/crm/'))).toHaveLength(0);
  });

  it('fires propertyChange only for the properties the app subscribed to (HubSpot subscriptions are per property), as omnihub\'s setup creates them', async () => {
    // Act: a change of a subscribed property and of one no omnihub subscription names (as its omnihub_* stats), in one write
    const response = await fetch(`${fake.baseUrl}/_sandbox/contacts/51`, { method: 'PATCH', body: JSON.stringify({ properties: { lastname: 'Byron', jobtitle: 'Analyst' } }) });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(received.flatMap((delivery) => (delivery.json as Array<{ propertyName?: string }>).map((event) => event.propertyName))).toEqual(['lastname']);
  });

  it('fires contact.deletion when a contact is deleted, which the connector reads as a removed record', async () => {
    // Prepare
    const deleted = fake.admin.deleteContact('53');

    // Act
    await fake.webhooks.idle();

    // Assess
    expect(deleted).toBe(true);
    const [delivery] = received;
    const request = { method: 'POST', url: `${receiverUrl}${delivery!.path}`, headers: delivery!.headers, rawBody: Buffer.from(delivery!.rawBody) };
    expect(parse(request)).toMatchObject({ ok: true, items: [{ kind: 'removed', externalId: '53', reason: 'deleted' }], ignored: 0, unusable: [] });
    expect(fake.admin.getContact('53')).toBeUndefined();
  });
});
