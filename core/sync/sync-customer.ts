import type { Address, Customer, FieldName } from '../model/customer';
import type { Observation } from '../model/observation';
import type { IdentityStore, MatchKey } from '../identity/identity-store';
import { applyObservation, recordWrite } from '../identity/merge';
import type { CustomerTarget } from './customer-target';
import { planSync } from './plan-sync';

export type SyncOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'missing' }
  | { outcome: 'created' | 'updated'; externalId: string; fields: FieldName[] }
  | { outcome: 'found-existing'; externalId: string; matchedOn: 'email' | 'phone' }
  | { outcome: 'target-gone'; externalId: string }
  | { outcome: 'link-conflict'; externalId: string; ownerId: string };

const MAX_RECORD_ATTEMPTS = 8;

export interface SyncArgs {
  customerId: string;
  system: string;
  writableFields: readonly FieldName[];
  addressParts?: readonly (keyof Address)[];
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
  const now = args.now ?? (() => new Date());
  const stored = await store.getCustomer(args.customerId);
  if (!stored) return { outcome: 'missing' };
  let customer: Customer = stored;

  let plan = planSync(customer, args.system, args.writableFields, args.addressParts);
  if (plan.action === 'skip') return { outcome: 'skipped', reason: plan.reason };

  if (plan.action === 'update') {
    const externalId = plan.externalId;
    const [current] = await target.read([externalId]);
    if (!current || current.externalId !== externalId) {
      // Deleted or merged away in the vendor: its own webhook unlinks or re-points the link.
      if (current) await args.observe(current);
      return { outcome: 'target-gone', externalId };
    }
    const merged = applyObservation(customer, current, now().toISOString());
    if (merged.dirty) {
      await args.observe(current);
      customer = merged.customer;
      plan = planSync(customer, args.system, args.writableFields, args.addressParts);
      if (plan.action !== 'update') return { outcome: 'skipped', reason: 'the target already holds newer values' };
    }
  }

  if (plan.action === 'create') {
    const created = await target.create(plan.values);
    if (created.kind === 'exists') return foundExisting(store, target, args, customer, created.externalId, created.matchedOn);
    return record(store, args, customer, 'created', created, Object.keys(plan.values) as FieldName[], now);
  }
  const written = await target.update(plan.externalId, plan.values);
  return record(store, args, customer, 'updated', written, Object.keys(plan.values) as FieldName[], now);
}

async function foundExisting(
  store: IdentityStore,
  target: CustomerTarget,
  args: SyncArgs,
  customer: Customer,
  externalId: string,
  matchedOn: 'email' | 'phone',
): Promise<SyncOutcome> {
  const owner = await store.findOwner({ kind: 'link', system: args.system, externalId });
  if (owner && owner !== customer.id) return { outcome: 'link-conflict', externalId, ownerId: owner };
  const [existing] = await target.read([externalId]);
  if (existing) await args.observe(existing);
  return { outcome: 'found-existing', externalId, matchedOn };
}

/** Records what the target now holds on its link, timed by the golden values' source times. */
async function record(
  store: IdentityStore,
  args: SyncArgs,
  planned: Customer,
  outcome: 'created' | 'updated',
  written: { externalId: string; holds: Partial<Record<FieldName, unknown>> },
  fields: FieldName[],
  now: () => Date,
): Promise<SyncOutcome> {
  const linkKey: MatchKey = { kind: 'link', system: args.system, externalId: written.externalId };
  const sourceTimes = Object.fromEntries(fields.map((name) => [name, planned.fields[name]?.at ?? now().toISOString()]));
  for (let attempt = 1; attempt <= MAX_RECORD_ATTEMPTS; attempt++) {
    const current = await store.getCustomer(args.customerId);
    if (!current) return { outcome: 'missing' };
    const isNewLink = !current.links.some((l) => l.system === args.system && l.externalId === written.externalId);
    if (isNewLink) {
      const owner = await store.findOwner(linkKey);
      if (owner && owner !== current.id) return { outcome: 'link-conflict', externalId: written.externalId, ownerId: owner };
    }
    const next = recordWrite(current, { system: args.system, externalId: written.externalId, holds: written.holds, at: sourceTimes }, now().toISOString());
    next.version = current.version + 1;
    const saved = await store.save({ customer: next, expectedVersion: current.version, claims: isNewLink ? [linkKey] : [] });
    if (saved.ok) return { outcome, externalId: written.externalId, fields };
  }
  throw new Error(`Could not record the write to ${args.system} after ${MAX_RECORD_ATTEMPTS} attempts`);
}
