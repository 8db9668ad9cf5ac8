import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { awsPrices } from '../../../infra/aws-prices';
import { loadConfig } from '../../../infra/config';
import {
  costPerMillion,
  countedBetween,
  HTTP_API_ACCESS_LOG_BYTES_PER_REQUEST,
  keptLogBytes,
  PLATFORM_LOG_BYTES_PER_INVOCATION,
  roleOf,
  shapeBeforeIssue6,
  shapeOf,
  type CostShape,
  type Counted,
  type FunctionCount,
} from '../../../test/bench/cost';

const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as { context: { omnihub: unknown } };

const fn = (name: string, patch: Partial<FunctionCount> = {}): FunctionCount => ({
  name,
  invocations: 0,
  billedMs: 0,
  readUnits: 0,
  strongReadUnits: 0,
  writeUnits: 0,
  logBytes: {},
  ...patch,
});

/** Two updates: what a run counted, made up to make each line's arithmetic visible. */
const counted: Counted = {
  updates: 2,
  ingress: { requests: 4, httpApiBilledRequests: 4 },
  events: { entries: 6, entryBytes: 6000, billedEvents: 6 },
  sqs: { send: 8, receive: 8, delete: 8 },
  secretsManagerCalls: 2,
  functions: [
    // One receiver per connector (webhook-receiver-<id>): counted together under webhook-receiver.
    fn('webhook-receiver-shopify', { invocations: 3, billedMs: 75, writeUnits: 3, strongReadUnits: 1, readUnits: 1, logBytes: { INFO: 1500, WARN: 100 } }),
    fn('webhook-receiver-hubspot', { invocations: 1, billedMs: 25, writeUnits: 1, strongReadUnits: 1, readUnits: 1, logBytes: { INFO: 500 } }),
    fn('identity-resolver', { invocations: 4, billedMs: 400, writeUnits: 10, strongReadUnits: 8, readUnits: 9, logBytes: { INFO: 4000, ERROR: 50 } }),
    fn('sync-hubspot', { invocations: 2, billedMs: 200, writeUnits: 6, logBytes: { DEBUG: 999, INFO: 500 } }),
  ],
};
const shape: CostShape = {
  name: 'test',
  ingress: 'httpApi',
  tracing: 'active',
  logLevel: 'INFO',
  systemLogLevel: 'INFO',
  memoryMb: { 'webhook-receiver': 1024, 'identity-resolver': 512, 'connector-sync': 256, 'order-sync': 256, backfill: 256, 'notice-sender': 256 },
};
const usdOf = (lines: Array<{ item: string; usd: number }>, prefix: string) => lines.filter((l) => l.item.startsWith(prefix)).reduce((s, l) => s + l.usd, 0);

