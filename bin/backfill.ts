import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConnector } from '../connectors';
import { loadOrdersConnector } from '../connectors/orders';
import { writableFieldsWith, type Connector } from '../connectors/connector';
import { BackfillBusyError, runBackfill, type BackfillPorts } from '../core/backfill/backfill';
import { backfillCorrelationId, InMemoryCheckpointStore, type Checkpoint, type CheckpointStore } from '../core/backfill/checkpoint';
import { DryRun, type DryRunSummary } from '../core/backfill/dry-run';
import type { BackfillEntity, RecordSource } from '../core/backfill/record-source';
import type { LogSink } from '../core/log';
import type { CountryCode } from '../core/model/normalize';
import type { Observation } from '../core/model/observation';
import type { Order } from '../core/model/order';
import { TimestampSchema } from '../core/model/system';
import * as z from '../core/schema';
import { DynamoDbCheckpointStore } from '../functions/lib/adapters/checkpoint-store';
import { EventPublisher, type OutgoingEvent } from '../functions/lib/adapters/event-publisher';
import { DynamoDbIdentityStore } from '../functions/lib/adapters/dynamodb-identity-store';

/**
 * npx omnihub backfill <connector|all> [--orders] [--since DATE] [--full] [--dry-run] [--remote] [--json]
 *
 * Reads every customer of a system into the hub (core/backfill), or with --orders every order
 * placed in it (Shopify, Square), so the stats and KPIs start from the shop's history: on this
 * machine by default,
 * each page handed to the hub's resolver through its bus exactly as webhooks are, with the
 * checkpoint in its table (Ctrl-C stops after the page in hand; the same command resumes).
 * --remote hands the run to the stack's backfill function instead and watches its checkpoint.
 * --dry-run reads and prints what would be linked, created and updated, and writes nothing.
 */

export interface BackfillConnector {
  id: string;
  connector: Connector;
  /** The connector's cdk.json settings (with the sandbox's, locally). */
  settings: Record<string, unknown>;
  baseUrl?: string;
}

/** Where the hub is (local or deployed) and how to reach each system's API. */
export interface BackfillTarget {
  db: DynamoDBDocumentClient;
  tableName: string;
  events: EventBridgeClient;
  busName: string;
  secrets: SecretsManagerClient;
  defaultCountry: CountryCode;
  connectors: BackfillConnector[];
}

export interface BackfillOptions {
  which: string;
  /** Read the orders placed in the system instead of its customers. */
  orders?: boolean;
  since?: string;
  full: boolean;
  dryRun: boolean;
  remote: boolean;
  json: boolean;
  /** How long the written counts must stay still before the summary (the pipeline is done). */
  settleMs?: number;
}

export interface BackfillIo {
  out(text: string): void;
  /** The progress line (rewritten in place on a terminal). */
  progress?(text: string): void;
  /** Set by Ctrl-C: stop after the page in hand. */
  stopped(): boolean;
}

interface RunReport {
  connector: string;
  entity: BackfillEntity;
  runId: string;
  resumed: boolean;
  completed: boolean;
  since?: string;
  pages: number;
  read: number;
  observed: number;
  /** Records read that could not be used (the warnings name them by id). */
  skipped: number;
  written: Record<string, number>;
  seconds: number;
  rate: { unit: string; perSecond: number; ceilingPerSecond: number; share: number } | undefined;
}

