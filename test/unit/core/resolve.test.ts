import { describe, expect, it } from 'vitest';
import { matchKeyId, type IdentityStore, type MatchKey } from '../../../core/identity/identity-store';
import { resolveObservation } from '../../../core/identity/resolve';
import type { Customer } from '../../../core/model/customer';
import { anObservation } from '../../support/builders';

/** The identity store contract in memory (claims and versions checked as DynamoDB does), with a hook to interleave a racer. */
class MemoryStore implements IdentityStore {
  customers = new Map<string, Customer>();
  claims = new Map<string, string>();
  /** Runs before each save: where a racer can slip in between our lookups and our write. */
  beforeSave: () => Promise<void> = async () => {};

  async getCustomer(id: string) {
    const c = this.customers.get(id);
    return c ? structuredClone(c) : undefined;
  }
  async findOwner(key: MatchKey) {
    return this.claims.get(matchKeyId(key));
  }
  async save({ customer, expectedVersion, claims }: { customer: Customer; expectedVersion: number | undefined; claims: MatchKey[] }) {
    await this.beforeSave();
    const current = this.customers.get(customer.id);
    if (expectedVersion === undefined ? current !== undefined : current?.version !== expectedVersion) return { ok: false as const, reason: 'conflict' as const };
    if (claims.some((k) => (this.claims.get(matchKeyId(k)) ?? customer.id) !== customer.id)) return { ok: false as const, reason: 'conflict' as const };
    this.customers.set(customer.id, structuredClone(customer));
    for (const k of claims) this.claims.set(matchKeyId(k), customer.id);
    return { ok: true as const };
  }
}

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
    const [customer] = [...store.customers.values()];
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
    const child = [...store.customers.values()].find((c) => c.emails.includes('child@example.com'))!;
    expect(child.phones).toEqual([]);
    expect(child.fields.phone?.value).toBe('+12125550111');
  });
});
