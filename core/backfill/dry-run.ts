import { matchKeyId, type ChangeSet, type DuplicateHint, type IdentityStore, type MatchKey, type SaveResult } from '../identity/identity-store';
import { resolveObservation } from '../identity/resolve';
import type { Address, Customer, FieldName } from '../model/customer';
import type { Observation } from '../model/observation';
import { planSync } from '../sync/plan-sync';

/**
 * `--dry-run`: what a backfill would link, create and update, computed by the same identity
 * rules (resolveObservation) and the same sync plan (planSync) over the real identity map,
 * with every write kept in memory: nothing reaches the table, the bus or a vendor.
 */

export interface DryRunSystem {
  id: string;
  writableFields: readonly FieldName[];
  addressParts?: readonly (keyof Address)[];
}

export interface DryRunSummary {
  /** Per system read: records seen, joined to an existing customer (link), new customers, golden updates, no change. */
  read: Record<string, { records: number; link: number; create: number; update: number; unchanged: number }>;
  /** Per system: records sync would create there, and records it would update. */
  writes: Record<string, { create: number; update: number }>;
  /** Pairs the identity rules would record as possible duplicates (never merged). */
  duplicates: number;
}

export class DryRun {
  private readonly overlay: OverlayStore;
  private readonly summary: DryRunSummary;
  private readonly touched = new Set<string>();

  constructor(
    store: IdentityStore,
    private readonly systems: readonly DryRunSystem[],
  ) {
    this.overlay = new OverlayStore(store);
    this.summary = { read: {}, writes: Object.fromEntries(systems.map((s) => [s.id, { create: 0, update: 0 }])), duplicates: 0 };
  }

  async observe(observations: Observation[]): Promise<void> {
    for (const observation of observations) {
      const counts = (this.summary.read[observation.system] ??= { records: 0, link: 0, create: 0, update: 0, unchanged: 0 });
      counts.records += 1;
      const result = await resolveObservation(this.overlay, observation, { backoff: async () => {} });
      if (result.outcome === 'not-linked') continue;
      this.summary.duplicates += result.duplicates.length;
      if (result.outcome === 'unchanged') {
        counts.unchanged += 1;
        continue;
      }
      this.touched.add(result.customer.id);
      if (result.outcome === 'created') counts.create += 1;
      else if (result.matchedBy === 'link') counts.update += 1;
      else counts.link += 1;
    }
  }

  /** What sync would then do in each system for every customer the run touched. */
  async result(): Promise<DryRunSummary> {
    const writes: DryRunSummary['writes'] = Object.fromEntries(this.systems.map((s) => [s.id, { create: 0, update: 0 }]));
    for (const id of this.touched) {
      const customer = await this.overlay.getCustomer(id);
      if (!customer) continue;
      for (const system of this.systems) {
        const plan = planSync(customer, system.id, system.writableFields, system.addressParts);
        if (plan.action !== 'skip') writes[system.id]![plan.action] += 1;
      }
    }
    return { ...this.summary, writes };
  }
}

/** Reads fall through to the real store; saves and duplicate hints stay in memory. */
class OverlayStore implements IdentityStore {
  private readonly customers = new Map<string, Customer | null>();
  private readonly claims = new Map<string, string | null>();

  constructor(private readonly base: IdentityStore) {}

  async getCustomer(id: string): Promise<Customer | undefined> {
    if (this.customers.has(id)) return structuredClone(this.customers.get(id) ?? undefined);
    return this.base.getCustomer(id);
  }

  /** A dry run writes nothing: what it would record as gone is not kept. */
  async recordGone(): Promise<void> {}

  isGone(record: { system: string; externalId: string }): Promise<boolean> {
    return this.base.isGone(record);
  }

  async findOwner(key: MatchKey): Promise<string | undefined> {
    const id = matchKeyId(key);
    if (this.claims.has(id)) return this.claims.get(id) ?? undefined;
    return this.base.findOwner(key);
  }

  async save(change: ChangeSet): Promise<SaveResult> {
    const before = await this.getCustomer(change.customerId);
    const core = change.customer?.item ?? before;
    if (!core) return { ok: false, reason: 'conflict' };
    const links = new Map((before?.links ?? core.links).map((link) => [`${link.system}#${link.externalId}`, link]));
    for (const { link } of change.linkPuts) links.set(`${link.system}#${link.externalId}`, link);
    for (const gone of change.linkDeletes) links.delete(`${gone.system}#${gone.externalId}`);
    this.customers.set(change.customerId, change.deleteCustomer ? null : structuredClone({ ...core, links: [...links.values()] }));
    for (const key of change.claims) this.claims.set(matchKeyId(key), change.customerId);
    for (const key of change.releases) this.claims.set(matchKeyId(key), null);
    return { ok: true };
  }

  async recordDuplicate(_hint: DuplicateHint): Promise<void> {}

  async acquireLease(): Promise<boolean> {
    return true;
  }

  async addPendingWrite(): Promise<boolean> {
    return true;
  }

  async releaseLease(): Promise<void> {}

  async listDuplicates(): Promise<DuplicateHint[]> {
    return [];
  }
}
