import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';

/**
 * Where an event that cannot be applied waits, with its reason, instead of being retried
 * forever or lost: a malformed event, a record the SaaS API refuses (400), a revoked token.
 * `npx omnihub parked` lists them; `npx omnihub replay` puts one back on the bus.
 * (Transient failures are retried by SQS instead and reach the queue's DLQ only after 5 tries.)
 */
export const ParkedEventSchema = z.object({
  target: z.string(),
  parkedAt: z.string(),
  id: z.string(),
  code: z.string(),
  reason: z.string(),
  correlationId: z.string().optional(),
  /** The EventBridge envelope as the target received it. */
  envelope: z.unknown(),
});
export type ParkedEvent = z.infer<typeof ParkedEventSchema>;

export class ParkingLot {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async park(entry: ParkedEvent): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `PARKED#${entry.target}`, sk: `${entry.parkedAt}#${entry.id}`, ...entry },
      }),
    );
  }

  async list(target: string): Promise<ParkedEvent[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PARKED#${target}` },
      }),
    );
    return Items.map((item) => ParkedEventSchema.parse(item));
  }

  async get(target: string, parkedAt: string, id: string): Promise<ParkedEvent | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PARKED#${target}`, sk: `${parkedAt}#${id}` } }));
    return Item ? ParkedEventSchema.parse(Item) : undefined;
  }

  async remove(entry: Pick<ParkedEvent, 'target' | 'parkedAt' | 'id'>): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `PARKED#${entry.target}`, sk: `${entry.parkedAt}#${entry.id}` } }));
  }
}
