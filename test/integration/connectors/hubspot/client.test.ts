import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CustomerTarget, WebhookRequest } from '../../../../connectors/connector';
import { createHubspotClient } from '../../../../connectors/hubspot/client';
import { startHubspotFake, type HubspotFake, type HubspotFakeOptions } from '../../../../connectors/hubspot/fake/server';
import { parse, verify } from '../../../../connectors/hubspot/webhook';
import { FakeHttpServer, type FakeRequest } from '../../../../connectors/testing/fake-http';
import { ConnectorError } from '../../../../core/errors';
import type { LogSink } from '../../../../core/log';

const TOKEN = 'pat-na1-test-token';
const CLIENT_SECRET = 'test-client-secret';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');

interface LogRecord {
  level: string;
  message: string;
  attrs: Record<string, unknown>;
}

let fake: HubspotFake;
let logs: LogRecord[];

const capture: LogSink = {
  debug: (message, attrs = {}) => logs.push({ level: 'debug', message, attrs }),
  info: (message, attrs = {}) => logs.push({ level: 'info', message, attrs }),
  warn: (message, attrs = {}) => logs.push({ level: 'warn', message, attrs }),
  error: (message, attrs = {}) => logs.push({ level: 'error', message, attrs }),
};

async function startFake(options: Partial<HubspotFakeOptions> = {}): Promise<HubspotFake> {
  return startHubspotFake({
    accessToken: TOKEN,
    clientSecret: CLIENT_SECRET,
    seed: true,
    rateLimit: { max: 100, intervalMs: 50 },
    now: () => CLOCK,
    ...options,
  });
}

function hubspotClient(options: { batchSize?: number; accessToken?: string } = {}): CustomerTarget {
  return createHubspotClient({
    config: { batchSize: options.batchSize ?? 100 },
    secret: { accessToken: options.accessToken ?? TOKEN },
    mapping: { defaultCountry: 'US' },
    baseUrl: fake.baseUrl,
    log: capture,
  });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const BatchBodySchema = z.object({ inputs: z.array(z.object({ id: z.string() })) });

function statuses(requests: ReadonlyArray<{ status: number }>): number[] {
  return requests.map((request) => request.status);
}

beforeEach(async () => {
  logs = [];
  fake = await startFake();
});

afterEach(async () => {
  await fake.close();
});

describe('create', () => {
  it('creates a contact and reports what HubSpot now holds', async () => {
    // Prepare
    const client = hubspotClient();

    // Act
    const outcome = await client.create({
      email: 'katherine.johnson@example.com',
      firstName: 'Katherine',
      lastName: 'Johnson',
      phone: '+17575550110',
      address: { city: 'Hampton', region: 'VA' },
    });

    // Assess
    expect(outcome).toEqual({
      kind: 'created',
      externalId: '54',
      at: '2025-03-01T12:00:00.000Z',
      holds: {
        email: 'katherine.johnson@example.com',
        firstName: 'Katherine',
        lastName: 'Johnson',
        phone: '+17575550110',
        address: { line1: null, city: 'Hampton', region: 'VA', postalCode: null, country: null },
      },
    });
    expect(fake.admin.getContact('54')?.properties).toMatchObject({
      email: 'katherine.johnson@example.com',
      phone: '+17575550110',
      city: 'Hampton',
      state: 'VA',
    });
  });

  it('reports the existing contact when HubSpot answers 409 "Contact already exists" and writes nothing to it', async () => {
    // Prepare: the sandbox holds GRACE@EXAMPLE.ORG as contact 52 (it may be another customer's).
    const client = hubspotClient();
    const before = fake.admin.getContact('52');

    // Act
    const outcome = await client.create({ email: 'grace@example.org', firstName: 'Amazing', lastName: 'Grace', phone: '+12125550199' });

    // Assess
    expect(outcome).toEqual({ kind: 'exists', externalId: '52', matchedOn: 'email' });
    expect(fake.admin.apiWrites().map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual(['POST /crm/v3/objects/contacts 409']);
    expect(fake.requests.filter((request) => request.method === 'PATCH')).toHaveLength(0);
    expect(fake.admin.getContact('52')).toEqual(before);
    expect(fake.state.list().filter((contact) => contact.properties.get('email')?.toLowerCase() === 'grace@example.org')).toHaveLength(1);
  });
});

describe('update', () => {
  it('writes the given fields and clears the ones set to null', async () => {
    // Prepare
    const client = hubspotClient();

    // Act
    const outcome = await client.update('53', { firstName: 'Mary W.', phone: null });

    // Assess
    expect(outcome).toEqual({
      externalId: '53',
      at: '2025-03-01T12:00:00.000Z',
      holds: { firstName: 'Mary W.', phone: null },
    });
    expect(fake.admin.getContact('53')?.properties).toMatchObject({ firstname: 'Mary W.', phone: null, city: 'Hampton' });
    expect(fake.admin.apiWrites()).toHaveLength(1);
  });

  it('reports a contact that no longer exists as a non-retryable ConnectorError', async () => {
    // Prepare
    const client = hubspotClient();

    // Act
    const error = await caught(client.update('999', { firstName: 'Nobody' }));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ status: 404, retryable: false });
  });
});

