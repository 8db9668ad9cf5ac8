import { requestLogOf, type RecordedRequest } from '../../connectors/testing/fake-http';
import type { ShopifyChange } from './sightings';
import type { WebhookDeliveryRecord } from '../../connectors/testing/webhook-sender';
import { seededRandom, streamSeed } from '../../connectors/testing/seeded-random';
import { HUBSPOT_SECRET, SHOPIFY_SECRET, SQUARE_SECRET, startPipeline, type CapacityReport, type Pipeline } from '../support/pipeline';
import { check, type Verdict } from './checker';
import { goldenCustomers } from './golden';
import { SYSTEMS, type GroundTruth, type Snapshot, type SystemName } from './model';
import type { VendorAdapter } from './vendors/adapter';
import { hubspotAdapter } from './vendors/hubspot';
import { shopifyAdapter } from './vendors/shopify';
import { squareAdapter } from './vendors/square';
import { Workload, type WorkloadCounts } from './workload';
import { checkOrders, OrderWorkload, type OrderCounts, type OrderFinding } from './orders';

/**
 * One chaos run: the local pipeline (DynamoDB Local, the three fakes over their real SDKs, the
 * bundled handlers) under a seeded workload and seeded vendor chaos, then, once quiet, the
 * checker's verdict, writes after quiescence and forged deliveries accepted.
 */

export interface ChaosRates {
  duplicate: number;
  reorder: number;
  rateLimited: number;
  serverError: number;
  /** Share of successful SaaS writes by a sync function after which that invocation is crashed. */
  crash: number;
  /** Forged deliveries per genuine delivery. */
  forged: number;
  /** Share of workload steps after which the receiver's next PutEvents fails (a 5xx the vendor retries). */
  receiverFault: number;
  /** Share of webhooks the vendors never send: only reconciliation (`reconcile`) can catch those changes. */
  dropWebhooks: number;
  /**
   * Share of workload steps that are an order step (test/chaos/orders.ts). None while webhooks
   * are dropped without reconciliation (a lost order webhook would stay lost); with it, orders
   * are reconciled as customers are (backfill-<origin>-orders).
   */
  orders: number;
}

/** How long, in real time, a vendor keeps retrying a delivery in the chaos run (see drive). */
const REAL_RETRY_WINDOW_MS = 120_000;

export const DEFAULT_RATES: ChaosRates = {
  duplicate: 0.2,
  reorder: 0.1,
  rateLimited: 0.05,
  serverError: 0.02,
  crash: 0.01,
  forged: 0.01,
  receiverFault: 0.02,
  dropWebhooks: 0,
  orders: 0.15,
};