export async function backfillCommand(options: BackfillOptions, target: BackfillTarget, io: BackfillIo): Promise<number> {
  const entity: BackfillEntity = options.orders ? 'orders' : 'customers';
  const named = options.which === 'all' ? target.connectors : target.connectors.filter((c) => c.id === options.which);
  if (named.length === 0) {
    io.out(`No enabled connector "${options.which}" (enabled: ${target.connectors.map((c) => c.id).join(', ') || 'none'}); use one of them or "all"`);
    return 2;
  }
  // Orders are read where they are placed; a system holding copies of them has none of its own.
  const selected = entity === 'orders' ? named.filter((c) => c.connector.manifest.orders?.observe) : named;
  if (selected.length === 0) {
    const origins = target.connectors.filter((c) => c.connector.manifest.orders?.observe).map((c) => c.id);
    io.out(`${options.which} has no orders of its own to read (it holds copies of orders placed elsewhere); --orders reads ${origins.join(', ') || 'no enabled connector'}`);
    return 2;
  }
  if (options.since !== undefined && !z.safeParse(TimestampSchema, options.since).success) {
    io.out(`--since "${options.since}" is not an ISO 8601 time with an offset, e.g. 2025-01-31T00:00:00Z`);
    return 2;
  }
  if (options.dryRun && entity === 'orders') {
    io.out('--dry-run plans how customers would be linked; orders are never merged (docs/identity.md §9), so an order backfill has nothing to plan: run it without --dry-run');
    return 2;
  }
  const checkpoints = new DynamoDbCheckpointStore(target.db, target.tableName);
  if (options.dryRun) return dryRun(options, target, selected, checkpoints, io);
  if (options.remote) return remote(options, entity, target, selected, checkpoints, io);

  const reports: RunReport[] = [];
  for (const entry of selected) {
    let last: Checkpoint | undefined;
    try {
      const request = { connector: entry.id, entity, mode: 'backfill' as const, since: options.since, full: options.full };
      const run = { onPage: (checkpoint: Checkpoint) => io.progress?.(progressLine((last = checkpoint))), stop: io.stopped };
      const { checkpoint, resumed } =
        entity === 'orders'
          ? await runBackfill<Order>({ source: await orderReaderFor(entry, target, quietLog(io)), checkpoints, observe: (orders, c) => publishOrders(target, orders, c) }, request, run)
          : await runBackfill({ source: await readerFor(entry, target, quietLog(io)), checkpoints, observe: (observations, c) => publishObserved(target, observations, c) }, request, run);
      last = checkpoint;
      const settled = checkpoint.completedAt ? await settleWrites(checkpoints, entry.id, entity, options.settleMs ?? 3000, io) : checkpoint;
      reports.push(report(settled, resumed));
    } catch (error) {
      if (error instanceof BackfillBusyError) {
        io.out(error.message);
        return 1;
      }
      if (last) io.out(`${entry.id}: stopped at page ${last.pages} (${last.read} records read); run the same command again to resume`);
      throw error;
    }
    if (io.stopped()) break;
  }
  printReports(reports, options, io);
  return reports.every((r) => r.completed) ? 0 : 130;
}

/** Reads with the identity rules over a copy of the map in memory: nothing is written anywhere. */
async function dryRun(options: BackfillOptions, target: BackfillTarget, selected: BackfillConnector[], checkpoints: CheckpointStore, io: BackfillIo): Promise<number> {
  const planner = new DryRun(
    new DynamoDbIdentityStore(target.db, target.tableName),
    target.connectors.map(({ connector, settings }) => ({ id: connector.manifest.id, writableFields: writableFieldsWith(connector.manifest, settings), addressParts: connector.manifest.addressParts })),
  );
  for (const entry of selected) {
    // From the last completed run's watermark, as a real run would; an unfinished run is planned whole.
    const stored = await checkpoints.get(entry.id);
    const seed = stored?.watermark ? [{ ...stored, completedAt: stored.completedAt ?? stored.updatedAt }] : [];
    const ports: BackfillPorts = { source: await readerFor(entry, target, quietLog(io)), checkpoints: new InMemoryCheckpointStore(seed), observe: (observations) => planner.observe(observations) };
    await runBackfill(ports, { connector: entry.id, mode: 'backfill', since: options.since, full: options.full }, { onPage: (c) => io.progress?.(progressLine(c)), stop: io.stopped });
  }
  const summary = await planner.result();
  io.out(options.json ? JSON.stringify({ dryRun: true, ...summary }, null, 2) : formatDryRun(summary));
  return 0;
}

