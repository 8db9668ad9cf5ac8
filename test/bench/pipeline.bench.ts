/**
 * `npm run bench`: pushes customer updates through the local pipeline (DynamoDB Local, the
 * Shopify and HubSpot fakes behind the real SDKs, the bundled handlers in worker pools) and
 * prints what they cost, then the same for Shopify web orders into HubSpot and for Twilio messages onto HubSpot contacts. Figures, not assertions: compare runs on the same machine.
 *
 *   BENCH_UPDATES=200 (burst size)   BENCH_SEQUENTIAL=40 (one-at-a-time latency samples)
 */
import path from 'node:path';
import { Bench } from 'tinybench';
import { applyObservation } from '../../core/identity/merge';
import { parse as parseShopify, verify as verifyShopify } from '../../connectors/shopify/webhook';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { benchLocalHub, printLocalHub } from './local-hub';
import { startPipeline, root, SHOPIFY_SECRET, type Pipeline } from '../support/pipeline';
import { printBundles } from './bundles';
import { aCustomer, anObservation } from '../support/builders';
import { shopifyCustomerPayload, shopifyDelivery } from '../support/deliveries';
import { printCostBench } from './cost';
import { printMessagesBench } from './messages';
import { printOrdersBench } from './orders';
import { benchBackfill } from './backfill';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 200);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 40);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const ms = (v: number) => `${v.toFixed(1)} ms`;

function functionTotals(p: Pipeline) {
  let readUnits = 0;
  let writeUnits = 0;
  let invocations = 0;
  const byFunction = new Map<string, { readUnits: number; writeUnits: number }>();
  for (const [name, fn] of p.runtime.functions) {
    readUnits += fn.totals.readUnits;
    writeUnits += fn.totals.writeUnits;
    invocations += fn.totals.invocations;
    byFunction.set(name, { readUnits: fn.totals.readUnits, writeUnits: fn.totals.writeUnits });
  }
  return { readUnits, writeUnits, invocations, byFunction };
}

/** Each update: the merchant edits a customer in Shopify; it ends with HubSpot's PATCH of that contact. */
async function runUpdates(p: Pipeline, ids: Array<{ shopifyId: string; contactId: string }>, label: string, concurrent: boolean) {
  const edits: Array<{ contactId: string; at: number }> = [];
  const started = performance.now();
  const startedAt = Date.now();
  for (const [i, { shopifyId, contactId }] of ids.entries()) {
    edits.push({ contactId, at: Date.now() });
    p.shopify.admin.updateCustomer(shopifyId, { first_name: `${label}${i}` });
    if (!concurrent) await p.settle();
  }
  await p.settle();
  const elapsed = performance.now() - started;
  const patches = p.hubspot.requests.filter((r) => r.method === 'PATCH' && r.at >= startedAt);
  const e2e = edits.flatMap(({ contactId, at }) => {
    const write = patches.find((r) => r.path.endsWith(`/contacts/${contactId}`) && r.at >= at);
    return write ? [write.at - at] : [];
  });
  return { elapsed, e2e, landed: e2e.length };
}

