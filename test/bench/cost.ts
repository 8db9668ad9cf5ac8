/**
 * What omnihub costs on AWS per 1 million synced updates, line by line, from what the bench
 * COUNTED (local/runtime.ts metering(), each LocalFunction's totals) and the list prices in
 * infra/aws-prices.ts. Pure functions (test/unit/bench/cost.test.ts) plus one bench section.
 *
 * What is counted, and how AWS bills it:
 *  - ingress: HTTP API requests in 512 KB increments; a function URL has no charge of its own;
 *  - Lambda: every invocation, and GB-seconds = each invocation's duration rounded up to 1 ms
 *    (measured here) x the memory the stack configures (infra/function-sizing.ts);
 *  - EventBridge: each 64 KB chunk of each PutEvents entry, sized as AWS sizes it;
 *  - SQS: SendMessage (EventBridge delivering to a queue), ReceiveMessage (per 10 messages the
 *    poller hands a function) and DeleteMessageBatch (per 10 it deletes), each by 64 KB chunk;
 *  - DynamoDB: units as billed (item sizes, transactions twice), strongly vs eventually consistent reads;
 *  - CloudWatch Logs: the bytes the functions wrote at or above the application log level,
 *    plus the platform's START/REPORT lines (about 300 bytes per invocation) unless the system
 *    log level is WARN;
 *    (and, with the HTTP API, its access log line of about 300 bytes per request);
 *  - X-Ray: a trace per traced invocation; none when tracing is off;
 *  - Secrets Manager: GetSecretValue calls as counted (the functions cache secrets for minutes).
 * Not per update, so not here: $0.40 per secret-month, alarms, idle queue polling by the
 * event source mappings, storage. Durations are this machine's; Lambda's CPU at small memory
 * sizes is slower, so CPU-bound time would grow there (most of ours is waiting on I/O).
 */
import { readFileSync } from 'node:fs';
import { awsPrices, type AwsPrices } from '../../infra/aws-prices';
import { loadConfig, systemLogLevelFor, type OmnihubConfig } from '../../infra/config';
import { functionMemoryMb, type FunctionRole } from '../../infra/function-sizing';
import type { Runtime, RuntimeMetering } from '../../local/runtime';
import type { Pipeline } from '../support/pipeline';

export type LogLevel = OmnihubConfig['logLevel'];
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';

/** The deployed settings that change the bill. */
export interface CostShape {
  name: string;
  ingress: OmnihubConfig['ingress'];
  tracing: OmnihubConfig['tracing'];
  logLevel: LogLevel;
  systemLogLevel: SystemLogLevel;
  memoryMb: Record<FunctionRole, number>;
}

/** What one function did during the measured updates. */
export interface FunctionCount {
  name: string;
  invocations: number;
  billedMs: number;
  readUnits: number;
  strongReadUnits: number;
  writeUnits: number;
  /** Bytes of log lines written, by JSON level (TEXT: a line that is not JSON). */
  logBytes: Record<string, number>;
}

export interface Counted extends RuntimeMetering {
  updates: number;
  functions: FunctionCount[];
}

export interface CostLine {
  item: string;
  /** Billed quantity per 1 million updates, in `unit`. */
  quantity: number;
  unit: string;
  usd: number;
}

/** Lambda's platform lines per invocation at system level INFO: START and REPORT (JSON format), about 300 bytes. */
export const PLATFORM_LOG_BYTES_PER_INVOCATION = 300;
/**
 * One HTTP API access log line (the JSON format of infra/constructs/webhook-api.ts with a
 * webhook's values: request id, epoch, route, statuses, latencies, user agent): about 300 bytes.
 */
export const HTTP_API_ACCESS_LOG_BYTES_PER_REQUEST = 300;
const MILLION = 1_000_000;
/** AWS bills data in GB of 2^30 bytes. */
const GB = 1024 ** 3;

