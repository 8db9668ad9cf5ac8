import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import * as z from '../../../core/schema';
import { OrderSchema, PickupStateSchema, type Order } from '../../../core/model/order';
import { CustomerStatsSchema } from '../../../core/model/stats';
import type { HeldOrder, HeldStats, OrderSave, OrderStore } from '../../../core/orders/order-store';

/**
 * Orders and stats on the identity table (docs/identity.md §8, §9):
 *   ORDER#<origin>#<id> / ORDER            the origin's latest revision, its buyer, pickup outbox (order resolver)
 *   ORDER#<origin>#<id> / COPY#<system>    the id of its copy in that system (that system's order sync)
 *   CUST#<id> / STATS                      the customer's aggregates (order resolver)
 */
const orderItemKey = (origin: Order['origin']) => ({ pk: `ORDER#${origin.system}#${origin.externalId}`, sk: 'ORDER' });
const copyItemKey = (origin: Order['origin'], system: string) => ({ pk: `ORDER#${origin.system}#${origin.externalId}`, sk: `COPY#${system}` });
export const statsItemKey = (customerId: string) => ({ pk: `CUST#${customerId}`, sk: 'STATS' });

const MoveSchema = z.object({ from: PickupStateSchema, to: PickupStateSchema, at: z.string() });
const OrderItemSchema = z.object({
  version: z.int(),
  order: OrderSchema,
  customerId: z.nullable(z.string()),
  unpublishedMoves: z.optional(z.array(MoveSchema)),
});
const StatsItemSchema = z.object({ version: z.int(), stats: CustomerStatsSchema });
const CopyItemSchema = z.object({ copyId: z.string(), revision: z.number() });

export class DynamoDbOrderStore implements OrderStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getOrder(origin: Order['origin']): Promise<HeldOrder | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: orderItemKey(origin), ConsistentRead: true }));
    if (!Item) return undefined;
    const item = OrderItemSchema.parse(Item);
    return { order: item.order, customerId: item.customerId, version: item.version, unpublishedMoves: item.unpublishedMoves ?? [] };
  }

  async getStats(customerId: string): Promise<HeldStats | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: statsItemKey(customerId), ConsistentRead: true }));
    return Item ? StatsItemSchema.parse(Item) : undefined;
  }

  async saveOrder({ order, expectedVersion, stats }: OrderSave): Promise<{ ok: true } | { ok: false; reason: 'conflict' }> {
    const guarded = (expected: number | undefined) =>
      expected === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expected } };
    const orderPut = {
      TableName: this.tableName,
      Item: { ...orderItemKey(order.order.origin), version: order.version, order: order.order, customerId: order.customerId, unpublishedMoves: order.unpublishedMoves },
      ...guarded(expectedVersion),
    };
    try {
      if (stats.length === 0) {
        // One item: a conditional put at half a transaction's price.
        await this.db.send(new PutCommand(orderPut));
      } else {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: orderPut },
              ...stats.map(({ customerId, stats: value, expectedVersion: expected }) => ({
                Put: { TableName: this.tableName, Item: { ...statsItemKey(customerId), version: (expected ?? 0) + 1, stats: value }, ...guarded(expected) },
              })),
            ],
          }),
        );
      }
      return { ok: true };
    } catch (error) {
      if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException) return { ok: false, reason: 'conflict' };
      throw error;
    }
  }

  async markMovesPublished(origin: Order['origin'], version: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderItemKey(origin),
          UpdateExpression: 'SET unpublishedMoves = :none',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':none': [], ':version': version },
        }),
      );
    } catch (error) {
      // A newer revision was written meanwhile: it carries the moves on, and its writer publishes them.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async getCopy(origin: Order['origin'], system: string): Promise<{ copyId: string; revision: number } | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: copyItemKey(origin, system), ConsistentRead: true }));
    return Item ? CopyItemSchema.parse(Item) : undefined;
  }

  async putCopy(origin: Order['origin'], system: string, copy: { copyId: string; revision: number }): Promise<void> {
    try {
      // Never back to an older revision: two projections racing leave the newer one's record.
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...copyItemKey(origin, system), ...copy },
          ConditionExpression: 'attribute_not_exists(pk) OR revision <= :revision',
          ExpressionAttributeValues: { ':revision': copy.revision },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
