import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import * as z from '../../../core/schema';
import {
  matchKeyId,
  type ChangeSet,
  type DuplicateHint,
  type IdentityStore,
  type MatchKey,
  type SaveResult,
} from '../../../core/identity/identity-store';
import { CustomerSchema, LinkSchema, PendingWriteSchema, type Customer, type Link, type PendingWrite } from '../../../core/model/customer';

/**
 * The identity map on one DynamoDB table (pk/sk), one writer per item (docs/identity.md §8):
 *   CUST#<id> / CUSTOMER                        golden record, match keys, `version` (resolver)
 *   CUST#<id> / LINK#<system>#<external id>     what one linked record holds, `version`
 *   CUST#<id> / LEASE#<system>                  the sync lease and its pending writes (that system's sync)
 *   LINK#<system>#<external id> / KEY           → customerId   (claims: each key belongs to one customer)
 *   EMAIL#<normalized email> / KEY              → customerId
 *   PHONE#<E.164> / KEY                         → customerId
 *   DUPLICATES / <customerA>#<customerB>        possible duplicate pairs
 * A customer and its links are one partition: one Query reads them all.
 */
export const customerKey = (id: string) => ({ pk: `CUST#${id}`, sk: 'CUSTOMER' });
export const linkItemKey = (id: string, link: Pick<Link, 'system' | 'externalId'>) => ({ pk: `CUST#${id}`, sk: `LINK#${link.system}#${link.externalId}` });
export const claimKey = (key: MatchKey) => ({ pk: matchKeyId(key), sk: 'KEY' });

const CustomerCoreSchema = z.omit(CustomerSchema, { links: true, pendingWrites: true });
/** How long a gone record is remembered (an order naming it may be retried for hours, read by a backfill much later). */
const GONE_TTL_SECONDS = 30 * 86_400;
const leaseKey = (customerId: string, system: string) => ({ pk: `CUST#${customerId}`, sk: `LEASE#${system}` });
const DuplicateItemSchema = z.object({
  customerId: z.string(),
  otherCustomerId: z.string(),
  shared: z.enum(['phone', 'email', 'record']),
  system: z.optional(z.string()),
  at: z.string(),
});

