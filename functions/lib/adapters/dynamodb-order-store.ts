import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import * as z from '../../../core/schema';
import { OrderSchema, PickupStateSchema, type Order, type PickupState } from '../../../core/model/order';
import { CustomerStatsSchema } from '../../../core/model/stats';
import { CustomerKpisSchema, DayKpisSchema, type CustomerKpis, type DayKpis } from '../../../core/model/kpis';
import type { AggregateKey, CustomerOrderEntry, HeldOrder, HeldStats, OrderCopy, OrderSave, OrderStore } from '../../../core/orders/order-store';

/**
 * Orders and stats on the identity table (docs/identity.md §8, §9):
 *   ORDER#<origin>#<id> / ORDER            the origin's latest revision, its buyer, pickup outbox (order resolver)
 *   ORDER#<origin>#<id> / COPY#<system>    the id of its copy in that system (that system's order sync)
 *   CUST#<id> / STATS                      the customer's aggregates (order resolver)
 *   ORDERS#<id> / ORDER#<origin>#<id>      one line of customer <id>'s order list (order resolver)
 *   KPI / DAY#<yyyy-mm-dd>, KPI / CUSTOMERS the shop's KPIs (order resolver)
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
// Its own partition, not the customer's: reading a customer (every sync does) does not read its orders.
const customerOrderKey = (customerId: string, origin: Order['origin']) => ({ pk: `ORDERS#${customerId}`, sk: `ORDER#${origin.system}#${origin.externalId}` });
const EntrySchema = z.object({
  orderKey: z.string(),
  name: z.string(),
  placedAt: z.string(),
  channel: z.enum(['web', 'store']),
  status: OrderSchema.shape.status,
  pickup: PickupStateSchema,
  total: OrderSchema.shape.total,
  /** The revision the entry was written at (0: written before entries carried it). */
  revision: z._default(z.number(), 0),
});
const aggregateItemKey = (key: AggregateKey) => ({ pk: 'KPI', sk: key });
const AggregateItemSchema = z.object({ version: z.int(), value: z.unknown() });
/** `buyerRecordId`: the buyer's record the copy is associated with (null: none yet, or an anonymous sale). */
const CopyItemSchema = z.object({ copyId: z.string(), revision: z.number(), buyerRecordId: z._default(z.nullable(z.string()), null) });

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

  getDayKpis(day: string): Promise<{ value: DayKpis | undefined; version: number | undefined }> {
    return this.getAggregate(`DAY#${day}`, DayKpisSchema);
  }

  getCustomerKpis(): Promise<{ value: CustomerKpis | undefined; version: number | undefined }> {
    return this.getAggregate('CUSTOMERS', CustomerKpisSchema);
  }

  private async getAggregate<T extends z.AnySchema>(key: AggregateKey, schema: T): Promise<{ value: z.infer<T> | undefined; version: number | undefined }> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: aggregateItemKey(key), ConsistentRead: true }));
    if (!Item) return { value: undefined, version: undefined };
    const item = AggregateItemSchema.parse(Item);
    return { value: z.parse(schema, item.value), version: item.version };
  }

  async readKpis(fromDay: string, toDay: string): Promise<{ days: Array<{ day: string; kpis: DayKpis }>; customers: CustomerKpis | undefined }> {
    const days: Array<{ day: string; kpis: DayKpis }> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': 'KPI', ':from': `DAY#${fromDay}`, ':to': `DAY#${toDay}` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) days.push({ day: String(item.sk).slice(4), kpis: z.parse(DayKpisSchema, AggregateItemSchema.parse(item).value) });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { days, customers: (await this.getCustomerKpis()).value };
  }

  async listCustomerOrders(customerId: string): Promise<CustomerOrderEntry[]> {
    const entries: CustomerOrderEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :order)',
          ExpressionAttributeValues: { ':pk': `ORDERS#${customerId}`, ':order': 'ORDER#' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) entries.push(z.parse(EntrySchema, item.entry));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries.sort((a, b) => Date.parse(a.placedAt) - Date.parse(b.placedAt));
  }

  async listCopies(origin: Order['origin']): Promise<Array<{ system: string; copyId: string; revision: number }>> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :copy)',
        ExpressionAttributeValues: { ':pk': orderItemKey(origin).pk, ':copy': 'COPY#' },
      }),
    );
    return (Items ?? []).map((item) => ({ system: String(item.sk).slice(5), ...CopyItemSchema.parse(item) }));
  }

  async saveOrder({ order, expectedVersion, stats, aggregates, index }: OrderSave): Promise<{ ok: true } | { ok: false; reason: 'conflict' }> {
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
      const origin = order.order.origin;
      const indexItems = [
        ...(index.put ? [{ Put: { TableName: this.tableName, Item: { ...customerOrderKey(index.put.customerId, origin), entry: index.put.entry } } }] : []),
        ...(index.drop ? [{ Delete: { TableName: this.tableName, Key: customerOrderKey(index.drop.customerId, origin) } }] : []),
      ];
      if (stats.length === 0 && aggregates.length === 0 && indexItems.length === 0) {
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
              ...aggregates.map(({ key, value, expectedVersion: expected }) => ({
                Put: { TableName: this.tableName, Item: { ...aggregateItemKey(key), version: (expected ?? 0) + 1, value }, ...guarded(expected) },
              })),
              // Unguarded: written only with the order's item, whose guard orders them.
              ...indexItems,
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

  async markMovesPublished(origin: Order['origin'], published: PickupState[]): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const held = await this.getOrder(origin);
      const remaining = held?.unpublishedMoves.filter((move) => !published.includes(move.to)) ?? [];
      if (!held || remaining.length === held.unpublishedMoves.length) return;
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: orderItemKey(origin),
            UpdateExpression: 'SET unpublishedMoves = :remaining, version = :next',
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':remaining': remaining, ':version': held.version, ':next': held.version + 1 },
          }),
        );
        return;
      } catch (error) {
        // A newer revision was written meanwhile, carrying the moves on: drop them from it.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // Left in the outbox, they are published again by a redelivery: a repeat, told by its eventId.
  }

  async getCopy(origin: Order['origin'], system: string): Promise<OrderCopy | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: copyItemKey(origin, system), ConsistentRead: true }));
    return Item ? CopyItemSchema.parse(Item) : undefined;
  }

  async putCopy(origin: Order['origin'], system: string, copy: OrderCopy): Promise<void> {
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
