/**
 * The fake HubSpot portal's contacts, in memory. Behaves like CRM v3 where the hub can tell:
 * numeric string ids, email unique case-insensitively, property values stored as strings
 * ('' clears), unknown or read-only properties refused, createdate / lastmodifieddate /
 * hs_object_id maintained from an injectable clock.
 */

/** Contact properties the fake portal knows (a subset of HubSpot's defaults). */
export const KNOWN_PROPERTIES = new Set([
  'email',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'company',
  'jobtitle',
  'website',
  'lifecyclestage',
  'hs_email_optout',
  'createdate',
  'lastmodifieddate',
  'hs_object_id',
]);

/** Set by HubSpot itself; the API refuses them. Email opt-out changes in the UI (sandbox) only. */
const READ_ONLY_PROPERTIES = new Set(['createdate', 'lastmodifieddate', 'hs_object_id', 'hs_email_optout']);

/** What GET returns when no `properties` are asked for (HubSpot's default set). */
export const DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];

export interface FakeContact {
  id: string;
  /** Non-empty values only: an empty property is absent here and rendered as null. */
  properties: Map<string, string>;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
}

/** A contact as the API returns it (SimplePublicObject JSON). */
export interface ContactJson {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface PropertyProblem {
  name: string;
  error: 'PROPERTY_DOESNT_EXIST' | 'READ_ONLY_VALUE' | 'INVALID_EMAIL' | 'LEADING_TRAILING_WHITESPACE';
  message: string;
}

export type WriteFailure =
  | { kind: 'invalid'; problems: PropertyProblem[] }
  | { kind: 'conflict'; existingId: string }
  | { kind: 'not_found'; id: string };

export interface PropertyChange {
  name: string;
  value: string;
}

export type WriteResult =
  | { ok: true; contact: FakeContact; created: boolean; changes: PropertyChange[] }
  | { ok: false; failure: WriteFailure };

/** Who is writing: the API (a private app) or a person in the HubSpot UI (the sandbox admin). */
export type WriteSource = 'api' | 'ui';

export class HubspotFakeState {
  readonly contacts = new Map<string, FakeContact>();
  private nextId = 51;

  constructor(private readonly now: () => Date) {}

  get(id: string): FakeContact | undefined {
    const contact = this.contacts.get(id);
    return contact && !contact.archived ? contact : undefined;
  }

  list(): FakeContact[] {
    return [...this.contacts.values()].filter((contact) => !contact.archived);
  }

  /** HubSpot matches emails case-insensitively (it de-duplicates contacts on email). */
  findByEmail(email: string): FakeContact | undefined {
    const wanted = email.trim().toLowerCase();
    return this.list().find((contact) => contact.properties.get('email')?.toLowerCase() === wanted);
  }

  create(properties: Record<string, string>, source: WriteSource): WriteResult {
    const problems = validate(properties, source);
    if (problems.length > 0) return { ok: false, failure: { kind: 'invalid', problems } };
    const email = properties.email;
    const existing = email ? this.findByEmail(email) : undefined;
    if (existing) return { ok: false, failure: { kind: 'conflict', existingId: existing.id } };

    const at = this.now();
    const contact: FakeContact = { id: String(this.nextId++), properties: new Map(), createdAt: at, updatedAt: at, archived: false };
    const changes: PropertyChange[] = [];
    for (const [name, value] of Object.entries(properties)) {
      if (value === '') continue;
      contact.properties.set(name, value);
      changes.push({ name, value });
    }
    this.contacts.set(contact.id, contact);
    return { ok: true, contact, created: true, changes };
  }

  update(id: string, properties: Record<string, string>, source: WriteSource): WriteResult {
    const contact = this.get(id);
    if (!contact) return { ok: false, failure: { kind: 'not_found', id } };
    const problems = validate(properties, source);
    if (problems.length > 0) return { ok: false, failure: { kind: 'invalid', problems } };
    const email = properties.email;
    const holder = email ? this.findByEmail(email) : undefined;
    if (holder && holder.id !== contact.id) return { ok: false, failure: { kind: 'conflict', existingId: holder.id } };

    const changes: PropertyChange[] = [];
    for (const [name, value] of Object.entries(properties)) {
      if ((contact.properties.get(name) ?? '') === value) continue;
      if (value === '') contact.properties.delete(name);
      else contact.properties.set(name, value);
      changes.push({ name, value });
    }
    // A PATCH that changes nothing leaves lastmodifieddate alone and fires no webhook.
    if (changes.length > 0) contact.updatedAt = this.now();
    return { ok: true, contact, created: false, changes };
  }

  archive(id: string): FakeContact | undefined {
    const contact = this.get(id);
    if (!contact) return undefined;
    contact.archived = true;
    contact.updatedAt = this.now();
    return contact;
  }
}

function validate(properties: Record<string, string>, source: WriteSource): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (!KNOWN_PROPERTIES.has(name)) {
      problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
    } else if (READ_ONLY_PROPERTIES.has(name) && !(source === 'ui' && name === 'hs_email_optout')) {
      problems.push({ name, error: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` });
    } else if (value !== value.trim()) {
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
  return contact.properties.get(name) ?? null;
}

/**
 * SimplePublicObject JSON. `names` are the properties asked for (HubSpot always adds
 * createdate, lastmodifieddate and hs_object_id); without names, the default set.
 */
export function renderContact(contact: FakeContact, names?: Iterable<string>): ContactJson {
  const wanted = new Set(names ?? DEFAULT_PROPERTIES);
  for (const always of ['createdate', 'lastmodifieddate', 'hs_object_id']) wanted.add(always);
  const properties: Record<string, string | null> = {};
  for (const name of [...wanted].sort()) if (KNOWN_PROPERTIES.has(name)) properties[name] = propertyValue(contact, name);
  return {
    id: contact.id,
    properties,
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
    archived: contact.archived,
  };
}

/** After a write HubSpot answers with the properties the record holds plus the ones just written. */
export function renderWritten(contact: FakeContact, written: Iterable<string>): ContactJson {
  return renderContact(contact, [...DEFAULT_PROPERTIES, ...contact.properties.keys(), ...written]);
}
