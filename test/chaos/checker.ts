import {
  ADDRESS_KEY_PARTS,
  addressKeyPart,
  CHECKED_FIELDS,
  recordKey,
  UNIQUE_PHONES,
  type CheckedField,
  type FieldValue,
  type GroundTruth,
  type Snapshot,
  type SnapshotRecord,
  type SystemName,
  type TruthEdit,
} from './model';
import { observableEdits, type ShopifyTrail, type SightingTrail } from './sightings';

/**
 * The chaos run's verdict: the ground truth (who each record belongs to, every edit with its
 * source time) against what every system and the identity table hold once all is quiet. Each
 * check is a rule of docs/identity.md; a finding names people, records and fields, never values.
 */

export type CheckName =
  | 'lostUpdates'
  | 'duplicateCustomers'
  | 'duplicateRecords'
  | 'wrongMerges'
  | 'unresolvedPeople'
  | 'unattributedRecords'
  | 'forgedValuesKept';

export interface Finding {
  check: CheckName;
  detail: string;
}

export interface Verdict {
  counts: Record<CheckName, number>;
  findings: Finding[];
  /**
   * Unseen edits nothing was left of to see, per system: overwritten before any read saw them (by
   * the person's own next edit, or by a write of the hub's that raced it), or never read at all. No
   * observer could know them: not counted as lost, but told, with the hub's overwrites named.
   */
  unobservable: Partial<Record<SystemName, UnobservableCounts>>;
  unobservableByHub: string[];
}

export interface UnobservableCounts {
  total: number;
  byPerson: number;
  byHub: number;
  /** Overwritten by a change whose maker the trail does not know (Shopify's state changes). */
  byUnknown: number;
  neverRead: number;
}

const EMPTY_COUNTS: Record<CheckName, number> = {
  lostUpdates: 0,
  duplicateCustomers: 0,
  duplicateRecords: 0,
  wrongMerges: 0,
  unresolvedPeople: 0,
  unattributedRecords: 0,
  forgedValuesKept: 0,
};

/**
 * `shopifyTrail`: what the drop phase judges Shopify's unseen edits by; `polled`: the trail of each
 * vendor that sends no webhooks (Klaviyo), whose every edit is unseen until a read (sightings.ts).
 */
