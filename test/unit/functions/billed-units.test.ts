import { describe, expect, it } from 'vitest';
import { capacityMeter, itemSize } from '../../../functions/lib/adapters/dynamodb';

describe('capacity units as AWS bills them', () => {
  it('sizes an item by attribute names and values', () => {
    // "pk" (2) + "CUST#1" (6) + "n" (1) + number 12345 (3 digits-pairs + 1 = 4)
    expect(itemSize({ pk: { S: 'CUST#1' }, n: { N: '12345' } })).toBe(2 + 6 + 1 + 4);
    // a map: 3 bytes + per entry name + value + 1
    expect(itemSize({ m: { M: { a: { S: 'xy' } } } })).toBe(1 + 3 + 1 + 2 + 1);
  });

  it('bills a write per started KB, twice in a transaction, and a strong read per started 4 KB', () => {
    // Prepare
    capacityMeter.take();
    const big = { pk: { S: 'x'.repeat(1500) } };
    // Act
    capacityMeter.count('PutItemCommand', { Item: big }, {});
    capacityMeter.count('TransactWriteItemsCommand', { TransactItems: [{ Put: { Item: big } }, { ConditionCheck: {} }] }, {});
    capacityMeter.count('GetItemCommand', { ConsistentRead: true }, { Item: big });
    capacityMeter.count('QueryCommand', {}, { Items: [big, big, big] });
    // Assess: put 2; transaction 2×2 + 2×1; strong get 1; eventually consistent query of 4.5 KB: 2 × 0.5
    expect(capacityMeter.take()).toEqual({ writeUnits: 2 + 6, readUnits: 1 + 1, strongReadUnits: 1 });
  });
});

describe('strongly vs eventually consistent reads', () => {
  it('bills a BatchGetItem by its table entry\'s ConsistentRead (1 unit per item per started 4 KB, half when eventually consistent) and counts the strong units apart', () => {
    // Prepare
    capacityMeter.take();
    const small = { pk: { S: 'DELIVERY#shopify#1' } };
    const large = { pk: { S: 'x'.repeat(5000) } };
    // Act
    capacityMeter.count('BatchGetItemCommand', { RequestItems: { t: { Keys: [{}, {}], ConsistentRead: true } } }, { Responses: { t: [small, large] } });
    capacityMeter.count('BatchGetItemCommand', { RequestItems: { t: { Keys: [{}] } } }, { Responses: { t: [small] } });
    capacityMeter.count('GetItemCommand', { ConsistentRead: true }, { Item: small });
    capacityMeter.count('GetItemCommand', {}, { Item: small });
    // Assess: strong 1 + 2 (batch) + 1 (get); eventual 0.5 (batch) + 0.5 (get)
    expect(capacityMeter.take()).toEqual({ readUnits: 5, strongReadUnits: 4, writeUnits: 0 });
  });

  it('bills a strongly consistent read of an item that is not there as one unit (half when eventually consistent)', () => {
    // Prepare
    capacityMeter.take();
    // Act
    capacityMeter.count('GetItemCommand', { ConsistentRead: true }, {});
    capacityMeter.count('GetItemCommand', {}, {});
    // Assess
    expect(capacityMeter.take()).toEqual({ readUnits: 1.5, strongReadUnits: 1, writeUnits: 0 });
  });

  it('bills each BatchGetItem key with no item as such a read, and no key left unprocessed', () => {
    // Prepare: the receiver's lookup of three delivery keys, one remembered, one left unprocessed
    capacityMeter.take();
    const found = { pk: { S: 'DELIVERY#shopify#1' } };
    // Act
    capacityMeter.count(
      'BatchGetItemCommand',
      { RequestItems: { t: { Keys: [{}, {}, {}], ConsistentRead: true } } },
      { Responses: { t: [found] }, UnprocessedKeys: { t: { Keys: [{}] } } },
    );
    // Assess: the found item 1, the missing one 1, the unprocessed one nothing
    expect(capacityMeter.take()).toEqual({ readUnits: 2, strongReadUnits: 2, writeUnits: 0 });
  });
});
