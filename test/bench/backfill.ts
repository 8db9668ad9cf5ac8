import path from 'node:path';
import { backfillCommand } from '../../bin/backfill';
import { runBackfill } from '../../core/backfill/backfill';
import { InMemoryCheckpointStore, type Checkpoint } from '../../core/backfill/checkpoint';
import type { RecordSource } from '../../core/backfill/record-source';
import { startHubspotFake } from '../../connectors/hubspot/fake/server';
import { createHubspotReader } from '../../connectors/hubspot/reader';
import { startShopifyFake } from '../../connectors/shopify/fake/server';
import { createShopifyReader } from '../../connectors/shopify/reader';
import { backfillTarget, beforeOmnihub, capturedIo } from '../support/backfill';
import { HUBSPOT_SECRET, root, SHOPIFY_SECRET, startPipeline } from '../support/pipeline';

/**
 * `npm run bench`, backfill section: the readers against the fakes at the vendors' published
 * ceilings, then a whole-pipeline backfill. Figures, not assertions.
 *
 *   BENCH_BACKFILL=10000 (records per system for the readers)   BENCH_BACKFILL_PIPELINE=1000 (per system, whole pipeline)
 *
 * "Share of the ceiling" = the least time the vendor's limit allows for what the reader read,
 * over the time it took: Shopify refills its bucket at the restore rate (the first bucketful is
 * free), HubSpot lets `max` requests through per rolling window (the first window's are free).
 */
const READER_RECORDS = Number(process.env.BENCH_BACKFILL ?? 10_000);
const PIPELINE_RECORDS = Number(process.env.BENCH_BACKFILL_PIPELINE ?? 1_000);

/** Shopify Plus: 1,000 points/s (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits); bucket 20× the rate, as Standard's 2,000 for 100/s. */
const SHOPIFY_PLAN = { name: 'Shopify Plus', restoreRate: 1000, maximumAvailable: 20_000 };
/** HubSpot Professional / Enterprise private apps: 190 requests per 10 s (https://developers.hubspot.com/docs/api/usage-details). */
const HUBSPOT_PLAN = { name: 'HubSpot Pro/Enterprise', max: 190, intervalMs: 10_000 };

const mapping = { defaultCountry: 'US' as const };
const log = { debug() {}, info() {}, warn() {}, error() {} };

function person(i: number) {
  return {
    first: 'Bench',
    last: `Customer ${i}`,
    email: `backfill.${i}@example.com`,
    phone: `+1212555${String(i % 10_000).padStart(4, '0')}`,
  };
}

async function readAll(source: RecordSource, connector: string): Promise<{ checkpoint: Checkpoint; ms: number }> {
  const started = performance.now();
  const { checkpoint } = await runBackfill({ source, checkpoints: new InMemoryCheckpointStore(), observe: async () => {} }, { connector, mode: 'backfill' });
  return { checkpoint, ms: performance.now() - started };
}

