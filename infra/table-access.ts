/**
 * What each function may do on the identity table: the DynamoDB actions it calls and the
 * partition keys it calls them on (the layout in docs/identity.md §8). OmnihubFunction.bindTable
 * turns each entry into one IAM statement with a `dynamodb:LeadingKeys` condition, so the
 * internet-facing receiver can touch delivery records and its own parked events, and nothing
 * else; no function can Scan, and only the resolver can Delete.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 *
 * Transactions need no action of their own: TransactWriteItems is authorized per item as
 * PutItem / UpdateItem / DeleteItem / ConditionCheckItem, TransactGetItems as GetItem.
 */
export interface TableAccess {
  /** DynamoDB API actions, without the `dynamodb:` prefix. */
  actions: readonly string[];
  /** Partition key patterns (`*` for any run of characters, as IAM's StringLike reads it). */
  leadingKeys: readonly string[];
}

/** The receiver's parking target (functions/lib/receive-webhook.ts RECEIVER_PARKING_TARGET). */
export const receiverTableAccess: readonly TableAccess[] = [
  { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'BatchWriteItem'], leadingKeys: ['DELIVERY#*'] },
  { actions: ['PutItem'], leadingKeys: ['PARKED#webhook-receiver'] },
];

export const resolverTableAccess: readonly TableAccess[] = [
  {
    actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    leadingKeys: ['CUST#*', 'LINK#*', 'EMAIL#*', 'PHONE#*', 'DUPLICATES', 'PARKED#identity-resolver'],
  },
  // The order resolver's order and KPI items (docs/identity.md §9; its STATS items are under CUST#*): never deleted.
  { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: ['ORDER#*', 'KPI'] },
  // A customer's order list: an entry moves when an order's buyer changes.
  { actions: ['PutItem', 'DeleteItem'], leadingKeys: ['ORDERS#*'] },
  // Messages (docs/identity.md §11): written once, their status forward only; never deleted.
  { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: ['MSG#*'] },
];

/** A connector's order function: reads orders, buyers and their links; writes its copies' ids (ORDER#… / COPY#<id>) and its parked events. */
export function orderSyncTableAccess(connectorId: string): readonly TableAccess[] {
  return [
    { actions: ['GetItem', 'Query'], leadingKeys: ['CUST#*', 'LINK#*'] },
    { actions: ['GetItem', 'PutItem'], leadingKeys: ['ORDER#*'] },
    // Messages it copies: the message and its copy's id here (MSG#… / COPY#<id>).
    { actions: ['GetItem', 'PutItem'], leadingKeys: ['MSG#*'] },
    { actions: ['PutItem'], leadingKeys: [`PARKED#orders-${connectorId}`] },
    // A copy made for an order backfill is counted on the origin's run (ADD counters).
    { actions: ['UpdateItem'], leadingKeys: ['CHECKPOINT#*'] },
  ];
}

/** A connector's sync function: its own parking target `sync-<id>`, and the write counters of backfill runs (UpdateItem only). */
export function syncTableAccess(connectorId: string): readonly TableAccess[] {
  return [
    {
      actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      leadingKeys: ['CUST#*', 'LINK#*', 'DUPLICATES', `PARKED#sync-${connectorId}`],
    },
    { actions: ['UpdateItem'], leadingKeys: ['CHECKPOINT#*'] },
    // A record it makes for a buyer: the customer's orders, whose copies it asks to associate (OrderChanged).
    { actions: ['Query'], leadingKeys: ['ORDERS#*'] },
  ];
}

/** A connector's backfill function of one entity: its own checkpoint (docs/identity.md §8) and parking target; it publishes the rest. */
export function backfillTableAccess(connectorId: string, entity: 'customers' | 'orders' = 'customers'): readonly TableAccess[] {
  return entity === 'customers'
    ? [{ actions: ['Query', 'PutItem'], leadingKeys: [`CHECKPOINT#${connectorId}`, `PARKED#backfill-${connectorId}`] }]
    : [{ actions: ['Query', 'PutItem'], leadingKeys: [`CHECKPOINT#${connectorId}#orders`, `PARKED#backfill-${connectorId}-orders`] }];
}

/** A messaging connector's notice function (docs/identity.md §12): reads the customer and order, claims and settles notices, records the sent message. */
export function noticeTableAccess(connectorId: string): readonly TableAccess[] {
  return [
    { actions: ['GetItem', 'Query'], leadingKeys: ['CUST#*', 'ORDER#*'] },
    { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: ['NOTICE#*'] },
    { actions: ['PutItem'], leadingKeys: ['MSG#*', `PARKED#notices-${connectorId}`] },
  ];
}
