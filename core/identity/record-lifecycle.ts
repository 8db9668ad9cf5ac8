import { FIELD_NAMES, type Customer, type FieldName, type GoldenFields, type SourcedValue } from '../model/customer';
import { GUEST_ORDER_SYSTEM } from '../model/order';
import { toMillis } from '../model/system';
import { changeSet, type DuplicateHint, type IdentityStore } from './identity-store';
import { jitteredBackoff } from './resolve';

/**
 * What happens when a vendor deletes, redacts or merges records (docs/identity.md §7).
 * Links change here, never the other systems' records: a deletion in one tool is not a
 * deletion everywhere.
 */

const MAX_ATTEMPTS = 8;

export type RemoveOutcome =
  | { outcome: 'unknown' }
  | { outcome: 'unlinked' | 'redacted'; customerId: string }
  | { outcome: 'erased'; customerId: string };

export async function removeRecord(
  store: IdentityStore,
  removal: { system: string; externalId: string; reason: 'deleted' | 'redacted' },
  options: { backoff?: (attempt: number) => Promise<void> } = {},
): Promise<RemoveOutcome> {
  const backoff = options.backoff ?? jitteredBackoff;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const owner = await store.findOwner({ kind: 'link', system: removal.system, externalId: removal.externalId });
    const customer = owner ? await store.getCustomer(owner) : undefined;
    if (!customer) return { outcome: 'unknown' };

    const next = structuredClone(customer);
    next.links = next.links.filter((l) => !(l.system === removal.system && l.externalId === removal.externalId));
    let outcome: 'unlinked' | 'redacted' | 'erased' = 'unlinked';
    if (removal.reason === 'redacted') {
      // What that system's orders told of her (a guest's first sighting, §9) is forgotten with it.
      const guestLinks = next.links.filter((l) => l.system === GUEST_ORDER_SYSTEM && l.externalId.startsWith(`${removal.system}:`));
      next.links = next.links.filter((l) => !guestLinks.includes(l));
      outcome = next.links.length === 0 ? 'erased' : 'redacted';
      next.fields = rederive(next, removal.system);
      if (guestLinks.length > 0) next.fields = rederive(next, GUEST_ORDER_SYSTEM);
      if (outcome === 'erased') {
        next.emails = [];
        next.phones = [];
      }
    }
    const change = changeSet(customer, next);
    if (outcome === 'erased') {
      change.customer = undefined;
      change.deleteCustomer = { expectedVersion: customer.version };
    }
    const saved = await store.save(change);
    if (saved.ok) return { outcome, customerId: customer.id };
    await backoff(attempt);
  }
  throw new Error(`Removing a ${removal.system} record kept conflicting after ${MAX_ATTEMPTS} attempts`);
}

/**
 * The golden record without what `system` told us: each field it was the source of is taken
 * from the newest value another linked record holds, or dropped.
 */
function rederive(customer: Customer, erasedSystem: string): GoldenFields {
  const fields: Record<string, SourcedValue> = {};
  for (const name of FIELD_NAMES) {
    const golden = customer.fields[name];
    if (golden && golden.source !== erasedSystem) {
      fields[name] = golden;
      continue;
    }
    const newest = newestHeld(customer, name);
    if (newest) fields[name] = newest;
  }
  return fields as GoldenFields;
}

function newestHeld(customer: Customer, name: FieldName): SourcedValue | undefined {
  let best: SourcedValue | undefined;
  for (const link of customer.links) {
    const held = link.held[name];
    if (!held || held.value === null) continue;
    if (!best || toMillis(held.at) > toMillis(best.at)) best = { value: held.value, source: link.system, at: held.at };
  }
  return best;
}

export type MergeOutcome =
  | { outcome: 'unknown' }
  | { outcome: 'relinked'; customerId: string }
  | { outcome: 'split'; customerId: string; unlinkedFrom: string[] };

/**
 * The vendor merged `mergedIds` into `survivorId` (which may be a new id). The survivor is
 * linked to the customer of the first merged record we know (the vendor's primary comes
 * first); merged records of other customers are unlinked from them, and the pair is reported
 * as a possible duplicate: two omnihub customers are never merged automatically. The caller
 * then has the survivor read afresh.
 */
export async function mergeRecords(
  store: IdentityStore,
  merge: { system: string; survivorId: string; mergedIds: string[]; at: string },
  options: { backoff?: (attempt: number) => Promise<void> } = {},
): Promise<MergeOutcome> {
  const backoff = options.backoff ?? jitteredBackoff;
  const ids = [...new Set([...merge.mergedIds, merge.survivorId])];
  const owners = await Promise.all(ids.map((externalId) => store.findOwner({ kind: 'link', system: merge.system, externalId })));
  const keeper = owners.find((owner): owner is string => owner !== undefined);
  if (!keeper) return { outcome: 'unknown' };

  const others = [...new Set(owners.filter((o): o is string => o !== undefined && o !== keeper))];
  // Others first: their claims on the merged ids are released before the keeper claims the survivor.
  for (const other of others) {
    await retry(backoff, async () => {
      const customer = await store.getCustomer(other);
      if (!customer) return true;
      const next = structuredClone(customer);
      next.links = next.links.filter((l) => !(l.system === merge.system && ids.includes(l.externalId)));
      return (await store.save(changeSet(customer, next))).ok;
    });
    const hint: DuplicateHint = { customerId: keeper, otherCustomerId: other, shared: 'record', system: merge.system, at: merge.at };
    await store.recordDuplicate(hint);
  }
  await retry(backoff, async () => {
    const customer = await store.getCustomer(keeper);
    if (!customer) return true;
    const next = structuredClone(customer);
    const merged = next.links.filter((l) => l.system === merge.system && ids.includes(l.externalId));
    next.links = next.links.filter((l) => !(l.system === merge.system && ids.includes(l.externalId)));
    // The survivor holds what the primary held until it is read again (the caller asks for that read).
    const primary = merged.find((l) => l.externalId === merge.survivorId) ?? merged[0];
    next.links.push({
      system: merge.system,
      externalId: merge.survivorId,
      linkedAt: primary?.linkedAt ?? merge.at,
      held: primary?.held ?? {},
      version: merged.find((l) => l.externalId === merge.survivorId)?.version ?? 0,
    });
    return (await store.save(changeSet(customer, next))).ok;
  });

  return others.length > 0 ? { outcome: 'split', customerId: keeper, unlinkedFrom: others } : { outcome: 'relinked', customerId: keeper };
}

async function retry(backoff: (attempt: number) => Promise<void>, step: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (await step()) return;
    await backoff(attempt);
  }
  throw new Error(`A vendor merge kept conflicting after ${MAX_ATTEMPTS} attempts`);
}

