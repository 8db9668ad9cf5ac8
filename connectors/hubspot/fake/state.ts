import { z } from 'zod';
import { CONTACT_DEFAULT_PROPERTIES, PropertyCatalog } from './catalog';

/**
 * The fake HubSpot portal's contacts, in memory. Behaves like CRM v3 where the hub can tell:
 * numeric string ids, email unique case-insensitively, property values stored as strings
 * ('' clears), unknown or read-only properties refused, createdate / lastmodifieddate /
 * hs_object_id maintained from an injectable clock, a history per property (newest first, as
 * `propertiesWithHistory` answers it), and merges that create a NEW record the old ids resolve to.
 */

/** Contact properties the fake portal defines before any is created (catalog.ts holds the definitions). */
export const KNOWN_PROPERTIES = CONTACT_DEFAULT_PROPERTIES;

/** Computed from the record, not stored (and so without history). */
const COMPUTED_PROPERTIES = new Set(['createdate', 'lastmodifieddate', 'hs_object_id', 'hs_merged_object_ids']);

/** What GET returns when no `properties` are asked for (HubSpot's default set). */
export const DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];

/** The HubSpot user the sandbox's "UI" edits are made by (property history sourceId `userId:4101`). */
export const SANDBOX_USER_ID = 4101;

/**
 * Who is writing: the API (our private app), a person in the HubSpot UI (the sandbox admin), or
 * another installed integration. They show in property history as sourceType API, CRM_UI and
 * INTEGRATION, and in webhooks as changeSource.
 */
export type WriteSource = 'api' | 'ui' | 'integration';

/** One value a property held: HubSpot's ValueWithTimestamp. */
export interface HistoryEntry {
  value: string;
  timestamp: Date;
  sourceType: string;
  sourceId?: string;
  updatedByUserId?: number;
}

export interface FakeContact {
  id: string;
  /** Non-empty values only: an empty property is absent here and rendered as null. */
  properties: Map<string, string>;
  /** Every value each stored property held, newest first ('' for a clear). */
  history: Map<string, HistoryEntry[]>;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
  /** The ids merged into this record (hs_merged_object_ids). */
  mergedIds: string[];
}

