import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from '../../../core/schema';
import type { HeldNotice, NoticeOutcome, NoticeStore } from '../../../core/notices/notice-store';

/**
 * Pickup notices on the identity table (docs/identity.md §8, §12):
 *   NOTICE#<eventId> / NOTICE   the claim (conditional: one claimer), then its outcome (once)
 */
const noticeKey = (eventId: string) => ({ pk: `NOTICE#${eventId}`, sk: 'NOTICE' });

const HeldNoticeSchema = z.union([
  z.object({ eventId: z.string(), claimedAt: z.string(), state: z.literal('claimed') }),
  z.object({ eventId: z.string(), claimedAt: z.string(), state: z.literal('sent'), sid: z.string() }),
  z.object({ eventId: z.string(), claimedAt: z.string(), state: z.literal('skipped'), reason: z.string() }),
  z.object({ eventId: z.string(), claimedAt: z.string(), state: z.literal('refused'), code: z.number(), reason: z.string() }),
]);

export class DynamoDbNoticeStore implements NoticeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(eventId: string, at: string): Promise<{ claimed: true } | { claimed: false; held: HeldNotice }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...noticeKey(eventId), eventId, claimedAt: at, state: 'claimed' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: noticeKey(eventId), ConsistentRead: true }));
    return { claimed: false, held: HeldNoticeSchema.parse(Item) as HeldNotice };
  }

  async settle(eventId: string, outcome: NoticeOutcome): Promise<void> {
    const { state, ...details } = outcome;
    const fields = Object.entries(details);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: noticeKey(eventId),
          UpdateExpression: `SET #state = :state${fields.map((_, i) => `, #f${i} = :v${i}`).join('')}`,
          // Only a claim is settled: a settled notice keeps its first outcome.
          ConditionExpression: '#state = :claimed',
          ExpressionAttributeNames: { '#state': 'state', ...Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])) },
          ExpressionAttributeValues: { ':state': state, ':claimed': 'claimed', ...Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