export interface ChaosOptions {
  seed: number;
  /** Webhook deliveries to reach (HTTP attempts at the receiver, forged ones included). */
  deliveries: number;
  people: number;
  /** How long "quiet" must stay quiet for the loop check. */
  quietMs: number;
  rates?: Partial<ChaosRates>;
  dynamodbEndpoint?: string;
  buildDir?: string;
  /** Longest wait for the pipeline to go quiet after the workload. */
  settleTimeoutMs?: number;
  /**
   * Reconciliation on: every `reconcileEveryMs` of the workload (default 5 s), and once when it is
   * done, each connector's backfill reads what changed since its last run (what cdk.json
   * reconcileMinutes schedules), as the runtime's timer does.
   */
  reconcile?: boolean;
  reconcileEveryMs?: number;
  progress?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  deliveriesTarget: number;
  people: number;
  wallMs: number;
  verdict: Verdict;
  forgedSent: number;
  forgedAccepted: number;
  writesAfterQuiescence: number;
  settled: boolean;
  workload: WorkloadCounts;
  orders: OrderCounts & { findings: OrderFinding[]; repeatedMoves: number };
  deliveries: Record<SystemName, { triggered: number; sent: number; duplicated: number; reordered: number; retried: number; failed: number; dropped: number }>;
  apiFaults: Record<SystemName, { source: string; rateLimited: number; serverError: number }>;
  retrySchedule: Record<SystemName, string>;
  crashes: number;
  /** Successful SaaS writes by sync invocations: what the crash share is drawn over. */
  crashCandidates: number;
  receiverFaults: number;
  /** Reconciliations asked for (0 unless `reconcile`). */
  reconciles: number;
  /** The ground truth and what the systems held, for a closer look at a failing seed. */
  evidence: {
    truth: GroundTruth;
    snapshot: Snapshot;
    logs: string[];
    /** The identity table as left, and what each fake received and sent: the values the logs never show. */
    table: Record<string, unknown>[];
    requests: Record<SystemName, RecordedRequest[]>;
    webhooks: Record<SystemName, WebhookDeliveryRecord[]>;
    /** What reached the bus, in order: the observations behind each resolver log line. */
    bus: Array<Record<string, unknown>>;
    /** Each message a queue gave up on: its queue, why, and the event it carried (dump only). */
    deadLetters: Array<{ queue: string; reason: string; body: string }>;
    /** Every committed Shopify change (the drop phase's sightings are judged between them). */
    shopifyChanges: readonly ShopifyChange[];
  };
  writes: Record<SystemName, number>;
  capacity: CapacityReport;
  deadLetters: number;
  /** Every count that must be 0. */
  failures: Record<string, number>;
  replay: string;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const rates = { ...DEFAULT_RATES, ...options.rates };
  const progress = options.progress ?? (() => undefined);
  const started = Date.now();
  progress('  starting the pipeline');
  const pipeline = await startPipeline({
    dynamodbEndpoint: options.dynamodbEndpoint,
    buildDir: options.buildDir,
    // Real time: ten thousand deliveries cannot each have their own second, and HubSpot's signature window is checked against it.
    clock: () => new Date(),
    crashable: true,
    // Lift the fakes' own rate limits so the 429s are the seeded share, not an accident of this machine's speed.
    hubspot: { rateLimit: { max: 1_000_000, intervalMs: 10_000, daily: 100_000_000 } },
    shopify: { throttle: { maximumAvailable: 1_000_000, restoreRate: 100_000 } },
    // Square's search lags its writes by about a second (the fake's default); the create-time lookup must live with it.
    square: { rateLimit: { max: 1_000_000, intervalMs: 1000 }, searchLagMs: 1000 },
  });
  try {
    return await drive(pipeline, options, rates, progress, started);
  } finally {
    await pipeline.stop();
  }
}

