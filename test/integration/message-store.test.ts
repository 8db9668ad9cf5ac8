import { describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/lib/adapters/dynamodb-message-store';
import type { Message } from '../../core/model/message';
import { aFreshTable } from '../support/identity-table';

/** The message store on DynamoDB Local (docs/identity.md §11): what the table holds after each call. */
const notice: Message = {
  origin: { system: 'twilio', externalId: 'SM0123456789abcdef0123456789abcdef' },
  channel: 'sms',
  direction: 'outbound',
  customerAddress: '+12125550101',
  shopAddress: '+12015550123',
  body: 'Your order #1001 is ready for pickup.',
  mediaCount: 0,
  at: '2026-12-03T10:00:00.000Z',
  status: 'queued',
};

describe('message store (DynamoDB Local)', () => {
  it('records a message once: a repeat with other content changes nothing', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbMessageStore(table.doc, table.tableName);

    // Act
    const first = await store.recordMessage(notice, 'oh_ada');
    const again = await store.recordMessage({ ...notice, body: 'something else' }, 'oh_someone_else');

    // Assess
    expect([first, again]).toEqual(['recorded', 'repeat']);
    const items = await table.items();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ pk: 'MSG#twilio#SM0123456789abcdef0123456789abcdef', sk: 'MESSAGE', customerId: 'oh_ada', message: { body: notice.body } });
  });

  it('moves the status forward only, whatever order the callbacks come in, and keeps the failure code', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbMessageStore(table.doc, table.tableName);
    await store.recordMessage(notice, 'oh_ada');

    // Act
    const outcomes = [];
    for (const [status, code] of [['delivered', null], ['sent', null], ['sending', null], ['delivered', null]] as const) outcomes.push(await store.recordStatus(notice.origin, status, code));
    const second = { ...notice, origin: { system: 'twilio', externalId: 'SMffffffffffffffffffffffffffffffff' } };
    await store.recordMessage(second, 'oh_ada');
    const failed = await store.recordStatus(second.origin, 'undelivered', 30005);
    const afterFailure = await store.recordStatus(second.origin, 'delivered', null);
    const unknown = await store.recordStatus({ system: 'twilio', externalId: 'SM00000000000000000000000000000000' }, 'sent', null);

    // Assess
    expect(outcomes).toEqual(['moved', 'unchanged', 'unchanged', 'unchanged']);
    expect((await store.getMessage(notice.origin))?.message.status).toBe('delivered');
    expect([failed, afterFailure, unknown]).toEqual(['moved', 'unchanged', 'unknown']);
    expect(await store.getMessage(second.origin)).toMatchObject({ message: { status: 'undelivered' }, errorCode: 30005 });
  });

  it('keeps concurrent callbacks at the furthest status', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbMessageStore(table.doc, table.tableName);
    await store.recordMessage(notice, 'oh_ada');

    // Act
    await Promise.all((['sending', 'sent', 'delivered', 'read', 'sent', 'sending'] as const).map((status) => store.recordStatus(notice.origin, status, null)));

    // Assess
    expect((await store.getMessage(notice.origin))?.message.status).toBe('read');
  });

  it('records a copy per system beside the message', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbMessageStore(table.doc, table.tableName);
    await store.recordMessage(notice, 'oh_ada');

    // Act
    await store.recordCopy(notice.origin, 'hubspot', '90001');

    // Assess
    expect(await store.getCopy(notice.origin, 'hubspot')).toBe('90001');
    expect(await store.getCopy(notice.origin, 'klaviyo')).toBeUndefined();
  });
});