describe('read', () => {
  it('reads several contacts with one batch call and leaves unknown ids out', async () => {
    // Prepare
    const client = hubspotClient();

    // Act
    const observations = await client.read(['51', '52', '53', '99999']);

    // Assess
    expect(observations.map((observation) => observation.externalId)).toEqual(['51', '52', '53']);
    expect(observations[1]).toEqual({
      system: 'hubspot',
      externalId: '52',
      observedAt: '2025-03-01T12:00:00.000Z',
      values: { email: 'grace@example.org', phone: '+12125550102', firstName: 'Grace', lastName: 'Hopper', address: null },
      fieldTimes: {
        email: '2025-03-01T12:00:00.000Z',
        phone: '2025-03-01T12:00:00.000Z',
        firstName: '2025-03-01T12:00:00.000Z',
        lastName: '2025-03-01T12:00:00.000Z',
        // never set (no history, no value): held nothing since the contact was created (docs/identity.md §1)
        address: '2025-03-01T12:00:00.000Z',
        emailConsent: '2025-03-01T12:00:00.000Z',
      },
      partTimes: { line1: '2025-03-01T12:00:00.000Z', city: '2025-03-01T12:00:00.000Z', region: '2025-03-01T12:00:00.000Z', postalCode: '2025-03-01T12:00:00.000Z', country: '2025-03-01T12:00:00.000Z' },
    });
    expect(fake.admin.apiReads().map((request) => request.path)).toEqual(['/crm/v3/objects/contacts/batch/read']);
  });

  it('times each field by HubSpot property history, and the address by the newest of its parts', async () => {
    // Prepare: Mary (53) edited in the UI at 12:05 (city) and 12:10 (last name), by the API at 12:20 (phone).
    await fake.close();
    let clock = Date.parse('2025-03-01T12:00:00.000Z');
    fake = await startFake({ now: () => new Date(clock) });
    clock = Date.parse('2025-03-01T12:05:00.000Z');
    fake.admin.updateContact('53', { city: 'Newport News' });
    clock = Date.parse('2025-03-01T12:10:00.000Z');
    fake.admin.updateContact('53', { lastname: 'Winston' });
    const client = hubspotClient();
    clock = Date.parse('2025-03-01T12:20:00.000Z');
    await client.update('53', { phone: '+17575550105' });

    // Act
    const [mary] = await client.read(['53']);

    // Assess
    expect(mary?.observedAt).toBe('2025-03-01T12:20:00.000Z');
    expect(mary?.fieldTimes).toEqual({
      email: '2025-03-01T12:00:00.000Z',
      phone: '2025-03-01T12:20:00.000Z',
      firstName: '2025-03-01T12:00:00.000Z',
      lastName: '2025-03-01T12:10:00.000Z',
      address: '2025-03-01T12:05:00.000Z',
      emailConsent: '2025-03-01T12:00:00.000Z',
    });
    const [readCall] = fake.admin.apiReads();
    expect(readCall?.body).toMatchObject({ propertiesWithHistory: ['email', 'phone', 'firstname', 'lastname', 'address', 'city', 'state', 'zip', 'country', 'hs_email_optout'] });
  });

  it('reads a merged-away id as the contact HubSpot merged it into, under the new id', async () => {
    // Prepare: 51 and 52 merged in the UI into a new contact 54.
    fake.admin.mergeContacts('51', '52');
    const client = hubspotClient();

    // Act
    const observations = await client.read(['51', '52', '53']);

    // Assess
    expect(observations.map((observation) => observation.externalId)).toEqual(['54', '53']);
    expect(observations[0]?.values).toMatchObject({ email: 'ada.lovelace@example.com', firstName: 'Ada' });
  });

  it('reports a phone HubSpot holds that is not a number as unusable, and warns with the field name only', async () => {
    // Prepare
    fake.admin.updateContact('52', { phone: 'ask reception' });
    const client = hubspotClient();

    // Act
    const [grace] = await client.read(['52']);

    // Assess
    expect(grace?.unusable).toEqual(['phone']);
    expect(grace?.values).not.toHaveProperty('phone');
    const warning = logs.find((log) => log.level === 'warn');
    expect(warning?.attrs).toEqual({ externalId: '52', fields: 'phone' });
    expect(JSON.stringify(logs)).not.toContain('ask reception');
  });

  it('splits the ids into batches of the configured size', async () => {
    // Prepare
    const client = hubspotClient({ batchSize: 2 });

    // Act
    const observations = await client.read(['51', '52', '53', '52']);

    // Assess
    expect(observations).toHaveLength(3);
    expect(fake.admin.apiReads()).toHaveLength(2);
  });

  it('reads at most 50 contacts per call, the limit of batch read with property history', async () => {
    // Prepare: 120 contacts (51-170).
    for (let index = 0; index < 117; index += 1) fake.admin.createContact({ email: `person${index}@example.com` });
    const ids = Array.from({ length: 120 }, (_, index) => String(51 + index));
    const client = hubspotClient({ batchSize: 100 });

    // Act
    const observations = await client.read(ids);

    // Assess
    expect(observations).toHaveLength(120);
    expect(fake.admin.apiReads().map((request) => `${request.status} ${BatchBodySchema.parse(request.body).inputs.length}`)).toEqual(['200 50', '200 50', '200 20']);
  });
});