/** Hands the run to the stack's backfill function (BackfillRequested on its bus) and watches the checkpoint. */
async function remote(options: BackfillOptions, entity: BackfillEntity, target: BackfillTarget, selected: BackfillConnector[], checkpoints: CheckpointStore, io: BackfillIo): Promise<number> {
  const reports: RunReport[] = [];
  for (const entry of selected) {
    const before = await checkpoints.get(entry.id, entity);
    await putEvents(target, [
      {
        type: 'BackfillRequested',
        detail: { schemaVersion: 1, correlationId: `cli:${entry.id}`, connector: entry.id, entity, mode: 'backfill', ...(options.since ? { since: options.since } : {}), ...(options.full ? { full: true } : {}) },
      },
    ]);
    io.out(`${entry.id}: ${entity === 'orders' ? 'order ' : ''}backfill requested; it runs in the stack whatever happens here (Ctrl-C stops watching only)`);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const current = await checkpoints.get(entry.id, entity);
      if (io.stopped()) return 130;
      // Not picked up yet: the checkpoint is the one from before the request.
      if (!current || current.revision === before?.revision) continue;
      io.progress?.(progressLine(current));
      if (current.completedAt) {
        reports.push(report(await settleWrites(checkpoints, entry.id, entity, options.settleMs ?? 3000, io), false));
        break;
      }
    }
  }
  printReports(reports, options, io);
  return 0;
}

/** The counts sync adds to the run settle once the pipeline has done the run's work. */
async function settleWrites(checkpoints: CheckpointStore, connector: string, entity: BackfillEntity, settleMs: number, io: BackfillIo): Promise<Checkpoint> {
  let current = (await checkpoints.get(connector, entity))!;
  let stillSince = Date.now();
  const deadline = Date.now() + 120_000;
  while (Date.now() - stillSince < settleMs && Date.now() < deadline && !io.stopped()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, settleMs)));
    const next = (await checkpoints.get(connector, entity))!;
    if (JSON.stringify(next.written) !== JSON.stringify(current.written)) {
      stillSince = Date.now();
      io.progress?.(progressLine(next));
    }
    current = next;
  }
  return current;
}

async function readerFor(entry: BackfillConnector, target: BackfillTarget, log: LogSink): Promise<RecordSource> {
  return entry.connector.createReader(await clientOptionsFor(entry, target, log));
}

/** The order side's reader of the connector (orders placed in it), with the customer side's secret and settings. */
async function orderReaderFor(entry: BackfillConnector, target: BackfillTarget, log: LogSink): Promise<RecordSource<Order>> {
  const reader = await (await loadOrdersConnector(entry.id))?.loadReader?.();
  if (!reader) throw new Error(`${entry.id} has no order reader`);
  return reader(await clientOptionsFor(entry, target, log));
}

/** What a reader is built with: the connector's secret (`omnihub/<id>`) and cdk.json settings, each checked against its manifest. */
async function clientOptionsFor(entry: BackfillConnector, target: BackfillTarget, log: LogSink) {
  const { manifest } = entry.connector;
  const { SecretString } = await target.secrets.send(new GetSecretValueCommand({ SecretId: `omnihub/${entry.id}` }));
  const secret = z.parse(manifest.secretSchema, JSON.parse(SecretString ?? '{}'));
  const config = z.parse(manifest.configSchema, entry.settings);
  return { config, secret, mapping: { defaultCountry: target.defaultCountry }, baseUrl: entry.baseUrl, log };
}

async function publishOrders(target: BackfillTarget, orders: Order[], checkpoint: Checkpoint): Promise<void> {
  const correlationId = backfillCorrelationId(checkpoint.connector, checkpoint.runId, 'orders');
  await putEvents(target, orders.map((order) => ({ type: 'OrderObserved' as const, detail: { schemaVersion: 1, correlationId, order } })));
}

async function publishObserved(target: BackfillTarget, observations: Observation[], checkpoint: Checkpoint): Promise<void> {
  const correlationId = backfillCorrelationId(checkpoint.connector, checkpoint.runId);
  await putEvents(target, observations.map((observation) => ({ type: 'CustomerObserved' as const, detail: { schemaVersion: 1, correlationId, observation } })));
}