export function check(truth: GroundTruth, snapshot: Snapshot, shopifyTrail?: ShopifyTrail, polled: Partial<Record<SystemName, SightingTrail>> = {}): Verdict {
  const counts = { ...EMPTY_COUNTS };
  const findings: Finding[] = [];
  const found = (name: CheckName, detail: string) => {
    counts[name] += 1;
    findings.push({ check: name, detail });
  };

  const known = new Map(truth.records.map((record) => [recordKey(record.system, record.externalId), record]));
  const personByEmail = new Map(truth.people.map((person) => [person.email.toLowerCase(), person.id]));
  const snapshotByKey = new Map(snapshot.records.map((record) => [recordKey(record.system, record.externalId), record]));

  /** Whose record is this: the one the workload made it for, else the person whose email it carries. */
  const ownerOf = (system: SnapshotRecord['system'], externalId: string): string | undefined => {
    const key = recordKey(system, externalId);
    const record = known.get(key);
    if (record) return record.person;
    const email = snapshotByKey.get(key)?.values.email;
    return email ? personByEmail.get(email) : undefined;
  };

  // Records per person and system; a deliberate second record still waiting for its merge is not a duplicate.
  const recordsOf = new Map<string, SnapshotRecord[]>();
  for (const record of snapshot.records) {
    const owner = ownerOf(record.system, record.externalId);
    if (owner === undefined) {
      found('unattributedRecords', `${record.system} record ${record.externalId} belongs to no person of the workload`);
      continue;
    }
    const truthRecord = known.get(recordKey(record.system, record.externalId));
    if (truthRecord?.gone) continue; // the vendor still lists a record it merged away: not the person's record any more
    if (truthRecord?.deliberateDuplicate) continue;
    const list = recordsOf.get(owner) ?? [];
    list.push(record);
    recordsOf.set(owner, list);
  }
  for (const [person, records] of recordsOf) {
    for (const system of new Set(records.map((record) => record.system))) {
      const mine = records.filter((record) => record.system === system);
      if (mine.length > 1) {
        found('duplicateRecords', `${person} has ${mine.length} ${system} records: ${mine.map((record) => record.externalId).join(', ')}`);
      }
    }
  }

  // Customers per person, and customers holding more than one person.
  const customersOf = new Map<string, Snapshot['customers']>();
  for (const customer of snapshot.customers) {
    const people = new Set<string>();
    for (const link of customer.links) {
      const owner = ownerOf(link.system, link.externalId);
      if (owner !== undefined) people.add(owner);
    }
    if (people.size === 0 && customer.values.email) {
      const owner = personByEmail.get(customer.values.email);
      if (owner !== undefined) people.add(owner);
    }
    if (people.size > 1) found('wrongMerges', `customer ${customer.id} holds ${people.size} people: ${[...people].sort().join(', ')}`);
    for (const person of people) customersOf.set(person, [...(customersOf.get(person) ?? []), customer]);
  }
  for (const [person, customers] of customersOf) {
    if (customers.length > 1) found('duplicateCustomers', `${person} is ${customers.length} customers: ${customers.map((customer) => customer.id).join(', ')}`);
  }

  // Lost updates: per person and field, the newest edit by source time must be what the golden record and every record hold.
  const unholdable = new Set(truth.unholdable.map((entry) => `${entry.person}|${entry.system}|${entry.field}`));
  // Shopify and Klaviyo keep a phone to one record: a phone another person's record there holds
  // cannot be held by this person's there, whichever family member got it first (the workload's
  // own list knows only the order of the creates; an edit synced later can find the phone taken).
  const phoneOwners = new Map<string, Set<string>>();
  for (const [owner, records] of recordsOf) {
    for (const record of records) {
      const phone = record.values.phone;
      if (!UNIQUE_PHONES.includes(record.system) || typeof phone !== 'string') continue;
      const key = `${record.system}|${phone}`;
      phoneOwners.set(key, new Set([...(phoneOwners.get(key) ?? []), owner]));
    }
  }
  const phoneTakenByAnother = (person: string, system: SystemName, phone: unknown) =>
    UNIQUE_PHONES.includes(system) && typeof phone === 'string' && [...(phoneOwners.get(`${system}|${phone}`) ?? [])].some((owner) => owner !== person);
  // What an observer could know of edits nothing told of: Shopify's whose webhooks never came (the
  // drop phase), and every edit in a polled vendor (Klaviyo), each known by its first sighting.
  const observable = observableEdits(truth.edits, shopifyTrail, polled);
  const edits = observable.edits;
  const unobservable: Partial<Record<SystemName, UnobservableCounts>> = {};
  const unobservableByHub: string[] = [];
  for (const { edit, overwrittenBy, overwriterReadAt } of observable.unobservable) {
    const counts = (unobservable[edit.system] ??= { total: 0, byPerson: 0, byHub: 0, byUnknown: 0, neverRead: 0 });
    counts.total += 1;
    if (!overwrittenBy) counts.neverRead += 1;
    else if (overwrittenBy.by === 'person') counts.byPerson += 1;
    else if (overwrittenBy.by === undefined) counts.byUnknown += 1;
    else {
      counts.byHub += 1;
      const read =
        overwriterReadAt === undefined
          ? 'which had not read it'
          : `which had read it ${overwriterReadAt < (edit.madeAt ?? 0) ? `${(edit.madeAt ?? 0) - overwriterReadAt} ms before the edit` : `${overwriterReadAt - (edit.madeAt ?? 0)} ms after the edit`}`;
      unobservableByHub.push(
        `${edit.person}.${edit.field} (${edit.system} ${edit.externalId}, made ${new Date(edit.madeAt ?? 0).toISOString()}) overwritten ${overwrittenBy.at - (edit.madeUntil ?? edit.madeAt ?? 0)} ms later by ${overwrittenBy.by}, ${read}, before any other read`,
      );
    }
  }
  const newest = newestEdits(edits);
  for (const person of truth.people) {
    const records = recordsOf.get(person.id) ?? [];
    const customers = customersOf.get(person.id) ?? [];
    if (customers.length === 0 && records.length > 0) {
      found('unresolvedPeople', `${person.id} has ${records.length} record(s) but no customer`);
    }
    for (const [index, part] of ADDRESS_KEY_PARTS.entries()) {
      const edit = newestPartEdit(edits, person.id, index);
      if (!edit) continue;
      const expected = addressKeyPart(edit.value, index);
      const wrong: string[] = [];
      for (const customer of customers) if (addressKeyPart(customer.values.address, index) !== expected) wrong.push(`golden ${customer.id}`);
      for (const record of records) {
        if (unholdable.has(`${person.id}|${record.system}|address`)) continue;
        if (addressKeyPart(record.values.address, index) !== expected) wrong.push(`${record.system} ${record.externalId}`);
      }
      if (wrong.length > 0) {
        found('lostUpdates', `${person.id}.address.${part}: the newest edit (${edit.system} at ${new Date(edit.at).toISOString()}) is not held by ${wrong.join(', ')}${owedNote(edit)}`);
      }
    }
    for (const field of CHECKED_FIELDS) {
      if (field === 'address') continue; // part by part, above (docs/identity.md §5)
      const edit = newest.get(`${person.id}|${field}`);
      if (!edit) continue;
      const wrong: string[] = [];
      for (const customer of customers) {
        if (!same(customer.values[field], edit.value)) wrong.push(`golden ${customer.id}`);
      }
      for (const record of records) {
        if (unholdable.has(`${person.id}|${record.system}|${field}`)) continue;
        if (field === 'phone' && phoneTakenByAnother(person.id, record.system, edit.value)) continue;
        if (!same(record.values[field], edit.value)) wrong.push(`${record.system} ${record.externalId}`);
      }
      if (wrong.length > 0) {
        found('lostUpdates', `${person.id}.${field}: the newest edit (${edit.system} at ${new Date(edit.at).toISOString()}) is not held by ${wrong.join(', ')}${owedNote(edit)}`);
      }
    }
  }

  // A forged delivery changes nothing: none of its values is held anywhere.
  const forged = new Set(truth.forgedValues);
  if (forged.size > 0) {
    const places = [
      ...snapshot.records.map((record) => ({ where: `${record.system} ${record.externalId}`, values: record.values })),
      ...snapshot.customers.map((customer) => ({ where: `golden ${customer.id}`, values: customer.values })),
    ];
    for (const { where, values } of places) {
      for (const field of CHECKED_FIELDS) {
        const value = values[field];
        if (value && forged.has(value)) found('forgedValuesKept', `${where}.${field} holds a value only a forged delivery carried`);
      }
    }
  }

  return { counts, findings, unobservable, unobservableByHub };
}