export class DynamoDbIdentityStore implements IdentityStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getCustomer(id: string): Promise<Customer | undefined> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CUST#${id}` },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const core = items.find((item) => item.sk === 'CUSTOMER');
    if (!core) return undefined;
    const links = items.filter((item) => typeof item.sk === 'string' && item.sk.startsWith('LINK#')).map((item) => LinkSchema.parse(item.link));
    const pendingWrites = items
      .filter((item) => typeof item.sk === 'string' && item.sk.startsWith('LEASE#') && Array.isArray(item.pending))
      .flatMap((item) => (item.pending as unknown[]).map((write) => PendingWriteSchema.parse(write)));
    return CustomerSchema.parse({ ...CustomerCoreSchema.parse(core.customer), links, ...(pendingWrites.length > 0 ? { pendingWrites } : {}) });
  }

  /** `LINK#<system>#<id>` / `GONE`, beside the record's claim (never in its way: a restored record claims its link as before). */
  async recordGone(record: { system: string; externalId: string }, at: string): Promise<void> {
    const { pk } = claimKey({ kind: 'link', ...record });
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk, sk: 'GONE', at, expiresAt: Math.floor(Date.parse(at) / 1000) + GONE_TTL_SECONDS } }));
  }

  async isGone(record: { system: string; externalId: string }): Promise<boolean> {
    const { pk } = claimKey({ kind: 'link', ...record });
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'GONE' }, ConsistentRead: true }));
    return Item !== undefined;
  }

  async findOwner(key: MatchKey): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(key), ConsistentRead: true }),
    );
    return typeof Item?.customerId === 'string' ? Item.customerId : undefined;
  }

  /** Every item of the change set in one transaction, each guarded by the version we read. */
  async save(change: ChangeSet): Promise<SaveResult> {
    const id = change.customerId;
    const versioned = (expectedVersion: number | undefined) =>
      expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
    if (change.customer) {
      const { links: _links, pendingWrites: _pending, ...core } = change.customer.item;
      items.push({ Put: { TableName: this.tableName, Item: { ...customerKey(id), version: core.version, customer: core }, ...versioned(change.customer.expectedVersion) } });
    }
    if (change.deleteCustomer) {
      items.push({ Delete: { TableName: this.tableName, Key: customerKey(id), ...versioned(change.deleteCustomer.expectedVersion) } });
    }
    for (const { link, expectedVersion } of change.linkPuts) {
      items.push({ Put: { TableName: this.tableName, Item: { ...linkItemKey(id, link), version: link.version, link }, ...versioned(expectedVersion) } });
    }
    for (const link of change.linkDeletes) {
      items.push({ Delete: { TableName: this.tableName, Key: linkItemKey(id, link), ...versioned(link.expectedVersion) } });
    }
    for (const key of change.claims) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...claimKey(key), customerId: id },
          ConditionExpression: 'attribute_not_exists(pk) OR customerId = :me',
          ExpressionAttributeValues: { ':me': id },
        },
      });
    }
    for (const key of change.releases) {
      // Only our own claim is released: a key another customer took meanwhile stays theirs.
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: claimKey(key),
          ConditionExpression: 'attribute_not_exists(pk) OR customerId = :me',
          ExpressionAttributeValues: { ':me': id },
        },
      });
    }
    if (items.length === 0) return { ok: true };
    try {
      if (items.length === 1 && items[0]!.Put) {
        // One item: a single conditional put does it at half a transaction's price.
        await this.db.send(new PutCommand({ ...items[0]!.Put }));
        return { ok: true };
      }
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      // A failed condition (someone else wrote first) or a concurrent transaction on the same items.
      if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException) {
        return { ok: false, reason: 'conflict' };
      }
      throw error;
    }
  }

  async recordDuplicate(hint: DuplicateHint): Promise<void> {
    const [a, b] = [hint.customerId, hint.otherCustomerId].sort();
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: 'DUPLICATES', sk: `${a}#${b}`, ...hint } }),
    );
  }

  async acquireLease(customerId: string, system: string, owners: readonly string[], now: Date, ttlMs: number): Promise<boolean> {
    if (owners.length === 0 || owners.length > 100) throw new Error('acquireLease takes 1 to 100 owners (an SQS batch holds at most 10 messages)');
    const ours = Object.fromEntries(owners.map((owner, index) => [`:owner${index}`, owner]));
    try {
      // An update, not a put: the pending writes a crashed holder left stay (docs/identity.md §2).
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(customerId, system),
          UpdateExpression: 'SET #owner = :owner0, leaseUntil = :until',
          ConditionExpression: `attribute_not_exists(pk) OR leaseUntil < :now OR #owner IN (${Object.keys(ours).join(', ')})`,
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now.getTime(), ':until': now.getTime() + ttlMs, ...ours },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async addPendingWrite(customerId: string, system: string, owner: string, pending: PendingWrite[]): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(customerId, system),
          UpdateExpression: 'SET pending = :pending',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':pending': pending },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseLease(customerId: string, system: string, owner: string, options: { recorded?: boolean } = {}): Promise<void> {
    try {
      // An update (not a delete): the sync functions' role has no DeleteItem.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(customerId, system),
          UpdateExpression: `SET #owner = :free, leaseUntil = :zero${options.recorded ? ' REMOVE pending' : ''}`,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':free': '', ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // expired and taken over: not ours to release
    }
  }

  async listDuplicates(): Promise<DuplicateHint[]> {
    const hints: DuplicateHint[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'DUPLICATES' }, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) hints.push(DuplicateItemSchema.parse(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return hints;
  }
}
