/**
 * The AWS list prices omnihub's cost model uses (test/bench/cost.ts), in one place: us-east-1,
 * on-demand, no free tier, no Savings Plans. Each carries where it was read and when, so a
 * price change is a one-line edit with its source beside it.
 *
 * Where AWS's own page and /work/shared/reference/aws-serverless-facts.md differ, AWS's page
 * wins. Some AWS pricing pages render their rate tables client-side; where the stored copy of
 * AWS's page did not show the figure, `confirmedBy` names what did (and the reference agrees).
 */
export interface ListPrice {
  /** US dollars per one `unit`. */
  usd: number;
  unit: string;
  source: string;
  checked: string;
  /** How the unit is metered (rounding, chunks), when it matters to the count. */
  metering?: string;
  /** When AWS's page did not show the figure in the copy read: what confirmed it. */
  confirmedBy?: string;
}

const CHECKED = '2026-12-01';
const perMillion = (usd: number) => usd / 1_000_000;

export const awsPrices = {
  region: 'us-east-1',

  lambdaRequest: {
    usd: perMillion(0.2),
    unit: 'invocation',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checked: CHECKED,
    metering: 'every invocation, whatever invoked it (SQS poller, function URL, API Gateway)',
  },
  lambdaGbSecondArm: {
    usd: 0.0000133334,
    unit: 'GB-second (arm64, first 7.5 billion GB-s a month)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checked: CHECKED,
    metering: 'duration rounded up to the next 1 ms, times configured memory; INIT billed too since 2025-08-01',
    confirmedBy: "artillery's lib/platform/aws-lambda/prices.js (arm64 1333340e-10), transcribed from AWS's page",
  },
  httpApiRequest: {
    usd: perMillion(1.0),
    unit: 'HTTP API request (first 300 million a month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    checked: CHECKED,
    metering: 'each 512 KB of a request counts as one request',
  },
  functionUrlRequest: {
    usd: 0,
    unit: 'function URL request',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checked: CHECKED,
    metering: 'no charge of its own: the invocation it makes is billed as a Lambda request and duration',
  },
  eventBridgeCustomEvent: {
    usd: perMillion(1.0),
    unit: 'custom event published',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    checked: CHECKED,
    metering: 'each 64 KB chunk of a PutEvents entry is one event; delivery to a same-account target is free',
  },
  sqsStandardRequest: {
    usd: perMillion(0.4),
    unit: 'SQS standard request (first 100 billion a month)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    checked: CHECKED,
    metering: 'each 64 KB chunk of a request payload is one request; a batch of up to 10 messages is one request',
  },
  dynamoDbWriteRequestUnit: {
    usd: perMillion(0.625),
    unit: 'on-demand write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: CHECKED,
    metering: '1 KB per unit, rounded up per item; transactional writes 2 units per KB',
    confirmedBy: 'the price after the 50 % on-demand cut of 2024-11-01 (AWS What\'s New), as airbyte.com and the reference state it',
  },
  dynamoDbReadRequestUnit: {
    usd: perMillion(0.125),
    unit: 'on-demand read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: CHECKED,
    metering: 'strongly consistent: 1 unit per 4 KB; eventually consistent: half; transactional: 2 units per 4 KB',
    confirmedBy: 'the price after the 50 % on-demand cut of 2024-11-01, as airbyte.com and the reference state it',
  },
  cloudWatchLogsIngestedGb: {
    usd: 0.5,
    unit: 'GB ingested (Standard log class)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checked: CHECKED,
    metering: 'uncompressed bytes of the log events written (the IncomingBytes metric)',
    confirmedBy: 'the reference (§4.1) and third-party summaries; the Infrequent Access class is $0.25/GB',
  },
  xrayTraceRecorded: {
    usd: perMillion(5.0),
    unit: 'trace recorded',
    source: 'https://aws.amazon.com/xray/pricing/',
    checked: CHECKED,
    metering: 'per trace, not per segment; the first 100,000 a month are free',
  },
  secretsManagerApiCall: {
    usd: 0.05 / 10_000,
    unit: 'API call (GetSecretValue)',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    checked: CHECKED,
    metering: 'per call; each secret also costs $0.40 a month (fixed, not per update)',
  },
} as const satisfies Record<string, ListPrice | string>;

export type AwsPrices = typeof awsPrices;