const LEVEL_RANK: Record<string, number> = { TRACE: 0, DEBUG: 1, INFO: 2, TEXT: 2, WARN: 3, ERROR: 4, CRITICAL: 5, FATAL: 5 };

/** The memory role of a function as the local runtime names it (sync-<id> are all connector-sync, webhook-receiver-<id> all webhook-receiver). */
export function roleOf(functionName: string): FunctionRole {
  if (functionName === 'webhook-receiver' || functionName.startsWith('webhook-receiver-')) return 'webhook-receiver';
  if (functionName === 'identity-resolver') return functionName;
  if (functionName.startsWith('sync-')) return 'connector-sync';
  if (functionName.startsWith('orders-')) return 'order-sync';
  if (functionName.startsWith('backfill-')) return 'backfill';
  if (functionName.startsWith('notices-')) return 'notice-sender';
  throw new Error(`No memory size for function "${functionName}" in infra/function-sizing.ts`);
}

/** The shape cdk.json deploys: the parsed config plus the sizes in infra/function-sizing.ts. */
export function shapeOf(config: Pick<OmnihubConfig, 'ingress' | 'tracing' | 'logLevel'>, name = 'default'): CostShape {
  return {
    name,
    ingress: config.ingress,
    tracing: config.tracing,
    logLevel: config.logLevel,
    systemLogLevel: systemLogLevelFor(config.logLevel),
    memoryMb: { ...functionMemoryMb },
  };
}

/** The shape before issue 6 (0.1): HTTP API, X-Ray active everywhere, INFO logs and platform lines. */
export const shapeBeforeIssue6: CostShape = {
  name: 'before',
  ingress: 'httpApi',
  tracing: 'active',
  logLevel: 'INFO',
  systemLogLevel: 'INFO',
  memoryMb: { 'webhook-receiver': 512, 'identity-resolver': 256, 'connector-sync': 512, 'order-sync': 256, backfill: 256, 'notice-sender': 256 },
};

/** Bytes of application log lines Lambda keeps at `logLevel` (lines below it are dropped before ingestion). */
export function keptLogBytes(logBytes: Record<string, number>, logLevel: LogLevel): number {
  const floor = LEVEL_RANK[logLevel] ?? 0;
  return Object.entries(logBytes).reduce((sum, [level, bytes]) => sum + ((LEVEL_RANK[level] ?? LEVEL_RANK.INFO!) >= floor ? bytes : 0), 0);
}

/** Traces recorded: none when off; the receiver's invocations when sampled (the trace starts there); every invocation when active. */
export function tracesRecorded(counted: Pick<Counted, 'functions'>, tracing: CostShape['tracing']): number {
  if (tracing === 'off') return 0;
  const traced = tracing === 'sampled' ? counted.functions.filter((f) => roleOf(f.name) === 'webhook-receiver') : counted.functions;
  return traced.reduce((sum, f) => sum + f.invocations, 0);
}

/**
 * Cost per 1 million updates, line by line. Lambda's sampling (1 request a second plus 5 % of
 * the rest) is taken as "every trace": at a million updates a month (0.4 a second) it is.
 */
