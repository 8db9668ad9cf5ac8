import { randomUUID } from 'node:crypto';
import type { Address, Customer, FieldName, PartialFieldValues, PendingWrite } from '../model/customer';
import type { Observation } from '../model/observation';
import { changeSet, type IdentityStore } from '../identity/identity-store';
import { clampFutureTimes } from '../identity/clock';
import { applyObservation, recordWrite, type RecordRead } from '../identity/merge';
import { RecordChangedSinceRead, type CustomerTarget } from './customer-target';
import { planSync, type SyncPlan } from './plan-sync';
import { pendingWritesToKeep } from '../identity/pending-writes';

export type SyncOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'missing' }
  /**
   * `behind`: the golden record moved while our write was in flight (an edit resolved meanwhile):
   * the target holds older values now, and the change must be synced again (SQS redelivery).
   */
  | { outcome: 'created' | 'updated'; externalId: string; fields: FieldName[]; withheld?: FieldName[]; behind?: true }
  /** The system already had an unlinked record for this person: observed, to be linked by the resolver first. Retry later. */
  | { outcome: 'found-existing'; externalId: string; matchedOn: 'email' | 'phone' | 'omnihub-id' }
  /**
   * The linked record is gone from the system (docs/identity.md §7, found gone by sync's read):
   * merged into `survivorId` when another record names it as merged, else deleted. The caller
   * reports it to the resolver and retries the change once the link is re-pointed or removed.
   */
  | { outcome: 'target-gone'; externalId: string; survivorId?: string }
  /** Another sync of this customer to this system is running: retried later (SQS redelivery). */
  | { outcome: 'busy' }
  /**
   * The target holds an edit the golden record lacks: handed to the resolver, and retried once it
   * is merged there (a write now would be recorded before the resolver sees that edit, which
   * would then look like a late delivery and be lost).
   */
  | { outcome: 'unseen-edit'; externalId: string }
  | { outcome: 'link-conflict'; externalId: string; ownerId: string };

const MAX_RECORD_ATTEMPTS = 8;
/** Plans again from a customer the resolver saved meanwhile (§2), at most this often per sync. */
const MAX_REPLANS = 3;
/**
 * How long one invocation waits for the resolver to merge an unseen edit it handed over (§2),
 * in all: the sync function's timeout (60 s) must hold a batch of ten, and SQS's redelivery
 * (after the visibility timeout, minutes in AWS) is the fallback.
 */
const RESOLVER_WAIT_MS = 8_000;
/** The sync function's timeout (60 s) and a margin: a crashed holder blocks its customer no longer than that. */
const LEASE_MS = 90_000;
const LEASE_WAIT_MS = 10_000;

export interface SyncArgs {
  customerId: string;
  system: string;
  writableFields: readonly FieldName[];
  addressParts?: readonly (keyof Address)[];
  /** How long to wait for another sync of the same customer and system (default 10 s). */
  leaseWaitMs?: number;
  /** How long, in all, to wait for the resolver to merge an unseen edit before giving the change back (default 8 s). */
  resolverWaitMs?: number;
  /** Hands an observation of the target to the resolver (CustomerObserved on the bus). */
  observe: (observation: Observation) => Promise<void>;
  now?: () => Date;
}

/**
 * Brings one target system in line with one customer's golden record (docs/identity.md):
 *  - before an update, the target record is read: an edit there that we have not seen is
 *    merged first (in memory, and handed to the resolver to keep), so we write only what is
 *    still newer and never over an unseen edit;
 *  - a create that finds the person already there ("already exists") writes nothing: a record
 *    linked to another customer is a conflict; an unlinked one is observed, and the resolver
 *    links it (same email) before any write reaches it;
 *  - what the target now holds is recorded on its link with the SOURCE time of each value we
 *    copied, never the time of our write, so the echo is recognised and nothing newer is undone.
 */
export async function syncCustomer(store: IdentityStore, target: CustomerTarget, args: SyncArgs): Promise<SyncOutcome> {
  const [result] = (await syncCustomers(store, target, [args.customerId], { ...args, observe: (_id, o) => args.observe(o) })).values();
  if (result && 'error' in result) throw result.error;
  return result!;
}