/** PutEvents through the functions' publisher (10 entries a call, validated on the way out). */
async function putEvents(target: BackfillTarget, events: OutgoingEvent[]): Promise<void> {
  try {
    await new EventPublisher(target.busName, target.events).publish(events);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; run the command again to resume`);
  }
}

function report(checkpoint: Checkpoint, resumed: boolean): RunReport {
  const seconds = checkpoint.readMs / 1000;
  const perSecond = seconds > 0 ? checkpoint.spent / seconds : 0;
  return {
    connector: checkpoint.connector,
    entity: checkpoint.entity,
    runId: checkpoint.runId,
    resumed,
    completed: Boolean(checkpoint.completedAt),
    ...(checkpoint.since ? { since: checkpoint.since } : {}),
    pages: checkpoint.pages,
    read: checkpoint.read,
    observed: checkpoint.observed,
    skipped: checkpoint.skipped,
    written: checkpoint.written,
    seconds,
    rate: checkpoint.ceiling ? { unit: checkpoint.ceiling.unit, perSecond, ceilingPerSecond: checkpoint.ceiling.perSecond, share: perSecond / checkpoint.ceiling.perSecond } : undefined,
  };
}

/** `shopify  [#########-----------]  45%  4,482/10,000 read · written hubspot 3,901 · 98 of 100 points/s · ETA 1m05s` */
export function progressLine(checkpoint: Checkpoint): string {
  const seconds = checkpoint.readMs / 1000;
  const expected = checkpoint.completedAt ? checkpoint.read : checkpoint.expected;
  const share = expected ? Math.min(1, checkpoint.read / Math.max(1, expected)) : undefined;
  const width = 20;
  const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '-')}] ${String(Math.round(share * 100)).padStart(3)}%  `;
  const written = Object.entries(checkpoint.written).map(([system, n]) => `${system} ${n.toLocaleString('en-US')}`).join(', ');
  const rate = checkpoint.ceiling && seconds > 0 ? `${Math.round(checkpoint.spent / seconds)} of ${checkpoint.ceiling.perSecond} ${checkpoint.ceiling.unit}/s` : '';
  const perRecord = seconds > 0 && checkpoint.read > 0 ? seconds / checkpoint.read : undefined;
  const eta = !checkpoint.completedAt && expected && perRecord ? `ETA ${duration(Math.max(0, expected - checkpoint.read) * perRecord)}` : checkpoint.completedAt ? 'done' : '';
  const label = checkpoint.entity === 'orders' ? `${checkpoint.connector} orders` : checkpoint.connector;
  return [
    `${label.padEnd(8)} ${bar}${checkpoint.read.toLocaleString('en-US')}${expected ? `/${expected.toLocaleString('en-US')}` : ''} read`,
    checkpoint.skipped > 0 ? `${checkpoint.skipped.toLocaleString('en-US')} left out (see the warnings)` : '',
    written ? `written ${written}` : '',
    rate,
    eta,
  ]
    .filter(Boolean)
    .join(' · ');
}

function printReports(reports: RunReport[], options: BackfillOptions, io: BackfillIo): void {
  if (options.json) {
    io.out(JSON.stringify({ runs: reports }, null, 2));
    return;
  }
  for (const r of reports) {
    // Under a second of reading says nothing of the rate (a page or two, mostly latency).
    const rate = r.rate && r.seconds >= 1 ? `, ${Math.round(r.rate.perSecond)} ${r.rate.unit}/s = ${Math.round(r.rate.share * 100)} % of the vendor's ${r.rate.ceilingPerSecond}/s` : '';
    const written = Object.entries(r.written).map(([system, n]) => `${system} ${n}`).join(', ') || 'nothing';
    const what = r.entity === 'orders' ? 'orders' : 'records';
    const skipped = r.skipped > 0 ? ` (${r.skipped} could not be used: see the warnings)` : '';
    io.out(
      `${r.connector}${r.entity === 'orders' ? ' orders' : ''}: ${r.completed ? 'done' : 'stopped (run the same command again to resume)'}${r.resumed ? ' (resumed)' : ''}${r.since ? ` since ${r.since}` : ''}: ` +
        `${r.read} ${what} read${skipped} in ${r.pages} ${r.pages === 1 ? 'page' : 'pages'}, ${r.seconds.toFixed(1)} s${rate}; written by sync: ${written}`,
    );
  }
}

