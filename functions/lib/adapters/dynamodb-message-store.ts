import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from '../../../core/schema';
import { MessageSchema, messageStatusAfter, type Message, type MessageStatus } from '../../../core/model/message';
import type { HeldMessage, MessageStore } from '../../../core/messages/message-store';

/**
 * Messages on the identity table (docs/identity.md §8, §11):
 *   MSG#<system>#<id> / MESSAGE          the message, its customer, its status (written once, status forward only)
 *   MSG#<system>#<id> / COPY#<system>    its copy in that system (that system's function)
 */
const messageItemKey = (origin: Message['origin']) => ({ pk: `MSG#${origin.system}#${origin.externalId}`, sk: 'MESSAGE' });
const copyItemKey = (origin: Message['origin'], system: string) => ({ pk: `MSG#${origin.system}#${origin.externalId}`, sk: `COPY#${system}` });

const MessageItemSchema = z.object({ message: MessageSchema, customerId: z.string(), errorCode: z.nullable(z.int()) });
const CopyItemSchema = z.object({ copyId: z.string() });

/** Status updates that lost a race are tried again this many times (each reads the status anew). */
const STATUS_ATTEMPTS = 5;

export class DynamoDbMessageStore implements MessageStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordMessage(message: Message, customerId: string): Promise<'recorded' | 'repeat'> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...messageItemKey(message.origin), message, customerId, errorCode: null },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'repeat';
      throw error;
    }
  }

  async getMessage(origin: Message['origin']): Promise<HeldMessage | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: messageItemKey(origin), ConsistentRead: true }));
    return Item ? MessageItemSchema.parse(Item) : undefined;
  }

  async recordStatus(origin: Message['origin'], status: MessageStatus, errorCode: number | null): Promise<'moved' | 'unchanged' | 'unknown'> {
    for (let attempt = 0; attempt < STATUS_ATTEMPTS; attempt++) {
      const held = await this.getMessage(origin);
      if (!held) return 'unknown';
      const next = messageStatusAfter(held.message.status, status);
      if (next === held.message.status) return 'unchanged';
      try {
        // Guarded by the status read: a callback that moved it meanwhile makes this one judge again.
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: messageItemKey(origin),
            UpdateExpression: 'SET #message.#status = :next, errorCode = :code',
            ConditionExpression: '#message.#status = :held',
            ExpressionAttributeNames: { '#message': 'message', '#status': 'status' },
            ExpressionAttributeValues: { ':next': next, ':held': held.message.status, ':code': next === status ? errorCode : held.errorCode },
          }),
        );
        return 'moved';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`Could not record the status of message ${origin.system}:${origin.externalId} after ${STATUS_ATTEMPTS} attempts`);
  }

  async getCopy(origin: Message['origin'], system: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: copyItemKey(origin, system), ConsistentRead: true }));
    return Item ? CopyItemSchema.parse(Item).copyId : undefined;
  }

  async recordCopy(origin: Message['origin'], system: string, copyId: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...copyItemKey(origin, system), copyId } }));
  }
}
