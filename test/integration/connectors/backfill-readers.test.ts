import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startHubspotFake, type HubspotFake } from '../../../connectors/hubspot/fake/server';
import { createHubspotReader } from '../../../connectors/hubspot/reader';
import { startShopifyFake, type ShopifyFake } from '../../../connectors/shopify/fake/server';
import { createShopifyReader, SHOPIFY_PAGE_SIZE } from '../../../connectors/shopify/reader';
import type { RecordSource } from '../../../core/backfill/record-source';
import type { Observation } from '../../../core/model/observation';
import type { Order } from '../../../core/model/order';
import { createShopifyOrderHistory, SHOPIFY_ORDER_PAGE_SIZE } from '../../../connectors/shopify/order-history';
import { startSquareFake, type SquareFake } from '../../../connectors/square/fake/server';
import { createSquareOrderHistory } from '../../../connectors/square/orders/history';

/** The vendors' paged list endpoints as the fakes serve them, and the backfill readers over them (real SDKs). */
const log = { debug() {}, info() {}, warn() {}, error() {} };
const mapping = { defaultCountry: 'US' as const };
const HUBSPOT = { accessToken: 'pat-backfill', clientSecret: 'secret' };
const SHOPIFY = { accessToken: 'shpat_backfill', webhookSecret: 'secret' };

/** A CRM v3 page as HubSpot answers it. */
const PageSchema = z.object({
  total: z.number().optional(),
  results: z.array(
    z.object({
      id: z.string(),
      properties: z.record(z.string(), z.string().nullable()),
      propertiesWithHistory: z.record(z.string(), z.array(z.object({ value: z.string(), sourceType: z.string() }).loose())).optional(),
    }),
  ),
  paging: z.object({ next: z.object({ after: z.string(), link: z.string().optional() }) }).optional(),
});
const page = async (response: Response) => PageSchema.parse(await response.json());

async function readAll(source: RecordSource<Observation>, since?: string, historySince?: string): Promise<{ observations: Observation[]; pages: number; throttled: number }> {
  const observations: Observation[] = [];
  let cursor: string | undefined;
  let pages = 0;
  let throttled = 0;
  do {
    const page = await source.list({ cursor, ...(since ? { since } : {}), ...(historySince ? { historySince } : {}) });
    observations.push(...page.observations);
    throttled += page.usage.throttled;
    cursor = page.next;
    pages += 1;
  } while (cursor);
  return { observations, pages, throttled };
}