function formatDryRun(summary: DryRunSummary): string {
  const lines = ['Dry run: nothing was written.'];
  for (const [system, c] of Object.entries(summary.read)) {
    lines.push(`  ${system}: ${c.records} records read: ${c.link} would be linked to an existing customer, ${c.create} would be new customers, ${c.update} would update a customer, ${c.unchanged} unchanged`);
  }
  for (const [system, w] of Object.entries(summary.writes)) lines.push(`  ${system}: would create ${w.create} records and update ${w.update}`);
  if (summary.duplicates > 0) lines.push(`  ${summary.duplicates} possible duplicates would be recorded (npx omnihub duplicates), never merged`);
  lines.push('  (A create in a system this run did not read turns into a link when that system already holds the person.)');
  return lines.join('\n');
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The readers' warnings (ids and field names, never values) go below the progress line. */
function quietLog(io: BackfillIo): LogSink {
  const noop = () => {};
  return { debug: noop, info: noop, warn: (message, attrs) => io.out(`warning: ${message} ${JSON.stringify(attrs ?? {})}`), error: (message, attrs) => io.out(`error: ${message} ${JSON.stringify(attrs ?? {})}`) };
}

/** The hub's clients: DynamoDB (the checkpoint, the identity map), EventBridge (the bus), Secrets Manager (the API secrets). */
export async function connectTarget(args: {
  dynamodbEndpoint?: string;
  eventsEndpoint?: string;
  region?: string;
  tableName: string;
  busName: string;
  defaultCountry: CountryCode;
  connectors: Array<{ id: string; settings: Record<string, unknown>; baseUrl?: string }>;
}): Promise<BackfillTarget> {
  const local = args.dynamodbEndpoint !== undefined;
  const credentials = local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
  const region = local ? 'us-east-1' : args.region;
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials, endpoint: args.dynamodbEndpoint }), { marshallOptions: { removeUndefinedValues: true } });
  const connectors: BackfillConnector[] = [];
  for (const c of args.connectors) {
    const connector = await loadConnector(c.id);
    if (connector) connectors.push({ id: c.id, connector, settings: c.settings, ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}) });
  }
  return {
    db,
    tableName: args.tableName,
    events: new EventBridgeClient({ region, credentials, endpoint: args.eventsEndpoint }),
    busName: args.busName,
    secrets: new SecretsManagerClient({ region, credentials, endpoint: args.eventsEndpoint }),
    defaultCountry: args.defaultCountry,
    connectors,
  };
}

/**
 * The target as the other commands find it: the local hub (`npm start`, its state file names the
 * sandboxes) or, with --table, a deployed stack with cdk.json's connector settings and the API
 * secrets `omnihub/<id>` in Secrets Manager.
 */
export async function cliTarget(
  values: { table?: string; bus?: string; region?: string; country?: string },
  local: { dynamodbEndpoint: string; tableName: string; eventsEndpoint: string; connectors?: Record<string, { settings: Record<string, unknown>; baseUrl?: string }> } | undefined,
  deployed: () => Promise<Array<{ id: string; settings: Record<string, unknown> }>>,
): Promise<BackfillTarget> {
  const defaultCountry = (values.country ?? 'US') as CountryCode;
  if (values.table) {
    return connectTarget({ region: values.region, tableName: values.table, busName: values.bus ?? 'omnihub', defaultCountry, connectors: await deployed() });
  }
  if (!local) throw new Error('No local hub is running (start one with `npm start`), and no --table was given for a deployed one.');
  return connectTarget({
    dynamodbEndpoint: local.dynamodbEndpoint,
    eventsEndpoint: local.eventsEndpoint,
    tableName: local.tableName,
    busName: 'omnihub',
    defaultCountry,
    connectors: Object.entries(local.connectors ?? {}).map(([id, c]) => ({ id, settings: c.settings, ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}) })),
  });
}