export async function benchBackfill(dynamodbEndpoint: string): Promise<void> {
  console.log(`\nBackfill (readers: ${READER_RECORDS} records per system at the vendors' ceilings; pipeline: ${PIPELINE_RECORDS} per system)`);

  // Shopify reader at the Plus plan's ceiling.
  const shopify = await startShopifyFake({ ...SHOPIFY_SECRET, throttle: SHOPIFY_PLAN });
  for (let i = 0; i < READER_RECORDS; i++) {
    const p = person(i);
    shopify.admin.createCustomer({ first_name: p.first, last_name: p.last, email: p.email, phone: p.phone, default_address: { address1: `${i} Main St`, city: 'New York', province_code: 'NY', zip: '10001', country_code: 'US' } });
  }
  const shopifyRun = await readAll(
    createShopifyReader({ config: { shop: shopify.shop, apiVersion: shopify.apiVersion }, secret: { accessToken: SHOPIFY_SECRET.accessToken }, mapping, baseUrl: shopify.baseUrl, log }),
    'shopify',
  );
  const throttledShopify = shopify.calls.filter((c) => c.outcome === 'throttled').length;
  await shopify.close();
  const shopifyIdealMs = (Math.max(0, shopifyRun.checkpoint.spent - SHOPIFY_PLAN.maximumAvailable) / SHOPIFY_PLAN.restoreRate) * 1000;

  // HubSpot reader at the Pro/Enterprise burst limit.
  const hubspot = await startHubspotFake({ ...HUBSPOT_SECRET, rateLimit: { ...HUBSPOT_PLAN, daily: 1_000_000 } });
  for (let i = 0; i < READER_RECORDS; i++) {
    const p = person(i);
    hubspot.state.create({ email: p.email, firstname: p.first, lastname: p.last, phone: p.phone, address: `${i} Main St`, city: 'New York', state: 'NY', zip: '10001', country: 'US' }, 'ui');
  }
  const hubspotRun = await readAll(
    createHubspotReader({ config: { batchSize: 100 }, secret: { accessToken: HUBSPOT_SECRET.accessToken }, mapping, baseUrl: hubspot.baseUrl, log }),
    'hubspot',
  );
  const throttledHubspot = hubspot.requests.filter((r) => r.status === 429).length;
  await hubspot.close();
  const hubspotIdealMs = Math.floor(Math.max(0, hubspotRun.checkpoint.requests - 1) / HUBSPOT_PLAN.max) * HUBSPOT_PLAN.intervalMs;

  const rows: Array<[string, string]> = [
    [
      `Shopify reader (${SHOPIFY_PLAN.name}, ${SHOPIFY_PLAN.restoreRate} points/s)`,
      `${shopifyRun.checkpoint.read} customers in ${shopifyRun.checkpoint.pages} pages, ${(shopifyRun.ms / 1000).toFixed(1)} s = ${Math.round(shopifyRun.checkpoint.read / (shopifyRun.ms / 1000))}/s, ${Math.round(shopifyRun.checkpoint.spent)} points, ${throttledShopify} throttled`,
    ],
    [
      '  share of the ceiling',
      `${pct(shopifyIdealMs / shopifyRun.ms)} (least time the limit allows ${(shopifyIdealMs / 1000).toFixed(1)} s); ${Math.round(shopifyRun.checkpoint.spent / (shopifyRun.ms / 1000))} points/s spent (the first bucketful included)`,
    ],
    [
      `HubSpot reader (${HUBSPOT_PLAN.name}, ${HUBSPOT_PLAN.max}/${HUBSPOT_PLAN.intervalMs / 1000} s)`,
      `${hubspotRun.checkpoint.read} contacts in ${hubspotRun.checkpoint.requests} requests, ${(hubspotRun.ms / 1000).toFixed(1)} s = ${Math.round(hubspotRun.checkpoint.read / (hubspotRun.ms / 1000))}/s, ${throttledHubspot} answered 429`,
    ],
    [
      '  share of the ceiling',
      `${pct(hubspotIdealMs / hubspotRun.ms)} (least time the limit allows ${(hubspotIdealMs / 1000).toFixed(1)} s); ` +
        `${(hubspotRun.checkpoint.requests / (hubspotRun.ms / 1000)).toFixed(1)} requests/s = ${pct(hubspotRun.checkpoint.requests / (hubspotRun.ms / 1000) / ((HUBSPOT_PLAN.max * 1000) / HUBSPOT_PLAN.intervalMs))} of ${(HUBSPOT_PLAN.max * 1000) / HUBSPOT_PLAN.intervalMs}/s`,
    ],
  ];

  // The whole pipeline: both systems seeded (a tenth of the people in both), `backfill all`, until every create landed.
  const p = await startPipeline({
    dynamodbEndpoint,
    buildDir: path.join(root, '.omnihub', 'bench-build'),
    hubspot: { rateLimit: { max: 1_000_000, intervalMs: 10_000 }, searchLagMs: 0 },
    shopify: { throttle: { maximumAvailable: 1_000_000, restoreRate: 100_000 } },
  });
  try {
    beforeOmnihub(p, () => {
      for (let i = 0; i < PIPELINE_RECORDS; i++) {
        const a = person(i);
        p.shopify.admin.createCustomer({ first_name: a.first, last_name: a.last, email: a.email });
        const b = person(i < PIPELINE_RECORDS / 10 ? i : PIPELINE_RECORDS + i);
        p.hubspot.admin.createContact({ email: b.email, firstname: b.first, lastname: b.last });
      }
    });
    const started = performance.now();
    const io = capturedIo();
    await backfillCommand({ which: 'all', full: false, dryRun: false, remote: false, json: true, settleMs: 500 }, await backfillTarget(p), io);
    const readMs = performance.now() - started;
    await p.settle();
    const totalMs = performance.now() - started;
    const customers = (await p.table.customers()).length;
    const creates = p.shopify.writes().length + p.hubspot.admin.apiWrites().length;
    rows.push(
      ['pipeline backfill (both systems, read → resolve → create)', `${2 * PIPELINE_RECORDS} records read in ${(readMs / 1000).toFixed(1)} s, settled in ${(totalMs / 1000).toFixed(1)} s`],
      ['  pipeline rate', `${((2 * PIPELINE_RECORDS) / (totalMs / 1000)).toFixed(1)} records/s end to end; ${customers} customers, ${creates} vendor writes`],
    );
  } finally {
    await p.stop();
  }
  for (const [name, value] of rows) console.log(`  ${name.padEnd(58)} ${value}`);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
