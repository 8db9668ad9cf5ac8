import { marshall, unmarshall, type MarshallOptions } from './marshall';
import type { DynamoDBClient } from './client-dynamodb';

/**
 * What the bundles get for `@aws-sdk/lib-dynamodb` (functions/catalog.ts bundleAliases): the
 * document client's commands over the lean DynamoDB client, converting native values as
 * lib-dynamodb does (marshall.ts), in the same members.
 * https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-lib-dynamodb/
 */
type Doc = Record<string, unknown>;

abstract class DocumentCommand {
  abstract readonly operation: string;
  constructor(readonly input: Doc) {}
}
export class GetCommand extends DocumentCommand { readonly operation = 'GetItem'; }
export class PutCommand extends DocumentCommand { readonly operation = 'PutItem'; }
export class UpdateCommand extends DocumentCommand { readonly operation = 'UpdateItem'; }
export class DeleteCommand extends DocumentCommand { readonly operation = 'DeleteItem'; }
export class QueryCommand extends DocumentCommand { readonly operation = 'Query'; }
export class ScanCommand extends DocumentCommand { readonly operation = 'Scan'; }
export class BatchGetCommand extends DocumentCommand { readonly operation = 'BatchGetItem'; }
export class BatchWriteCommand extends DocumentCommand { readonly operation = 'BatchWriteItem'; }
export class TransactWriteCommand extends DocumentCommand { readonly operation = 'TransactWriteItems'; }

/** Members holding one item or key, and members holding a list of them (in inputs and outputs alike). */
const ITEM_MEMBERS = new Set(['Item', 'Key', 'ExclusiveStartKey', 'LastEvaluatedKey', 'Attributes', 'ExpressionAttributeValues']);
const LIST_MEMBERS = new Set(['Items', 'Keys']);

export class DynamoDBDocumentClient {
  private constructor(
    private readonly client: DynamoDBClient,
    private readonly options: MarshallOptions,
  ) {}

  static from(client: DynamoDBClient, config: { marshallOptions?: MarshallOptions } = {}): DynamoDBDocumentClient {
    return new DynamoDBDocumentClient(client, config.marshallOptions ?? {});
  }

  async send(command: DocumentCommand): Promise<any> {
    const input = convert(command.input, (doc) => marshall(doc, this.options));
    const output = await this.client.call<Doc>(command.operation, input);
    return convert(output, (item) => unmarshall(item));
  }
}

/**
 * Converts every item-shaped member, at any depth (TransactItems[].Put.Item,
 * RequestItems.<table>[].PutRequest.Item, Responses.<table>[]...), and nothing else.
 */
function convert(value: unknown, item: (doc: any) => Doc, member?: string): any {
  if (value === null || typeof value !== 'object') return value;
  if (member && ITEM_MEMBERS.has(member)) return item(value);
  if (Array.isArray(value)) return value.map((entry) => (member && (LIST_MEMBERS.has(member) || member === '$responses') ? item(entry) : convert(entry, item)));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, convert(child, item, member === 'Responses' ? '$responses' : key)]),
  );
}
