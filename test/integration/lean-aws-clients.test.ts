import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '../../functions/lib/aws/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '../../functions/lib/aws/client-eventbridge';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '../../functions/lib/aws/client-secrets-manager';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '../../functions/lib/aws/lib-dynamodb';
import { startAwsEndpoints, type AwsEndpoints } from '../../local/aws-endpoints';
import { startDynamoDbFaults, type DynamoDbFaults } from '../../local/dynamodb-faults';
import { aFreshTable } from '../support/identity-table';

/**
 * The clients the Lambda bundles carry instead of the AWS SDK (functions/catalog.ts
 * bundleAliases), against DynamoDB Local and the local EventBridge / Secrets Manager endpoints,
 * over the wire. The bundled handlers use them in every other integration test.
 */
describe('the lean AWS clients', () => {
  let table: Awaited<ReturnType<typeof aFreshTable>>;
  let aws: AwsEndpoints;
  let faults: DynamoDbFaults;
  const events: Array<Record<string, unknown>> = [];
  const env = { ...process.env };

  beforeAll(async () => {
    table = await aFreshTable();
    faults = await startDynamoDbFaults(table.endpoint);
    aws = await startAwsEndpoints({ onEvent: (e) => events.push(e), secrets: { 'omnihub/shopify/webhook': '{"webhookSecret":"s"}' } });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: faults.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    });
  });
  afterAll(async () => {
    process.env = env;
    await faults?.close();
    await aws?.close();
  });

  const doc = () => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

  it('write, read, query, update and delete documents as lib-dynamodb does', async () => {
    // Prepare
    const db = doc();
    const TableName = table.tableName;

    // Act
    await db.send(new PutCommand({ TableName, Item: { pk: 'LEAN#1', sk: 'A', n: 1, tags: ['x'], nested: { ok: true, gone: undefined } } }));
    await db.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { pk: 'LEAN#1', sk: 'B', n: 2 } } }] } }));
    await db.send(new UpdateCommand({ TableName, Key: { pk: 'LEAN#1', sk: 'B' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } }));
    const got = await db.send(new GetCommand({ TableName, Key: { pk: 'LEAN#1', sk: 'A' }, ConsistentRead: true }));
    const page = await db.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'LEAN#1' }, Limit: 1 }));
    const batch = await db.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [{ pk: 'LEAN#1', sk: 'B' }] } } }));
    await db.send(new DeleteCommand({ TableName, Key: { pk: 'LEAN#1', sk: 'A' } }));

    // Assess
    expect(got.Item).toEqual({ pk: 'LEAN#1', sk: 'A', n: 1, tags: ['x'], nested: { ok: true } });
    expect(page.Items).toEqual([{ pk: 'LEAN#1', sk: 'A', n: 1, tags: ['x'], nested: { ok: true } }]);
    expect(page.LastEvaluatedKey).toEqual({ pk: 'LEAN#1', sk: 'A' });
    expect(batch.Responses[TableName]).toEqual([{ pk: 'LEAN#1', sk: 'B', n: 3 }]);
    expect((await db.send(new GetCommand({ TableName, Key: { pk: 'LEAN#1', sk: 'A' } }))).Item).toBeUndefined();
  });

  it('throw the SDK\'s error classes for a failed condition and a cancelled transaction', async () => {
    // Prepare
    const db = doc();
    const TableName = table.tableName;
    await db.send(new PutCommand({ TableName, Item: { pk: 'LEAN#2', sk: 'A' } }));
    const putIfAbsent = { TableName, Item: { pk: 'LEAN#2', sk: 'A' }, ConditionExpression: 'attribute_not_exists(pk)' };

    // Act
    const conditional = await db.send(new PutCommand(putIfAbsent)).catch((error: unknown) => error);
    const transaction = await db.send(new TransactWriteCommand({ TransactItems: [{ Put: putIfAbsent }] })).catch((error: unknown) => error);

    // Assess
    expect(conditional).toBeInstanceOf(ConditionalCheckFailedException);
    expect((conditional as Error).message).toBe('The conditional request failed');
    expect(transaction).toBeInstanceOf(TransactionCanceledException);
    expect((transaction as { CancellationReasons: Array<{ Code: string }> }).CancellationReasons[0]?.Code).toBe('ConditionalCheckFailed');
  });

  it('retry a 500 three times, as the SDK\'s standard mode does, then give up with the error', async () => {
    // Prepare
    const lift = faults.fail('GetItem');

    // Act
    const error = await doc().send(new GetCommand({ TableName: table.tableName, Key: { pk: 'LEAN#3', sk: 'A' } })).catch((e: unknown) => e);
    lift();

    // Assess
    expect(faults.failed('GetItem')).toBe(3);
    expect(error).toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500, attempts: 3 } });
  });

  it('put events on the bus and read secrets, with ResourceNotFoundException for a missing one', async () => {
    // Act
    const put = await new EventBridgeClient({}).send(new PutEventsCommand({ Entries: [{ EventBusName: 'omnihub', Source: 'omnihub', DetailType: 'CustomerChanged', Detail: '{"a":1}' }] }));
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 'omnihub/shopify/webhook' }));
    const missing = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 'omnihub/none' })).catch((e: unknown) => e);

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    expect(events).toMatchObject([{ source: 'omnihub', 'detail-type': 'CustomerChanged', detail: { a: 1 } }]);
    expect(secret.SecretString).toBe('{"webhookSecret":"s"}');
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });
});
