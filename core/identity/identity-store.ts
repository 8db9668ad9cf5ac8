import type { Customer } from '../model/customer';

/** A key that identifies exactly one customer: a system's record id, a normalized email or an E.164 phone. */
export type MatchKey =
  | { kind: 'link'; system: string; externalId: string }
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string };

export type SaveResult = { ok: true } | { ok: false; reason: 'conflict' };

/**
 * The identity map, as core needs it. The DynamoDB adapter lives in functions/lib/adapters.
 * `save` is atomic: the customer (guarded by its version) and every new match-key claim
 * (guarded by "unclaimed or already mine") are written together or not at all.
 */
export interface IdentityStore {
  getCustomer(id: string): Promise<Customer | undefined>;
  findOwner(key: MatchKey): Promise<string | undefined>;
  save(change: { customer: Customer; expectedVersion: number | undefined; claims: MatchKey[] }): Promise<SaveResult>;
}

export function keysOf(customer: Pick<Customer, 'emails' | 'phones' | 'links'>): MatchKey[] {
  return [
    ...customer.links.map((l): MatchKey => ({ kind: 'link', system: l.system, externalId: l.externalId })),
    ...customer.emails.map((value): MatchKey => ({ kind: 'email', value })),
    ...customer.phones.map((value): MatchKey => ({ kind: 'phone', value })),
  ];
}

export function matchKeyId(key: MatchKey): string {
  return key.kind === 'link' ? `LINK#${key.system}#${key.externalId}` : `${key.kind.toUpperCase()}#${key.value}`;
}
