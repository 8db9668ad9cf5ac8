import { DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DynamoDB document client per function instance, created at cold start. The endpoint
 * comes from the SDK's standard AWS_ENDPOINT_URL_DYNAMODB variable (DynamoDB Local when
 * running locally), so the code is the same in AWS and on a laptop.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({});
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      capacityMeter.count(context.commandName ?? '', args.input as Record<string, unknown>, result.output as unknown as Record<string, unknown>);
      return result;
    },
    { step: 'initialize', name: 'omnihubBilledUnits' },
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

type Item = Record<string, AttributeValue>;

/**
 * Read and write units as AWS bills them, counted from the items each call carries (DynamoDB
 * Local's ConsumedCapacity says 1 per call whatever the size): a write costs 1 unit per started
 * KB of the item, a strongly consistent read 1 unit per started 4 KB (half for an eventually
 * consistent one; a Query adds its items up before rounding), and a transaction twice that.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * The benchmark reads these per function; nothing in production depends on them.
 */
export const capacityMeter = {
  readUnits: 0,
  /** The part of readUnits that strongly consistent reads cost (twice what eventually consistent ones would). */
  strongReadUnits: 0,
  writeUnits: 0,
  count(command: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined): void {
    const write = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
    switch (command) {
      case 'GetItemCommand':
        this.read(input.ConsistentRead === true, itemSize(output?.Item as Item | undefined));
        break;
      case 'QueryCommand':
      case 'ScanCommand':
        this.read(input.ConsistentRead === true, ((output?.Items as Item[] | undefined) ?? []).reduce((sum, item) => sum + itemSize(item), 0));
        break;
      case 'BatchGetItemCommand': {
        // Consistency is chosen per table entry of RequestItems; each item is rounded up on its own,
        // and a key with no item is billed as a GetItem of nothing (one unit, half if eventual).
        const requests = (input.RequestItems as Record<string, { ConsistentRead?: boolean; Keys?: unknown[] }> | undefined) ?? {};
        const responses = (output?.Responses as Record<string, Item[]> | undefined) ?? {};
        const unprocessed = (output?.UnprocessedKeys as Record<string, { Keys?: unknown[] }> | undefined) ?? {};
        for (const [table, request] of Object.entries(requests)) {
          const consistent = request.ConsistentRead === true;
          const found = responses[table] ?? [];
          for (const item of found) this.read(consistent, itemSize(item));
          const missing = (request.Keys?.length ?? 0) - (unprocessed[table]?.Keys?.length ?? 0) - found.length;
          for (let i = 0; i < missing; i++) this.read(consistent, 0);
        }
        break;
      }
      case 'PutItemCommand':
        this.writeUnits += write(itemSize(input.Item as Item));
        break;
      case 'UpdateItemCommand':
      case 'DeleteItemCommand':
        this.writeUnits += 1; // the item's size is not known without reading it: at least one unit
        break;
      case 'BatchWriteItemCommand':
        for (const requests of Object.values((input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Item } }>>) ?? {})) {
          for (const request of requests) this.writeUnits += write(itemSize(request.PutRequest?.Item)); // a delete: at least one unit
        }
        break;
      case 'TransactWriteItemsCommand':
        // Every action (put, delete, condition check) of a transaction is billed twice.
        for (const action of (input.TransactItems as Array<{ Put?: { Item: Item } }>) ?? []) {
          this.writeUnits += 2 * write(itemSize(action.Put?.Item));
        }
        break;
    }
  },
  /** One read of `bytes`: 1 unit per started 4 KB (at least one, even for an item that is not there), half if eventually consistent. */
  read(consistent: boolean, bytes: number): void {
    const units = Math.max(1, Math.ceil(bytes / 4096));
    if (consistent) {
      this.readUnits += units;
      this.strongReadUnits += units;
    } else {
      this.readUnits += units / 2;
    }
  },
  take(): { readUnits: number; strongReadUnits: number; writeUnits: number } {
    const taken = { readUnits: this.readUnits, strongReadUnits: this.strongReadUnits, writeUnits: this.writeUnits };
    this.readUnits = 0;
    this.strongReadUnits = 0;
    this.writeUnits = 0;
    return taken;
  },
};
(globalThis as { __omnihubCapacity?: typeof capacityMeter }).__omnihubCapacity = capacityMeter;

/**
 * An item's size by DynamoDB's rules: attribute names plus values (strings and binary by
 * bytes, numbers about one byte per two digits plus one, maps and lists 3 bytes plus 1 per element).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+|0+$/g, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, v]) => sum + Buffer.byteLength(name) + valueSize(v) + 1, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + valueSize(v) + 1, 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + Math.ceil(n.length / 2) + 1, 0);
  return 0;
}
