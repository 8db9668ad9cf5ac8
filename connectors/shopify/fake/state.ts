import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * The fake shop's customers, in memory, with the rules the real Admin API enforces on them:
 * email and phone unique per shop (case-insensitive email), phone stored in E.164, ids above
 * 2^53 (BigInt), timestamps with second resolution from an injectable clock.
 */

export type EmailMarketingState = 'NOT_SUBSCRIBED' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'REDACTED' | 'INVALID';
export type SmsMarketingState = 'NOT_SUBSCRIBED' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'REDACTED';
export type MarketingOptInLevel = 'SINGLE_OPT_IN' | 'CONFIRMED_OPT_IN' | 'UNKNOWN';

export interface MarketingConsent<State extends string> {
  state: State;
  optInLevel: MarketingOptInLevel | null;
  updatedAt: Date | null;
}

export interface FakeAddress {
  id: bigint;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface FakeCustomer {
  id: bigint;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** E.164, as Shopify stores it. */
  phone: string | null;
  note: string | null;
  tags: string[];
  emailMarketing: MarketingConsent<EmailMarketingState>;
  smsMarketing: MarketingConsent<SmsMarketingState>;
  addresses: FakeAddress[];
  defaultAddressId: bigint | null;
  state: 'DISABLED' | 'ENABLED' | 'INVITED' | 'DECLINED';
  verifiedEmail: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The writable scalar fields. `null` clears, absent leaves alone. */
export interface CustomerFieldsInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
}

export type AddressInput = Partial<Omit<FakeAddress, 'id'>>;

export interface ConsentInput<State extends string> {
  state: State;
  optInLevel?: MarketingOptInLevel | null;
  updatedAt?: Date | null;
}

export interface CustomerCreateInput extends CustomerFieldsInput {
  addresses?: AddressInput[];
  emailMarketing?: ConsentInput<EmailMarketingState>;
  smsMarketing?: ConsentInput<SmsMarketingState>;
}

export interface FakeUserError {
  field: string[] | null;
  message: string;
  code?: string;
}

export type StateResult<T> = { ok: true; value: T } | { ok: false; userErrors: FakeUserError[] };

export const FIRST_CUSTOMER_ID = 7065055069303700000n;
const FIRST_ADDRESS_ID = 8807160201245300000n;

/** A customer's state before and after one change: before undefined = created, after undefined = gone. */
export type CustomerChange = { before: FakeCustomer | undefined; after: FakeCustomer | undefined };
export type ChangeListener = (change: CustomerChange) => void;

/** What the state holds, for persistence (persist.ts): customers and the id counters. */
export interface StateSnapshot {
  customers: FakeCustomer[];
  nextCustomerId: bigint;
  nextAddressId: bigint;
}

/** One customer as the search index holds it, visible from `visibleAt` (wall-clock ms). */
interface IndexEntry {
  customer: FakeCustomer | undefined;
  visibleAt: number;
}

export class ShopifyFakeState {
  private readonly customers = new Map<bigint, FakeCustomer>();
  private nextCustomerId = FIRST_CUSTOMER_ID;
  private nextAddressId = FIRST_ADDRESS_ID;
  private readonly listeners: ChangeListener[] = [];
  /** Per customer, the index versions not yet superseded (oldest first). */
  private readonly searchIndex = new Map<bigint, IndexEntry[]>();

  constructor(
    private readonly clock: () => Date,
    /** How the shop reads phone numbers written without a country code. */
    readonly defaultCountry: CountryCode = 'US',
    /**
     * How long a write takes to reach customer search (`customers(query:)`), in wall-clock ms.
     * Shopify's search index is updated asynchronously; 0 makes search read-your-writes.
     */
    readonly searchLagMs = 0,
  ) {}

  /** Called after every committed change (the server turns changes into webhooks, persist.ts saves). */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  snapshot(): StateSnapshot {
    return { customers: this.list().map((customer) => structuredClone(customer)), nextCustomerId: this.nextCustomerId, nextAddressId: this.nextAddressId };
  }