export function costPerMillion(counted: Counted, shape: CostShape, prices: AwsPrices = awsPrices): { lines: CostLine[]; total: number } {
  if (counted.updates <= 0) throw new Error('costPerMillion needs at least one counted update');
  const scale = MILLION / counted.updates;
  const line = (item: string, count: number, unit: string, usdPerUnit: number): CostLine => ({
    item,
    quantity: count * scale,
    unit,
    usd: count * scale * usdPerUnit,
  });
  const invocations = counted.functions.reduce((sum, f) => sum + f.invocations, 0);
  const sum = (pick: (f: FunctionCount) => number) => counted.functions.reduce((total, f) => total + pick(f), 0);
  const strongReads = sum((f) => f.strongReadUnits);
  const eventualReads = sum((f) => f.readUnits - f.strongReadUnits);
  const appLogBytes = sum((f) => keptLogBytes(f.logBytes, shape.logLevel));
  const platformLogBytes = shape.systemLogLevel === 'WARN' ? 0 : invocations * PLATFORM_LOG_BYTES_PER_INVOCATION;

  const lines: CostLine[] = [
    shape.ingress === 'httpApi'
      ? line('ingress: HTTP API requests', counted.ingress.httpApiBilledRequests, 'requests', prices.httpApiRequest.usd)
      : line('ingress: Lambda function URL requests', counted.ingress.requests, 'requests', prices.functionUrlRequest.usd),
    line('Lambda invocations', invocations, 'invocations', prices.lambdaRequest.usd),
    ...counted.functions.map((f) => {
      const memoryMb = shape.memoryMb[roleOf(f.name)];
      return line(`Lambda duration: ${f.name} at ${memoryMb} MB`, (f.billedMs / 1000) * (memoryMb / 1024), 'GB-s', prices.lambdaGbSecondArm.usd);
    }),
    line('EventBridge custom events (64 KB chunks)', counted.events.billedEvents, 'events', prices.eventBridgeCustomEvent.usd),
    line('SQS SendMessage (EventBridge to queue)', counted.sqs.send, 'requests', prices.sqsStandardRequest.usd),
    line('SQS ReceiveMessage (poller, 10 per call)', counted.sqs.receive, 'requests', prices.sqsStandardRequest.usd),
    line('SQS DeleteMessageBatch (10 per call)', counted.sqs.delete, 'requests', prices.sqsStandardRequest.usd),
    line('DynamoDB write units', sum((f) => f.writeUnits), 'WRU', prices.dynamoDbWriteRequestUnit.usd),
    line('DynamoDB read units, strongly consistent', strongReads, 'RRU', prices.dynamoDbReadRequestUnit.usd),
    line('DynamoDB read units, eventually consistent', eventualReads, 'RRU', prices.dynamoDbReadRequestUnit.usd),
    line(`CloudWatch Logs: application lines at ${shape.logLevel} and above`, appLogBytes / GB, 'GB', prices.cloudWatchLogsIngestedGb.usd),
    line(`CloudWatch Logs: platform START/REPORT lines (system ${shape.systemLogLevel})`, platformLogBytes / GB, 'GB', prices.cloudWatchLogsIngestedGb.usd),
    line(
      'CloudWatch Logs: HTTP API access log lines',
      shape.ingress === 'httpApi' ? (counted.ingress.requests * HTTP_API_ACCESS_LOG_BYTES_PER_REQUEST) / GB : 0,
      'GB',
      prices.cloudWatchLogsIngestedGb.usd,
    ),
    line(`X-Ray traces (tracing ${shape.tracing})`, tracesRecorded(counted, shape.tracing), 'traces', prices.xrayTraceRecorded.usd),
    line('Secrets Manager GetSecretValue', counted.secretsManagerCalls, 'calls', prices.secretsManagerApiCall.usd),
  ];
  return { lines, total: lines.reduce((total, l) => total + l.usd, 0) };
}

/** Counters now minus counters then: what the measured updates did. */
export function countedBetween(before: Omit<Counted, 'updates'>, after: Omit<Counted, 'updates'>, updates: number): Counted {
  const minus = <T extends Record<string, number>>(a: T, b: T): T =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)])) as T;
  return {
    updates,
    ingress: minus(after.ingress, before.ingress),
    events: minus(after.events, before.events),
    sqs: minus(after.sqs, before.sqs),
    secretsManagerCalls: after.secretsManagerCalls - before.secretsManagerCalls,
    functions: after.functions.map((f) => {
      const was = before.functions.find((b) => b.name === f.name);
      if (!was) return f;
      return {
        name: f.name,
        invocations: f.invocations - was.invocations,
        billedMs: f.billedMs - was.billedMs,
        readUnits: f.readUnits - was.readUnits,
        strongReadUnits: f.strongReadUnits - was.strongReadUnits,
        writeUnits: f.writeUnits - was.writeUnits,
        logBytes: minus(f.logBytes, was.logBytes),
      };
    }),
  };
}

