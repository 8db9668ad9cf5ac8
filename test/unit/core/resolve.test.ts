import { describe, expect, it } from 'vitest';
import { resolveObservation } from '../../../core/identity/resolve';
import { anObservation } from '../../support/builders';
import { MemoryStore } from '../../support/memory-store';

const noWait = { backoff: async () => {} };

describe('resolveObservation', () => {
  it('joins a person created by a racer between our lookup and our save, instead of creating a second customer', async () => {
    // Prepare: HubSpot's first sighting of Grace lands right after Shopify's resolver looked her email up
    const store = new MemoryStore();
    const fromHubspot = anObservation({ system: 'hubspot', externalId: '52', values: { email: 'grace@example.org', firstName: 'Grace' } });
    store.beforeSave = async () => {
      store.beforeSave = async () => {}; // race once
      await resolveObservation(store, fromHubspot, noWait);
    };
    // Act
    const result = await resolveObservation(store, anObservation({ values: { email: 'grace@example.org', lastName: 'Hopper' } }), noWait);
    // Assess
    expect(result.outcome).toBe('updated');
    expect(store.customers.size).toBe(1);
    const [customer] = await store.all();
    expect(customer!.links.map((l) => l.system).sort()).toEqual(['hubspot', 'shopify']);
    expect(customer!.fields.lastName?.value).toBe('Hopper');
    expect(customer!.fields.firstName?.value).toBe('Grace');
  });

  it('leaves a phone with the customer that owns it when the observation matched another customer by email', async () => {
    // Prepare
    const store = new MemoryStore();
    await resolveObservation(store, anObservation({ externalId: '1', values: { email: 'parent@example.com', phone: '+12125550111' } }), noWait);
    await resolveObservation(store, anObservation({ externalId: '2', values: { email: 'child@example.com' } }), noWait);
    // Act
    const result = await resolveObservation(
      store,
      anObservation({ externalId: '2', observedAt: '2026-01-01T11:00:00Z', values: { email: 'child@example.com', phone: '+12125550111' } }),
      noWait,
    );
    // Assess
    expect(result).toMatchObject({ outcome: 'updated', matchedBy: 'link' });
    expect(store.customers.size).toBe(2);
    const child = (await store.all()).find((c) => c.emails.includes('child@example.com'))!;
    expect(child.phones).toEqual([]);
    expect(child.fields.phone?.value).toBe('+12125550111');
  });
});

describe('identity rules (docs/identity.md §3)', () => {
  it('a shared phone with a different email is a new customer; the phone stays with its owner and the pair is reported', async () => {
    // Prepare
    const store = new MemoryStore();
    const parent = await resolveObservation(store, anObservation({ externalId: '1', values: { email: 'parent@example.com', phone: '+12125550111' } }), noWait);
    // Act
    const child = await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '9', values: { email: 'child@example.com', phone: '+12125550111' } }), noWait);
    // Assess
    expect(child).toMatchObject({ outcome: 'created', matchedBy: 'new' });
    expect(store.customers.size).toBe(2);
    expect(await store.findOwner({ kind: 'phone', value: '+12125550111' })).toBe(parent.outcome === 'created' ? parent.customer.id : '');
    expect(store.duplicates).toMatchObject([{ shared: 'phone' }]);
  });

  it('a record with a phone and no email joins the customer who has that phone', async () => {
    // Prepare
    const store = new MemoryStore();
    await resolveObservation(store, anObservation({ externalId: '1', values: { email: 'ada@example.com', phone: '+12125550101' } }), noWait);
    // Act
    const result = await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '9', values: { phone: '+12125550101', firstName: 'Ada' } }), noWait);
    // Assess
    expect(result).toMatchObject({ outcome: 'updated', matchedBy: 'phone' });
    expect(store.customers.size).toBe(1);
  });

  it('a record with an email joins a customer known by that phone alone, and a second email with the phone is then a new customer', async () => {
    // Prepare: she messaged the shop from her phone (a twilio observation: the phone only).
    const store = new MemoryStore();
    const phoneOnly = await resolveObservation(store, anObservation({ system: 'twilio', externalId: '+12125550177', values: { phone: '+12125550177' } }), noWait);
    // Act: she orders online with that phone and her email; later a family member uses the same phone with another email.
    const online = await resolveObservation(store, anObservation({ externalId: '7', values: { email: 'mae@example.com', phone: '+12125550177' } }), noWait);
    const family = await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '8', values: { email: 'june@example.com', phone: '+12125550177' } }), noWait);
    // Assess
    expect(online).toMatchObject({ outcome: 'updated', matchedBy: 'phone' });
    expect(online.outcome === 'updated' && phoneOnly.outcome === 'created' && online.customer.id).toBe(phoneOnly.outcome === 'created' && phoneOnly.customer.id);
    expect(family).toMatchObject({ outcome: 'created', matchedBy: 'new' });
    expect(store.customers.size).toBe(2);
    expect(store.duplicates).toMatchObject([{ shared: 'phone' }]);
  });

  it('a record whose email could not be read does not join by phone alone', async () => {
    // Prepare
    const store = new MemoryStore();
    await resolveObservation(store, anObservation({ externalId: '1', values: { email: 'ada@example.com', phone: '+12125550101' } }), noWait);
    // Act
    const result = await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '9', values: { phone: '+12125550101' }, unusable: ['email'] }), noWait);
    // Assess
    expect(result).toMatchObject({ outcome: 'created', matchedBy: 'new' });
  });

  it('clamps a source time far in the future to now', async () => {
    // Prepare
    const store = new MemoryStore();
    const now = new Date('2026-01-01T12:00:00Z');
    // Act
    const result = await resolveObservation(store, anObservation({ observedAt: '2027-01-01T00:00:00Z' }), { ...noWait, now: () => now });
    // Assess
    expect(result.clamped).toEqual(['observedAt']);
    const [customer] = await store.all();
    expect(customer!.fields.firstName?.at).toBe(now.toISOString());
  });

  it('keeps unusable field names on the link', async () => {
    // Prepare
    const store = new MemoryStore();
    // Act
    await resolveObservation(store, anObservation({ values: { email: 'ada@example.com' }, unusable: ['phone'] }), noWait);
    // Assess
    const [customer] = await store.all();
    expect(customer!.links[0]!.unusable).toEqual(['phone']);
  });
});

describe('linked-only observations', () => {
  it('never make a customer or a link: a single-field statement is no basis for identity', async () => {
    // Prepare
    const store = new MemoryStore();
    // Act
    const result = await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '9', values: { firstName: 'Ada' }, linkedOnly: true }), noWait);
    // Assess
    expect(result.outcome).toBe('not-linked');
    expect(store.customers.size).toBe(0);
  });
});