/**
 * Several customers at once (one SQS batch): every record to update is read in one batch call
 * first ("read it back in the same call batch"), so checking for unseen edits costs the vendor's
 * rate limit one call per batch, not one per customer. A failure of one customer is its own.
 */
export async function syncCustomers(
  store: IdentityStore,
  target: CustomerTarget,
  customerIds: string[],
  args: Omit<SyncArgs, 'customerId' | 'observe'> & {
    observe: (customerId: string, observation: Observation) => Promise<void>;
    /**
     * Who holds a customer's lease: the ids of the queue messages about that customer in this
     * batch. A lease held by any of them is ours: the redelivery of a message whose sync crashed
     * takes its lease back, in whatever batch it comes, instead of waiting for it to expire.
     */
    leaseOwners?: (customerId: string) => readonly string[];
    /** How long to wait for another sync of the same customer before giving the message back. */
    leaseWaitMs?: number;
    /** Wraps the work on one customer (the caller's log context: its correlation id). */
    forCustomer?: <T>(customerId: string, work: () => Promise<T>) => Promise<T>;
  },
): Promise<Map<string, SyncOutcome | { error: unknown }>> {
  const results = new Map<string, SyncOutcome | { error: unknown }>();
  const resolverDeadline = Date.now() + (args.resolverWaitMs ?? RESOLVER_WAIT_MS);
  const planned: Array<{ customer: Customer; plan: Exclude<SyncPlan, { action: 'skip' }> }> = [];
  const invocation = randomUUID();
  const ownersOf = (customerId: string) => {
    const owners = [...(args.leaseOwners?.(customerId) ?? [])].sort();
    return owners.length > 0 ? owners : [invocation];
  };
  const ownerOf = (customerId: string) => ownersOf(customerId)[0]!;
  const leased: string[] = [];
  const recorded = (id: string) => {
    const result = results.get(id);
    return result !== undefined && 'outcome' in result && (result.outcome === 'created' || result.outcome === 'updated');
  };
  try {
    await planAll();
    await syncAll();
  } finally {
    await Promise.all(
      leased.map((id) => store.releaseLease(id, args.system, ownerOf(id), { recorded: recorded(id) }).catch(() => undefined)),
    );
  }
  return results;

  /** Another sync usually finishes within a second: wait for it a little before giving the message back. */
  async function waitForLease(customerId: string): Promise<boolean> {
    const deadline = Date.now() + (args.leaseWaitMs ?? LEASE_WAIT_MS);
    for (;;) {
      if (await store.acquireLease(customerId, args.system, ownersOf(customerId), (args.now ?? (() => new Date()))(), LEASE_MS)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }

  /**
   * Adds each write to the lease item just before it is made (docs/identity.md §2), next to the
   * pending writes a crashed earlier sync left. False when the lease is no longer ours.
   */
  function announcer(customer: Customer): Announce {
    const now = () => (args.now ?? (() => new Date()))();
    const pending = pendingWritesToKeep(customer, args.system, now());
    const announce = async (write: Parameters<Announce>[0]) => {
      const fields = Object.keys(write.values) as FieldName[];
      const sourceTimes = Object.fromEntries(fields.flatMap((name) => (customer.fields[name] ? [[name, customer.fields[name]!.at]] : [])));
      pending.push({ system: args.system, startedAt: now().toISOString(), ...write, sourceTimes });
      return store.addPendingWrite(customer.id, args.system, ownerOf(customer.id), pending);
    };
    /** A write announced and then not made (the connector found an edit first): no longer pending. */
    const withdraw = async () => {
      pending.pop();
      await store.addPendingWrite(customer.id, args.system, ownerOf(customer.id), pending);
    };
    return Object.assign(announce, { withdraw });
  }

  async function planAll() {
    for (const customerId of customerIds) {
      try {
        // Held before the customer is read: what we plan from is what no other sync can change meanwhile.
        if (!(await waitForLease(customerId))) {
          results.set(customerId, { outcome: 'busy' });
          continue;
        }
        leased.push(customerId);
        const customer = await store.getCustomer(customerId);
        if (!customer) {
          results.set(customerId, { outcome: 'missing' });
          continue;
        }
        const plan = planSync(customer, args.system, args.writableFields, args.addressParts);
        if (plan.action === 'skip') results.set(customerId, { outcome: 'skipped', reason: plan.reason });
        else planned.push({ customer, plan });
      } catch (error) {
        results.set(customerId, { error });
      }
    }
  }

  async function syncAll() {
    const toRead = planned.flatMap(({ plan }) => (plan.action === 'update' ? [plan.externalId] : []));
    let current = new Map<string, Observation>();
    try {
      if (toRead.length > 0) current = new Map((await target.read(toRead)).map((o) => [o.externalId, o]));
    } catch (error) {
      for (const { customer } of planned) results.set(customer.id, { error });
      return;
    }
    for (const { customer, plan } of planned) {
      try {
        const work = () => syncWaitingForResolver(customer, plan, current);
        results.set(customer.id, await (args.forCustomer ? args.forCustomer(customer.id, work) : work()));
      } catch (error) {
        results.set(customer.id, { error });
      }
    }
  }

  /**
   * An unseen edit the target holds is merged by the resolver first (§2): we wait for it, still
   * under the lease, and plan, read and write again; SQS redelivery only once the wait is used up.
   */
  async function syncWaitingForResolver(planned: Customer, firstPlan: Exclude<SyncPlan, { action: 'skip' }>, firstRead: Map<string, Observation>) {
    let customer = planned;
    let plan = firstPlan;
    let read = firstRead;
    for (let replans = 0; ; ) {
      const observe = (o: Observation) => args.observe(customer.id, o);
      const result = await syncPlanned(store, target, { ...args, customerId: customer.id, observe }, customer, plan, read, announcer(customer));
      if (result.outcome === 'changed-since-read') {
        // The connector's own read just before the write: judged like sync's read, from the same plan.
        if (++replans > MAX_REPLANS) return { outcome: 'unseen-edit', externalId: result.observation.externalId } as const;
        read = new Map([[result.observation.externalId, result.observation]]);
        continue;
      }
      let readAgain = true;
      if (result.outcome === 'planned-from-stale') {
        // Bounded: each round needs the resolver to have saved the customer again meanwhile.
        if (++replans > MAX_REPLANS) return { outcome: 'skipped', reason: 'the target already holds newer values' } as const;
        customer = result.saved;
        readAgain = false; // the read is the record's present state still
      } else {
        if (result.outcome !== 'unseen-edit') return result;
        const merged = await resolverMerged(customer);
        if (!merged) return result;
        customer = merged;
      }
      const next = planSync(customer, args.system, args.writableFields, args.addressParts);
      if (next.action === 'skip') return { outcome: 'skipped', reason: next.reason } as const;
      plan = next;
      if (next.action !== 'update') read = new Map();
      else if (readAgain || !read.has(next.externalId)) read = new Map((await target.read([next.externalId])).map((o) => [o.externalId, o]));
    }
  }

  /** The customer once the resolver has saved it or a link of it again, or undefined when the wait is used up. */
  async function resolverMerged(customer: Customer): Promise<Customer | undefined> {
    for (let round = 0; Date.now() < resolverDeadline; round++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** round, 1_000, Math.max(0, resolverDeadline - Date.now()))));
      const now = await store.getCustomer(customer.id);
      if (!now) return undefined;
      if (savedSince(customer, now)) return now;
    }
    return undefined;
  }
}