/** The cost table, one row per line, one column per shape, dollars per 1 million updates. */
export function formatCostTable(counted: Counted, shapes: CostShape[]): string {
  const results = shapes.map((shape) => costPerMillion(counted, shape));
  const width = Math.max(...results.flatMap((r) => r.lines.map((l) => l.item.length)), 30) + 2;
  const money = (usd: number) => `$${usd.toFixed(usd < 0.01 && usd > 0 ? 4 : 2)}`.padStart(10);
  const header = `  ${'line (per 1 M synced updates)'.padEnd(width)}${shapes.map((s) => `${s.name.padStart(10)}`).join('')}   quantity (${shapes.at(-1)?.name})`;
  const rows: string[] = [header];
  const last = results.at(-1)!;
  // Items are named per shape (memory, levels): rows follow the last shape's items, by position.
  last.lines.forEach((l, i) => {
    const cells = results.map((r) => money(r.lines[i]?.usd ?? 0)).join('');
    rows.push(`  ${l.item.padEnd(width)}${cells}   ${formatQuantity(l.quantity)} ${l.unit}`);
  });
  rows.push(`  ${'total'.padEnd(width)}${results.map((r) => money(r.total)).join('')}`);
  return rows.join('\n');
}

function formatQuantity(q: number): string {
  if (q === 0) return '0';
  if (q < 10) return q.toFixed(3);
  return Math.round(q).toLocaleString('en-US');
}

/** A snapshot of everything the cost model reads, from a running pipeline. */
export function snapshot(runtime: Pick<Runtime, 'metering' | 'functions'>): Omit<Counted, 'updates'> {
  return {
    ...runtime.metering(),
    functions: [...runtime.functions].map(([name, fn]) => ({
      name,
      invocations: fn.totals.invocations,
      billedMs: fn.totals.billedMs,
      readUnits: fn.totals.readUnits,
      strongReadUnits: fn.totals.strongReadUnits,
      writeUnits: fn.totals.writeUnits,
      logBytes: { ...fn.totals.logBytes },
    })),
  };
}

/**
 * `npm run bench` section: `updates` Shopify edits one at a time (each settles, echo included,
 * before the next: a shop's real traffic, a million updates a month being 0.4 a second, so
 * SQS batches hold one message), counted and priced for the shape before issue 6 and for the
 * shape cdk.json deploys now.
 */
