/**
 * Memory (MB) per function. The cost model (test/bench/cost.ts) prices GB-seconds with these
 * same numbers, and test/infra/cost-settings.test.ts pins them, so a bigger size is a decision.
 *
 * Sized by measurement (`npm run bench`, 2026-12-01, README "What it costs"): Lambda's "Max
 * Memory Used" is about the V8 heap the bench prints per worker plus ~60 MB of runtime, and a
 * size keeps at least 1.5x that. Lambda gives CPU in proportion to memory (1,769 MB = 1 vCPU),
 * which matters only where a cold first request is on someone's clock.
 *  - webhook-receiver (each connector's webhook-receiver-<id>): heap ~68 MB (~130 MB used), so 256 MB would fit; kept at 512 MB because
 *    vendors give a webhook 5 s and 128-256 MB starve a cold first request of CPU (1.1 s at
 *    128 MB vs 0.28 s at 512 MB for a DynamoDB client, reference §1.2). Its GB-seconds cost
 *    $0.17 per million updates at 512 MB, $0.08 at 256: not worth a slower answer.
 *  - identity-resolver: heap ~70 MB (~130 MB used): 256 MB. Waits on DynamoDB, not CPU.
 *  - connector-sync: heap ~76 MB (Shopify) and ~113 MB (HubSpot, batches of up to 100 contacts),
 *    ~175 MB used at most: 384 MB (512 MB would cost a third more for time spent waiting on vendor APIs).
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
 */
export const functionMemoryMb = {
  'webhook-receiver': 512,
  'identity-resolver': 256,
  'connector-sync': 384,
  // Reads and writes a few orders at a time, waiting on vendor APIs.
  'order-sync': 256,
  // Mostly waiting for the vendor's quota: little memory.
  backfill: 256,
  // One notice at a time, waiting on the vendor's answer (not measured yet: the order function's size).
  'notice-sender': 256,
} as const;

export type FunctionRole = keyof typeof functionMemoryMb;
