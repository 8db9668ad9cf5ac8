import { requestLogOf, type RecordedRequest } from '../../connectors/testing/fake-http';
import type { RecordChange, ShopifyChange } from './sightings';
import type { WebhookDeliveryRecord, WebhookSenderStats } from '../../connectors/testing/webhook-sender';
import { between, seededRandom, streamSeed } from '../../connectors/testing/seeded-random';
import { HUBSPOT_SECRET, KLAVIYO_SECRET, SHOP_WHATSAPP, SHOPIFY_SECRET, SQUARE_SECRET, startPipeline, type CapacityReport, type Pipeline } from '../support/pipeline';
import { checkMessages, type MessageFinding } from './messages';
import { check, type Verdict } from './checker';
import { goldenCustomers } from './golden';
import { SYSTEMS, type GroundTruth, type Snapshot, type SystemName } from './model';
import type { VendorAdapter } from './vendors/adapter';
import { hubspotAdapter } from './vendors/hubspot';
import { klaviyoAdapter } from './vendors/klaviyo';
import { shopifyAdapter } from './vendors/shopify';
import { squareAdapter } from './vendors/square';
import { Workload, type MessageCounts, type WorkloadCounts } from './workload';
import { checkOrders, OrderWorkload, type OrderCounts, type OrderFinding } from './orders';

/**
 * One chaos run: the local pipeline (DynamoDB Local, the four fakes over their real SDKs, the
 * bundled handlers) under a seeded workload and seeded vendor chaos, then, once quiet, the
 * checker's verdict, writes after quiescence and forged deliveries accepted. Klaviyo sends no
 * webhooks: it is polled (its reconciliation run) every few workload steps, and at quiescence
 * until a poll moves nothing, as the deployed schedule polls every pollMinutes.
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
  /**
   * Share of workload steps that are a message step (Twilio: a person texting the shop, a new
   * phone or a known one, SMS or WhatsApp, a few STOPs). Twilio's webhooks are never dropped, not
   * even in the drop phase: Twilio has no reconciliation (nothing to read a missed message back
   * from), so a dropped one could only be scored as lost. None while webhooks are dropped without
   * reconciliation (the texter's first record, in Shopify, could then never be seen).
   */
  messages: number;
}

/** How long, in real time, a vendor keeps retrying a delivery in the chaos run (see drive). */
const REAL_RETRY_WINDOW_MS = 120_000;

/** Klaviyo's search lag in the run: Get Profiles (the poll's pages) shows a write this much later. */
const KLAVIYO_SEARCH_LAG_MS = 300;
/** Klaviyo applies its 202-accepted jobs (consent, events) this much later. */
const KLAVIYO_JOB_LAG_MS = 300;
/** Poll rounds at quiescence before a poll that still moves something counts as a loop. */
const MAX_QUIET_POLLS = 6;

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
  messages: 0.12,
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
  /**
   * A polled vendor (Klaviyo) is polled every so many workload steps, drawn anew each time from
   * this range (seeded): the deployed schedule's every pollMinutes, compressed as the retry
   * windows are. Default [4, 12].
   */
  pollEverySteps?: readonly [number, number];
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
  /** Messages (Twilio): what people sent, and Twilio's inbound webhooks. */
  messages: MessageCounts & { findings: MessageFinding[]; deliveries: WebhookSenderStats };
  /** The vendors with webhooks (a polled vendor has none). */
  deliveries: Partial<Record<SystemName, WebhookSenderStats>>;
  /** Each polled vendor: polls asked for (during the workload, with each reconciliation, at quiescence, in the loop check), and poll runs completed. */
  polls: Partial<Record<SystemName, PollCounts>>;
  /** Unseen edits (dropped webhooks, a polled vendor) overwritten before any read saw them: not lost updates, no observer could know them. */
  unobservable: Verdict['unobservable'];
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
    /** What the Twilio fake holds (every message), its inbound deliveries and API requests. */
    twilio: { messages: ReturnType<NonNullable<Pipeline['twilio']>['messages']>; deliveries: WebhookDeliveryRecord[]; requests: RecordedRequest[] };
    /** What reached the bus, in order: the observations behind each resolver log line. */
    bus: Array<Record<string, unknown>>;
    /** Each message a queue gave up on: its queue, why, and the event it carried (dump only). */
    deadLetters: Array<{ queue: string; reason: string; body: string }>;
    /** Every committed Shopify change (the drop phase's sightings are judged between them). */
    shopifyChanges: readonly ShopifyChange[];
    /** Every committed change of a polled vendor's records (its edits' sightings are judged between them). */
    polledChanges: Partial<Record<SystemName, readonly RecordChange[]>>;
  };
  writes: Record<SystemName, number>;
  capacity: CapacityReport;
  deadLetters: number;
  /** Every count that must be 0. */
  failures: Record<string, number>;
  replay: string;
}