describe('rate limits and failures', () => {
  it('waits out forced TEN_SECONDLY_ROLLING 429s for the interval the response states, and the write lands', async () => {
    // Prepare: no Retry-After, so the wait comes from X-HubSpot-RateLimit-Interval-Milliseconds (50).
    const client = hubspotClient();
    fake.admin.failNext(2, { status: 429, retryAfterSeconds: null });

    // Act
    const outcome = await client.update('51', { lastName: 'King' });

    // Assess
    expect(outcome.holds).toEqual({ lastName: 'King' });
    expect(fake.admin.getContact('51')?.properties.lastname).toBe('King');
    expect(statuses(fake.admin.apiWrites())).toEqual([429, 429, 200]);
    expect(logs.filter((log) => log.level === 'warn').map((log) => log.attrs.waitMs)).toEqual([50, 50]);
  });

  it('honours Retry-After when the rolling window is full, and nothing is lost', async () => {
    // Prepare: one request per 900 ms window; the fake rounds the wait up to Retry-After: 1.
    await fake.close();
    fake = await startFake({ rateLimit: { max: 1, intervalMs: 900 } });
    const client = hubspotClient();
    await client.update('51', { firstName: 'Augusta Ada' });

    // Act
    const outcome = await client.update('52', { firstName: 'Amazing Grace' });

    // Assess
    expect(outcome.holds).toEqual({ firstName: 'Amazing Grace' });
    expect(fake.admin.getContact('52')?.properties.firstname).toBe('Amazing Grace');
    expect(statuses(fake.admin.apiWrites())).toEqual([200, 429, 200]);
    expect(logs.filter((log) => log.level === 'warn').map((log) => log.attrs)).toEqual([
      { operation: 'update', status: 429, policyName: 'TEN_SECONDLY_ROLLING', waitMs: 1000, retry: 1 },
    ]);
  });

  it('turns a DAILY 429 into a retryable ConnectorError without retrying', async () => {
    // Prepare
    const client = hubspotClient();
    fake.admin.failNext(1, { status: 429, policyName: 'DAILY' });

    // Act
    const error = await caught(client.update('51', { lastName: 'King' }));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ status: 429, retryable: true });
    expect(String(error)).toContain('daily API limit');
    expect(fake.admin.apiWrites()).toHaveLength(1);
    expect(fake.admin.getContact('51')?.properties.lastname).toBe('Lovelace');
  });

  it('retries a server error and the write lands', async () => {
    // Prepare
    const client = hubspotClient();
    fake.admin.failNext(1, { status: 503 });

    // Act
    const outcome = await client.update('51', { lastName: 'King' });

    // Assess
    expect(outcome.externalId).toBe('51');
    expect(statuses(fake.admin.apiWrites())).toEqual([503, 200]);
  });

  it('turns a bad token into a non-retryable ConnectorError that says what to fix', async () => {
    // Prepare
    const client = hubspotClient({ accessToken: 'pat-na1-revoked' });

    // Act
    const error = await caught(client.create({ email: 'someone@example.com' }));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      status: 401,
      retryable: false,
      message: 'HubSpot returned 401: the private app token is invalid; update secret omnihub/hubspot',
    });
    expect(fake.state.findByEmail('someone@example.com')).toBeUndefined();
  });

  it('names the property HubSpot rejected without quoting its value', async () => {
    // Prepare
    const client = hubspotClient();

    // Act
    const error = await caught(client.create({ email: 'not-an-email', firstName: 'Nobody' }));

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ status: 400, retryable: false });
    const connectorError = error instanceof ConnectorError ? error : undefined;
    expect(connectorError?.message).toContain('email');
    expect(connectorError?.message).not.toContain('not-an-email');
    expect(JSON.stringify(connectorError?.metadata)).not.toContain('not-an-email');
    expect(connectorError?.cause).toBeUndefined();
  });
});

