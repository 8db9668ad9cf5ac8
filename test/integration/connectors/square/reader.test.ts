import { afterEach, describe, expect, it } from 'vitest';
import { startSquareFake, type SquareFake, type SquareFakeOptions } from '../../../../connectors/square/fake/server';
import { createSquareReader, SQUARE_PAGE_SIZE } from '../../../../connectors/square/reader';
import type { SquareTuning } from '../../../../connectors/square/client';
import { SIGNATURE_KEY, TOKEN, capturingLog } from './support';

let fake: SquareFake;

async function start(options: Partial<SquareFakeOptions> = {}): Promise<SquareFake> {
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0, ...options });
  return fake;
}

function reader(tuning: SquareTuning = {}) {
  return createSquareReader(
    { config: { environment: 'sandbox', locationIds: 'all' }, secret: { accessToken: TOKEN }, mapping: { defaultCountry: 'US' }, baseUrl: fake.baseUrl, log: capturingLog() },
    tuning,
  );
}

afterEach(async () => {
  await fake?.close();
});

describe('list', () => {
  it('reads every customer in pages of 100, oldest first, following the cursor to the end', async () => {
    // Prepare
    let now = Date.parse('2025-03-01T00:00:00Z');
    await start({ now: () => new Date((now += 1000)) });
    for (let index = 0; index < 230; index += 1) fake.customers.create({ given_name: `Customer ${index}` });
    const source = reader();

    // Act
    const pages = [await source.list({})];
    while (pages.at(-1)?.next) pages.push(await source.list({ cursor: pages.at(-1)!.next }));

    // Assess
    expect(pages.map((page) => page.observations.length)).toEqual([SQUARE_PAGE_SIZE, SQUARE_PAGE_SIZE, 30]);
    expect(pages.flatMap((page) => page.observations.map((observation) => observation.values.firstName))).toEqual(Array.from({ length: 230 }, (_, index) => `Customer ${index}`));
    expect(pages[0]?.usage).toEqual({ requests: 1, spent: 1, waitedMs: 0, throttled: 0 });
    expect(fake.requests.map((request) => request.path)).toEqual(['/v2/customers', '/v2/customers', '/v2/customers']);
  });

  it('reads customers updated since an instant through SearchCustomers, repeating the query with each cursor', async () => {
    // Prepare
    let now = new Date('2025-03-01T10:00:00Z');
    await start({ now: () => now });
    for (let index = 0; index < 120; index += 1) fake.customers.create({ given_name: `Old ${index}` });
    now = new Date('2025-03-01T12:00:00Z');
    for (let index = 0; index < 110; index += 1) fake.customers.create({ given_name: `New ${index}` });
    const source = reader();

    // Act
    const first = await source.list({ since: '2025-03-01T11:00:00Z' });
    const second = await source.list({ since: '2025-03-01T11:00:00Z', cursor: first.next });

    // Assess
    expect([first.observations.length, second.observations.length, second.next]).toEqual([100, 10, undefined]);
    expect([...first.observations, ...second.observations].every((observation) => observation.values.firstName?.startsWith('New'))).toBe(true);
    const bodies = fake.requests.map((request) => JSON.stringify(request.body));
    expect(bodies[0]).toContain('"updated_at":{"start_at":"2025-03-01T11:00:00Z"}');
    expect(bodies[1]).toContain('"updated_at":{"start_at":"2025-03-01T11:00:00Z"}');
  });

  it('misses an edit the search index has not taken yet, and finds it once it has (why reconciliation overlaps)', async () => {
    // Prepare
    await start({ searchLagMs: 150 });
    const customer = fake.admin.createCustomer({ given_name: 'Ada' });
    fake.admin.flushSearchIndex();
    const since = new Date(Date.now() - 60_000).toISOString();
    fake.admin.updateCustomer(customer.id, { family_name: 'Lovelace' });
    const source = reader();

    // Act
    const atOnce = await source.list({ since });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = await source.list({ since });

    // Assess
    expect(atOnce.observations.map((observation) => observation.values.lastName)).toEqual([null]);
    expect(later.observations.map((observation) => observation.values.lastName)).toEqual(['Lovelace']);
  });

  it('reports the 429s it waited out in the page\'s usage', async () => {
    // Prepare
    await start();
    fake.customers.create({ given_name: 'Ada' });
    fake.admin.failNext(2, { status: 429 });

    // Act
    const page = await reader({ sdkRetries: 0, backoffBaseMs: 5 }).list({});

    // Assess
    expect(page.observations).toHaveLength(1);
    expect(page.usage).toMatchObject({ requests: 3, spent: 3, throttled: 2 });
  });
});

describe('count', () => {
  it('asks Square for the count of all customers, or of those updated since an instant', async () => {
    // Prepare
    let now = new Date('2025-03-01T10:00:00Z');
    await start({ now: () => now });
    for (let index = 0; index < 7; index += 1) fake.customers.create({ given_name: `Old ${index}` });
    now = new Date('2025-03-01T12:00:00Z');
    for (let index = 0; index < 3; index += 1) fake.customers.create({ given_name: `New ${index}` });

    // Act
    const counts = [await reader().count?.(), await reader().count?.('2025-03-01T11:00:00Z')];

    // Assess
    expect(counts).toEqual([10, 3]);
  });
});
