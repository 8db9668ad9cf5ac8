import { describe, expect, it } from 'vitest';
import { mergeRecords, removeRecord } from '../../../core/identity/record-lifecycle';
import { resolveObservation } from '../../../core/identity/resolve';
import { anObservation } from '../../support/builders';
import { MemoryStore } from '../../support/memory-store';

const noWait = { backoff: async () => {} };

async function adaInBothSystems() {
  const store = new MemoryStore();
  await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z' }), noWait);
  await resolveObservation(
    store,
    anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta' } }),
    noWait,
  );
  return store;
}

describe('vendor deletions, redactions and merges (docs/identity.md §7)', () => {
  it('a deletion unlinks the record and keeps the customer and its golden values', async () => {
    // Prepare
    const store = await adaInBothSystems();
    // Act
    const result = await removeRecord(store, { system: 'hubspot', externalId: '51', reason: 'deleted' }, noWait);
    // Assess
    expect(result.outcome).toBe('unlinked');
    const [ada] = await store.all();
    expect(ada!.links.map((l) => l.system)).toEqual(['shopify']);
    expect(ada!.fields.firstName?.value).toBe('Augusta');
    expect(await store.findOwner({ kind: 'link', system: 'hubspot', externalId: '51' })).toBeUndefined();
  });

  it('a redaction erases what that system told us, falling back to what the others hold', async () => {
    // Prepare
    const store = await adaInBothSystems();
    // Act
    const result = await removeRecord(store, { system: 'hubspot', externalId: '51', reason: 'redacted' }, noWait);
    // Assess: the HubSpot first name is gone; Shopify's own value is the golden one again
    expect(result.outcome).toBe('redacted');
    const [ada] = await store.all();
    expect(ada!.fields.firstName).toMatchObject({ value: 'Ada', source: 'shopify' });
  });

  it('a redaction of the last linked record erases the customer and its keys', async () => {
    // Prepare
    const store = await adaInBothSystems();
    await removeRecord(store, { system: 'hubspot', externalId: '51', reason: 'deleted' }, noWait);
    // Act
    const result = await removeRecord(store, { system: 'shopify', externalId: '7065055069303700001', reason: 'redacted' }, noWait);
    // Assess
    expect(result.outcome).toBe('erased');
    expect(store.customers.size).toBe(0);
    expect([...store.claims.keys()]).toEqual([]);
  });

  it('a redaction forgets what that system\'s orders told of a guest too: her last record redacted erases her', async () => {
    // Prepare: Grace was first seen on a Shopify guest order (docs/identity.md §9), then got her Shopify record
    const store = new MemoryStore();
    await resolveObservation(store, anObservation({ system: 'guest-order', externalId: 'shopify:77', observedAt: '2026-01-01T09:00:00Z', values: { email: 'grace@example.com', phone: '+14155550177' } }), noWait);
    await resolveObservation(store, anObservation({ externalId: '88', observedAt: '2026-01-01T10:00:00Z', values: { email: 'grace@example.com', firstName: 'Grace' } }), noWait);
    // Act
    const result = await removeRecord(store, { system: 'shopify', externalId: '88', reason: 'redacted' }, noWait);
    // Assess: no customer, no claim of her email or phone left
    expect(result.outcome).toBe('erased');
    expect(store.customers.size).toBe(0);
    expect([...store.claims.keys()]).toEqual([]);
  });

  it('a merge moves the links of the merged records to the survivor, on the same customer', async () => {
    // Prepare: a second, phone-only HubSpot contact of Ada joined her customer by phone
    const store = await adaInBothSystems();
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '60', values: { phone: '+12125550101' } }), noWait);
    // Act: HubSpot merges 51 and 60 into a new contact 70
    const result = await mergeRecords(store, { system: 'hubspot', survivorId: '70', mergedIds: ['51', '60'], at: '2026-01-02T00:00:00Z' }, noWait);
    // Assess
    expect(result.outcome).toBe('relinked');
    const [ada] = await store.all();
    expect(ada!.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual(['hubspot:70', 'shopify:7065055069303700001']);
    expect(await store.findOwner({ kind: 'link', system: 'hubspot', externalId: '70' })).toBe(ada!.id);
    expect(await store.findOwner({ kind: 'link', system: 'hubspot', externalId: '51' })).toBeUndefined();
  });

  it('a merge of two customers’ records keeps two customers and reports the pair', async () => {
    // Prepare: Ada, and Grace (another customer) with her own HubSpot contact 52
    const store = await adaInBothSystems();
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '52', values: { email: 'grace@example.org' } }), noWait);
    // Act
    const result = await mergeRecords(store, { system: 'hubspot', survivorId: '51', mergedIds: ['51', '52'], at: '2026-01-02T00:00:00Z' }, noWait);
    // Assess
    expect(result.outcome).toBe('split');
    expect(store.customers.size).toBe(2);
    const grace = (await store.all()).find((c) => c.emails.includes('grace@example.org'))!;
    expect(grace.links).toEqual([]);
    expect(store.duplicates).toHaveLength(1);
  });
});