describe('webhooks from the fake', () => {
  it('sends a correctly signed delivery after an API update that parses to one observation of the edit', async () => {
    // Prepare
    const received: FakeRequest[] = [];
    const receiver = new FakeHttpServer((request) => {
      received.push(request);
      return { status: 200 };
    });
    const receiverUrl = await receiver.listen();
    const webhookUrl = `${receiverUrl}/webhooks/hubspot`;
    await fake.close();
    fake = await startFake({ webhookUrl });
    const client = hubspotClient();

    try {
      // Act
      await client.update('51', { lastName: 'King', phone: '+12125550199' });
      await fake.webhooks.idle();

      // Assess
      expect(received).toHaveLength(1);
      const [delivery] = received;
      const request: WebhookRequest = {
        method: delivery!.method,
        url: `${receiverUrl}${delivery!.path}`,
        headers: delivery!.headers,
        rawBody: Buffer.from(delivery!.rawBody, 'utf8'),
      };
      expect(verify(request, { clientSecret: CLIENT_SECRET }, CLOCK)).toEqual({ ok: true });
      expect(verify(request, { clientSecret: 'another-secret' }, CLOCK)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(delivery!.json).toEqual([
        expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 51, propertyName: 'phone', changeSource: 'API', attemptNumber: 0 }),
        expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 51, propertyName: 'lastname', propertyValue: 'King' }),
      ]);
      const parsed = parse(request);
      expect(parsed).toMatchObject({ ok: true, ignored: 0 });
      // The mapped properties of one edit state their values together: no read of the contact is asked for
      expect(parsed.ok && parsed.items).toMatchObject([
        { kind: 'observed', observation: { externalId: '51', values: { phone: '+12125550199', lastName: 'King' }, observedAt: '2025-03-01T12:00:00.000Z', linkedOnly: true } },
      ]);
      const keys = parsed.ok ? parsed.items.flatMap((item) => item.dedupeKey.split('+')) : [];
      expect(new Set(keys).size).toBe(2);
    } finally {
      await receiver.close();
    }
  });
});
