import type { Customer, FieldName } from '../model/customer';
import type { Observation } from '../model/observation';
import { clampFutureTimes } from './clock';
import { applyObservation } from './merge';
import { changeSet, matchKeyId, type DuplicateHint, type IdentityStore, type MatchKey } from './identity-store';
import { newOmnihubId } from './omnihub-id';

export type MatchedBy = MatchKey['kind'] | 'new';

export type ResolveOutcome =
  | { outcome: 'unchanged'; customerId: string; matchedBy: MatchedBy; clamped: string[]; duplicates: DuplicateHint[] }
  /** A linked-only observation of a record we do not know (yet): its full read will bring it. */
  | { outcome: 'not-linked'; clamped: string[] }
  | {
      outcome: 'created' | 'updated';
      customer: Customer;
      changedFields: FieldName[];
      /** Fields the observed record may hold otherwise than we know (docs/identity.md §2): to sync again. */
      recheck: FieldName[];
      matchedBy: MatchedBy;
      attempts: number;
      /** Source times that were in the future and were clamped to now (field names). */
      clamped: string[];
      /** Customers this one may be the same person as (recorded for `npx omnihub duplicates`). */
      duplicates: DuplicateHint[];
    };

const MAX_ATTEMPTS = 8;

/**
 * Finds the customer an observation is about (docs/identity.md §3: link, then normalized
 * email, then phone only for a record without an email), merges it field by field (§1, §5)
 * and saves with optimistic concurrency. A concurrent writer makes the save fail as a whole;
 * we then read again and re-apply, so both changes survive. Two first sightings of one person
 * racing cannot both create a customer: each claims its keys, and only one claim can win.
 */
export async function resolveObservation(
  store: IdentityStore,
  received: Observation,
  options: { now?: () => Date; backoff?: (attempt: number) => Promise<void> } = {},
): Promise<ResolveOutcome> {
  const now = options.now ?? (() => new Date());
  const backoff = options.backoff ?? jitteredBackoff;
  const { observation, clamped } = clampFutureTimes(received, now());

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const lookup = await lookUp(store, observation);
    if (observation.linkedOnly && lookup.matchedBy !== 'link') return { outcome: 'not-linked', clamped };
    const nowIso = now().toISOString();
    const before = lookup.customer;
    const base = before ?? emptyCustomer(now());
    const merged = applyObservation(base, observation, nowIso);

    // An email or phone another customer owns stays with that customer: left out of this
    // customer's keys (the golden value itself is kept), and the pair is reported.
    const customer = merged.customer;
    const duplicates: DuplicateHint[] = [];
    for (const [kind, value] of [['email', observation.values.email], ['phone', observation.values.phone]] as const) {
      const owner = value ? lookup.owners.get(matchKeyId({ kind, value })) : undefined;
      if (!value || !owner || owner === customer.id) continue;
      if (kind === 'email') customer.emails = customer.emails.filter((e) => e !== value);
      else customer.phones = customer.phones.filter((p) => p !== value);
      duplicates.push({ customerId: customer.id, otherCustomerId: owner, shared: kind, system: observation.system, at: nowIso });
    }

    if (before && !merged.dirty) {
      return { outcome: 'unchanged', customerId: before.id, matchedBy: lookup.matchedBy, clamped, duplicates };
    }
    const change = changeSet(before, customer);
    const saved = await store.save(change);
    if (saved.ok) {
      const stored = { ...customer, version: change.customer?.item.version ?? base.version };
      for (const hint of duplicates) await store.recordDuplicate(hint);
      return {
        outcome: before ? 'updated' : 'created',
        customer: stored,
        changedFields: merged.changedFields,
        recheck: merged.recheck,
        matchedBy: lookup.matchedBy,
        attempts: attempt,
        clamped,
        duplicates,
      };
    }
    await backoff(attempt);
  }
  throw new Error(`Identity resolution kept conflicting after ${MAX_ATTEMPTS} attempts`);
}

interface Lookup {
  customer: Customer | undefined;
  matchedBy: MatchedBy;
  /** matchKeyId → owning customer id, for the observation's keys. */
  owners: Map<string, string>;
}

/**
 * Link, then email, then phone: a phone joins a record with an email only to a customer who has
 * none (she was known by her phone alone); otherwise a shared phone is not a person.
 */
async function lookUp(store: IdentityStore, observation: Observation): Promise<Lookup> {
  const candidates: MatchKey[] = [{ kind: 'link', system: observation.system, externalId: observation.externalId }];
  const { email, phone } = observation.values;
  if (email) candidates.push({ kind: 'email', value: email });
  if (phone) candidates.push({ kind: 'phone', value: phone });
  const found = await Promise.all(candidates.map(async (key) => [key, await store.findOwner(key)] as const));
  const owners = new Map<string, string>();
  for (const [key, owner] of found) if (owner) owners.set(matchKeyId(key), owner);

  // A record with an email we could not read still has an email: the phone alone does not join it.
  const hasEmail = Boolean(email) || (observation.unusable ?? []).includes('email');
  for (const [key, owner] of found) {
    if (!owner) continue;
    const customer = await store.getCustomer(owner);
    // §3: a phone joins a record with an email only to a customer known by the phone alone.
    if (key.kind === 'phone' && hasEmail && customer && knownByEmail(customer)) continue;
    if (customer) return { customer, matchedBy: key.kind, owners };
  }
  return { customer: undefined, matchedBy: 'new', owners };
}

/** Has the customer an email, claimed or as a golden value (one we could not claim is still hers)? */
function knownByEmail(customer: Customer): boolean {
  return customer.emails.length > 0 || Boolean(customer.fields.email?.value);
}

function emptyCustomer(now: Date): Customer {
  const iso = now.toISOString();
  return { id: newOmnihubId(now), version: 0, createdAt: iso, updatedAt: iso, fields: {}, emails: [], phones: [], links: [] };
}

export async function jitteredBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(1000, 20 * 2 ** attempt);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
