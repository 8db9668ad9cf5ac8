import type { Customer, FieldName } from '../model/customer';
import type { Observation } from '../model/observation';
import { applyObservation } from './merge';
import { keysOf, matchKeyId, type IdentityStore, type MatchKey } from './identity-store';
import { newOmnihubId } from './omnihub-id';

export type ResolveOutcome =
  | { outcome: 'unchanged'; customerId: string; matchedBy: MatchKey['kind'] }
  | {
      outcome: 'created' | 'updated';
      customer: Customer;
      changedFields: FieldName[];
      matchedBy: MatchKey['kind'] | 'new';
      attempts: number;
    };

const MAX_ATTEMPTS = 8;

/**
 * Finds the customer an observation is about (by link, then normalized email, then E.164
 * phone, else a new one), merges it field by field and saves with optimistic concurrency.
 * A concurrent writer makes the save fail as a whole; we then read again and re-apply, so
 * both changes survive. Two first sightings of one person racing each other cannot both
 * create a customer: each claims the email/phone keys, and only one claim can win.
 */
export async function resolveObservation(
  store: IdentityStore,
  observation: Observation,
  options: { now?: () => Date; backoff?: (attempt: number) => Promise<void> } = {},
): Promise<ResolveOutcome> {
  const now = options.now ?? (() => new Date());
  const backoff = options.backoff ?? jitteredBackoff;

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const found = await findCustomer(store, observation);
    const nowIso = now().toISOString();
    const base = found?.customer ?? emptyCustomer(now());
    const merged = applyObservation(base, observation, nowIso);
    if (found && !merged.dirty) return { outcome: 'unchanged', customerId: found.customer.id, matchedBy: found.matchedBy };

    // A new customer claims every key it has: if a racer claimed one first, the save fails and
    // the next attempt finds and joins that customer. An existing one leaves others' keys alone.
    const customer = found ? await withoutForeignKeys(store, merged.customer, base) : structuredClone(merged.customer);
    customer.version = base.version + 1;
    const claims = newKeys(base, customer);
    const saved = await store.save({ customer, expectedVersion: found ? base.version : undefined, claims });
    if (saved.ok) {
      return {
        outcome: found ? 'updated' : 'created',
        customer,
        changedFields: merged.changedFields,
        matchedBy: found?.matchedBy ?? 'new',
        attempts: attempt,
      };
    }
    await backoff(attempt);
  }
  throw new Error(`Identity resolution kept conflicting after ${MAX_ATTEMPTS} attempts`);
}

async function findCustomer(
  store: IdentityStore,
  observation: Observation,
): Promise<{ customer: Customer; matchedBy: MatchKey['kind'] } | undefined> {
  const candidates: MatchKey[] = [{ kind: 'link', system: observation.system, externalId: observation.externalId }];
  if (observation.values.email) candidates.push({ kind: 'email', value: observation.values.email });
  if (observation.values.phone) candidates.push({ kind: 'phone', value: observation.values.phone });
  for (const key of candidates) {
    const owner = await store.findOwner(key);
    if (!owner) continue;
    const customer = await store.getCustomer(owner);
    if (customer) return { customer, matchedBy: key.kind };
  }
  return undefined;
}

/**
 * An email or phone already claimed by another customer stays with that customer: we do
 * not silently steal it (a shared family phone is not proof of one person). It is left
 * out of this customer's keys; the golden value itself is kept.
 */
async function withoutForeignKeys(store: IdentityStore, customer: Customer, base: Customer): Promise<Customer> {
  const next = structuredClone(customer);
  for (const key of newKeys(base, next)) {
    if (key.kind === 'link') continue;
    const owner = await store.findOwner(key);
    if (owner && owner !== next.id) {
      if (key.kind === 'email') next.emails = next.emails.filter((e) => e !== key.value);
      else next.phones = next.phones.filter((p) => p !== key.value);
    }
  }
  return next;
}

function newKeys(before: Customer, after: Customer): MatchKey[] {
  const had = new Set(keysOf(before).map(matchKeyId));
  return keysOf(after).filter((key) => !had.has(matchKeyId(key)));
}

function emptyCustomer(now: Date): Customer {
  const iso = now.toISOString();
  return { id: newOmnihubId(now), version: 0, createdAt: iso, updatedAt: iso, fields: {}, emails: [], phones: [], links: [] };
}

async function jitteredBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(1000, 20 * 2 ** attempt);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