export interface PollCounts {
  asked: number;
  duringWorkload: number;
  withReconciliation: number;
  atQuiescence: number;
  loopCheck: number;
  completed: number;
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
    // Klaviyo's Get Profiles lags its writes (the poll must live with it: its five-minute overlap); jobs apply later.
    klaviyo: { rateLimits: false, searchLagMs: KLAVIYO_SEARCH_LAG_MS, jobLagMs: KLAVIYO_JOB_LAG_MS },
    // Messages (SHOP_SMS, SHOP_WHATSAPP); its sids follow the seed.
    twilio: { idSeed: options.seed },
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
    klaviyo: klaviyoAdapter(p.klaviyo!, { privateKey: KLAVIYO_SECRET.privateKey, searchLagMs: KLAVIYO_SEARCH_LAG_MS }),
  };
  const senders = SYSTEMS.flatMap((system) => {
    const sender = vendors[system].sender;
    return sender ? [{ system, sender }] : [];
  });
  const polled = SYSTEMS.filter((system) => vendors[system].polled);
  const faults = Object.fromEntries(
    SYSTEMS.map((system) => [system, vendors[system].injectApiFaults({ seed: streamSeed(options.seed, `${system}-api`), rateLimited: rates.rateLimited, serverError: rates.serverError })]),
  ) as Record<SystemName, ReturnType<VendorAdapter['injectApiFaults']>>;
  for (const { system, sender } of senders) {
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

  // Twilio's inbound webhooks: duplicated and reordered as the others', never dropped (ChaosRates.messages); retried
  // as the registered URL's connection overrides ask (connectors/twilio/connection-overrides.ts: a 5xx too).
  const twilio = p.twilio!;
  twilio.webhooks.chaos = { seed: streamSeed(options.seed, 'twilio-webhooks'), duplicate: rates.duplicate, reorder: rates.reorder, drop: 0, delayMs: [0, 30], holdMs: [200, 1500] };

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
    messenger: { receive: (input) => twilio.receive(input), shopWhatsapp: SHOP_WHATSAPP },
    messageRandom: seededRandom(streamSeed(options.seed, 'messages')),
  });
  const messageRandom = seededRandom(streamSeed(options.seed, 'message-steps'));
  const messageShare = rates.dropWebhooks > 0 && !options.reconcile ? 0 : rates.messages;
  const orders = new OrderWorkload(seededRandom(streamSeed(options.seed, 'orders')), { shopify: p.shopify, square: p.square!, hubspot: p.hubspot }, (system) => workload.shopper(system));
  const orderRandom = seededRandom(streamSeed(options.seed, 'order-steps'));
  const orderShare = rates.dropWebhooks > 0 && !options.reconcile ? 0 : rates.orders;
  const genuine = () => senders.reduce((sent, { sender }) => sent + sender.stats.sent, 0);
  const delivered = () => genuine() + workload.forgedStatuses.length;

  // What moves: SaaS writes, webhooks sent, and events on the bus other than a poll's own (its request, its observations).
  const pollTraffic = (event: Record<string, unknown>) => {
    const type = event['detail-type'];
    if (type === 'BackfillRequested') return true;
    const correlationId = (event.detail as { correlationId?: unknown } | undefined)?.correlationId;
    return type === 'CustomerObserved' && typeof correlationId === 'string' && polled.some((system) => correlationId.startsWith(`backfill:${system}:`));
  };
  const activity = () =>
    SYSTEMS.reduce((total, system) => total + vendors[system].writes(), 0) + genuine() + twilio.webhooks.stats.sent + twilio.requests.length + p.runtime.bus.published.filter((event) => !pollTraffic(event)).length;
  const moves = activity;

  const receiverRandom = seededRandom(streamSeed(options.seed, 'receiver'));
  let receiverFaults = 0;
  let lastReport = 0;
  let reconciles = 0;
  let lastReconcile = Date.now();
  // A polled vendor's schedule, in workload steps: its poll runs beside the workload, as the deployed timer's does.
  const pollRandom = seededRandom(streamSeed(options.seed, 'polls'));
  const [pollMin, pollMax] = options.pollEverySteps ?? [4, 12];
  const nextPollGap = () => Math.round(between(pollRandom, [pollMin, pollMax]));
  const polls = Object.fromEntries(
    polled.map((system) => [system, { asked: 0, duringWorkload: 0, withReconciliation: 0, atQuiescence: 0, loopCheck: 0, completed: 0 } satisfies PollCounts]),
  ) as Partial<Record<SystemName, PollCounts>>;
  /** Counts a poll of each polled vendor; asks for it unless a reconciliation of every connector already did. */
  const poll = (phase: 'duringWorkload' | 'withReconciliation' | 'atQuiescence' | 'loopCheck') => {
    for (const system of polled) {
      if (phase !== 'withReconciliation') p.runtime.reconcileNow({ connector: system, entity: 'customers' });
      polls[system]!.asked += 1;
      polls[system]![phase] += 1;
    }
  };
  let stepsToPoll = nextPollGap();
  while (delivered() < options.deliveries) {
    await workload.step();
    if (orderRandom() < orderShare) orders.step();
    if (messageRandom() < messageShare) await workload.message();
    if (polled.length > 0 && --stepsToPoll <= 0) {
      poll('duringWorkload');
      stepsToPoll = nextPollGap();
    }
    if (options.reconcile && Date.now() - lastReconcile >= (options.reconcileEveryMs ?? 5_000)) {
      // Every connector, the polled one too (its poll is its reconciliation run).
      p.runtime.reconcileNow();
      reconciles += 1;
      poll('withReconciliation');
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
    poll('withReconciliation');
    settled = (await quiesce(p, options.settleTimeoutMs ?? 2 * REAL_RETRY_WINDOW_MS)) && settled;
  }
  // A polled vendor's last edits reach the hub only by a poll: poll once the index caught up with
  // the last writes, and again while a poll still moves something (its changes, written
  // elsewhere, echo back), as the schedule would. One that still moves after MAX_QUIET_POLLS is a loop.
  let pollsStillMoving = 0;
  if (polled.length > 0) {
    pollsStillMoving = 1;
    for (let round = 0; round < MAX_QUIET_POLLS; round++) {
      await sleep(KLAVIYO_SEARCH_LAG_MS + 200);
      const before = moves();
      poll('atQuiescence');
      settled = (await quiesce(p, options.settleTimeoutMs ?? 2 * REAL_RETRY_WINDOW_MS)) && settled;
      if (moves() === before) {
        pollsStillMoving = 0;
        break;
      }
    }
  }
  const settleMs = Date.now() - started - workloadMs;
  progress(`  quiet after ${(settleMs / 1000).toFixed(1)} s more (settled: ${settled})`);

  // Loops: nothing may be written, sent or published once everything is quiet, not even when the
  // schedule polls again (a poll's own requests and observations are not activity: what they cause is).
  const before = activity();
  if (polled.length > 0) poll('loopCheck');
  await sleep(options.quietMs);
  await quiesce(p, options.quietMs + 2 * KLAVIYO_SEARCH_LAG_MS);
  const writesAfterQuiescence = activity() - before;
  for (const system of polled) polls[system]!.completed = p.logs.filter((line) => pollCompleted(line, system)).length;

  const table = await p.table.items();
  const snapshot: Snapshot = {
    records: SYSTEMS.flatMap((system) => vendors[system].list()),
    customers: goldenCustomers(table),
  };
  const polledTrails = Object.fromEntries(polled.map((system) => [system, vendors[system].polled!.trail()]));
  const verdict = check(workload.truth, snapshot, vendors.shopify.trail?.(), polledTrails);
  const orderVerdict = checkOrders(orders.orders, workload.truth.people, { shopify: p.shopify, square: p.square!, hubspot: p.hubspot }, p.runtime.bus.published);
  const messageVerdict = checkMessages(workload.truth, snapshot, {
    table,
    communications: p.hubspot.admin.listCommunications().map((communication) => ({
      id: communication.id,
      key: typeof communication.properties.omnihub_message_key === 'string' ? communication.properties.omnihub_message_key : null,
      contactIds: communication.contactIds,
    })),
    events: p.klaviyo?.events().map((event) => ({ uniqueId: event.uniqueId, profileId: event.profileId })),
    smsConsent: {
      shopify: new Map(p.shopify.admin.listCustomers().map((customer) => [String(customer.id), customer.sms_marketing_consent?.state ?? null])),
      ...(p.klaviyo ? { klaviyo: new Map(p.klaviyo.profiles().map((profile) => [profile.id, profile.attributes.subscriptions?.sms?.marketing?.consent ?? null])) } : {}),
    },
  });
  const forgedAccepted = workload.forgedStatuses.filter((status) => status !== 401).length;
  // A genuine delivery the vendor gave up on (its retries exhausted, or a 4xx it does not retry) is a change the hub missed;
  // Twilio retries only as the URL's overrides allow: a message still failing after them is lost.
  const deliveriesAbandoned = senders.reduce((failed, { sender }) => failed + sender.stats.failed, 0) + twilio.webhooks.stats.failed;
  const failures = {
    ...verdict.counts,
    ...orderVerdict.counts,
    ...messageVerdict.counts,
    writesAfterQuiescence,
    forgedAccepted,
    deliveriesAbandoned,
    ...(settled ? {} : { didNotSettle: 1 }),
    // A poll at quiescence that still moved something after MAX_QUIET_POLLS rounds: a loop through the polled vendor.
    ...(pollsStillMoving > 0 ? { pollsStillMoving } : {}),
  };

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
    messages: { ...workload.counts.messages, findings: messageVerdict.findings, deliveries: { ...twilio.webhooks.stats } },
    deliveries: Object.fromEntries(senders.map(({ system, sender }) => [system, { ...sender.stats }])),
    polls,
    unobservable: verdict.unobservable,
    apiFaults: Object.fromEntries(
      SYSTEMS.map((system) => [system, { source: vendors[system].apiFaultSource(), rateLimited: faults[system].counts.rateLimited, serverError: faults[system].counts.serverError }]),
    ) as ChaosReport['apiFaults'],
    retrySchedule: Object.fromEntries(SYSTEMS.map((system) => [system, vendors[system].retryScheduleSource ?? 'none (polled)'])) as Record<SystemName, string>,
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
      webhooks: Object.fromEntries(SYSTEMS.map((system) => [system, vendors[system].sender?.deliveries ?? []])) as Record<SystemName, WebhookDeliveryRecord[]>,
      twilio: { messages: twilio.messages(), deliveries: twilio.webhooks.deliveries, requests: twilio.requests },
      bus: p.runtime.bus.published.map((event) => ({ type: event['detail-type'], time: event.time, detail: event.detail })),
      deadLetters: p.runtime.deadLetters().map(({ queue, reason, body }) => ({ queue, reason, body })),
      shopifyChanges: vendors.shopify.trail?.().changes ?? [],
      polledChanges: Object.fromEntries(polled.map((system) => [system, vendors[system].polled!.trail().changes])),
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
  const fakes = [p.shopify, p.hubspot, ...(p.square ? [p.square] : []), ...(p.twilio ? [p.twilio] : [])];
  const moved = () =>
    fakes.reduce((total, fake) => total + fake.requests.length + fake.webhooks.deliveries.length, 0) + (p.klaviyo?.requests.length ?? 0) + p.runtime.bus.published.length;
  let stableRounds = 0;
  while (Date.now() < deadline) {
    const before = moved();
    // The deadline's timer is cleared once idle: a pending one would keep the process alive for minutes.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    await Promise.race([Promise.all([...fakes.map((fake) => fake.webhooks.idle()), p.klaviyo?.idle(), p.twilio?.idle(), p.runtime.idle()]), timeout]);
    clearTimeout(timer);
    await sleep(250);
    stableRounds = before === moved() && p.runtime.queues.every((queue) => queue.depth === 0) ? stableRounds + 1 : 0;
    if (stableRounds >= 2) return true;
  }
  return false;
}