describe('HubSpot: CRM v3 list and search, as HubSpot pages them', () => {
  let fake: HubspotFake;
  afterEach(async () => fake?.close());
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${HUBSPOT.accessToken}`, 'content-type': 'application/json', ...init.headers } });

  it('lists at most 50 contacts a page with propertiesWithHistory (100 without), in id order, `after` naming the next id', async () => {
    // Prepare
    fake = await startHubspotFake({ ...HUBSPOT, searchLagMs: 0 });
    for (let i = 0; i < 120; i++) fake.state.create({ email: `c${i}@example.com` }, 'ui');

    // Act
    const withHistory = await page(await api('/crm/v3/objects/contacts?limit=100&properties=email&propertiesWithHistory=email'));
    const plain = await page(await api('/crm/v3/objects/contacts?limit=100&properties=email'));
    const next = await page(await api(`/crm/v3/objects/contacts?limit=100&after=${plain.paging!.next.after}`));

    // Assess
    expect(withHistory.results).toHaveLength(50);
    expect(withHistory.results[0]!.propertiesWithHistory!.email![0]).toMatchObject({ value: 'c0@example.com', sourceType: 'CRM_UI' });
    expect(plain.results).toHaveLength(100);
    expect(plain.paging!.next).toEqual({ after: String(Number(plain.results[99]!.id) + 1), link: `${fake.baseUrl}/crm/v3/objects/contacts?after=${Number(plain.results[99]!.id) + 1}` });
    expect(next.results).toHaveLength(20);
    expect(next.paging).toBeUndefined();
  });

  it('searches lastmodifieddate GTE sorted ascending, refuses paging past 10,000 results with 400, and answers a sixth search within a second with 429', async () => {
    // Prepare
    fake = await startHubspotFake({ ...HUBSPOT, searchLagMs: 0 });
    const old = fake.state.create({ email: 'old@example.com' }, 'ui');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    fake.state.create({ email: 'new@example.com' }, 'ui');
    const search = (body: unknown) => api('/crm/v3/objects/contacts/search', { method: 'POST', body: JSON.stringify(body) });
    const since = { filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(cut) }] }], sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }], properties: ['email'] };

    // Act
    const found = await page(await search(since));
    const tooDeep = await search({ ...since, after: '9900', limit: 200 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const burst = await Promise.all(Array.from({ length: 6 }, () => search(since)));

    // Assess
    expect(old.ok).toBe(true);
    expect(found.results.map((r) => r.properties.email)).toEqual(['new@example.com']);
    expect(found.total).toBe(1);
    expect(tooDeep.status).toBe(400);
    expect(await tooDeep.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = burst.find((r) => r.status === 429)!;
    expect(await limited.json()).toMatchObject({ message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' });
  });

  it('reads every contact with each field timed by its property history, and since an instant only what changed, without a 429', async () => {
    // Prepare: a small burst limit the reader must pace itself under
    fake = await startHubspotFake({ ...HUBSPOT, searchLagMs: 0, rateLimit: { max: 4, intervalMs: 500 } });
    for (let i = 0; i < 160; i++) fake.state.create({ email: `c${i}@example.com`, firstname: 'C' }, 'ui');
    const reader = createHubspotReader({ config: { batchSize: 100 }, secret: { accessToken: HUBSPOT.accessToken }, mapping, baseUrl: fake.baseUrl, log });

    // Act
    const all = await readAll(reader);
    const cut = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const changed = fake.admin.updateContact(all.observations[7]!.externalId, { firstname: 'Changed' });
    const since = await readAll(reader, cut);

    // Assess
    expect(all.observations).toHaveLength(160);
    expect(all.pages).toBe(4); // 50 a page with history
    expect(all.observations[0]!.fieldTimes?.email).toBeDefined();
    expect(since.observations.map((o) => [o.externalId, o.values.firstName])).toEqual([[changed.id, 'Changed']]);
    expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(await reader.count?.()).toBe(160);
  });

  it('replays, since the instant, each change the history shows before the present state: an edit a program overwrote is read too (docs/identity.md §2)', async () => {
    // Prepare: Ada's first name is set by a person at the cut, then overwritten by an integration's write
    fake = await startHubspotFake({ ...HUBSPOT, searchLagMs: 0 });
    const ada = fake.admin.createContact({ email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' });
    const reader = createHubspotReader({ config: { batchSize: 100 }, secret: { accessToken: HUBSPOT.accessToken }, mapping, baseUrl: fake.baseUrl, log });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    fake.admin.updateContact(ada.id, { firstname: 'Augusta' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    fake.admin.updateContact(ada.id, { firstname: 'Ada' }, { source: 'integration' });

    // Act
    const since = await readAll(reader, cut);

    // Assess: the person's edit, as its own timed value event, then the contact as it is
    expect(since.observations.map((o) => [o.values.firstName, o.linkedOnly ?? false])).toEqual([
      ['Augusta', true],
      ['Ada', false],
    ]);
    const [replayed, present] = since.observations;
    expect(Date.parse(replayed!.fieldTimes!.firstName!)).toBeLessThan(Date.parse(present!.fieldTimes!.firstName!));
    expect(replayed!.values).toEqual({ firstName: 'Augusta' });
  });

  it('replays the history since historySince on a full read too (a first reconciliation, with no run before it to start from)', async () => {
    // Prepare: Ada's first name set by a person, then overwritten by an integration's write
    fake = await startHubspotFake({ ...HUBSPOT, searchLagMs: 0 });
    const ada = fake.admin.createContact({ email: 'ada@example.com', firstname: 'Ada' });
    const reader = createHubspotReader({ config: { batchSize: 100 }, secret: { accessToken: HUBSPOT.accessToken }, mapping, baseUrl: fake.baseUrl, log });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    fake.admin.updateContact(ada.id, { firstname: 'Augusta' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    fake.admin.updateContact(ada.id, { firstname: 'Ada' }, { source: 'integration' });

    // Act
    const full = await readAll(reader, undefined, cut);
    const plain = await readAll(reader);

    // Assess
    expect(full.observations.map((o) => [o.values.firstName, o.linkedOnly ?? false])).toEqual([
      ['Augusta', true],
      ['Ada', false],
    ]);
    expect(plain.observations.map((o) => o.values.firstName)).toEqual(['Ada']);
  });
});

describe('HubSpot: replayed history, one observation per edit (docs/identity.md §1)', () => {
  let fake: HubspotFake;
  afterEach(async () => fake?.close());

  it('replays the properties one earlier edit changed as one observation, apart from the edit after it', async () => {
    // Prepare: after the cut, a person moves Ada (street, city, zip in one edit), then moves her again
    fake = await startHubspotFake({ ...HUBSPOT, searchLagMs: 0 });
    const ada = fake.admin.createContact({ email: 'ada@example.com', firstname: 'Ada', address: '1 Main St', city: 'Springfield', zip: '62701', country: 'US' });
    const reader = createHubspotReader({ config: { batchSize: 100 }, secret: { accessToken: HUBSPOT.accessToken }, mapping, baseUrl: fake.baseUrl, log });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    fake.admin.updateContact(ada.id, { address: '2 Oak St', city: 'Riverton', zip: '61430' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    fake.admin.updateContact(ada.id, { address: '3 Elm St', city: 'Salem', zip: '61433' });

    // Act
    const since = await readAll(reader, cut);

    // Assess: the first move as one value event, then the contact as it is
    const replayed = since.observations.filter((o) => o.linkedOnly);
    expect(replayed.map((o) => o.values)).toEqual([{ address: { line1: '2 Oak St', city: 'Riverton', postalCode: '61430' } }]);
    const present = since.observations.filter((o) => !o.linkedOnly);
    expect(present.map((o) => o.values.address)).toEqual([expect.objectContaining({ line1: '3 Elm St', city: 'Salem', postalCode: '61433' })]);
  });
});

describe('Shopify: customers cursor pages, updated_at search and customersCount', () => {
  let fake: ShopifyFake;
  afterEach(async () => fake?.close());

  it('pages every customer at 249 a page, paced to the bucket: no THROTTLED answer, each page within the 1,000-point cap', async () => {
    // Prepare: a bucket that holds one page and refills half a page a second
    fake = await startShopifyFake({ ...SHOPIFY, throttle: { maximumAvailable: 1000, restoreRate: 500 } });
    for (let i = 0; i < 600; i++) fake.admin.createCustomer({ email: `c${i}@example.com`, phone: `+1212555${String(i).padStart(4, '0')}`, default_address: { address1: `${i} Main St`, city: 'NYC', country_code: 'US' } });
    const reader = createShopifyReader({ config: { shop: fake.shop, apiVersion: fake.apiVersion }, secret: { accessToken: SHOPIFY.accessToken }, mapping, baseUrl: fake.baseUrl, log });

    // Act
    const all = await readAll(reader);

    // Assess
    expect(SHOPIFY_PAGE_SIZE).toBe(249);
    expect(all.observations).toHaveLength(600);
    expect(new Set(all.observations.map((o) => o.externalId)).size).toBe(600);
    expect(all.pages).toBe(3);
    const pages = fake.calls.filter((c) => c.fields.includes('customers'));
    expect(pages.map((c) => c.outcome)).toEqual(['executed', 'executed', 'executed']);
    expect(pages.every((c) => (c.requestedQueryCost ?? 0) <= 1000)).toBe(true);
    expect(all.throttled).toBe(0);
  });

  it('reads only customers updated at or after --since, and counts them with customersCount', async () => {
    // Prepare: the shop's clock moves a second at every reading
    let now = Date.parse('2025-05-01T10:00:00Z');
    fake = await startShopifyFake({ ...SHOPIFY, now: () => new Date((now += 1000)) });
    const created = Array.from({ length: 5 }, (_, i) => fake.admin.createCustomer({ email: `c${i}@example.com` }));
    const cut = created[3]!.updated_at;
    const reader = createShopifyReader({ config: { shop: fake.shop, apiVersion: fake.apiVersion }, secret: { accessToken: SHOPIFY.accessToken }, mapping, baseUrl: fake.baseUrl, log });

    // Act
    const since = await readAll(reader, new Date(cut).toISOString());

    // Assess
    expect(since.observations.map((o) => o.values.email)).toEqual(['c3@example.com', 'c4@example.com']);
    expect(await reader.count?.(new Date(cut).toISOString())).toBe(2);
    expect(await reader.count?.()).toBe(5);
  });
});

/** Every page of an order reader, with the warnings it logged. */
async function readAllOrders(source: RecordSource<Order>, since?: string): Promise<{ orders: Order[]; pages: number }> {
  const orders: Order[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await source.list({ cursor, ...(since ? { since } : {}) });
    orders.push(...page.observations);
    cursor = page.next;
    pages += 1;
  } while (cursor);
  return { orders, pages };
}

function warnings() {
  const lines: string[] = [];
  return { lines, log: { ...log, warn: (message: string) => void lines.push(message) } };
}

describe('Shopify order history: the `orders` connection, within the 60 days Shopify shows without read_all_orders', () => {
  let fake: ShopifyFake;
  afterEach(async () => fake?.close());
  const DAY_MS = 86_400_000;

  async function shopWithOldAndNewOrders(readAllOrders: boolean) {
    let shift = 0;
    fake = await startShopifyFake({ ...SHOPIFY, readAllOrders, now: () => new Date(Date.now() + shift) });
    shift = -90 * DAY_MS;
    const old = fake.orderAdmin.placeOrder({ lines: [{ title: 'Kettle', quantity: 1, price: '40.00' }] });
    shift = 0;
    const recent = Array.from({ length: SHOPIFY_ORDER_PAGE_SIZE + 2 }, (_, i) => fake.orderAdmin.placeOrder({ lines: [{ title: `Cup ${i}`, quantity: 1, price: '3.00' }] }));
    return { old, recent };
  }
  const reader = (log: ReturnType<typeof warnings>['log']) =>
    createShopifyOrderHistory({ config: { shop: fake.shop, apiVersion: fake.apiVersion }, secret: { accessToken: SHOPIFY.accessToken }, mapping, baseUrl: fake.baseUrl, log });

  it('reads only the last 60 days of orders without the scope, and warns once that older ones need read_all_orders', async () => {
    // Prepare
    const { recent } = await shopWithOldAndNewOrders(false);
    const seen = warnings();

    // Act
    const read = await readAllOrders(reader(seen.log));

    // Assess: two pages of the cost-capped size, the old order not among them, one warning
    expect(read.orders.map((o) => o.origin.externalId).sort()).toEqual(recent.map((o) => o.id).sort());
    expect(read.pages).toBe(2);
    expect(seen.lines.filter((line) => line.includes('read_all_orders'))).toHaveLength(1);
  });

  it('reads every order with read_all_orders, and a read since a recent instant asks nothing of the scopes', async () => {
    // Prepare
    const { old, recent } = await shopWithOldAndNewOrders(true);
    const seen = warnings();

    // Act
    const all = await readAllOrders(reader(seen.log));
    const scopeCalls = fake.calls.filter((c) => c.fields.includes('currentAppInstallation')).length;
    const since = await readAllOrders(reader(seen.log), new Date(Date.now() - DAY_MS).toISOString());

    // Assess
    expect(all.orders.map((o) => o.origin.externalId)).toContain(old.id);
    expect(all.orders).toHaveLength(recent.length + 1);
    expect(since.orders).toHaveLength(recent.length);
    expect(seen.lines).toEqual([]);
    expect(fake.calls.filter((c) => c.fields.includes('currentAppInstallation')).length).toBe(scopeCalls);
  });
});

describe('Square order history: SearchOrders over at most 10 locations a search', () => {
  let fake: SquareFake;
  afterEach(async () => fake?.close());
  const locations = Array.from({ length: 12 }, (_, i) => `L${String(i).padStart(12, '0')}`);

  it('reads every location\'s sales in groups of 10, 100 a page, each once; a refund\'s return order is its sale', async () => {
    // Prepare: 12 locations, 105 sales at the first and one at each of the others, one sale refunded
    fake = await startSquareFake({ accessToken: 'EAAA-history', signatureKey: 'key', locations, searchLagMs: 0 });
    const sale = (location: string) => fake.admin.ringUpSale({ location_id: location, line_items: [{ name: 'Tea', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }] }).order.id;
    const sales = [...Array.from({ length: 105 }, () => sale(locations[0]!)), ...locations.slice(1).map(sale)];
    fake.admin.refundOrder(sales[3]!);
    const reader = createSquareOrderHistory({ config: { environment: 'sandbox', locationIds: 'all' }, secret: { accessToken: 'EAAA-history' }, mapping, baseUrl: fake.baseUrl, log });

    // Act
    const read = await readAllOrders(reader);

    // Assess: every sale, and no return order: the refund's return order (a later page) stands for its sale, read again
    // there (a repeat to the resolver; a read since an instant needs it: the sale may not have changed)
    const ids = read.orders.map((o) => o.origin.externalId);
    expect([...new Set(ids)].sort()).toEqual([...sales].sort());
    expect(ids.filter((id) => id === sales[3])).toHaveLength(2);
    expect(read.orders.find((o) => o.origin.externalId === sales[3])?.status).toBe('refunded');
    expect(read.pages).toBe(3);
    const searches = fake.requests.filter((r) => r.path === '/v2/orders/search');
    expect(searches.map((r) => (r.body as { location_ids: string[] }).location_ids.length)).toEqual([10, 10, 2]);
  });
});