async function main() {
  console.log(`omnihub benchmark: ${UPDATES} burst updates, ${SEQUENTIAL} sequential, Node ${process.version}, ${process.arch}\n`);
  const ddb = await startDynamoDbLocal();
  const webhookMs: number[] = [];
  const p = await startPipeline({
    dynamodbEndpoint: ddb.endpoint,
    buildDir: path.join(root, '.omnihub', 'bench-build'),
    hubspot: { rateLimit: { max: 1_000_000, intervalMs: 10_000 } },
    shopify: { throttle: { maximumAvailable: 1_000_000, restoreRate: 100_000 } },
    // Real time: the tests' stepping clock (never the same second twice) runs minutes ahead over
    // hundreds of edits, and a source time over 60 s ahead is clamped to "now" (docs/identity.md
    // §1), which reorders the states of a record: edits were lost to it, and HubSpot's echoes were
    // refused as stale. The bench's edits of one customer are seconds apart anyway.
    clock: () => new Date(),
    // Twilio for the messages section (its receiver and the HubSpot message copies).
    twilio: {},
    onWebhook: ({ connector, ms: answered }) => {
      if (connector === 'shopify') webhookMs.push(answered);
    },
  });
  try {
    // Prepare: customers that exist in both systems, linked.
    const count = Math.max(UPDATES, SEQUENTIAL);
    const created = Array.from({ length: count }, (_, i) =>
      p.shopify.admin.createCustomer({ first_name: 'Bench', last_name: `Customer ${i}`, email: `bench.${i}@example.com` }),
    );
    const t0 = performance.now();
    await p.settle();
    const createMs = performance.now() - t0;
    const ids = created.map((c, i) => ({
      shopifyId: String(c.id),
      contactId: p.hubspot.admin.findContactByEmail(`bench.${i}@example.com`)!.id,
    }));

    // Act 1: a burst of updates, all at once.
    webhookMs.length = 0;
    const before = functionTotals(p);
    const saasBefore = { hubspot: p.hubspot.admin.apiWrites().length, shopify: p.shopify.writes().length };
    const burst = await runUpdates(p, ids.slice(0, UPDATES), 'Burst', true);
    const after = functionTotals(p);
    const saasAfter = { hubspot: p.hubspot.admin.apiWrites().length, shopify: p.shopify.writes().length };
    const burstWebhookMs = [...webhookMs];

    // Act 2: one update at a time (latency without queueing).
    webhookMs.length = 0;
    const sequential = await runUpdates(p, ids.slice(0, SEQUENTIAL), 'Seq', false);

    const rows: Array<[string, string]> = [
      ['creates (Shopify → omnihub → HubSpot create)', `${count} in ${(createMs / 1000).toFixed(2)} s = ${(count / (createMs / 1000)).toFixed(1)} /s`],
      ['burst throughput', `${burst.landed}/${UPDATES} landed in ${(burst.elapsed / 1000).toFixed(2)} s = ${(burst.landed / (burst.elapsed / 1000)).toFixed(1)} updates/s`],
      ['webhook answer latency (burst) p50 / p99', `${ms(percentile(burstWebhookMs, 50))} / ${ms(percentile(burstWebhookMs, 99))}`],
      ['webhook answer latency (one at a time) p50 / p99', `${ms(percentile(webhookMs, 50))} / ${ms(percentile(webhookMs, 99))}`],
      ['end-to-end latency (burst) p50 / p99', `${ms(percentile(burst.e2e, 50))} / ${ms(percentile(burst.e2e, 99))}`],
      ['end-to-end latency (one at a time) p50 / p99', `${ms(percentile(sequential.e2e, 50))} / ${ms(percentile(sequential.e2e, 99))}`],
      ['DynamoDB read / write units per update, as AWS bills them', `${((after.readUnits - before.readUnits) / UPDATES).toFixed(2)} / ${((after.writeUnits - before.writeUnits) / UPDATES).toFixed(2)}`],
      ...[...after.byFunction].map(([name, units]): [string, string] => {
        const was = before.byFunction.get(name) ?? { readUnits: 0, writeUnits: 0 };
        return [`  ${name}`, `${((units.readUnits - was.readUnits) / UPDATES).toFixed(2)} / ${((units.writeUnits - was.writeUnits) / UPDATES).toFixed(2)}`];
      }),
      ['Lambda invocations per update', ((after.invocations - before.invocations) / UPDATES).toFixed(2)],
      [
        'SaaS writes per update (HubSpot / Shopify echo)',
        `${((saasAfter.hubspot - saasBefore.hubspot) / UPDATES).toFixed(2)} / ${((saasAfter.shopify - saasBefore.shopify) / UPDATES).toFixed(2)}`,
      ],
    ];
    console.log('Pipeline');
    for (const [name, value] of rows) console.log(`  ${name.padEnd(52)} ${value}`);

    console.log(`  hub process RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
    await printCostBench(p, ids.slice(0, SEQUENTIAL));
    await printOrdersBench(p, ids, Math.min(UPDATES, 100), SEQUENTIAL);
    await printMessagesBench(p, Math.min(UPDATES, 100), SEQUENTIAL);
    await benchBackfill(ddb.endpoint);
  } finally {
    await p.stop();
    await ddb.stop();
  }

  await printBundles(root);

  // Pure code paths, no I/O.
  const body = shopifyCustomerPayload({ id: '7065055069303700001', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', updated_at: '2026-03-01T10:00:00-05:00' });
  const delivery = shopifyDelivery(body, SHOPIFY_SECRET.webhookSecret);
  const request = { method: 'POST', url: 'https://hub.example.com/webhooks/shopify', headers: delivery.headers, rawBody: Buffer.from(body) };
  const customer = applyObservation(aCustomer(), anObservation(), new Date().toISOString()).customer;
  const later = anObservation({ observedAt: '2026-01-01T12:00:00Z', values: { firstName: 'Augusta', phone: '+12125550199' } });
  const bench = new Bench({ time: 500 });
  bench
    .add('shopify webhook verify + parse', () => {
      verifyShopify(request, SHOPIFY_SECRET, new Date());
      parseShopify(request, { defaultCountry: 'US' });
    })
    .add('merge one observation into a customer', () => {
      applyObservation(customer, later, '2026-01-02T00:00:00.000Z');
    });
  await bench.run();
  console.log('\nHot paths (tinybench)');
  for (const task of bench.tasks) {
    const hz = task.result && 'throughput' in task.result ? task.result.throughput.mean : 0;
    console.log(`  ${task.name.padEnd(52)} ${Math.round(hz).toLocaleString('en-US')} ops/s`);
  }

  printLocalHub(await benchLocalHub(root));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