/** A log line of a completed poll run of that connector ('backfill: run completed'). */
function pollCompleted(line: string, system: SystemName): boolean {
  if (!line.includes('backfill: run completed')) return false;
  try {
    const entry = JSON.parse(line) as { connector?: unknown; entity?: unknown };
    return entry.connector === system && (entry.entity ?? 'customers') === 'customers';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The report as printed: counts that must be 0 first, then what the run cost. */
/** Every finding of a run: customers', orders' and messages'. */
export function reportFindings(report: ChaosReport): Array<{ check: string; detail: string }> {
  return [...report.verdict.findings, ...report.orders.findings, ...report.messages.findings];
}

/** One vendor's line of the deliveries table. */
function deliveryRow(name: string, d: WebhookSenderStats, schedule: string): string {
  return `  ${name.padEnd(8)} ${d.triggered} / ${d.sent} / ${d.duplicated} / ${d.reordered} / ${d.retried} / ${d.failed} / ${d.dropped}   retry schedule: ${schedule}`;
}

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
    `  by system (creates / edits): ${Object.entries(report.workload.bySystem).map(([system, made]) => `${system} ${made.creates} / ${made.edits}`).join(', ')}`,
    `  phone-only twins ${report.workload.twins}, merges ${report.workload.merges}, deletions ${report.workload.deletions}, refused by the vendor ${report.workload.refusedByVendor}`,
    ...(report.workload.skipped.merge ? ['  merges skipped: the HubSpot fake has no admin.mergeContacts yet'] : []),
    ...(report.workload.skipped.delete.length > 0 ? [`  deletions skipped in ${report.workload.skipped.delete.join(', ')}: the fake has no delete`] : []),
    `  forged deliveries ${report.forgedSent}, accepted ${report.forgedAccepted}`,
    `  orders: web ${report.orders.web}, Square pickup ${report.orders.squarePickups} (pickups ${report.orders.pickups}, moves ${report.orders.pickupMoves}), counter ${report.orders.counter} (no customer ${report.orders.anonymous}), nobody free to buy ${report.orders.noShopper}, refused ${report.orders.refused}; pickup moves announced again ${report.orders.repeatedMoves}`,
    `  messages (Twilio): ${report.messages.sent} sent (SMS ${report.messages.sms}, WhatsApp ${report.messages.whatsapp}, STOP ${report.messages.stops}); ${report.messages.texters} people texted before any record of theirs (first record made ${report.messages.firstRecordMade}, omnihub's completed ${report.messages.firstRecordCompleted}, failed ${report.messages.firstRecordFailed}); message steps with nobody to text ${report.messages.nobodyToText}`,
    'deliveries (triggered / sent / duplicated / reordered / retried / failed / dropped):',
    ...SYSTEMS.map((system) => {
      const d = report.deliveries[system];
      const polls = report.polls[system];
      if (!d) {
        return polls
          ? `  ${system.padEnd(8)} none: polled ${polls.asked} times (${polls.duringWorkload} during the workload, ${polls.withReconciliation} with reconciliations, ${polls.atQuiescence} at quiescence, ${polls.loopCheck} in the loop check), ${polls.completed} poll runs completed`
          : `  ${system.padEnd(8)} none`;
      }
      return deliveryRow(system, d, report.retrySchedule[system]);
    }),
    deliveryRow('twilio', report.messages.deliveries, "the URL's connection overrides (up to 3, at once, on a failed connect, a read timeout or a 5xx; never dropped)"),
    ...(Object.keys(report.unobservable).length > 0
      ? [
          `unseen edits nothing was left of to see (no observer could know them): ${Object.entries(report.unobservable)
            .map(([system, c]) => `${system} ${c.total} (overwritten by the person's next edit ${c.byPerson}, by a write of the hub's ${c.byHub}, by another change ${c.byUnknown}, never read ${c.neverRead})`)
            .join(', ')}`,
          ...report.verdict.unobservableByHub.slice(0, findingsShown).map((line) => `  ${line}`),
        ]
      : []),
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
  const findings = reportFindings(report);
  if (findings.length > 0) {
    lines.push('', `findings (${findings.length}, first ${Math.min(findingsShown, findings.length)}):`);
    for (const finding of findings.slice(0, findingsShown)) lines.push(`  [${finding.check}] ${finding.detail}`);
  }
  lines.push('', failed.length === 0 ? 'PASS' : `FAIL (${failed.map(([name]) => name).join(', ')}). Replay: ${report.replay}`);
  return lines.join('\n');
}
