import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerTarget } from '../../../../connectors/connector';
import type { createHubspotClient as CreateHubspotClient } from '../../../../connectors/hubspot/client';
import { startHubspotFake, type HubspotFake } from '../../../../connectors/hubspot/fake/server';
import type { LogSink } from '../../../../core/log';
import { buildFunction } from '../../../../functions/build';

/**
 * The HubSpot client as the sync-hubspot bundle carries it: @hubspot/api-client on Node's own
 * fetch (functions/catalog.ts maps node-fetch to functions/lib/shims/node-fetch.ts), against
 * the fake. client.test.ts covers the client in depth in-process, with the real node-fetch.
 */
const TOKEN = 'pat-na1-test-token';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');
const silent: LogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let dir: string;
let bundledInputs: string[];
let createHubspotClient: typeof CreateHubspotClient;
let fake: HubspotFake;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omnihub-hubspot-bundle-'));
  const outfile = path.join(dir, 'hubspot-client.mjs');
  const { metafile } = await buildFunction({ entry: path.resolve(import.meta.dirname, '../../../../connectors/hubspot/client.ts'), outfile });
  bundledInputs = Object.keys(metafile.inputs);
  ({ createHubspotClient } = (await import(pathToFileURL(outfile).href)) as { createHubspotClient: typeof CreateHubspotClient });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startHubspotFake({ accessToken: TOKEN, clientSecret: 'secret', seed: true, rateLimit: { max: 100, intervalMs: 50 }, now: () => CLOCK });
});
afterEach(async () => {
  await fake.close();
});

const client = (accessToken = TOKEN): CustomerTarget =>
  createHubspotClient({ config: { batchSize: 100 }, secret: { accessToken }, mapping: { defaultCountry: 'US' }, baseUrl: fake.baseUrl, log: silent });

describe('the bundled HubSpot client', () => {
  it('carries no node-fetch, whatwg-url or tr46', () => {
    expect(bundledInputs.filter((input) => /node_modules\/(node-fetch|whatwg-url|tr46)\//.test(input))).toEqual([]);
    expect(bundledInputs.some((input) => input.includes('@hubspot/api-client'))).toBe(true);
  });

  it('creates, reads and updates contacts through the SDK', async () => {
    // Act
    const created = await client().create({ email: 'katherine.johnson@example.com', firstName: 'Katherine', phone: '+17575550110' });
    const exists = await client().create({ email: 'grace@example.org', firstName: 'Amazing' });
    const updated = await client().update('53', { firstName: 'Mary W.', phone: null });
    const read = await client().read(['51', '52', '99999']);

    // Assess
    expect(created).toMatchObject({ kind: 'created', externalId: '54', holds: { email: 'katherine.johnson@example.com', phone: '+17575550110' } });
    expect(exists).toEqual({ kind: 'exists', externalId: '52', matchedOn: 'email' });
    expect(updated).toEqual({ externalId: '53', at: '2025-03-01T12:00:00.000Z', holds: { firstName: 'Mary W.', phone: null } });
    expect(fake.admin.getContact('53')?.properties).toMatchObject({ firstname: 'Mary W.', phone: null });
    expect(read.map((observation) => observation.externalId)).toEqual(['51', '52']);
    expect(read[1]?.values).toMatchObject({ email: 'grace@example.org', phone: '+12125550102' });
  });

  it('waits out 429s and retries a 503 as the in-process client does, and the write lands', async () => {
    // Prepare
    fake.admin.failNext(1, { status: 429, retryAfterSeconds: null });
    fake.admin.failNext(1, { status: 503 });

    // Act
    const outcome = await client().update('51', { lastName: 'King' });

    // Assess
    expect(outcome.holds).toEqual({ lastName: 'King' });
    expect(fake.admin.apiWrites().map((request) => request.status)).toEqual([429, 503, 200]);
  });

  it('turns a bad token into the same non-retryable error', async () => {
    // Act
    const error = await client('pat-na1-revoked').create({ email: 'someone@example.com' }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({
      name: 'ConnectorError',
      status: 401,
      retryable: false,
      message: 'HubSpot returned 401: the private app token is invalid; update secret omnihub/hubspot',
    });
  });
});
