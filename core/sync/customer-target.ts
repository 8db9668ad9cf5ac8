import type { FieldName, PartialFieldValues } from '../model/customer';
import type { Observation } from '../model/observation';
import { sameValue } from '../model/same-value';
import type { Timestamp } from '../model/system';

/**
 * The write side of a connector, as sync needs it: the port each connector's client
 * implements over its vendor's real SDK (connectors/<id>/client.ts).
 */

/** What a write left in the target system, so the identity map knows what that record now holds. */
export interface WriteOutcome {
  externalId: string;
  /** The record's updated timestamp in the target system after our write (its echo carries the same). */
  at: Timestamp;
  /** The values the record now holds for the fields we wrote, mapped back to canonical form. */
  holds: PartialFieldValues;
  /**
   * A finer clock for fields the vendor times apart from the record (Klaviyo's consent, written by
   * a job that leaves `updated` alone): when the vendor took that write, no later than the time
   * the field will carry (docs/identity.md §10). Fields not named here are timed by `at`.
   */
  fieldTimes?: Partial<Record<FieldName, Timestamp>>;
  /**
   * Values the system refused because another of its records holds them (Shopify keeps phones
   * unique): the rest was written; these are left out and not sent again until they change.
   */
  withheld?: PartialFieldValues;
  /**
   * Fields a read after the write already showed otherwise than we wrote (a person's edit right
   * after ours): `at` came from that read, so it is the edit's clock, and our write was before it.
   */
  changedSince?: FieldName[];
}

/**
 * A create either made a record, or found that the vendor already has one for this person
 * (HubSpot 409 "Contact already exists. Existing ID: N", Shopify "Email has already been
 * taken"). In the second case the connector writes NOTHING: sync first checks whose record it
 * is, and observes it before any write (it may belong to another customer, or hold edits we
 * have not seen).
 */
export type CreateOutcome =
  | ({ kind: 'created' } & WriteOutcome)
  // 'omnihub-id': the record a create of ours made, found by the customer id it carries (HubSpot).
  | { kind: 'exists'; externalId: string; matchedOn: 'email' | 'phone' | 'omnihub-id' };

export interface UpdateOptions {
  /**
   * Sync's read of the record, the one its plan was checked against. A connector that reads the
   * record again just before writing (Shopify, for the address id) compares the fields it is
   * about to write with it, and throws RecordChangedSinceRead instead of writing over an edit.
   */
  read?: Observation;
}

/**
 * The record changed since sync's read, in a field the write would overwrite (a person's edit in
 * between: the vendors offer no version condition). Nothing was written; `observation` is the
 * record as the connector just read it, for the resolver (docs/identity.md §2).
 */
export class RecordChangedSinceRead extends Error {
  constructor(
    readonly system: string,
    readonly observation: Observation,
  ) {
    super(`The ${system} record changed since sync read it; nothing written`);
    this.name = 'RecordChangedSinceRead';
  }
}

/**
 * The fields a write of `values` would overwrite that `now` (the connector's own read just
 * before the write) shows otherwise than sync's `read` did: an edit made in between (§2).
 */
export function fieldsChangedSince(read: Observation, now: Observation, values: PartialFieldValues): FieldName[] {
  return (Object.keys(values) as FieldName[]).filter((name) => !sameValue(now.values[name] ?? null, read.values[name] ?? null));
}

export interface CustomerTarget {
  /**
   * `scope.customerId` names the omnihub customer the record is made for: a connector whose
   * create takes an idempotency key (Square) derives it from that, so two people with the same
   * values never share a key, and a retried create of one of them replays.
   */
  create(values: PartialFieldValues, scope?: { customerId?: string }): Promise<CreateOutcome>;
  update(externalId: string, values: PartialFieldValues, options?: UpdateOptions): Promise<WriteOutcome>;
  /**
   * Read records by id (batched), as observations with the finest clock the vendor gives.
   * Used to hydrate id-only webhooks and, before every update, to make sure the target holds
   * nothing we have not seen. Missing (deleted) ids are left out; an id that now reads as
   * another record (HubSpot merge) comes back under the id the vendor answers with.
   */
  read(externalIds: string[]): Promise<Observation[]>;
}
