import { createHash } from 'node:crypto';
import { millisStamp, secondsStamp, type IdSource } from './clock';
import { squareErrors, type SquareFailure } from './errors';

/**
 * The seller's customer directory, kept in Square's wire spelling (snake_case, fields it holds
 * nothing in left out). Square does not keep emails or phones unique: two profiles may share one.
 */

export const TEXT_FIELDS = ['given_name', 'family_name', 'company_name', 'nickname', 'email_address', 'phone_number', 'reference_id', 'note', 'birthday'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export const ADDRESS_PARTS = ['address_line_1', 'address_line_2', 'address_line_3', 'locality', 'sublocality', 'administrative_district_level_1', 'postal_code', 'country'] as const;
export type AddressPart = (typeof ADDRESS_PARTS)[number];
export type WireAddress = Partial<Record<AddressPart, string>>;

export interface FakeCustomer extends Partial<Record<TextField, string>> {
  id: string;
  created_at: string;
  updated_at: string;
  address?: WireAddress;
  preferences: { email_unsubscribed: boolean };
  creation_source: string;
  group_ids?: string[];
  segment_ids?: string[];
  version: number;
}

/** What a create or an update says: a value sets, null clears (when clearing is on), absent keeps. */
export interface CustomerInput extends Partial<Record<TextField, string | null>> {
  address?: Partial<Record<AddressPart, string | null>> | null;
}

/** CreateCustomer's replay table, one entry per idempotency key. */
export interface CustomerReplay {
  key: string;
  fingerprint: string;
  customer: FakeCustomer;
}

/** The directory as persistPath keeps it (deleted customers are gone, not kept). */
export interface CustomersSnapshot {
  customers: FakeCustomer[];
  replays: CustomerReplay[];
}

export type CustomerResult = { ok: true; customer: FakeCustomer; changed: boolean } | { ok: false; failure: SquareFailure };

export type CustomerChange =
  | { kind: 'created' | 'updated'; customer: FakeCustomer; merge?: MergeContext }
  | { kind: 'deleted'; customer: FakeCustomer; merge?: MergeContext };

export interface MergeContext {
  from_customer_ids: string[];
  to_customer_id: string;
}

/** The fields that make a profile "public": only those are listed and searched (ListCustomers docs). */
const PUBLIC_FIELDS: TextField[] = ['given_name', 'family_name', 'company_name', 'email_address', 'phone_number'];
const MAX_LENGTH: Partial<Record<TextField, number>> = { given_name: 300, family_name: 300, company_name: 500, nickname: 100, email_address: 254, reference_id: 100 };

/** ISO 3166-1 alpha-2, plus ZZ (Square's "unknown"). The SDK refuses unknown codes itself. */
const COUNTRY = /^[A-Z]{2}$/;

export function isPublic(customer: FakeCustomer): boolean {
  return PUBLIC_FIELDS.some((field) => customer[field] !== undefined);
}

export class CustomersState {
  readonly customers = new Map<string, FakeCustomer>();
  /** CreateCustomer idempotency: key → the request's fingerprint and the answer Square replays. */
  private readonly idempotency = new Map<string, { fingerprint: string; customer: FakeCustomer }>();
  private listeners: Array<(change: CustomerChange) => void> = [];

  constructor(
    private readonly now: () => Date,
    private readonly ids: IdSource,
  ) {}

  onChange(listener: (change: CustomerChange) => void): void {
    this.listeners.push(listener);
  }

  get(id: string): FakeCustomer | undefined {
    return this.customers.get(id);
  }

  list(): FakeCustomer[] {
    return [...this.customers.values()];
  }

  /**
   * CreateCustomer. With an idempotency key: the same request again replays the first answer
   * (no second customer, no second webhook); the key with another request is IDEMPOTENCY_KEY_REUSED.
   */
  create(input: CustomerInput, options: { idempotencyKey?: string; source?: string; body?: unknown } = {}): CustomerResult {
    const key = options.idempotencyKey;
    const fingerprint = createHash('sha256').update(JSON.stringify(options.body ?? input)).digest('hex');
    if (key !== undefined) {
      const earlier = this.idempotency.get(key);
      if (earlier) return earlier.fingerprint === fingerprint ? { ok: true, customer: structuredClone(earlier.customer), changed: false } : { ok: false, failure: squareErrors.idempotencyKeyReused() };
    }
    const invalid = validate(input);
    if (invalid) return { ok: false, failure: invalid };
    if (!PUBLIC_FIELDS.some((field) => typeof input[field] === 'string' && input[field] !== '')) {
      return {
        ok: false,
        failure: squareErrors.invalid('MISSING_REQUIRED_PARAMETER', `At least one of the following fields must be set: ${PUBLIC_FIELDS.join(', ')}.`),
      };
    }
    const at = this.now();
    const customer: FakeCustomer = {
      id: this.ids.next(26),
      created_at: millisStamp(at),
      updated_at: secondsStamp(at),
      preferences: { email_unsubscribed: false },
      creation_source: options.source ?? 'THIRD_PARTY',
      version: 0,
    };
    apply(customer, input, true);
    this.customers.set(customer.id, customer);
    if (key !== undefined) this.idempotency.set(key, { fingerprint, customer: structuredClone(customer) });
    this.emit({ kind: 'created', customer });
    return { ok: true, customer: structuredClone(customer), changed: true };
  }

  /**
   * UpdateCustomer: sparse. `version`, when given, must be the current one. A null clears a field
   * only with X-Clear-Null: true (`clearNulls`); otherwise Square ignores it. An empty string
   * clears a text field either way.
   * https://developer.squareup.com/reference/square/customers-api/update-customer
   */
  update(id: string, input: CustomerInput, options: { version?: number; clearNulls: boolean }): CustomerResult {
    const customer = this.customers.get(id);
    if (!customer) return { ok: false, failure: notFound(id) };
    if (options.version !== undefined && options.version !== customer.version) {
      return { ok: false, failure: squareErrors.versionMismatch('customer', id, options.version, customer.version, 'version') };
    }
    const invalid = validate(input);
    if (invalid) return { ok: false, failure: invalid };
    const before = JSON.stringify(customer);
    apply(customer, input, options.clearNulls);
    const changed = JSON.stringify(customer) !== before;
    if (changed) {
      customer.version += 1;
      customer.updated_at = secondsStamp(this.now());
      this.emit({ kind: 'updated', customer });
    }
    return { ok: true, customer: structuredClone(customer), changed };
  }

  /** DeleteCustomer (`?version=` checked like an update's). */
  delete(id: string, version?: number, merge?: MergeContext): CustomerResult {
    const customer = this.customers.get(id);
    if (!customer) return { ok: false, failure: notFound(id) };
    if (version !== undefined && version !== customer.version) {
      return { ok: false, failure: squareErrors.versionMismatch('customer', id, version, customer.version, 'version') };
    }
    this.customers.delete(id);
    this.emit({ kind: 'deleted', customer, ...(merge ? { merge } : {}) });
    return { ok: true, customer: structuredClone(customer), changed: true };
  }

  /**
   * A merge in the Square Dashboard: a NEW profile (creation_source MERGE) takes the first value
   * of each field, the merged profiles are deleted. Fires customer.created and one customer.deleted
   * per merged profile, each with event_context.merge.
   * https://developer.squareup.com/docs/customers-api/use-the-api/customer-webhooks
   */
  merge(ids: string[]): CustomerResult {
    const sources = ids.map((id) => this.customers.get(id));
    if (ids.length < 2 || sources.some((customer) => customer === undefined)) return { ok: false, failure: notFound(ids.join(',')) };
    const at = this.now();
    const merged: FakeCustomer = {
      id: this.ids.next(26),
      created_at: millisStamp(at),
      updated_at: secondsStamp(at),
      preferences: { email_unsubscribed: sources.some((customer) => customer!.preferences.email_unsubscribed) },
      creation_source: 'MERGE',
      version: 0,
    };
    for (const field of TEXT_FIELDS) {
      const value = sources.map((customer) => customer![field]).find((text) => text !== undefined);
      if (value !== undefined) merged[field] = value;
    }
    const address = sources.map((customer) => customer!.address).find((parts) => parts !== undefined);
    if (address) merged.address = { ...address };
    const context: MergeContext = { from_customer_ids: [...ids], to_customer_id: merged.id };
    this.customers.set(merged.id, merged);
    this.emit({ kind: 'created', customer: merged, merge: context });
    for (const id of ids) this.delete(id, undefined, context);
    return { ok: true, customer: structuredClone(merged), changed: true };
  }

  /** Sandbox/seed: a profile as it was before the hub (no webhook). */
  restore(customer: FakeCustomer): void {
    this.customers.set(customer.id, structuredClone(customer));
  }

  /** A copy of the directory and the replay table, for persistPath. */
  snapshot(): CustomersSnapshot {
    return {
      customers: structuredClone(this.list()),
      replays: [...this.idempotency].map(([key, entry]) => ({ key, fingerprint: entry.fingerprint, customer: structuredClone(entry.customer) })),
    };
  }

  /** Replaces everything with a saved directory (no webhook). */
  load(snapshot: CustomersSnapshot): void {
    this.customers.clear();
    this.idempotency.clear();
    for (const customer of snapshot.customers) this.customers.set(customer.id, structuredClone(customer));
    for (const { key, fingerprint, customer } of snapshot.replays) this.idempotency.set(key, { fingerprint, customer: structuredClone(customer) });
  }

  private emit(change: CustomerChange): void {
    const copy = { ...change, customer: structuredClone(change.customer) };
    for (const listener of this.listeners) listener(copy);
  }
}

export function notFound(id: string): SquareFailure {
  return squareErrors.notFound(`Customer with ID \`${id}\` not found.`);
}

function apply(customer: FakeCustomer, input: CustomerInput, clearNulls: boolean): void {
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (value === undefined || (value === null && !clearNulls)) continue;
    if (value === null || value === '') delete customer[field];
    else customer[field] = value;
  }
  if (input.address === undefined || (input.address === null && !clearNulls)) return;
  const address: WireAddress = input.address === null ? {} : { ...customer.address };
  for (const part of ADDRESS_PARTS) {
    const value = input.address?.[part];
    if (value === undefined || (value === null && !clearNulls)) continue;
    if (value === null || value === '') delete address[part];
    else address[part] = value;
  }
  if (Object.keys(address).length > 0) customer.address = address;
  else delete customer.address;
}