async function drive(p: Pipeline, options: ChaosOptions, rates: ChaosRates, progress: (line: string) => void, started: number): Promise<ChaosReport> {
  progress(`  pipeline up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const vendors: Record<SystemName, VendorAdapter> = {
    shopify: shopifyAdapter(p.shopify, SHOPIFY_SECRET.webhookSecret),
    hubspot: hubspotAdapter(p.hubspot, HUBSPOT_SECRET.clientSecret),
    square: squareAdapter(p.square!, SQUARE_SECRET),
  };
  const faults = Object.fromEntries(
    SYSTEMS.map((system) => [system, vendors[system].injectApiFaults({ seed: streamSeed(options.seed, `${system}-api`), rateLimited: rates.rateLimited, serverError: rates.serverError })]),
  ) as Record<SystemName, ReturnType<VendorAdapter['injectApiFaults']>>;
  for (const system of SYSTEMS) {
    const sender = vendors[system].sender;
    sender.chaos = {
      seed: streamSeed(options.seed, `${system}-webhooks`),
      duplicate: rates.duplicate,
      reorder: rates.reorder,
      // Square's webhooks are never dropped: the drop phase's checker (sightings.ts) knows only Shopify's trail for whole-second records.
      drop: system === 'square' ? 0 : rates.dropWebhooks,
      delayMs: [0, 30],
      holdMs: [200, 1500],
    };
    // The vendor's whole retry window (Shopify 4 h, HubSpot 24 h, Square 72 h) in REAL_RETRY_WINDOW_MS: compressed
    // further, a busy machine's few slow seconds would outlast it and the vendor would give up on
    // deliveries that in production it retries for hours.
    const schedule = sender.retrySchedule;
    if (schedule) {
      let windowMs = 0;
      for (let retry = 1; retry <= schedule.retries; retry++) windowMs += schedule.delayMs(retry, () => 0.5);
      sender.timeScale = REAL_RETRY_WINDOW_MS / windowMs;
    }
  }

  // 1 % of sync invocations crash right after the vendor recorded their write, before they can record it.
  const crashRandom = seededRandom(streamSeed(options.seed, 'crash'));
  let crashes = 0;
  let crashCandidates = 0;
  for (const system of SYSTEMS) {
    requestLogOf(vendors[system].requests)?.subscribe(async (request) => {
      if (!request.invocation?.startsWith('sync-') || !vendors[system].isSuccessfulWrite(request)) return;
      crashCandidates += 1;
      if (crashRandom() >= rates.crash) return;
      if (await p.runtime.faults.crashInvocation(request.invocation)) crashes += 1;
    });
  }

  const workload = new Workload(seededRandom(streamSeed(options.seed, 'workload')), vendors, {
    seed: options.seed,
    maxPeople: options.people,
    webhookUrl: (system) => p.runtime.webhookUrl(system),
  });
  const orders = new OrderWorkload(seededRandom(streamSeed(options.seed, 'orders')), { shopify: p.shopify, square: p.square!, hubspot: p.hubspot }, (system) => workload.shopper(system));
  const orderRandom = seededRandom(streamSeed(options.seed, 'order-steps'));
  const orderShare = rates.dropWebhooks > 0 && !options.reconcile ? 0 : rates.orders;
  const genuine = () => SYSTEMS.reduce((sent, system) => sent + vendors[system].sender.stats.sent, 0);
  const delivered = () => genuine() + workload.forgedStatuses.length;

  const receiverRandom = seededRandom(streamSeed(options.seed, 'receiver'));
  let receiverFaults = 0;
  let lastReport = 0;
  let reconciles = 0;
  let lastReconcile = Date.now();
  while (delivered() < options.deliveries) {
    await workload.step();
    if (orderRandom() < orderShare) orders.step();
    if (options.reconcile && Date.now() - lastReconcile >= (options.reconcileEveryMs ?? 5_000)) {
      p.runtime.reconcileNow();
      reconciles += 1;
      lastReconcile = Date.now();
    }
    if (receiverRandom() < rates.receiverFault) {
      p.runtime.faults.failPutEvents(1);
      receiverFaults += 1;
    }
    while (workload.forgedStatuses.length < rates.forged * genuine()) await workload.forge();
    // Back-pressure: people do not outpace the hub by minutes; queues stay shallow enough to finish.
    while (p.runtime.queues.reduce((depth, queue) => depth + queue.depth, 0) > 40) await sleep(25);
    await sleep(10);
    if (delivered() - lastReport >= 1000) {
      lastReport = delivered();
      progress(`  ${delivered()} deliveries, ${workload.counts.people} people, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await workload.drain();
  const workloadMs = Date.now() - started;
  progress(`  workload done after ${(workloadMs / 1000).toFixed(1)} s: ${delivered()} deliveries; waiting for quiet`);
  let settled = await quiesce(p, options.settleTimeoutMs ?? 2 * REAL_RETRY_WINDOW_MS);
  if (options.reconcile) {
    // The last changes' webhooks may be the dropped ones: one more reconciliation once quiet,
    // after the vendors' search indexes caught up with the last writes (HubSpot's lags ~1 s).
    await sleep(1500);
    p.runtime.reconcileNow();
    reconciles += 1;
    settled = (await quiesce(p, options.settleTimeoutMs ?? 2 * REAL_RETRY_WINDOW_MS)) && settled;
  }
  const settleMs = Date.now() - started - workloadMs;
  progress(`  quiet after ${(settleMs / 1000).toFixed(1)} s more (settled: ${settled})`);

  // Loops: nothing may be written, sent or published once everything is quiet.
  const activity = () => SYSTEMS.reduce((total, system) => total + vendors[system].writes(), 0) + genuine() + p.runtime.bus.published.length;
  const before = activity();
  await sleep(options.quietMs);
  await quiesce(p, options.quietMs);
  const writesAfterQuiescence = activity() - before;

  const table = await p.table.items();
  const snapshot: Snapshot = {
    records: SYSTEMS.flatMap((system) => vendors[system].list()),
    customers: goldenCustomers(table),
  };
  const verdict = check(workload.truth, snapshot, vendors.shopify.trail?.());
  const orderVerdict = checkOrders(orders.orders, workload.truth.people, { shopify: p.shopify, square: p.square!, hubspot: p.hubspot }, p.runtime.bus.published);
  const forgedAccepted = workload.forgedStatuses.filter((status) => status !== 401).length;
  // A genuine delivery the vendor gave up on (its retries exhausted, or a 4xx it does not retry) is a change the hub missed.
  const deliveriesAbandoned = SYSTEMS.reduce((failed, system) => failed + vendors[system].sender.stats.failed, 0);
  const failures = { ...verdict.counts, ...orderVerdict.counts, writesAfterQuiescence, forgedAccepted, deliveriesAbandoned, ...(settled ? {} : { didNotSettle: 1 }) };
  const stats = (system: SystemName) => ({ ...vendors[system].sender.stats });
  return {
    seed: options.seed,
    deliveriesTarget: options.deliveries,
    people: workload.counts.people,
    wallMs: Date.now() - started,
    verdict,
    forgedSent: workload.forgedStatuses.length,
    forgedAccepted,
    writesAfterQuiescence,
    settled,
    workload: workload.counts,
    orders: { ...orders.counts, findings: orderVerdict.findings, repeatedMoves: orderVerdict.repeatedMoves },
    deliveries: Object.fromEntries(SYSTEMS.map((system) => [system, stats(system)])) as ChaosReport['deliveries'],
    apiFaults: Object.fromEntries(
      SYSTEMS.map((system) => [system, { source: vendors[system].apiFaultSource(), rateLimited: faults[system].counts.rateLimited, serverError: faults[system].counts.serverError }]),
    ) as ChaosReport['apiFaults'],
    retrySchedule: Object.fromEntries(SYSTEMS.map((system) => [system, vendors[system].retryScheduleSource])) as Record<SystemName, string>,
    crashes,
    crashCandidates,
    receiverFaults,
    reconciles,
    evidence: {
      truth: workload.truth,
      snapshot,
      logs: p.logs,
      table,
      requests: Object.fromEntries(SYSTEMS.map((system) => [system, vendors[system].requests])) as Record<SystemName, RecordedRequest[]>,
      webhooks: Object.fromEntries(SYSTEMS.map((system) => [system, vendors[system].sender.deliveries])) as Record<SystemName, WebhookDeliveryRecord[]>,
      bus: p.runtime.bus.published.map((event) => ({ type: event['detail-type'], time: event.time, detail: event.detail })),
      deadLetters: p.runtime.deadLetters().map(({ queue, reason, body }) => ({ queue, reason, body })),
      shopifyChanges: vendors.shopify.trail?.().changes ?? [],
    },
    writes: writes(vendors),
    capacity: p.capacity(),
    deadLetters: p.runtime.deadLetters().length,
    failures,
    replay:
      `npm run chaos -- --seed ${options.seed} --deliveries ${options.deliveries} --people ${options.people}` +
      `${rates.dropWebhooks > 0 ? ` --drop-webhooks ${rates.dropWebhooks}` : ''}${options.reconcile ? ' --reconcile' : ''}`,
  };
}

function writes(vendors: Record<SystemName, VendorAdapter>): Record<SystemName, number> {
  return Object.fromEntries(SYSTEMS.map((system) => [system, vendors[system].writes()])) as Record<SystemName, number>;
}

/** Waits until no webhook is pending, no queue holds a message and nothing moved for a while. */
async function quiesce(p: Pipeline, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const fakes = [p.shopify, p.hubspot, ...(p.square ? [p.square] : [])];
  const moved = () => fakes.reduce((total, fake) => total + fake.requests.length + fake.webhooks.deliveries.length, 0) + p.runtime.bus.published.length;
  let stableRounds = 0;
  while (Date.now() < deadline) {
    const before = moved();
    // The deadline's timer is cleared once idle: a pending one would keep the process alive for minutes.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    await Promise.race([Promise.all([...fakes.map((fake) => fake.webhooks.idle()), p.runtime.idle()]), timeout]);
    clearTimeout(timer);
    await sleep(250);
    stableRounds = before === moved() && p.runtime.queues.every((queue) => queue.depth === 0) ? stableRounds + 1 : 0;
    if (stableRounds >= 2) return true;
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The report as printed: counts that must be 0 first, then what the run cost. */
export function formatReport(report: ChaosReport, findingsShown = 20): string {
  const failed = Object.entries(report.failures).filter(([, count]) => count > 0);
  const lines = [
    `chaos run: seed ${report.seed}, ${report.deliveriesTarget} deliveries, ${report.people} people, ${(report.wallMs / 1000).toFixed(1)} s wall`,
    '',
    'must be 0:',
    ...Object.entries(report.failures).map(([name, count]) => `  ${name.padEnd(24)} ${count}${count > 0 ? '   <-- FAIL' : ''}`),
    '',
    'workload:',
    `  creates ${report.workload.creates} (family ${report.workload.family}), edits ${report.workload.edits}, same field in both within seconds ${report.workload.sameFieldPairs}`,
    `  phone-only twins ${report.workload.twins}, merges ${report.workload.merges}, deletions ${report.workload.deletions}, refused by the vendor ${report.workload.refusedByVendor}`,
    ...(report.workload.skipped.merge ? ['  merges skipped: the HubSpot fake has no admin.mergeContacts yet'] : []),
    ...(report.workload.skipped.delete.length > 0 ? [`  deletions skipped in ${report.workload.skipped.delete.join(', ')}: the fake has no admin delete yet`] : []),
    `  forged deliveries ${report.forgedSent}, accepted ${report.forgedAccepted}`,
    `  orders: web ${report.orders.web}, Square pickup ${report.orders.squarePickups} (pickups ${report.orders.pickups}, moves ${report.orders.pickupMoves}), counter ${report.orders.counter} (no customer ${report.orders.anonymous}), nobody free to buy ${report.orders.noShopper}, refused ${report.orders.refused}; pickup moves announced again ${report.orders.repeatedMoves}`,
    'deliveries (triggered / sent / duplicated / reordered / retried / failed / dropped):',
    ...SYSTEMS.map((system) => {
      const d = report.deliveries[system];
      return `  ${system.padEnd(8)} ${d.triggered} / ${d.sent} / ${d.duplicated} / ${d.reordered} / ${d.retried} / ${d.failed} / ${d.dropped}   retry schedule: ${report.retrySchedule[system]}`;
    }),
    ...(report.reconciles > 0 ? [`reconciliations: ${report.reconciles} (each connector read what changed since its last run)`] : []),
    'API faults injected (429 / 5xx):',
    ...SYSTEMS.map((system) => `  ${system.padEnd(8)} ${report.apiFaults[system].rateLimited} / ${report.apiFaults[system].serverError}   via ${report.apiFaults[system].source}`),
    `sync invocations crashed after their SaaS write: ${report.crashes} of ${report.crashCandidates} writes; receiver PutEvents failures: ${report.receiverFaults}`,
    `SaaS writes: ${SYSTEMS.map((system) => `${system} ${report.writes[system]}`).join(', ')}`,
    `DynamoDB units: read ${report.capacity.readUnits.toFixed(1)}, write ${report.capacity.writeUnits.toFixed(1)}`,
    ...Object.entries(report.capacity.byFunction).map(
      ([name, f]) => `  ${name.padEnd(18)} ${f.invocations} invocations, ${f.errors} errors, ${f.crashes} crashes, RCU ${f.readUnits.toFixed(1)}, WCU ${f.writeUnits.toFixed(1)}`,
    ),
    `dead letters: ${report.deadLetters}`,
    // Queue and reason only: the body (a customer's event) goes to the dump, not the terminal.
    ...report.evidence.deadLetters.map((letter) => `  ${letter.queue}: ${letter.reason.slice(0, 160)}`),
  ];
  const findings = [...report.verdict.findings, ...report.orders.findings];
  if (findings.length > 0) {
    lines.push('', `findings (${findings.length}, first ${Math.min(findingsShown, findings.length)}):`);
    for (const finding of findings.slice(0, findingsShown)) lines.push(`  [${finding.check}] ${finding.detail}`);
  }
  lines.push('', failed.length === 0 ? 'PASS' : `FAIL (${failed.map(([name]) => name).join(', ')}). Replay: ${report.replay}`);
  return lines.join('\n');
}
