import type { Customer, Link, PendingWrite } from '../model/customer';
import { canonicalJson } from '../model/same-value';

/** A key that identifies exactly one customer: a system's record id, a normalized email or an E.164 phone. */
export type MatchKey =
  | { kind: 'link'; system: string; externalId: string }
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string };

export type SaveResult = { ok: true } | { ok: false; reason: 'conflict' };

/** Two customers that may be one person, for a person to decide (`npx omnihub duplicates`). */
export interface DuplicateHint {
  customerId: string;
  otherCustomerId: string;
  /** What they share, without the value: 'phone', 'email', 'record' (a create found the other's record). */
  shared: 'phone' | 'email' | 'record';
  system?: string;
  at: string;
}

/**
 * What one save changes, computed from the customer as read and as it should be (`changeSet`).
 * The customer item and each link item carry their own version: a sync of one system writes
 * only its link, the resolver writes the customer and the links it touched, in one transaction.
 */
export interface ChangeSet {
  customerId: string;
  /** The customer item to write (fields, keys), guarded by `expectedVersion`; undefined when only links changed. */
  customer?: { item: Customer; expectedVersion: number | undefined };
  linkPuts: Array<{ link: Link; expectedVersion: number | undefined }>;
  linkDeletes: Array<{ system: string; externalId: string; expectedVersion: number }>;
  claims: MatchKey[];
  releases: MatchKey[];
  /** Erase the customer item itself (a redaction that left no link). */
  deleteCustomer?: { expectedVersion: number };
}

/**
 * The identity map, as core needs it. The DynamoDB adapter lives in functions/lib/adapters.
 * `save` is atomic: every item of the change set (guarded by its version) and every new
 * match-key claim (guarded by "unclaimed or already mine") are written together or not at all.
 */
export interface IdentityStore {
  /** The customer with all its links (one read of its partition). */
  getCustomer(id: string): Promise<Customer | undefined>;
  findOwner(key: MatchKey): Promise<string | undefined>;
  save(change: ChangeSet): Promise<SaveResult>;
  recordDuplicate(hint: DuplicateHint): Promise<void>;
  /**
   * One sync at a time per customer and system (a duplicate or redelivered change must not
   * write concurrently: each would take the other's echo for a human edit). A lease expires on
   * its own, so a crashed holder blocks nobody for long. False when another holder has it.
   * `owners`: who we are (the queue messages of this customer in the batch); a lease held by
   * any of them is taken back, and held under the first.
   */
  acquireLease(customerId: string, system: string, owners: readonly string[], now: Date, ttlMs: number): Promise<boolean>;
  /**
   * Adds a write about to be made to the lease item (docs/identity.md §2), keeping the pending
   * writes given (the ones still worth knowing). False when the lease is no longer ours.
   */
  addPendingWrite(customerId: string, system: string, owner: string, pending: PendingWrite[]): Promise<boolean>;
  /** Gives the lease up; `recorded` (a write was recorded on the link) clears the pending writes. */
  releaseLease(customerId: string, system: string, owner: string, options?: { recorded?: boolean }): Promise<void>;
  listDuplicates(): Promise<DuplicateHint[]>;
  /**
   * A record no customer is linked to was found deleted in its system (a read that named it came
   * back without it, or its deletion webhook): kept for a month, so an order naming that record
   * as its buyer stops waiting for a link that will never come (docs/identity.md §9).
   */
  recordGone(record: { system: string; externalId: string }, at: string): Promise<void>;
  isGone(record: { system: string; externalId: string }): Promise<boolean>;
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

const linkId = (link: Pick<Link, 'system' | 'externalId'>) => `${link.system}#${link.externalId}`;

/**
 * The items a save must write to turn `before` (as read; undefined for a new customer) into
 * `after`. Versions are bumped here, so the adapter only executes. Claims are the keys `after`
 * has that `before` had not; releases the ones it dropped.
 */
export function changeSet(before: Customer | undefined, after: Customer): ChangeSet {
  // Pending writes live on the lease items (sync's), never on the customer item.
  const { links: _afterLinks, pendingWrites: _afterPending, ...afterCore } = after;
  const beforeCore = before ? (({ links: _links, pendingWrites: _pending, ...core }) => core)(before) : undefined;
  const customerChanged = !beforeCore || canonicalJson({ ...beforeCore, version: 0 }) !== canonicalJson({ ...afterCore, version: 0 });

  const previous = new Map((before?.links ?? []).map((l) => [linkId(l), l]));
  const current = new Map(after.links.map((l) => [linkId(l), l]));
  const linkPuts: ChangeSet['linkPuts'] = [];
  for (const [id, link] of current) {
    const old = previous.get(id);
    if (old && canonicalJson({ ...old, version: 0 }) === canonicalJson({ ...link, version: 0 })) continue;
    const expectedVersion = old ? old.version : undefined;
    linkPuts.push({ link: { ...link, version: (old?.version ?? 0) + 1 }, expectedVersion });
  }
  const linkDeletes = [...previous]
    .filter(([id]) => !current.has(id))
    .map(([, l]) => ({ system: l.system, externalId: l.externalId, expectedVersion: l.version }));

  const had = new Set(before ? keysOf(before).map(matchKeyId) : []);
  const has = new Set(keysOf(after).map(matchKeyId));
  return {
    customerId: after.id,
    customer: customerChanged
      ? { item: { ...afterCore, links: after.links, version: (before?.version ?? 0) + 1 }, expectedVersion: before?.version }
      : undefined,
    linkPuts,
    linkDeletes,
    claims: keysOf(after).filter((key) => !had.has(matchKeyId(key))),
    releases: before ? keysOf(before).filter((key) => !has.has(matchKeyId(key))) : [],
  };
}