export async function printCostBench(p: Pipeline, ids: Array<{ shopifyId: string }>): Promise<void> {
  const config = loadConfig(cdkJsonOmnihubContext());
  const before = snapshot(p.runtime);
  const publishedBefore = p.runtime.bus.published.length;
  const queuesBefore = new Map(p.runtime.queues.map((q) => [q.name, { ...q.requests }]));
  const startedAt = Date.now();
  for (const [i, { shopifyId }] of ids.entries()) {
    p.shopify.admin.updateCustomer(shopifyId, { first_name: `Cost${i}` });
    await p.settle();
  }
  const counted = countedBetween(before, snapshot(p.runtime), ids.length);
  // An edit lands when HubSpot receives its write; the table is per edit made, landed or not.
  const landed = p.hubspot.requests.filter((r) => r.method === 'PATCH' && r.at >= startedAt).length;
  const deployed = shapeOf(config, 'now');
  console.log(
    `\nAWS cost per 1 million synced updates (us-east-1 list prices, infra/aws-prices.ts; ${ids.length} Shopify edits one at a time, echo included; ${landed} reached HubSpot)`,
  );
  console.log(
    `  before: HTTP API, X-Ray active, INFO logs + platform lines, memory ${describeMemory(shapeBeforeIssue6)}\n` +
      `  now:    ${deployed.ingress}, tracing ${deployed.tracing}, ${deployed.logLevel} logs (system ${deployed.systemLogLevel}), memory ${describeMemory(deployed)}`,
  );
  console.log(formatCostTable(counted, [shapeBeforeIssue6, deployed]));
  const per = (n: number) => (n / counted.updates).toFixed(2);
  console.log('  per update, by function: invocations, billed ms, read units (strong), write units, log bytes kept at INFO / now');
  for (const f of counted.functions) {
    console.log(
      `    ${f.name.padEnd(18)} ${per(f.invocations).padStart(6)} ${per(f.billedMs).padStart(8)} ms ${per(f.readUnits).padStart(6)} (${per(f.strongReadUnits)}) ${per(f.writeUnits).padStart(6)} ` +
        `${per(keptLogBytes(f.logBytes, 'INFO')).padStart(8)} / ${per(keptLogBytes(f.logBytes, deployed.logLevel))} B`,
    );
  }
  console.log(
    `    EventBridge ${per(counted.events.entries)} entries (${per(counted.events.entryBytes)} B), SQS ${per(counted.sqs.send)} send / ${per(counted.sqs.receive)} receive / ${per(counted.sqs.delete)} delete, ` +
      `${per(counted.ingress.requests)} webhooks, ${counted.secretsManagerCalls} Secrets Manager calls`,
  );
  const byType = new Map<string, number>();
  for (const event of p.runtime.bus.published.slice(publishedBefore)) {
    const type = String(event['detail-type']);
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  console.log(`    bus events per update: ${[...byType].map(([type, n]) => `${type} ${per(n)}`).join(', ')}`);
  const queueLines = p.runtime.queues.map((q) => {
    const was = queuesBefore.get(q.name) ?? { send: 0, receive: 0, delete: 0 };
    return `${q.name} ${per(q.requests.send - was.send + q.requests.receive - was.receive + q.requests.delete - was.delete)}`;
  });
  console.log(`    SQS requests per update by queue: ${queueLines.join(', ')}`);
}

function describeMemory(shape: CostShape): string {
  return Object.entries(shape.memoryMb)
    .map(([role, mb]) => `${role} ${mb}`)
    .join(' / ');
}

/**
 * The cost part of a bench of one kind of item (orders, messages), each made one at a time:
 * the cost table per million items, then per item what each function cost and the bus events it took.
 */
export function printCostPerItem(counted: Counted, published: Pipeline['runtime']['bus']['published'], item: { one: string; many: string }): void {
  const deployed = shapeOf(loadConfig(cdkJsonOmnihubContext()), 'now');
  console.log(`\nAWS cost per 1 million ${item.many} (the same model and prices; ${counted.updates} ${item.many} one at a time; rows read "per 1 M ${item.many}")`);
  console.log(formatCostTable(counted, [deployed]));
  const per = (n: number) => (n / counted.updates).toFixed(2);
  const used = counted.functions.filter((fn) => fn.invocations > 0);
  const width = Math.max(18, ...used.map((f) => f.name.length));
  console.log(`  per ${item.one}, by function: invocations, billed ms, read units, write units`);
  for (const f of used) {
    console.log(`    ${f.name.padEnd(width)} ${per(f.invocations).padStart(6)} ${per(f.billedMs).padStart(8)} ms ${per(f.readUnits).padStart(6)} ${per(f.writeUnits).padStart(6)}`);
  }
  const byType = new Map<string, number>();
  for (const event of published) byType.set(String(event['detail-type']), (byType.get(String(event['detail-type'])) ?? 0) + 1);
  console.log(`    bus events per ${item.one}: ${[...byType].map(([type, n]) => `${type} ${per(n)}`).join(', ')}`);
}

export function cdkJsonOmnihubContext(): unknown {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: { omnihub?: unknown } };
  return cdkJson.context?.omnihub;
}