/** Square's input checks on the fields the hub writes (lengths, email, phone, country). */
function validate(input: CustomerInput): SquareFailure | undefined {
  for (const [field, max] of Object.entries(MAX_LENGTH) as [TextField, number][]) {
    const value = input[field];
    if (typeof value === 'string' && value.length > max) return squareErrors.invalid('VALUE_TOO_LONG', `Field must not be longer than ${max} characters.`, field);
  }
  const email = input.email_address;
  if (typeof email === 'string' && email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return squareErrors.invalid('INVALID_EMAIL_ADDRESS', 'Expected email_address to be a valid email address.', 'email_address');
  }
  const phone = input.phone_number;
  // "The phone number must be valid and can contain 9–16 digits, with an optional + prefix and country code."
  if (typeof phone === 'string' && phone !== '') {
    const digits = phone.replace(/\D/g, '').length;
    if (!/^\+?[\d\s().-]+$/.test(phone) || digits < 9 || digits > 16) {
      return squareErrors.invalid('INVALID_PHONE_NUMBER', 'Expected phone_number to be a valid phone number.', 'phone_number');
    }
  }
  const country = input.address?.country;
  if (typeof country === 'string' && country !== '' && !COUNTRY.test(country)) {
    return squareErrors.invalid('INVALID_ENUM_VALUE', `Expected address.country to be one of the Country values.`, 'address.country');
  }
  return undefined;
}