  /** Replaces everything with a saved snapshot (no change events: nothing changed in the shop). */
  restore(snapshot: StateSnapshot): void {
    this.customers.clear();
    this.searchIndex.clear();
    for (const customer of snapshot.customers) {
      this.customers.set(customer.id, customer);
      this.searchIndex.set(customer.id, [{ customer, visibleAt: 0 }]);
    }
    this.nextCustomerId = snapshot.nextCustomerId;
    this.nextAddressId = snapshot.nextAddressId;
  }

  /** Now, truncated to the second: Shopify's updated_at has second resolution. */
  now(): Date {
    return new Date(Math.floor(this.clock().getTime() / 1000) * 1000);
  }

  get(id: bigint): FakeCustomer | undefined {
    return this.customers.get(id);
  }

  /** Every customer, in id order. */
  list(): FakeCustomer[] {
    return [...this.customers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Shopify customer search, the subset the client uses: `email:x`, `phone:x`, free text. It
   * reads the search index, which lags writes by `searchLagMs`; results are the customers as the
   * index matched them. https://shopify.dev/docs/api/usage/search-syntax
   */
  search(query: string | null | undefined): FakeCustomer[] {
    const terms = [...(query ?? '').matchAll(/(\w+):"((?:[^"\\]|\\.)*)"|(\w+):(\S+)|"((?:[^"\\]|\\.)*)"|(\S+)/g)];
    // The index decides what matches; the answer is the customer as the shop holds it now.
    const matches = this.indexed().filter((customer) =>
      terms.every((term) => {
        const key = term[1] ?? term[3];
        const value = unescape(term[2] ?? term[4] ?? term[5] ?? term[6] ?? '');
        if (key === 'email') return customer.email?.toLowerCase() === value.toLowerCase();
        if (key === 'phone') return customer.phone !== null && customer.phone === this.toE164(value);
        if (key === 'id') return customer.id.toString() === value;
        if (key === 'updated_at' || key === 'created_at') return compareDate(key === 'updated_at' ? customer.updatedAt : customer.createdAt, value);
        if (key) return false;
        const haystack = [customer.firstName, customer.lastName, customer.email, customer.phone].join(' ').toLowerCase();
        return haystack.includes(value.toLowerCase());
      }),
    );
    return matches.flatMap((match) => {
      const current = this.customers.get(match.id);
      return current ? [current] : [];
    });
  }

  /** The customers as the search index sees them now. */
  private indexed(): FakeCustomer[] {
    const now = Date.now();
    const visible: FakeCustomer[] = [];
    for (const [id, entries] of this.searchIndex) {
      // Drop versions a newer visible one supersedes; keep the newest visible.
      while (entries.length > 1 && entries[1]!.visibleAt <= now) entries.shift();
      const entry = entries[0];
      if (!entry || entry.visibleAt > now) continue;
      if (entry.customer) visible.push(entry.customer);
      else if (entries.length === 1) this.searchIndex.delete(id);
    }
    return visible.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  createCustomer(input: CustomerCreateInput): StateResult<FakeCustomer> {
    const now = this.now();
    const customer: FakeCustomer = {
      id: this.nextCustomerId,
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      note: null,
      tags: [],
      emailMarketing: { state: 'NOT_SUBSCRIBED', optInLevel: null, updatedAt: null },
      smsMarketing: { state: 'NOT_SUBSCRIBED', optInLevel: null, updatedAt: null },
      addresses: [],
      defaultAddressId: null,
      state: 'DISABLED',
      verifiedEmail: true,
      createdAt: now,
      updatedAt: now,
    };
    const errors = this.applyFields(customer, input);
    if (errors.length === 0 && !hasContact(customer)) errors.push({ field: null, message: 'Customer must have a name, phone number or email address' });
    if (input.emailMarketing && !customer.email) {
      errors.push({ field: ['emailMarketingConsent'], message: 'An email address is required to set the email marketing consent' });
    }
    if (input.smsMarketing && !customer.phone) {
      errors.push({ field: ['smsMarketingConsent'], message: 'A phone number is required to set the SMS marketing consent' });
    }
    if (errors.length > 0) return { ok: false, userErrors: errors };

    if (input.emailMarketing) customer.emailMarketing = consent(input.emailMarketing, now);
    if (input.smsMarketing) customer.smsMarketing = consent(input.smsMarketing, now);
    for (const address of input.addresses ?? []) this.pushAddress(customer, address);
    customer.defaultAddressId = customer.addresses[0]?.id ?? null;
    this.customers.set(customer.id, customer);
    this.nextCustomerId += 1n;
    this.changed(undefined, customer);
    return { ok: true, value: customer };
  }

  /** The merchant deletes a customer (or Shopify erases one on a redact request). */
  deleteCustomer(id: bigint): StateResult<FakeCustomer> {
    const current = this.customers.get(id);
    if (!current) return notFound();
    this.customers.delete(id);
    this.changed(current, undefined);
    return { ok: true, value: current };
  }

  /**
   * customerMerge: which customer is kept, as Shopify picks it. With no override: the one with an
   * email if only one has one; with both, an ENABLED account wins, then an INVITED one when the
   * other's consent is not SUBSCRIBED or PENDING, then the subscribed consent; otherwise (and when
   * neither has an email) customerTwo.
   * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerMerge
   */
  mergeKeeps(oneId: bigint, twoId: bigint, keepId?: bigint): bigint | undefined {
    const one = this.customers.get(oneId);
    const two = this.customers.get(twoId);
    if (!one || !two || oneId === twoId) return undefined;
    if (keepId === oneId || keepId === twoId) return keepId;
    if (Boolean(one.email) !== Boolean(two.email)) return one.email ? oneId : twoId;
    if (!one.email) return twoId;
    if (one.state === 'ENABLED' && two.state !== 'ENABLED') return oneId;
    if (two.state === 'ENABLED' && one.state !== 'ENABLED') return twoId;
    const opted = (customer: FakeCustomer) => customer.emailMarketing.state === 'SUBSCRIBED' || customer.emailMarketing.state === 'PENDING';
    if (one.state === 'INVITED' && two.state !== 'INVITED' && !opted(two)) return oneId;
    if (two.state === 'INVITED' && one.state !== 'INVITED' && !opted(one)) return twoId;
    if (opted(one) && !opted(two)) return oneId;
    return twoId;
  }

  /**
   * Merges two customers into the one Shopify keeps: its values stay, the other's fill what it
   * lacks (names, email, phone, note), tags and addresses are combined, and the other customer
   * is gone. Returns the kept customer and the id of the deleted one.
   */
  mergeCustomers(oneId: bigint, twoId: bigint, keepId?: bigint): StateResult<{ kept: FakeCustomer; deletedId: bigint }> {
    const keptId = this.mergeKeeps(oneId, twoId, keepId);
    if (keptId === undefined) return failed(['customerOneId'], 'Customers cannot be merged');
    const deletedId = keptId === oneId ? twoId : oneId;
    const kept = structuredClone(this.customers.get(keptId)!);
    const other = this.customers.get(deletedId)!;
    kept.firstName ??= other.firstName;
    kept.lastName ??= other.lastName;
    kept.note ??= other.note;
    if (!kept.email && other.email) {
      kept.email = other.email;
      kept.emailMarketing = structuredClone(other.emailMarketing);
    }
    if (!kept.phone && other.phone) {
      kept.phone = other.phone;
      kept.smsMarketing = structuredClone(other.smsMarketing);
    }
    kept.tags = [...new Set([...kept.tags, ...other.tags])];
    kept.addresses = [...kept.addresses, ...structuredClone(other.addresses)];
    kept.defaultAddressId ??= other.defaultAddressId;
    this.customers.delete(deletedId);
    this.changed(other, undefined);
    const committed = this.commit(kept);
    return committed.ok ? { ok: true, value: { kept: committed.value, deletedId } } : committed;
  }

  updateCustomer(id: bigint, input: CustomerFieldsInput): StateResult<FakeCustomer> {
    const current = this.customers.get(id);
    if (!current) return notFound();
    const next = structuredClone(current);
    const errors = this.applyFields(next, input);
    if (errors.length === 0 && !hasContact(next)) errors.push({ field: null, message: 'Customer must have a name, phone number or email address' });
    if (errors.length > 0) return { ok: false, userErrors: errors };
    // Removing the email or phone also removes its consent record.
    if (!next.email) next.emailMarketing = { state: 'NOT_SUBSCRIBED', optInLevel: null, updatedAt: null };
    if (!next.phone) next.smsMarketing = { state: 'NOT_SUBSCRIBED', optInLevel: null, updatedAt: null };
    return this.commit(next);
  }

  setEmailMarketing(id: bigint, input: ConsentInput<EmailMarketingState>): StateResult<FakeCustomer> {
    const current = this.customers.get(id);
    if (!current) return notFound();
    if (!current.email) {
      return failed(['input', 'emailMarketingConsent'], 'Customer must have an email address to update email marketing consent', 'INVALID');
    }
    return this.commit({ ...current, emailMarketing: consent(input, this.now()) });
  }

  setSmsMarketing(id: bigint, input: ConsentInput<SmsMarketingState>): StateResult<FakeCustomer> {
    const current = this.customers.get(id);
    if (!current) return notFound();
    if (!current.phone) {
      return failed(['input', 'smsMarketingConsent'], 'Customer must have a phone number to update SMS marketing consent', 'MISSING_ARGUMENT');
    }
    return this.commit({ ...current, smsMarketing: consent(input, this.now()) });
  }

  addAddress(customerId: bigint, input: AddressInput, setAsDefault: boolean): StateResult<{ customer: FakeCustomer; address: FakeAddress }> {
    const current = this.customers.get(customerId);
    if (!current) return notFound();
    const next = structuredClone(current);
    const address = this.pushAddress(next, input);
    if (setAsDefault || next.defaultAddressId === null) next.defaultAddressId = address.id;
    const committed = this.commit(next);
    return committed.ok ? { ok: true, value: { customer: committed.value, address } } : committed;
  }

  updateAddress(
    customerId: bigint,
    addressId: bigint,
    input: AddressInput,
    setAsDefault: boolean,
  ): StateResult<{ customer: FakeCustomer; address: FakeAddress }> {
    const current = this.customers.get(customerId);
    if (!current) return notFound();
    const next = structuredClone(current);
    const index = next.addresses.findIndex((address) => address.id === addressId);
    const existing = next.addresses[index];
    if (!existing) return failed(['addressId'], 'Address does not exist');
    // Like Shopify, the input replaces the address: fields not given are cleared.
    const address: FakeAddress = { ...emptyAddress(addressId), ...cleanAddress(input) };
    next.addresses[index] = address;
    if (setAsDefault) next.defaultAddressId = addressId;
    const committed = this.commit(next);
    return committed.ok ? { ok: true, value: { customer: committed.value, address } } : committed;
  }

  deleteAddress(customerId: bigint, addressId: bigint): StateResult<FakeCustomer> {
    const current = this.customers.get(customerId);
    if (!current) return notFound();
    if (!current.addresses.some((address) => address.id === addressId)) return failed(['addressId'], 'Address does not exist');
    const next = structuredClone(current);
    next.addresses = next.addresses.filter((address) => address.id !== addressId);
    if (next.defaultAddressId === addressId) next.defaultAddressId = next.addresses[0]?.id ?? null;
    return this.commit(next);
  }

  /** E.164 in the shop's country, or undefined when Shopify would answer "Phone is invalid". */
  toE164(raw: string): string | undefined {
    const parsed = parsePhoneNumberFromString(raw.trim(), this.defaultCountry);
    return parsed?.isValid() ? parsed.number : undefined;
  }

  private commit(next: FakeCustomer): StateResult<FakeCustomer> {
    const before = this.customers.get(next.id);
    next.updatedAt = this.now();
    this.customers.set(next.id, next);
    this.changed(before, next);
    return { ok: true, value: next };
  }

  private changed(before: FakeCustomer | undefined, after: FakeCustomer | undefined): void {
    const id = (after ?? before)!.id;
    const entries = this.searchIndex.get(id) ?? [];
    entries.push({ customer: after ? structuredClone(after) : undefined, visibleAt: Date.now() + this.searchLagMs });
    this.searchIndex.set(id, entries);
    for (const listener of this.listeners) listener({ before, after });
  }

  /** Validates and applies the scalar fields onto `target`, returning the user errors. */
  private applyFields(target: FakeCustomer, input: CustomerFieldsInput): FakeUserError[] {
    const errors: FakeUserError[] = [];
    if (input.firstName !== undefined) target.firstName = blankToNull(input.firstName);
    if (input.lastName !== undefined) target.lastName = blankToNull(input.lastName);
    if (input.note !== undefined) target.note = blankToNull(input.note);
    if (input.tags !== undefined) target.tags = [...new Set((input.tags ?? []).flatMap((tag) => tag.split(',')).map((tag) => tag.trim()).filter(Boolean))];
    if (input.email !== undefined) {
      const email = blankToNull(input.email);
      if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ field: ['email'], message: 'Email is invalid' });
      else if (email !== null && this.list().some((other) => other.id !== target.id && other.email?.toLowerCase() === email.toLowerCase())) {
        errors.push({ field: ['email'], message: 'Email has already been taken' });
      } else target.email = email;
    }
    if (input.phone !== undefined) {
      const raw = blankToNull(input.phone);
      const phone = raw === null ? null : this.toE164(raw);
      if (phone === undefined) errors.push({ field: ['phone'], message: 'Phone is invalid' });
      else if (phone !== null && this.list().some((other) => other.id !== target.id && other.phone === phone)) {
        errors.push({ field: ['phone'], message: 'Phone has already been taken' });
      } else target.phone = phone;
    }
    return errors;
  }

  private pushAddress(customer: FakeCustomer, input: AddressInput): FakeAddress {
    const address: FakeAddress = { ...emptyAddress(this.nextAddressId), ...cleanAddress(input) };
    this.nextAddressId += 1n;
    customer.addresses.push(address);
    return address;
  }
}

function emptyAddress(id: bigint): FakeAddress {
  return {
    id,
    firstName: null,
    lastName: null,
    company: null,
    address1: null,
    address2: null,
    city: null,
    provinceCode: null,
    zip: null,
    countryCode: null,
    phone: null,
  };
}

function cleanAddress(input: AddressInput): AddressInput {
  const out: AddressInput = {};
  for (const key of ['firstName', 'lastName', 'company', 'address1', 'address2', 'city', 'provinceCode', 'zip', 'countryCode', 'phone'] as const) {
    const value = input[key];
    if (value !== undefined) out[key] = blankToNull(value);
  }
  return out;
}

function consent<State extends string>(input: ConsentInput<State>, now: Date): MarketingConsent<State> {
  return { state: input.state, optInLevel: input.optInLevel ?? (input.state === 'SUBSCRIBED' ? 'SINGLE_OPT_IN' : null), updatedAt: input.updatedAt ?? now };
}

function hasContact(customer: FakeCustomer): boolean {
  return Boolean(customer.firstName || customer.lastName || customer.email || customer.phone);
}

function blankToNull(value: string | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

function notFound(): { ok: false; userErrors: FakeUserError[] } {
  return failed(['id'], 'Customer does not exist');
}

function failed(field: string[] | null, message: string, code?: string): { ok: false; userErrors: FakeUserError[] } {
  return { ok: false, userErrors: [{ field, message, ...(code ? { code } : {}) }] };
}

/**
 * A date term of Shopify's search syntax: `updated_at:>='2025-01-31T12:00:00Z'`, `updated_at:<2025-02-01`
 * (operators >, >=, <, <=; none means the same day). https://shopify.dev/docs/api/usage/search-syntax
 */
function compareDate(held: Date, term: string): boolean {
  const match = /^(>=|<=|>|<)?['"]?([^'"]+)['"]?$/.exec(term);
  const at = match?.[2] ? Date.parse(match[2]) : Number.NaN;
  if (!match || Number.isNaN(at)) return false;
  const time = held.getTime();
  switch (match[1]) {
    case '>=':
      return time >= at;
    case '>':
      return time > at;
    case '<=':
      return time <= at;
    case '<':
      return time < at;
    default:
      return new Date(time).toISOString().slice(0, 10) === new Date(at).toISOString().slice(0, 10);
  }
}
