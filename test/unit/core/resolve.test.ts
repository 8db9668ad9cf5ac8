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
