import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../../core/schema';
import { CheckpointSchema, type Checkpoint, type CheckpointStore } from '../../../core/backfill/checkpoint';
import type { BackfillEntity } from '../../../core/backfill/record-source';

/**
 * Backfill checkpoints in the identity table (docs/identity.md §8), one partition per connector
 * and entity (`CHECKPOINT#<connector>` for customers, `CHECKPOINT#<connector>#orders` for orders):
 *   <partition> / `CHECKPOINT`        where the run stands, written by the backfill after every page
 *   <partition> / `WRITTEN#<runId>`   records the sync functions wrote for that run (ADD counters)
 * Two items, so a sync's counter never races the backfill's conditional put. One Query reads both.
 * The counters expire a week after their last write (TTL `expiresAt`).
 */
const WRITTEN_TTL_SECONDS = 7 * 86_400;
const WRITTEN_PREFIX = 'written:';

export class DynamoDbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(connector: string, entity: BackfillEntity = 'customers'): Promise<Checkpoint | undefined> {
    const result = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk(connector, entity) }, ConsistentRead: true }),
    );
    const items = result.Items ?? [];
    const stored = items.find((item) => item.sk === 'CHECKPOINT');
    if (!stored) return undefined;
    const { pk: _pk, sk: _sk, ...fields } = stored;
    const checkpoint = z.parse(CheckpointSchema, fields);
    const counters = items.find((item) => item.sk === `WRITTEN#${checkpoint.runId}`) ?? {};
    const written: Record<string, number> = {};
    for (const [name, value] of Object.entries(counters)) {
      if (name.startsWith(WRITTEN_PREFIX)) written[name.slice(WRITTEN_PREFIX.length)] = z.parse(z.number(), value);
    }
    return { ...checkpoint, written };
  }

  async put(checkpoint: Checkpoint, expectedRevision: number | undefined): Promise<boolean> {
    const { written: _written, ...item } = z.parse(CheckpointSchema, checkpoint);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: pk(checkpoint.connector, checkpoint.entity), sk: 'CHECKPOINT', ...item },
          ...(expectedRevision === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#revision = :expected', ExpressionAttributeNames: { '#revision': 'revision' }, ExpressionAttributeValues: { ':expected': expectedRevision } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A sync function wrote `count` records of `system` for a backfill run (one UpdateItem per batch). */
  async countWritten(run: { connector: string; entity: BackfillEntity; runId: string }, system: string, count: number, now = new Date()): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: pk(run.connector, run.entity), sk: `WRITTEN#${run.runId}` },
        // One top-level counter per system (`written:<system>`): ADD needs no map to exist first.
        UpdateExpression: 'SET #expiresAt = :expiresAt ADD #counter :count',
        ExpressionAttributeNames: { '#counter': `${WRITTEN_PREFIX}${system}`, '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':count': count, ':expiresAt': Math.floor(now.getTime() / 1000) + WRITTEN_TTL_SECONDS },
      }),
    );
  }
}

function pk(connector: string, entity: BackfillEntity): string {
  return entity === 'orders' ? `CHECKPOINT#${connector}#orders` : `CHECKPOINT#${connector}`;
}
