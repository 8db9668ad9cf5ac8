import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../../core/schema';

/** cdk.json `omnihub.parkedRetentionDays` when the function's environment does not say otherwise. */
export const DEFAULT_PARKED_RETENTION_DAYS = 14;

/**
 * Where an event that cannot be applied waits, with its reason, instead of being retried
 * forever or lost: a malformed event, a record the SaaS API refuses (400), a revoked token,
 * a vendor event inside a delivery that the receiver cannot use.
 * `npx omnihub parked` lists them; `npx omnihub replay` puts a bus event back on the bus.
 * (Transient failures are retried by SQS instead and reach the queue's DLQ only after 5 tries.)
 * Parked events hold customer data: each expires (DynamoDB TTL on `expiresAt`) after the
 * configured retention.
 */
export const ParkedEventSchema = z.object({
  /** `webhook-receiver`, `identity-resolver` or `sync-<connector>`. */
  target: z.string(),
  parkedAt: z.string(),
  id: z.string(),
  code: z.string(),
  reason: z.string(),
  correlationId: z.optional(z.string()),
  /** The vendor's own id of the event (webhook-receiver only), when it has one. */
  eventRef: z.optional(z.string()),
  /**
   * What the target could not use: the EventBridge envelope as a function received it, or,
   * for the webhook receiver, `{ connector, event }` with the vendor's event as it arrived.
   */
  envelope: z.unknown(),
  /** Epoch seconds: DynamoDB TTL removes the item after this (set by park()). */
  expiresAt: z.optional(z.number()),
});
export type ParkedEvent = z.infer<typeof ParkedEventSchema>;

export class ParkingLot {
  private readonly retentionSeconds: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { retentionDays?: number } = {},
  ) {
    this.retentionSeconds = (options.retentionDays ?? DEFAULT_PARKED_RETENTION_DAYS) * 86_400;
  }

  async park(entry: Omit<ParkedEvent, 'expiresAt'>): Promise<void> {
    const expiresAt = Math.floor(Date.parse(entry.parkedAt) / 1000) + this.retentionSeconds;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `PARKED#${entry.target}`, sk: `${entry.parkedAt}#${entry.id}`, ...entry, expiresAt },
      }),
    );
  }

  /** Everything parked for `target`, oldest first; expired items TTL has not removed yet are left out. */
  async list(target: string, now = new Date()): Promise<ParkedEvent[]> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const entries: ParkedEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `PARKED#${target}` },
          ExclusiveStartKey: start,
        }),
      );
      entries.push(...(page.Items ?? []).map((item) => ParkedEventSchema.parse(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return entries.filter((entry) => entry.expiresAt === undefined || entry.expiresAt >= nowSeconds);
  }

  async get(target: string, parkedAt: string, id: string): Promise<ParkedEvent | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PARKED#${target}`, sk: `${parkedAt}#${id}` } }));
    return Item ? ParkedEventSchema.parse(Item) : undefined;
  }

  async remove(entry: Pick<ParkedEvent, 'target' | 'parkedAt' | 'id'>): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `PARKED#${entry.target}`, sk: `${entry.parkedAt}#${entry.id}` } }));
  }
}
