import { ADDRESS_KEY_PARTS, addressKeyPart, CHECKED_FIELDS, recordKey, type CheckedField, type FieldValue, type GroundTruth, type Snapshot, type SnapshotRecord, type TruthEdit } from './model';
import { asObservable, type ShopifyTrail } from './sightings';

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

export function check(truth: GroundTruth, snapshot: Snapshot, shopifyTrail?: ShopifyTrail): Verdict {
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
  // Shopify keeps a phone to one customer: a phone another person's Shopify record holds cannot be
  // held by this person's there, whichever family member got it first (the workload's own list
  // knows only the order of the creates; an edit synced later can find the phone taken).
  const shopifyPhoneOwners = new Map<string, Set<string>>();
  for (const [owner, records] of recordsOf) {
    for (const record of records) {
      const phone = record.values.phone;
      if (record.system !== 'shopify' || typeof phone !== 'string') continue;
      shopifyPhoneOwners.set(phone, new Set([...(shopifyPhoneOwners.get(phone) ?? []), owner]));
    }
  }
  const phoneTakenByAnother = (person: string, system: string, phone: unknown) =>
    system === 'shopify' && typeof phone === 'string' && [...(shopifyPhoneOwners.get(phone) ?? [])].some((owner) => owner !== person);
  // The drop phase scores what an observer could know of Shopify edits whose webhooks never came.
  const edits = asObservable(truth.edits, shopifyTrail);
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
        found('lostUpdates', `${person.id}.address.${part}: the newest edit (${edit.system} at ${new Date(edit.at).toISOString()}) is not held by ${wrong.join(', ')}`);
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
        found('lostUpdates', `${person.id}.${field}: the newest edit (${edit.system} at ${new Date(edit.at).toISOString()}) is not held by ${wrong.join(', ')}`);
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

  return { counts, findings };
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
