import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../functions/lib/adapters/delivery-ledger';

/** DynamoDB's batch limits and partial results (error paths, so the SDK is mocked; the happy path runs on DynamoDB Local). */
const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const ledger = () => new DeliveryLedger(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'omnihub');
const now = new Date('2026-03-01T10:00:00Z');
const nowSeconds = now.getTime() / 1000;

describe('DeliveryLedger', () => {
  it('looks up at most 100 keys per BatchGetItem, strongly consistent, each key once', async () => {
    // Prepare
    dynamo.on(BatchGetCommand).resolves({ Responses: { omnihub: [] } });
    const keys = Array.from({ length: 150 }, (_, i) => `k${i}`);
    // Act
    await ledger().seen('shopify', [...keys, 'k0'], now);
    // Assess
    const calls = dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.omnihub);
    expect(calls.map((c) => c?.Keys?.length)).toEqual([100, 50]);
    expect(calls.every((c) => c?.ConsistentRead === true)).toBe(true);
    expect(calls[0]?.Keys?.[0]).toEqual({ pk: 'DELIVERY#shopify#k0', sk: 'DELIVERY' });
  });

  it('asks again for the keys DynamoDB left unprocessed, and does not count an expired record as seen', async () => {
    // Prepare
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { omnihub: [{ pk: 'DELIVERY#shopify#a', expiresAt: nowSeconds + 60 }, { pk: 'DELIVERY#shopify#b', expiresAt: nowSeconds - 1 }] },
        UnprocessedKeys: { omnihub: { Keys: [{ pk: 'DELIVERY#shopify#c', sk: 'DELIVERY' }] } },
      })
      .resolvesOnce({ Responses: { omnihub: [{ pk: 'DELIVERY#shopify#c', expiresAt: nowSeconds + 60 }] } });
    // Act
    const seen = await ledger().seen('shopify', ['a', 'b', 'c', 'd'], now);
    // Assess
    expect([...seen].sort()).toEqual(['a', 'c']);
    expect(dynamo.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.omnihub?.Keys).toEqual([{ pk: 'DELIVERY#shopify#c', sk: 'DELIVERY' }]);
  });

  it('remembers at most 25 records per BatchWriteItem, each expiring after the TTL, and retries the unprocessed ones', async () => {
    // Prepare
    const unprocessed = { PutRequest: { Item: { pk: 'DELIVERY#hubspot#k3', sk: 'DELIVERY', receivedAt: now.toISOString(), expiresAt: nowSeconds + 7200 } } };
    dynamo.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: { omnihub: [unprocessed] } }).resolves({});
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    // Act
    await ledger().remember('hubspot', keys, 7200, now);
    // Assess
    const calls = dynamo.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.omnihub);
    expect(calls.map((c) => c?.length)).toEqual([25, 1, 5]);
    expect(calls[1]).toEqual([unprocessed]);
    expect(calls[0]?.[0]).toEqual({ PutRequest: { Item: { pk: 'DELIVERY#hubspot#k0', sk: 'DELIVERY', receivedAt: now.toISOString(), expiresAt: nowSeconds + 7200 } } });
  });

  it('fails when DynamoDB keeps leaving records unwritten, so the caller knows they were not remembered', async () => {
    // Prepare
    const item = { PutRequest: { Item: { pk: 'DELIVERY#hubspot#k', sk: 'DELIVERY' } } };
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: { omnihub: [item] } });
    // Act + Assess
    await expect(ledger().remember('hubspot', ['k'], 60, now)).rejects.toThrow(/left 1 delivery records unwritten/);
  });
});