/**
 * Sync's read merged in memory left nothing to write, but the customer it was judged against is
 * no longer the one the resolver holds (§2): plan again from `saved`, with the same read.
 */
type PlannedFromStale = { outcome: 'planned-from-stale'; saved: Customer };

/** Whether the resolver saved the customer or any of its links after `planned` was read. */
function savedSince(planned: Customer, saved: Customer): boolean {
  const versions = (c: Customer) => [c.version, ...c.links.map((l) => `${l.system}#${l.externalId}@${l.version}`).sort()].join(',');
  return versions(planned) !== versions(saved);
}

type Announce = ((write: Pick<PendingWrite, 'externalId'> & { values: PartialFieldValues }) => Promise<boolean>) & { withdraw(): Promise<void> };

/** The connector's read just before its write showed an edit: nothing written (§2). */
type ChangedSinceRead = { outcome: 'changed-since-read'; observation: Observation };

async function syncPlanned(
  store: IdentityStore,
  target: CustomerTarget,
  args: SyncArgs,
  stored: Customer,
  firstPlan: Exclude<SyncPlan, { action: 'skip' }>,
  read: Map<string, Observation>,
  announce: Announce,
): Promise<SyncOutcome | PlannedFromStale | ChangedSinceRead> {
  const now = args.now ?? (() => new Date());
  let customer = stored;
  let plan: SyncPlan = firstPlan;
  let readBack: RecordRead | undefined;
  if (plan.action === 'update') {
    const externalId = plan.externalId;
    const found = read.get(externalId);
    if (!found) {
      // Deleted or merged away in the vendor (a merged id reads as its survivor, under another id).
      const survivor = [...read.values()].find((o) => o.mergedIds?.includes(externalId));
      return { outcome: 'target-gone', externalId, ...(survivor ? { survivorId: survivor.externalId } : {}) };
    }
    // The record's present state, not a delivery that can be late: it settles an unsure value (§2).
    const linkVersion = customer.links.find((l) => l.system === args.system && l.externalId === externalId)?.version ?? 0;
    const current: Observation = { ...found, readBack: { linkVersion } };
    // Its times as the resolver will take them: a vendor clock running ahead is clamped (§1).
    const clamped = clampFutureTimes(current, now()).observation;
    readBack = {
      at: clamped.observedAt,
      values: clamped.values,
      ...(clamped.fieldTimes ? { fieldTimes: clamped.fieldTimes } : {}),
      ...(clamped.partTimes ? { partTimes: clamped.partTimes } : {}),
    };
    const merged = applyObservation(customer, clamped, now().toISOString());
    if (merged.dirty) {
      await args.observe(current);
      customer = merged.customer;
      plan = planSync(customer, args.system, args.writableFields, args.addressParts);
      if (plan.action !== 'update') {
        // Judged against the customer we planned from; the resolver's may know better (§2).
        const saved = await store.getCustomer(stored.id);
        if (saved && savedSince(stored, saved)) return { outcome: 'planned-from-stale', saved };
        return { outcome: 'skipped', reason: 'the target already holds newer values' };
      }
      // Writing a field whose golden value that edit just changed would record our write on the
      // link before the resolver sees the edit: wait for the resolver (other fields may go now).
      const written = Object.keys(plan.values) as FieldName[];
      if (merged.changedFields.some((name) => written.includes(name))) return { outcome: 'unseen-edit', externalId };
    }
  }

  if (plan.action === 'create') {
    let values = plan.values;
    if (!(await announce({ values }))) return { outcome: 'busy' };
    let created = await target.create(values, { customerId: customer.id });
    const withheld: Partial<Record<FieldName, unknown>> = {};
    if (created.kind === 'exists') {
      const owner = await store.findOwner({ kind: 'link', system: args.system, externalId: created.externalId });
      if (!owner || owner === customer.id) {
        // Someone we have not seen: observe it first; the resolver decides whose it is (§4).
        // (Ours already: linked by a racing resolve since we read; the retry updates it.)
        const [existing] = await target.read([created.externalId]);
        if (existing) await args.observe(existing);
        return { outcome: 'found-existing', externalId: created.externalId, matchedOn: created.matchedOn };
      }
      if (created.matchedOn !== 'phone') {
        await store.recordDuplicate({ customerId: customer.id, otherCustomerId: owner, shared: 'record', system: args.system, at: now().toISOString() });
        return { outcome: 'link-conflict', externalId: created.externalId, ownerId: owner };
      }
      // The phone belongs to another customer's record there (a shared phone, §3): the system
      // keeps phones unique, so this customer's record is made without it.
      withheld.phone = values.phone;
      values = Object.fromEntries(Object.entries(values).filter(([name]) => name !== 'phone'));
      if (!(await announce({ values }))) return { outcome: 'busy' };
      created = await target.create(values, { customerId: customer.id });
      if (created.kind === 'exists') {
        return { outcome: 'link-conflict', externalId: created.externalId, ownerId: (await store.findOwner({ kind: 'link', system: args.system, externalId: created.externalId })) ?? 'unknown' };
      }
    }
    return record(store, args, customer, 'created', created, Object.keys(values) as FieldName[], withheld, undefined, now);
  }
  if (!(await announce({ externalId: plan.externalId, values: plan.values }))) return { outcome: 'busy' };
  let written: Awaited<ReturnType<CustomerTarget['update']>>;
  try {
    const found = read.get(plan.externalId);
    written = await target.update(plan.externalId, plan.values, found ? { read: found } : {});
  } catch (error) {
    if (!(error instanceof RecordChangedSinceRead)) throw error;
    await announce.withdraw();
    return { outcome: 'changed-since-read', observation: error.observation };
  }
  const withheld = written.withheld ?? {};
  const fields = (Object.keys(plan.values) as FieldName[]).filter((name) => !Object.hasOwn(withheld, name));
  return record(store, args, customer, 'updated', written, fields, withheld, readBack, now);
}

