import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../../core/schema';

/** BatchGetItem takes at most 100 keys per call, BatchWriteItem 25 puts. */
const GET_BATCH = 100;
const WRITE_BATCH = 25;
/** Unprocessed keys/items (throttling) are retried this many times, with a short backoff. */
const MAX_ROUNDS = 5;

const DeliveryRecordSchema = z.object({ pk: z.string(), expiresAt: z.number() });

/**
 * Remembers webhook deliveries for their vendor's retry window (DynamoDB TTL removes them),
 * so a repeated delivery is answered 200 and has no second effect.
 *
 * The receiver looks up (`seen`) before it publishes and remembers (`remember`) only after the
 * bus has the events: a crash in between loses nothing (the vendor's retry is published again;
 * every target is idempotent), and a retry after success finds the record and does nothing.
 * Two copies of one delivery arriving at the same moment may both be published: at least
 * once, never lost.
 */
export class DeliveryLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The keys among `dedupeKeys` that were remembered and have not expired (an expired record
   * TTL has not removed yet does not count). One BatchGetItem per 100 keys, strongly
   * consistent: a vendor retry may follow our answer within milliseconds.
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
   */
  async seen(system: string, dedupeKeys: readonly string[], now: Date): Promise<Set<string>> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const byPk = new Map([...new Set(dedupeKeys)].map((key) => [pkOf(system, key), key]));
    const seen = new Set<string>();
    const pks = [...byPk.keys()];
    for (let i = 0; i < pks.length; i += GET_BATCH) {
      let keys: Array<Record<string, unknown>> = pks.slice(i, i + GET_BATCH).map((pk) => ({ pk, sk: SK }));
      for (let round = 0; keys.length > 0; round++) {
        if (round === MAX_ROUNDS) throw new Error(`DynamoDB left ${keys.length} delivery keys unprocessed after ${MAX_ROUNDS} tries`);
        if (round > 0) await backoff(round);
        const result = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk, expiresAt' } },
          }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const record = DeliveryRecordSchema.parse(item);
          const key = byPk.get(record.pk);
          if (key !== undefined && record.expiresAt >= nowSeconds) seen.add(key);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return seen;
  }

  /**
   * Remember deliveries whose events the bus has accepted, for `ttlSeconds` (≥ the vendor's
   * retry window). One BatchWriteItem per 25 records; unprocessed ones are retried.
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
   */
  async remember(system: string, dedupeKeys: readonly string[], ttlSeconds: number, now: Date): Promise<void> {
    const expiresAt = Math.floor(now.getTime() / 1000) + ttlSeconds;
    const puts = [...new Set(dedupeKeys)].map((key) => ({
      PutRequest: { Item: { pk: pkOf(system, key), sk: SK, receivedAt: now.toISOString(), expiresAt } },
    }));
    for (let i = 0; i < puts.length; i += WRITE_BATCH) {
      let requests: Array<Record<string, unknown>> = puts.slice(i, i + WRITE_BATCH);
      for (let round = 0; requests.length > 0; round++) {
        if (round === MAX_ROUNDS) throw new Error(`DynamoDB left ${requests.length} delivery records unwritten after ${MAX_ROUNDS} tries`);
        if (round > 0) await backoff(round);
        const result = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = result.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }
}

const SK = 'DELIVERY';

/** `DELIVERY#<system>#<key>`: the prefix the receiver's IAM policy allows (infra/table-access.ts). */
function pkOf(system: string, dedupeKey: string): string {
  return `DELIVERY#${system}#${dedupeKey}`;
}

function backoff(round: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
}