/** Why an edit no read saw still counts: the read the hub owed before a retried write (sightings.ts). */
function owedNote(edit: TruthEdit): string {
  return edit.owedRead ? `; no read saw it: ${edit.owedRead}` : '';
}

/** The newest edit per person and field: latest source time, and on a tie the one made last. */
export function newestEdits(edits: readonly TruthEdit[]): Map<string, TruthEdit> {
  const newest = new Map<string, TruthEdit>();
  for (const edit of edits) {
    const key = `${edit.person}|${edit.field}`;
    const current = newest.get(key);
    if (!current || edit.at > current.at || (edit.at === current.at && edit.seq > current.seq)) newest.set(key, edit);
  }
  return newest;
}

/**
 * The newest edit that changed one address part: a person who rewrites the address in a form
 * changes the parts that differ from what the record showed; the others keep their older time.
 * A create without an address says nothing about it (absence is not a clear).
 */
export function newestPartEdit(edits: readonly TruthEdit[], person: string, index: number): TruthEdit | undefined {
  let newest: TruthEdit | undefined;
  for (const edit of edits) {
    if (edit.person !== person || edit.field !== 'address') continue;
    const changed = edit.before === undefined ? edit.value !== null : addressKeyPart(edit.before, index) !== addressKeyPart(edit.value, index);
    if (!changed) continue;
    if (!newest || edit.at > newest.at || (edit.at === newest.at && edit.seq > newest.seq)) newest = edit;
  }
  return newest;
}

/** Undefined (not said) and null (holds nothing) are the same to a reader of the record. */
function same(held: FieldValue | undefined, expected: FieldValue): boolean {
  return (held ?? null) === expected;
}

export type { CheckedField };
