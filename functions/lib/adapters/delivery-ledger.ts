import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Remembers webhook deliveries for their vendor's retry window (DynamoDB TTL removes them),
 * so a repeated delivery is answered 200 and has no second effect.
 */
export class DeliveryLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** True when this delivery is new (and is now remembered), false when it was seen before. */
  async claim(system: string, dedupeKey: string, ttlSeconds: number, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(system, dedupeKey),
            receivedAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + ttlSeconds,
          },
          // An expired record that TTL has not removed yet does not count.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Forget a claimed delivery whose events could not be published, so the vendor's retry is processed. */
  async release(system: string, dedupeKey: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(system, dedupeKey) }));
  }

  private key(system: string, dedupeKey: string) {
    return { pk: `DELIVERY#${system}#${dedupeKey}`, sk: 'DELIVERY' };
  }
}
