import { stringify } from 'lossless-json';
import type { FakeAddress, FakeCustomer, MarketingConsent } from './state';

/**
 * The REST shape of a customer: what the sandbox admin API answers (the REST Admin customer
 * resource, with tags and consent), and the base of the customers/* webhook body (without). Timestamps are rendered in the shop's time zone
 * with an offset, like Shopify's REST payloads ("2021-12-31T19:00:00-05:00"), while GraphQL
 * answers in UTC ("…Z"): consumers must compare instants, never text.
 * https://shopify.dev/docs/api/admin-rest/2025-10/resources/customer
 */

/** The fake shop's UTC offset (a fixed -05:00, no daylight saving). */
const SHOP_OFFSET_MINUTES = -5 * 60;

export interface RestAddress<Id> {
  id: Id;
  customer_id: Id;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  phone: string | null;
  name: string;
  province_code: string | null;
  country_code: string | null;
  country_name: string | null;
  default: boolean;
}

export interface RestConsent {
  state: string;
  opt_in_level: string | null;
  consent_updated_at: string | null;
}

export interface RestCustomer<Id> {
  id: Id;
  email: string | null;
  created_at: string;
  updated_at: string;
  first_name: string | null;
  last_name: string | null;
  state: string;
  note: string | null;
  verified_email: boolean;
  multipass_identifier: null;
  tax_exempt: boolean;
  tags: string;
  currency: string;
  phone: string | null;
  addresses: RestAddress<Id>[];
  tax_exemptions: string[];
  email_marketing_consent: RestConsent | null;
  sms_marketing_consent: (RestConsent & { consent_collected_from: string }) | null;
  admin_graphql_api_id: string;
  /** Absent when the customer has no address, as in Shopify's payloads. */
  default_address?: RestAddress<Id>;
}

/** A customer as the sandbox admin API returns it to tests: ids as exact digit strings. */
export type SandboxCustomer = RestCustomer<string>;

export function toRestCustomer<Id>(customer: FakeCustomer, toId: (id: bigint) => Id): RestCustomer<Id> {
  const addresses = customer.addresses.map((address) => toRestAddress(customer, address, toId));
  const defaultAddress = addresses.find((_, index) => customer.addresses[index]?.id === customer.defaultAddressId);
  return {
    id: toId(customer.id),
    email: customer.email,
    created_at: shopTime(customer.createdAt),
    updated_at: shopTime(customer.updatedAt),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    tags: [...customer.tags].sort().join(', '),
    currency: 'USD',
    phone: customer.phone,
    addresses,
    tax_exemptions: [],
    email_marketing_consent: customer.email ? restConsent(customer.emailMarketing) : null,
    sms_marketing_consent: customer.phone ? { ...restConsent(customer.smsMarketing), consent_collected_from: 'OTHER' } : null,
    admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
    ...(defaultAddress ? { default_address: defaultAddress } : {}),
  };
}

/**
 * The body of customers/create and customers/update at API 2025-10, key for key as in Shopify's
 * sample payload: since 2025-01 no `tags`, no `email_marketing_consent`, no
 * `sms_marketing_consent` (they have their own topics). Ids are written as bare JSON integers
 * with all their digits. https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-customers/update
 */
export function toWebhookCustomerJson(customer: FakeCustomer): string {
  const rest = toRestCustomer(customer, (id) => id);
  const body = {
    id: rest.id,
    created_at: rest.created_at,
    updated_at: rest.updated_at,
    first_name: rest.first_name,
    last_name: rest.last_name,
    state: rest.state,
    note: rest.note,
    verified_email: rest.verified_email,
    multipass_identifier: rest.multipass_identifier,
    tax_exempt: rest.tax_exempt,
    email: rest.email,
    phone: rest.phone,
    currency: rest.currency,
    addresses: rest.addresses,
    tax_exemptions: rest.tax_exemptions,
    admin_graphql_api_id: rest.admin_graphql_api_id,
    ...(rest.default_address ? { default_address: rest.default_address } : {}),
  };
  return json(body);
}

/** JSON with bigint ids as bare integers, every digit kept. */
export function json(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new Error('webhook body could not be serialized');
  return text;
}

/** "2021-12-31T19:00:00-05:00": the instant in the shop's time zone, second resolution. */
export function shopTime(date: Date): string {
  const local = new Date(date.getTime() + SHOP_OFFSET_MINUTES * 60_000);
  const sign = SHOP_OFFSET_MINUTES < 0 ? '-' : '+';
  const offset = Math.abs(SHOP_OFFSET_MINUTES);
  const hours = String(Math.floor(offset / 60)).padStart(2, '0');
  const minutes = String(offset % 60).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}${sign}${hours}:${minutes}`;
}

export function restConsent(consent: MarketingConsent<string>): RestConsent {
  return {
    state: consent.state.toLowerCase(),
    opt_in_level: consent.optInLevel?.toLowerCase() ?? null,
    consent_updated_at: consent.updatedAt ? shopTime(consent.updatedAt) : null,
  };
}

function toRestAddress<Id>(customer: FakeCustomer, address: FakeAddress, toId: (id: bigint) => Id): RestAddress<Id> {
  return {
    id: toId(address.id),
    customer_id: toId(customer.id),
    first_name: address.firstName ?? customer.firstName,
    last_name: address.lastName ?? customer.lastName,
    company: address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: provinceName(address.countryCode, address.provinceCode),
    country: countryName(address.countryCode),
    zip: address.zip,
    phone: address.phone,
    name: [address.firstName ?? customer.firstName, address.lastName ?? customer.lastName].filter(Boolean).join(' '),
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: countryName(address.countryCode),
    default: address.id === customer.defaultAddressId,
  };
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function countryName(code: string | null): string | null {
  if (!code) return null;
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The provinces the seed and tests use; other codes are shown as the code. */
const PROVINCES: Record<string, string> = {
  'US-NY': 'New York',
  'US-VA': 'Virginia',
  'US-DC': 'District of Columbia',
  'US-CA': 'California',
  'CA-ON': 'Ontario',
  'CA-QC': 'Quebec',
};

export function provinceName(country: string | null, code: string | null): string | null {
  if (!code) return null;
  return PROVINCES[`${country ?? ''}-${code}`] ?? code;
}
