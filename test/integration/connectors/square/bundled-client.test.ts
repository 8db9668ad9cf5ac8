import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { createSquareClient as CreateSquareClient } from '../../../../connectors/square/client';
import { startSquareFake, type SquareFake } from '../../../../connectors/square/fake/server';
import type { createSquareReader as CreateSquareReader } from '../../../../connectors/square/reader';
import { buildFunction } from '../../../../functions/build';
import { SIGNATURE_KEY, TOKEN, capturingLog } from './support';

/**
 * The Square client and reader as the sync-square and backfill-square bundles carry them: the
 * square SDK pruned to the calls the connector makes (functions/prune-square-sdk.ts), against
 * the fake. client.test.ts and reader.test.ts cover them in depth in-process, with the whole SDK.
 */
const CLOCK = new Date('2025-03-01T12:00:00.000Z');

interface Bundle {
  createSquareClient: typeof CreateSquareClient;
  createSquareReader: typeof CreateSquareReader;
  /** The SDK's own client as the bundle holds it, to show what is left out fails loudly. */
  SquareClient: new (options: { token: string; baseUrl: string }) => Record<string, unknown> & { customers: Record<string, (request: unknown) => Promise<unknown>> };
}

let dir: string;
let bundledInputs: string[];
let bundle: Bundle;
let fake: SquareFake;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omnihub-square-bundle-'));
  const entry = path.join(dir, 'entry.ts');
  const connector = path.resolve(import.meta.dirname, '../../../../connectors/square');
  await writeFile(
    entry,
    [
      `export { createSquareClient } from ${JSON.stringify(path.join(connector, 'client.ts'))};`,
      `export { createSquareReader } from ${JSON.stringify(path.join(connector, 'reader.ts'))};`,
      `export { SquareClient } from 'square';`,
    ].join('\n'),
  );
  const outfile = path.join(dir, 'square-client.mjs');
  const { metafile } = await buildFunction({ entry, outfile });
  bundledInputs = Object.keys(metafile.inputs);
  bundle = (await import(pathToFileURL(outfile).href)) as Bundle;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0, now: () => CLOCK });
});
afterEach(async () => {
  await fake.close();
});

const options = () => ({
  config: { environment: 'sandbox' as const, locationIds: 'all' as const },
  secret: { accessToken: TOKEN },
  mapping: { defaultCountry: 'US' as const },
  baseUrl: fake.baseUrl,
  log: capturingLog(),
});

describe('the bundled Square client', () => {
  it('carries the customers API of the SDK and none of the others, nor the upload helpers', () => {
    const apis = new Set(bundledInputs.flatMap((input) => /node_modules\/square\/api\/resources\/([A-Za-z]+)\//.exec(input)?.[1] ?? []));
    expect([...apis], bundledInputs.filter((input) => input.includes('api/resources')).join('\n')).toEqual(['customers']);
    expect(bundledInputs.filter((input) => /node_modules\/(form-data|mime-db|mime-types|readable-stream)\//.test(input))).toEqual([]);
    expect(bundledInputs.filter((input) => /node_modules\/square\/serialization\/index\.js$/.test(input))).toEqual([]);
  });

  it('creates, updates and reads customers through the SDK as the in-process client does', async () => {
    // Prepare
    const client = bundle.createSquareClient(options(), { now: () => CLOCK });
    const existing = fake.admin.createCustomer({ given_name: 'Mary', family_name: 'Jackson', phone_number: '212.555.0105' });

    // Act
    const created = await client.create({ email: 'katherine.johnson@example.com', firstName: 'Katherine', address: { line1: '1 NASA Drive', city: 'Hampton', region: 'VA', postalCode: '23681', country: 'US' } });
    const updated = await client.update(existing.id, { firstName: 'Mary W.', phone: null });
    const read = await client.read([existing.id, 'GONE0000000000000000000000']);

    // Assess
    expect(created).toMatchObject({ kind: 'created', holds: { email: 'katherine.johnson@example.com', address: { city: 'Hampton', region: 'VA', country: 'US' } } });
    expect(created.kind === 'created' && fake.customers.get(created.externalId)).toMatchObject({ given_name: 'Katherine', address: { locality: 'Hampton', postal_code: '23681' } });
    expect(updated).toEqual({ externalId: existing.id, at: '2025-03-01T12:00:00Z', holds: { firstName: 'Mary W.', phone: null } });
    expect(fake.customers.get(existing.id)).toMatchObject({ given_name: 'Mary W.', version: 1 });
    expect(fake.customers.get(existing.id)?.phone_number).toBeUndefined();
    expect(read.map((observation) => observation.values.firstName)).toEqual(['Mary W.']);
  });

  it('lists and searches through the SDK, counting with BigInt limits, as the in-process reader does', async () => {
    // Prepare
    for (let index = 0; index < 3; index += 1) fake.customers.create({ given_name: `Customer ${index}` });
    const reader = bundle.createSquareReader(options());

    // Act
    const listed = await reader.list({});
    const searched = await reader.list({ since: '2025-01-01T00:00:00Z' });

    // Assess
    expect(listed.observations.map((observation) => observation.values.firstName).sort()).toEqual(['Customer 0', 'Customer 1', 'Customer 2']);
    expect(searched.observations).toHaveLength(3);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v2/customers', 'POST /v2/customers/search']);
  });

  it('lets the SDK wait out a 429 and replays the create under its idempotency key: one customer', async () => {
    // Prepare: the search before the create (Square keeps no unique emails) answers; then a 429.
    const client = bundle.createSquareClient(options(), { now: () => CLOCK });
    fake.admin.failNext(1, { status: 429, retryAfterSeconds: 1 });

    // Act
    const outcome = await client.create({ firstName: 'Ada', email: 'ada@example.com' });

    // Assess
    expect(outcome.kind).toBe('created');
    expect(fake.requests.map((request) => `${request.path} ${request.status}`)).toEqual(['/v2/customers/search 429', '/v2/customers/search 200', '/v2/customers 200']);
    expect(fake.customers.list()).toHaveLength(1);
  });

  it('fails loudly, naming the pruning, when code reaches an API or a method the connector never calls', async () => {
    // Prepare
    const sdk = new bundle.SquareClient({ token: TOKEN, baseUrl: fake.baseUrl });

    const thrown = (reach: () => unknown) => {
      try {
        reach();
      } catch (error) {
        return error;
      }
      throw new Error('expected it to throw');
    };

    // Act
    const api = thrown(() => sdk.catalog);
    const method = thrown(() => sdk.customers.delete!({ customerId: 'X' }));

    // Assess
    expect(String(api)).toMatch(/square SDK client\.catalog is left out of omnihub bundles.*functions\/prune-square-sdk\.ts/);
    expect(String(method)).toMatch(/square SDK client\.customers\.delete is left out of omnihub bundles/);
    expect(fake.requests).toHaveLength(0);
  });
});