/** A contact as the API returns it (SimplePublicObject JSON). */
export interface ContactJson {
  id: string;
  properties: Record<string, string | null>;
  propertiesWithHistory?: Record<string, HistoryJson[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HistoryJson {
  sourceId?: string;
  sourceType: string;
  updatedByUserId?: number;
  value: string;
  timestamp: string;
}

export interface PropertyProblem {
  name: string;
  /** PROPERTY_DOESNT_EXIST, READ_ONLY_VALUE, INVALID_EMAIL, LEADING_TRAILING_WHITESPACE, INVALID_OPTION, ... */
  error: string;
  message: string;
}

export type WriteFailure =
  | { kind: 'invalid'; problems: PropertyProblem[] }
  | { kind: 'conflict'; existingId: string }
  | { kind: 'not_found'; id: string }
  | { kind: 'merge_into_itself'; id: string };

export interface PropertyChange {
  name: string;
  value: string;
}

export type WriteResult =
  | { ok: true; contact: FakeContact; created: boolean; changes: PropertyChange[] }
  | { ok: false; failure: WriteFailure };

export type MergeResult =
  | { ok: true; contact: FakeContact; primaryId: string; mergedId: string; propertiesMoved: number }
  | { ok: false; failure: WriteFailure };

/** How each write source appears in property history. */
function historySource(source: WriteSource): Pick<HistoryEntry, 'sourceType' | 'sourceId' | 'updatedByUserId'> {
  if (source === 'ui') return { sourceType: 'CRM_UI', sourceId: `userId:${SANDBOX_USER_ID}`, updatedByUserId: SANDBOX_USER_ID };
  if (source === 'integration') return { sourceType: 'INTEGRATION', sourceId: 'sandbox-integration' };
  return { sourceType: 'API' };
}

export class HubspotFakeState {
  /** Live and archived records by their own id (merged-away ids are in `aliases`). */
  readonly contacts = new Map<string, FakeContact>();
  /** A merged-away id → the record it was merged into (HubSpot keeps old ids readable). */
  readonly aliases = new Map<string, string>();
  private nextId = 51;
  private readonly listeners: Array<(id: string) => void> = [];

  /** The portal's property definitions: a contact write may only name defined properties. */
  readonly catalog: PropertyCatalog;

  constructor(
    private readonly now: () => Date,
    catalog?: PropertyCatalog,
  ) {
    this.catalog = catalog ?? new PropertyCatalog(now);
  }

  /** Whether `name` is a defined contact property (rendered when asked for). */
  readonly knows = (name: string): boolean => this.catalog.has('contacts', name);

  /** Called with the record's id after every change (search index, persistence). */
  onChange(listener: (id: string) => void): void {
    this.listeners.push(listener);
  }

  private changed(id: string): void {
    for (const listener of this.listeners) listener(id);
  }

  /** The id a (possibly merged-away) id reads as now. */
  resolve(id: string): string {
    let current = id;
    for (let hops = 0; hops < 100 && this.aliases.has(current); hops += 1) current = this.aliases.get(current) ?? current;
    return current;
  }

  get(id: string): FakeContact | undefined {
    const contact = this.contacts.get(this.resolve(id));
    return contact && !contact.archived ? contact : undefined;
  }

  list(): FakeContact[] {
    return [...this.contacts.values()].filter((contact) => !contact.archived);
  }

  /** HubSpot matches emails case-insensitively (also a merged record's additional emails). */
  findByEmail(email: string): FakeContact | undefined {
    const wanted = email.trim().toLowerCase();
    return this.list().find((contact) => {
      const emails = [contact.properties.get('email'), ...(contact.properties.get('hs_additional_emails')?.split(';') ?? [])];
      return emails.some((held) => held?.toLowerCase() === wanted);
    });
  }

  /** Unknown, read-only and ill-typed values, and a unique property's value another contact holds. */
  private validate(properties: Record<string, string>, source: WriteSource, selfId?: string): PropertyProblem[] {
    const problems = contactProblems(this.catalog, properties, source);
    for (const [name, value] of Object.entries(properties)) {
      if (value === '' || !this.catalog.isUnique('contacts', name) || problems.some((problem) => problem.name === name)) continue;
      const holder = this.list().find((contact) => contact.id !== selfId && contact.properties.get(name) === value);
      // [2ND] an integration matches "already has that value <property>" on this 400; the rest of the wording is the fake's.
      if (holder) problems.push({ name, error: 'INVALID_PROPERTY_VALUE', message: `${value} already has that value ${name} (record ${holder.id})` });
    }
    return problems;
  }

  create(properties: Record<string, string>, source: WriteSource): WriteResult {
    const problems = this.validate(properties, source);
    if (problems.length > 0) return { ok: false, failure: { kind: 'invalid', problems } };
    const email = properties.email;
    const existing = email ? this.findByEmail(email) : undefined;
    if (existing) return { ok: false, failure: { kind: 'conflict', existingId: existing.id } };

    const at = this.now();
    const contact: FakeContact = {
      id: String(this.nextId++),
      properties: new Map(),
      history: new Map(),
      createdAt: at,
      updatedAt: at,
      archived: false,
      mergedIds: [],
    };
    const changes: PropertyChange[] = [];
    for (const [name, value] of Object.entries(properties)) {
      if (value === '') continue;
      setProperty(contact, name, value, { value, timestamp: at, ...historySource(source) });
      changes.push({ name, value });
    }
    this.contacts.set(contact.id, contact);
    this.changed(contact.id);
    return { ok: true, contact, created: true, changes };
  }

  update(id: string, properties: Record<string, string>, source: WriteSource): WriteResult {
    const contact = this.get(id);
    if (!contact) return { ok: false, failure: { kind: 'not_found', id } };
    const problems = this.validate(properties, source, contact.id);
    if (problems.length > 0) return { ok: false, failure: { kind: 'invalid', problems } };
    const email = properties.email;
    const holder = email ? this.findByEmail(email) : undefined;
    if (holder && holder.id !== contact.id) return { ok: false, failure: { kind: 'conflict', existingId: holder.id } };

    return { ok: true, contact, created: false, changes: this.applyChanges(contact, properties, source) };
  }

  /** The properties that differ, each with its history entry; a write that changes nothing leaves lastmodifieddate alone and fires no webhook. */
  private applyChanges(contact: FakeContact, properties: Record<string, string>, source: WriteSource): PropertyChange[] {
    const at = this.now();
    const changes: PropertyChange[] = [];
    for (const [name, value] of Object.entries(properties)) {
      if ((contact.properties.get(name) ?? '') === value) continue;
      setProperty(contact, name, value, { value, timestamp: at, ...historySource(source) });
      changes.push({ name, value });
    }
    if (changes.length > 0) {
      contact.updatedAt = at;
      this.changed(contact.id);
    }
    return changes;
  }

  /**
   * Properties only HubSpot itself sets (a subscription's opt-out, written by the communication
   * preferences API): no validation, history and lastmodifieddate as for any change.
   */
  setByHubspot(id: string, properties: Record<string, string>, source: WriteSource): WriteResult {
    const contact = this.get(id);
    if (!contact) return { ok: false, failure: { kind: 'not_found', id } };
    return { ok: true, contact, created: false, changes: this.applyChanges(contact, properties, source) };
  }

  /** DELETE: the record is archived (restorable), its id reads as not found. */
  archive(id: string): FakeContact | undefined {
    const contact = this.get(id);
    if (!contact) return undefined;
    contact.archived = true;
    contact.updatedAt = this.now();
    this.changed(contact.id);
    return contact;
  }

  /** Restoring an archived record (HubSpot UI, within 90 days). */
  restore(id: string): FakeContact | undefined {
    const contact = this.contacts.get(this.resolve(id));
    if (!contact?.archived) return undefined;
    const email = contact.properties.get('email');
    if (email && this.findByEmail(email)) return undefined; // another record took the email meanwhile
    contact.archived = false;
    contact.updatedAt = this.now();
    this.changed(contact.id);
    return contact;
  }

  /** GDPR delete: the record and every id that pointed to it are gone for good (live or archived). */
  gdprDelete(id: string): FakeContact | undefined {
    const resolved = this.resolve(id);
    const contact = this.contacts.get(resolved);
    if (!contact) return undefined;
    const aliasesOfIt = [...this.aliases.keys()].filter((alias) => this.resolve(alias) === resolved);
    this.contacts.delete(resolved);
    for (const alias of aliasesOfIt) this.aliases.delete(alias);
    this.changed(resolved);
    return contact;
  }

  /**
   * Merges `mergeId` into `primaryId` as HubSpot does since 2023: a NEW record with a new id;
   * both old ids read as it from then on. The primary's values win; a property the primary
   * leaves empty takes the secondary's; the secondary's email becomes an additional email.
   * Both histories move to the new record, plus an entry at the merge time for a property
   * whose current value is not its newest entry, so the newest entry always times the value.
   * https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies
   */
  merge(primaryId: string, mergeId: string, source: WriteSource): MergeResult {
    const primary = this.get(primaryId);
    if (!primary) return { ok: false, failure: { kind: 'not_found', id: primaryId } };
    const secondary = this.get(mergeId);
    if (!secondary) return { ok: false, failure: { kind: 'not_found', id: mergeId } };
    if (primary.id === secondary.id) return { ok: false, failure: { kind: 'merge_into_itself', id: primary.id } };

    const at = this.now();
    const merged: FakeContact = {
      id: String(this.nextId++),
      properties: new Map(),
      history: new Map(),
      createdAt: primary.createdAt,
      updatedAt: at,
      archived: false,
      mergedIds: [...new Set([...primary.mergedIds, primary.id, ...secondary.mergedIds, secondary.id])].sort(
        (a, b) => Number(a) - Number(b),
      ),
    };
    let propertiesMoved = 0;
    for (const name of new Set([...primary.history.keys(), ...secondary.history.keys()])) {
      const history = [...(primary.history.get(name) ?? []), ...(secondary.history.get(name) ?? [])].sort(
        (a, b) => b.timestamp.getTime() - a.timestamp.getTime(),
      );
      if (history.length > 0) merged.history.set(name, history);
    }
    for (const name of new Set([...primary.properties.keys(), ...secondary.properties.keys()])) {
      const value = primary.properties.get(name) ?? secondary.properties.get(name);
      if (value === undefined) continue;
      if (!primary.properties.has(name)) propertiesMoved += 1;
      merged.properties.set(name, value);
      const newest = merged.history.get(name)?.[0];
      if (newest?.value !== value) merged.history.set(name, [{ value, timestamp: at, ...historySource(source) }, ...(merged.history.get(name) ?? [])]);
    }
    const additional = [primary.properties.get('hs_additional_emails'), secondary.properties.get('email'), secondary.properties.get('hs_additional_emails')]
      .flatMap((emails) => emails?.split(';') ?? [])
      .filter((email) => email !== '' && email.toLowerCase() !== merged.properties.get('email')?.toLowerCase());
    if (additional.length > 0) merged.properties.set('hs_additional_emails', [...new Set(additional)].join(';'));

    this.contacts.delete(primary.id);
    this.contacts.delete(secondary.id);
    this.contacts.set(merged.id, merged);
    this.aliases.set(primary.id, merged.id);
    this.aliases.set(secondary.id, merged.id);
    for (const id of [primary.id, secondary.id, merged.id]) this.changed(id);
    return { ok: true, contact: merged, primaryId: primary.id, mergedId: secondary.id, propertiesMoved };
  }

  /** Everything the portal holds, as JSON (npm start keeps it on disk across restarts). */
  snapshot(): StateSnapshot {
    return {
      nextId: this.nextId,
      aliases: Object.fromEntries(this.aliases),
      contacts: [...this.contacts.values()].map((contact) => ({
        id: contact.id,
        properties: Object.fromEntries(contact.properties),
        history: Object.fromEntries(
          [...contact.history].map(([name, entries]) => [name, entries.map((entry) => ({ ...entry, timestamp: entry.timestamp.toISOString() }))]),
        ),
        createdAt: contact.createdAt.toISOString(),
        updatedAt: contact.updatedAt.toISOString(),
        archived: contact.archived,
        mergedIds: contact.mergedIds,
      })),
    };
  }

  /** Replaces what the portal holds with a snapshot (fires no webhooks). */
  load(snapshot: StateSnapshot): void {
    this.contacts.clear();
    this.aliases.clear();
    this.nextId = snapshot.nextId;
    for (const [alias, target] of Object.entries(snapshot.aliases)) this.aliases.set(alias, target);
    for (const stored of snapshot.contacts) {
      this.contacts.set(stored.id, {
        id: stored.id,
        properties: new Map(Object.entries(stored.properties)),
        history: new Map(
          Object.entries(stored.history).map(([name, entries]) => [name, entries.map((entry) => ({ ...entry, timestamp: new Date(entry.timestamp) }))]),
        ),
        createdAt: new Date(stored.createdAt),
        updatedAt: new Date(stored.updatedAt),
        archived: stored.archived,
        mergedIds: stored.mergedIds,
      });
    }
  }
}

const HistoryEntryJsonSchema = z.object({
  value: z.string(),
  timestamp: z.iso.datetime(),
  sourceType: z.string(),
  sourceId: z.string().optional(),
  updatedByUserId: z.number().int().optional(),
});

/** The persisted portal (checked on load: a hand-edited file must not crash the sandbox silently). */
export const StateSnapshotSchema = z.object({
  nextId: z.number().int().positive(),
  aliases: z.record(z.string(), z.string()),
  contacts: z.array(
    z.object({
      id: z.string().regex(/^\d+$/),
      properties: z.record(z.string(), z.string()),
      history: z.record(z.string(), z.array(HistoryEntryJsonSchema)),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      archived: z.boolean(),
      mergedIds: z.array(z.string()),
    }),
  ),
});
export type StateSnapshot = z.infer<typeof StateSnapshotSchema>;

function setProperty(contact: FakeContact, name: string, value: string, entry: HistoryEntry): void {
  if (value === '') contact.properties.delete(name);
  else contact.properties.set(name, value);
  contact.history.set(name, [entry, ...(contact.history.get(name) ?? [])]);
}

function contactProblems(catalog: PropertyCatalog, properties: Record<string, string>, source: WriteSource): PropertyProblem[] {
  const problems: PropertyProblem[] = catalog.problems('contacts', properties, (name) => source === 'ui' && name === 'hs_email_optout');
  for (const [name, value] of Object.entries(properties)) {
    if (problems.some((problem) => problem.name === name)) continue;
    if (value !== value.trim()) {
      problems.push({ name, error: 'LEADING_TRAILING_WHITESPACE', message: `${name} has leading or trailing whitespace` });
    } else if (name === 'email' && value !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      // HubSpot's real message quotes the address: the connector must not pass it on.
      problems.push({ name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` });
    }
  }
  return problems;
}

/** The value of a property as HubSpot renders it: computed ones from the record, empty as null. */
function propertyValue(contact: FakeContact, name: string): string | null {
  if (name === 'hs_object_id') return contact.id;
  if (name === 'createdate') return contact.createdAt.toISOString();
  if (name === 'lastmodifieddate') return contact.updatedAt.toISOString();
  if (name === 'hs_merged_object_ids') return contact.mergedIds.length > 0 ? contact.mergedIds.join(';') : null;
  return contact.properties.get(name) ?? null;
}

/** A ValueWithTimestamp as JSON, keys in the order HubSpot's SDK models list them. */
function historyJson(entry: HistoryEntry): HistoryJson {
  return {
    ...(entry.sourceId === undefined ? {} : { sourceId: entry.sourceId }),
    sourceType: entry.sourceType,
    ...(entry.updatedByUserId === undefined ? {} : { updatedByUserId: entry.updatedByUserId }),
    value: entry.value,
    timestamp: entry.timestamp.toISOString(),
  };
}

/**
 * SimplePublicObject JSON. `names` are the properties asked for (HubSpot always adds
 * createdate, lastmodifieddate and hs_object_id); without names, the default set.
 * `historyNames` (propertiesWithHistory) adds each one's history, newest first; a property
 * that never held a value has none and is left out.
 */
export function renderContact(
  contact: FakeContact,
  names?: Iterable<string>,
  historyNames?: Iterable<string>,
  known: (name: string) => boolean = (name) => KNOWN_PROPERTIES.has(name),
): ContactJson {
  const wanted = new Set(names ?? DEFAULT_PROPERTIES);
  for (const always of ['createdate', 'lastmodifieddate', 'hs_object_id']) wanted.add(always);
  const properties: Record<string, string | null> = {};
  for (const name of [...wanted].sort()) if (known(name)) properties[name] = propertyValue(contact, name);
  const withHistory = [...new Set(historyNames ?? [])].filter((name) => known(name) && !COMPUTED_PROPERTIES.has(name)).sort();
  const history: Record<string, HistoryJson[]> = {};
  for (const name of withHistory) {
    const entries = contact.history.get(name);
    if (entries && entries.length > 0) history[name] = entries.map(historyJson);
  }
  return {
    id: contact.id,
    properties,
    ...(historyNames === undefined ? {} : { propertiesWithHistory: history }),
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
    archived: contact.archived,
  };
}

/** After a write HubSpot answers with the properties the record holds plus the ones just written. */
export function renderWritten(contact: FakeContact, written: Iterable<string>, known?: (name: string) => boolean): ContactJson {
  return renderContact(contact, [...DEFAULT_PROPERTIES, ...contact.properties.keys(), ...written], undefined, known);
}
