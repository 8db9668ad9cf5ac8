import { describe, expect, it } from 'vitest';
import { resolveObservation } from '../../core/identity/resolve';
import { DynamoDbIdentityStore } from '../../functions/lib/adapters/dynamodb-identity-store';
import { anObservation } from '../support/builders';
import { aFreshTable } from '../support/identity-table';

describe('identity resolution on DynamoDB Local', () => {
  it('creates one customer with its link, email and phone claims', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbIdentityStore(table.doc, table.tableName);
    // Act
    const result = await resolveObservation(store, anObservation());
    // Assess
    expect(result.outcome).toBe('created');
    const keys = (await table.items()).map((i) => `${i.pk} ${i.sk}`).sort();
    const id = result.outcome === 'created' ? result.customer.id : '';
    expect(keys).toEqual([
      `CUST#${id} CUSTOMER`,
      `CUST#${id} LINK#shopify#7065055069303700001`,
      'EMAIL#ada@example.com KEY',
      'LINK#shopify#7065055069303700001 KEY',
      'PHONE#+12125550101 KEY',
    ]);
  });

  it('matches the same person from another system by email and links both records to one customer', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbIdentityStore(table.doc, table.tableName);
    await resolveObservation(store, anObservation());
    // Act
    const result = await resolveObservation(
      store,
      anObservation({ system: 'hubspot', externalId: '51', values: { email: 'ada@example.com', firstName: 'Ada' } }),
    );
    // Assess
    expect(result).toMatchObject({ outcome: 'updated', matchedBy: 'email' });
    const customers = await table.customers();
    expect(customers).toHaveLength(1);
    expect(customers[0]!.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual(['hubspot:51', 'shopify:7065055069303700001']);
  });

  it('creates exactly one customer when two first sightings of one person race', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbIdentityStore(table.doc, table.tableName);
    const fromShopify = anObservation({ values: { email: 'grace@example.org', lastName: 'Hopper' } });
    const fromHubspot = anObservation({ system: 'hubspot', externalId: '52', values: { email: 'grace@example.org', firstName: 'Grace' } });
    // Act
    const results = await Promise.all([resolveObservation(store, fromShopify), resolveObservation(store, fromHubspot)]);
    // Assess
    expect(results.map((r) => r.outcome).sort()).toEqual(['created', 'updated']);
    const customers = await table.customers();
    expect(customers).toHaveLength(1);
    expect(customers[0]!.fields.firstName?.value).toBe('Grace');
    expect(customers[0]!.fields.lastName?.value).toBe('Hopper');
    expect(customers[0]!.links).toHaveLength(2);
  });

  it('keeps both changes when two systems update one customer at the same moment (no lost update)', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbIdentityStore(table.doc, table.tableName);
    await resolveObservation(store, anObservation({ values: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' } }));
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', values: { email: 'ada@example.com' } }));
    // Act
    await Promise.all([
      resolveObservation(store, anObservation({ observedAt: '2026-01-01T11:00:00Z', values: { firstName: 'Augusta', lastName: 'Lovelace' } })),
      resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:01Z', values: { lastName: 'King' } })),
    ]);
    // Assess
    const [customer] = await table.customers();
    expect(customer!.fields.firstName?.value).toBe('Augusta');
    expect(customer!.fields.lastName?.value).toBe('King');
    // The customer item is written when the golden record changes (created, then two edits); the
    // HubSpot link that changed no golden value was written alone, as its own item.
    expect(customer!.version).toBe(3);
  });

  it('leaves a phone claimed by another customer with that customer', async () => {
    // Prepare
    const table = await aFreshTable();
    const store = new DynamoDbIdentityStore(table.doc, table.tableName);
    await resolveObservation(store, anObservation({ values: { email: 'parent@example.com', phone: '+12125550111' } }));
    // Act: another person (other email) sharing the family phone, seen first by email in HubSpot
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '77', values: { email: 'child@example.com' } }));
    const result = await resolveObservation(
      store,
      anObservation({ system: 'hubspot', externalId: '77', observedAt: '2026-01-01T11:00:00Z', values: { email: 'child@example.com', phone: '+12125550111' } }),
    );
    // Assess
    expect(result).toMatchObject({ outcome: 'updated', matchedBy: 'link' });
    const customers = await table.customers();
    expect(customers).toHaveLength(2);
    const phoneOwner = (await table.items()).find((i) => i.pk === 'PHONE#+12125550111');
    expect(phoneOwner?.customerId).toBe(customers.find((c) => c.emails.includes('parent@example.com'))!.id);
  });

  it('keeps pending writes across a lease taken back, reads them with the customer, and clears them once a write is recorded', async () => {
    // Prepare: a sync holds the lease and announces a create
    const table = await aFreshTable();
    const store = new DynamoDbIdentityStore(table.doc, table.tableName);
    const created = await resolveObservation(store, anObservation());
    const id = created.outcome === 'created' ? created.customer.id : '';
    const now = new Date();
    const pending = { system: 'hubspot', startedAt: now.toISOString(), values: { firstName: 'Ada', address: null }, sourceTimes: { firstName: '2026-01-01T10:00:00Z' } };
    expect(await store.acquireLease(id, 'hubspot', ['message-1'], now, 60_000)).toBe(true);
    expect(await store.addPendingWrite(id, 'hubspot', 'message-1', [pending])).toBe(true);
    // Act: the holder dies; its message is redelivered and takes the lease back; another holder may not announce
    expect(await store.acquireLease(id, 'hubspot', ['message-1'], now, 60_000)).toBe(true);
    const seen = await store.getCustomer(id);
    const foreign = await store.addPendingWrite(id, 'hubspot', 'message-2', []);
    await store.releaseLease(id, 'hubspot', 'message-1', { recorded: true });
    // Assess
    expect(seen?.pendingWrites).toEqual([pending]);
    expect(foreign).toBe(false);
    expect((await store.getCustomer(id))?.pendingWrites).toBeUndefined();
    // …and a customer save never carries them onto the customer item
    const customerItem = (await table.items()).find((item) => item.pk === `CUST#${id}` && item.sk === 'CUSTOMER');
    expect(JSON.stringify(customerItem)).not.toContain('pendingWrites');
  });

  it("gives a crashed holder's lease back to its redelivered message, whatever batch it comes back in", async () => {
    // Prepare: a batch with messages m2 and m5 about one customer took the lease, then died
    const table = await aFreshTable();
    const store = new DynamoDbIdentityStore(table.doc, table.tableName);
    const now = new Date();
    expect(await store.acquireLease('oh_01jd0000000000000000000000', 'shopify', ['m2', 'm5'], now, 60_000)).toBe(true);
    // Act: m2 comes back next to m1 (a newer change of the same customer); another batch holds only m3
    const other = await store.acquireLease('oh_01jd0000000000000000000000', 'shopify', ['m3'], now, 60_000);
    const redelivered = await store.acquireLease('oh_01jd0000000000000000000000', 'shopify', ['m1', 'm2'], now, 60_000);
    // Assess: held under the redelivery's first message now
    expect(other).toBe(false);
    expect(redelivered).toBe(true);
    expect(await store.acquireLease('oh_01jd0000000000000000000000', 'shopify', ['m2'], now, 60_000)).toBe(false);
    expect(await store.acquireLease('oh_01jd0000000000000000000000', 'shopify', ['m1'], now, 60_000)).toBe(true);
  });
});