/**
 * Records what the target now holds on its link (and claims a new record's link), timed by
 * the golden values' source times. Only that link item is written: connectors never contend
 * on the customer item.
 */
async function record(
  store: IdentityStore,
  args: SyncArgs,
  planned: Customer,
  outcome: 'created' | 'updated',
  written: { externalId: string; at: string; fieldTimes?: Partial<Record<FieldName, string>>; holds: Partial<Record<FieldName, unknown>>; changedSince?: FieldName[] },
  fields: FieldName[],
  withheld: Partial<Record<FieldName, unknown>>,
  read: RecordRead | undefined,
  now: () => Date,
): Promise<SyncOutcome> {
  const sourceTimes = Object.fromEntries(fields.map((name) => [name, planned.fields[name]?.at ?? now().toISOString()]));
  for (let attempt = 1; attempt <= MAX_RECORD_ATTEMPTS; attempt++) {
    const current = await store.getCustomer(args.customerId);
    if (!current) return { outcome: 'missing' };
    const isNewLink = !current.links.some((l) => l.system === args.system && l.externalId === written.externalId);
    if (isNewLink) {
      const owner = await store.findOwner({ kind: 'link', system: args.system, externalId: written.externalId });
      if (owner && owner !== current.id) return { outcome: 'link-conflict', externalId: written.externalId, ownerId: owner };
    }
    const next = recordWrite(
      current,
      {
        system: args.system,
        externalId: written.externalId,
        at: written.at,
        ...(written.fieldTimes ? { fieldTimes: written.fieldTimes } : {}),
        sourceTimes,
        holds: written.holds,
        ...(read ? { read } : {}),
        ...(written.changedSince ? { changedSince: written.changedSince } : {}),
      },
      now().toISOString(),
    );
    if (Object.keys(withheld).length > 0) {
      const link = next.links.find((l) => l.system === args.system && l.externalId === written.externalId)!;
      link.withheld = { ...link.withheld, ...withheld };
    }
    const saved = await store.save(changeSet(current, next));
    if (saved.ok) {
      const kept = Object.keys(withheld) as FieldName[];
      const behind = planSync(next, args.system, args.writableFields, args.addressParts).action !== 'skip';
      return { outcome, externalId: written.externalId, fields, ...(kept.length > 0 ? { withheld: kept } : {}), ...(behind ? { behind: true as const } : {}) };
    }
  }
  throw new Error(`Could not record the write to ${args.system} after ${MAX_RECORD_ATTEMPTS} attempts`);
}
