import { matchKeyId, type ChangeSet, type DuplicateHint, type IdentityStore, type MatchKey, type SaveResult } from '../../core/identity/identity-store';
import type { Customer, Link, PendingWrite } from '../../core/model/customer';

/**
 * The identity store contract in memory, for unit tests of core: every item guarded by its
 * version and every claim by "unclaimed or mine", all or nothing, as the DynamoDB adapter does
 * (test/integration/identity-store.test.ts holds the adapter to the same contract).
 */
export class MemoryStore implements IdentityStore {
  readonly customers = new Map<string, Omit<Customer, 'links'>>();
  readonly links = new Map<string, Map<string, Link>>();
  readonly claims = new Map<string, string>();
  readonly duplicates: DuplicateHint[] = [];
  /** Runs before each save: where a racer can slip in between our lookups and our write. */
  beforeSave: () => Promise<void> = async () => {};

  async getCustomer(id: string): Promise<Customer | undefined> {
    const core = this.customers.get(id);
    if (!core) return undefined;
    const pendingWrites = [...this.leases].filter(([key]) => key.startsWith(`${id}#`)).flatMap(([, lease]) => lease.pending ?? []);
    return structuredClone({ ...core, links: [...(this.links.get(id)?.values() ?? [])], ...(pendingWrites.length > 0 ? { pendingWrites } : {}) });
  }

  readonly gone = new Set<string>();

  async recordGone(record: { system: string; externalId: string }): Promise<void> {
    this.gone.add(`${record.system}#${record.externalId}`);
  }

  async isGone(record: { system: string; externalId: string }): Promise<boolean> {
    return this.gone.has(`${record.system}#${record.externalId}`);
  }

  async findOwner(key: MatchKey): Promise<string | undefined> {
    return this.claims.get(matchKeyId(key));
  }

  async save(change: ChangeSet): Promise<SaveResult> {
    await this.beforeSave();
    const id = change.customerId;
    const conflict = { ok: false as const, reason: 'conflict' as const };
    const links = this.links.get(id) ?? new Map<string, Link>();
    const current = this.customers.get(id);
    const versionIs = (actual: number | undefined, expected: number | undefined) => (expected === undefined ? actual === undefined : actual === expected);
    if (change.customer && !versionIs(current?.version, change.customer.expectedVersion)) return conflict;
    if (change.deleteCustomer && current?.version !== change.deleteCustomer.expectedVersion) return conflict;
    for (const { link, expectedVersion } of change.linkPuts) if (!versionIs(links.get(`${link.system}#${link.externalId}`)?.version, expectedVersion)) return conflict;
    for (const l of change.linkDeletes) if (links.get(`${l.system}#${l.externalId}`)?.version !== l.expectedVersion) return conflict;
    if (change.claims.some((k) => (this.claims.get(matchKeyId(k)) ?? id) !== id)) return conflict;

    if (change.customer) {
      const { links: _links, pendingWrites: _pending, ...core } = change.customer.item;
      this.customers.set(id, structuredClone(core));
    }
    for (const { link } of change.linkPuts) links.set(`${link.system}#${link.externalId}`, structuredClone(link));
    for (const l of change.linkDeletes) links.delete(`${l.system}#${l.externalId}`);
    this.links.set(id, links);
    for (const k of change.claims) this.claims.set(matchKeyId(k), id);
    for (const k of change.releases) if (this.claims.get(matchKeyId(k)) === id) this.claims.delete(matchKeyId(k));
    if (change.deleteCustomer) {
      this.customers.delete(id);
      this.links.delete(id);
    }
    return { ok: true };
  }

  async recordDuplicate(hint: DuplicateHint): Promise<void> {
    this.duplicates.push(hint);
  }

  readonly leases = new Map<string, { owner: string; until: number; pending?: PendingWrite[] }>();

  async acquireLease(customerId: string, system: string, owners: readonly string[], now: Date, ttlMs: number): Promise<boolean> {
    const key = `${customerId}#${system}`;
    const lease = this.leases.get(key);
    if (lease && lease.until > now.getTime() && !owners.includes(lease.owner)) return false;
    this.leases.set(key, { ...lease, owner: owners[0]!, until: now.getTime() + ttlMs });
    return true;
  }

  async addPendingWrite(customerId: string, system: string, owner: string, pending: PendingWrite[]): Promise<boolean> {
    const lease = this.leases.get(`${customerId}#${system}`);
    if (lease?.owner !== owner) return false;
    lease.pending = structuredClone(pending);
    return true;
  }

  async releaseLease(customerId: string, system: string, owner: string, options: { recorded?: boolean } = {}): Promise<void> {
    const lease = this.leases.get(`${customerId}#${system}`);
    if (lease?.owner !== owner) return;
    lease.owner = '';
    lease.until = 0;
    if (options.recorded) delete lease.pending;
  }

  async listDuplicates(): Promise<DuplicateHint[]> {
    return [...this.duplicates];
  }

  /** Every customer with its links, for assertions. */
  async all(): Promise<Customer[]> {
    return Promise.all([...this.customers.keys()].map(async (id) => (await this.getCustomer(id))!));
  }
}
