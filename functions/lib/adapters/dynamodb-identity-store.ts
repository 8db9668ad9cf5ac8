import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { matchKeyId, type IdentityStore, type MatchKey, type SaveResult } from '../../../core/identity/identity-store';
import { CustomerSchema, type Customer } from '../../../core/model/customer';
import { capacityMeter } from './dynamodb';

/**
 * The identity map on one DynamoDB table (pk/sk):
 *   CUST#<omnihub id> / CUSTOMER      the golden record, what each linked record holds, `version`
 *   LINK#<system>#<external id> / KEY  → customerId   (one record in one system)
 *   EMAIL#<normalized email> / KEY     → customerId
 *   PHONE#<E.164> / KEY                → customerId
 * Key items are claims: each can belong to one customer only, which is what makes a
 * duplicate customer impossible even when two first sightings race.
 */
export const customerKey = (id: string) => ({ pk: `CUST#${id}`, sk: 'CUSTOMER' });
export const claimKey = (key: MatchKey) => ({ pk: matchKeyId(key), sk: 'KEY' });

export class DynamoDbIdentityStore implements IdentityStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getCustomer(id: string): Promise<Customer | undefined> {
    const { Item, ConsumedCapacity } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: customerKey(id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    capacityMeter.add('read', ConsumedCapacity);
    return Item ? CustomerSchema.parse(Item.customer) : undefined;
  }

  async findOwner(key: MatchKey): Promise<string | undefined> {
    const { Item, ConsumedCapacity } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(key), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    capacityMeter.add('read', ConsumedCapacity);
    return typeof Item?.customerId === 'string' ? Item.customerId : undefined;
  }

  /** Customer + new claims in one transaction, guarded by the version we read. */
  async save({ customer, expectedVersion, claims }: { customer: Customer; expectedVersion: number | undefined; claims: MatchKey[] }): Promise<SaveResult> {
    const customerPut = {
      Put: {
        TableName: this.tableName,
        Item: { ...customerKey(customer.id), version: customer.version, customer },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
      },
    };
    const claimPuts = claims.map((key) => ({
      Put: {
        TableName: this.tableName,
        Item: { ...claimKey(key), customerId: customer.id },
        ConditionExpression: 'attribute_not_exists(pk) OR customerId = :me',
        ExpressionAttributeValues: { ':me': customer.id },
      },
    }));
    try {
      if (claimPuts.length === 0) {
        // Nothing to claim: a single conditional put does it at half a transaction's price.
        const { ConsumedCapacity } = await this.db.send(new PutCommand({ ...customerPut.Put, ReturnConsumedCapacity: 'TOTAL' }));
        capacityMeter.add('write', ConsumedCapacity);
        return { ok: true };
      }
      const { ConsumedCapacity } = await this.db.send(
        new TransactWriteCommand({ TransactItems: [customerPut, ...claimPuts], ReturnConsumedCapacity: 'TOTAL' }),
      );
      capacityMeter.add('write', ConsumedCapacity);
      return { ok: true };
    } catch (error) {
      // A failed condition (someone else wrote first) or a concurrent transaction on the same items.
      if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException) {
        return { ok: false, reason: 'conflict' };
      }
      throw error;
    }
  }
}