describe('cost per 1 million updates', () => {
  it('prices each counted line per million updates at the list prices', () => {
    // Act
    const { lines, total } = costPerMillion(counted, shape);

    // Assess: 2 updates → everything × 500,000
    const k = 500_000;
    expect(usdOf(lines, 'ingress: HTTP API')).toBeCloseTo(4 * k * awsPrices.httpApiRequest.usd);
    expect(usdOf(lines, 'Lambda invocations')).toBeCloseTo(10 * k * awsPrices.lambdaRequest.usd);
    // GB-s: 0.1 s × 1 GB + 0.4 s × 0.5 GB + 0.2 s × 0.25 GB = 0.35 GB-s
    expect(usdOf(lines, 'Lambda duration')).toBeCloseTo(0.35 * k * awsPrices.lambdaGbSecondArm.usd);
    expect(usdOf(lines, 'EventBridge')).toBeCloseTo(6 * k * awsPrices.eventBridgeCustomEvent.usd);
    expect(usdOf(lines, 'SQS')).toBeCloseTo(24 * k * awsPrices.sqsStandardRequest.usd);
    expect(usdOf(lines, 'DynamoDB write')).toBeCloseTo(20 * k * awsPrices.dynamoDbWriteRequestUnit.usd);
    expect(usdOf(lines, 'DynamoDB read units, strongly')).toBeCloseTo(10 * k * awsPrices.dynamoDbReadRequestUnit.usd);
    expect(usdOf(lines, 'DynamoDB read units, eventually')).toBeCloseTo(1 * k * awsPrices.dynamoDbReadRequestUnit.usd);
    // INFO and above, not DEBUG: 2100 + 4050 + 500 bytes; platform lines: 10 invocations × 300 bytes
    expect(usdOf(lines, 'CloudWatch Logs: application')).toBeCloseTo(((6650 * k) / 1024 ** 3) * awsPrices.cloudWatchLogsIngestedGb.usd);
    expect(usdOf(lines, 'CloudWatch Logs: platform')).toBeCloseTo(((10 * PLATFORM_LOG_BYTES_PER_INVOCATION * k) / 1024 ** 3) * awsPrices.cloudWatchLogsIngestedGb.usd);
    expect(usdOf(lines, 'CloudWatch Logs: HTTP API access')).toBeCloseTo(((4 * HTTP_API_ACCESS_LOG_BYTES_PER_REQUEST * k) / 1024 ** 3) * awsPrices.cloudWatchLogsIngestedGb.usd);
    expect(usdOf(lines, 'X-Ray')).toBeCloseTo(10 * k * awsPrices.xrayTraceRecorded.usd);
    expect(usdOf(lines, 'Secrets Manager')).toBeCloseTo(2 * k * awsPrices.secretsManagerApiCall.usd);
    expect(total).toBeCloseTo(lines.reduce((s, l) => s + l.usd, 0));
  });

  it('charges nothing for a function URL, for traces when tracing is off, or for platform lines at system level WARN', () => {
    // Act
    const { lines } = costPerMillion(counted, { ...shape, ingress: 'functionUrl', tracing: 'off', logLevel: 'WARN', systemLogLevel: 'WARN' });

    // Assess
    expect(usdOf(lines, 'ingress')).toBe(0);
    expect(usdOf(lines, 'CloudWatch Logs: HTTP API access')).toBe(0);
    expect(lines.find((l) => l.item.startsWith('ingress'))?.quantity).toBe(2_000_000);
    expect(usdOf(lines, 'X-Ray')).toBe(0);
    expect(usdOf(lines, 'CloudWatch Logs: platform')).toBe(0);
    // WARN and above only: 100 + 50 bytes
    expect(usdOf(lines, 'CloudWatch Logs: application')).toBeCloseTo(((150 * 500_000) / 1024 ** 3) * awsPrices.cloudWatchLogsIngestedGb.usd);
  });

  it('counts traces of the receiver\'s invocations only when tracing is sampled', () => {
    // Act
    const { lines } = costPerMillion(counted, { ...shape, tracing: 'sampled' });

    // Assess
    expect(lines.find((l) => l.item.startsWith('X-Ray'))?.quantity).toBe(4 * 500_000);
  });

  it('keeps the log lines at or above a level, plain-text lines counting as INFO', () => {
    const bytes = { DEBUG: 1, INFO: 10, TEXT: 100, WARN: 1000, ERROR: 10_000 };
    expect([keptLogBytes(bytes, 'DEBUG'), keptLogBytes(bytes, 'INFO'), keptLogBytes(bytes, 'WARN'), keptLogBytes(bytes, 'ERROR')]).toEqual([11_111, 11_110, 11_000, 10_000]);
  });

  it('prices the shape cdk.json deploys with the memory sizes the stack sets, and the 0.1 shape at its own', () => {
    // Act
    const deployed = shapeOf(loadConfig(cdkJson.context.omnihub));

    // Assess
    expect(deployed).toMatchObject({ ingress: 'functionUrl', tracing: 'off', logLevel: 'WARN', systemLogLevel: 'WARN', memoryMb: { 'webhook-receiver': 512, 'identity-resolver': 256, 'connector-sync': 384 } });
    expect(shapeBeforeIssue6).toMatchObject({ ingress: 'httpApi', tracing: 'active', logLevel: 'INFO', systemLogLevel: 'INFO' });
    expect(costPerMillion(counted, deployed).total).toBeLessThan(costPerMillion(counted, shapeBeforeIssue6).total);
  });

  it('names every local function\'s memory role, and refuses one it does not know', () => {
    expect(['webhook-receiver-shopify', 'webhook-receiver-hubspot', 'identity-resolver', 'sync-shopify', 'sync-hubspot'].map(roleOf)).toEqual(['webhook-receiver', 'webhook-receiver', 'identity-resolver', 'connector-sync', 'connector-sync']);
    expect(['orders-hubspot', 'backfill-square-orders', 'notices-twilio'].map(roleOf)).toEqual(['order-sync', 'backfill', 'notice-sender']);
    expect(() => roleOf('backfill')).toThrow(/infra\/function-sizing.ts/);
  });

  it('takes the difference of two snapshots as what the measured updates did', () => {
    // Prepare
    const { updates: _, ...after } = counted;
    const before = { ...after, sqs: { send: 2, receive: 2, delete: 2 }, functions: [fn('webhook-receiver', { invocations: 1, logBytes: { INFO: 500 } })] };
    // Act
    const between = countedBetween(before, after, 2);
    // Assess
    expect(between.sqs).toEqual({ send: 6, receive: 6, delete: 6 });
    expect(between.functions[0]).toMatchObject({ invocations: 3, logBytes: { INFO: 1500, WARN: 100 } });
    expect(between.functions[1]).toEqual(after.functions[1]);
  });
});
