import type { Address, PartialFieldValues } from '../../core/model/customer';
import { compact } from '../../core/model/compact';
import { emailValue, phoneValue, textValue } from '../../core/model/normalize';
import type { Observation } from '../../core/model/observation';
import type { MappingContext } from '../connector';
import type { SquareAddress, SquareCustomer, SquareWireCustomer } from './schemas';

/**
 * Pure, explicit mapping between a Square customer and the canonical customer, both ways. Every
 * field is listed (allow-list). A Square customer object is the whole record and Square leaves
 * out what it holds nothing in, so an absent field reads as `null` (holds no value). A value
 * that cannot be normalized (a phone that is not a valid number, an email that is not an email)
 * is left out of the values and named in `unusable`: never garbage, never a silent drop.
 * https://developer.squareup.com/reference/square/objects/Customer
 */

export const SYSTEM = 'square';

/** The webhook's snake_case customer, in the SDK's spelling: one shape for the mapping. */
export function customerFromWire(wire: SquareWireCustomer): SquareCustomer {
  const address = wire.address;
  return {
    id: wire.id,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
    givenName: wire.given_name,
    familyName: wire.family_name,
    emailAddress: wire.email_address,
    phoneNumber: wire.phone_number,
    address: address
      ? {
          addressLine1: address.address_line_1,
          addressLine2: address.address_line_2,
          locality: address.locality,
          administrativeDistrictLevel1: address.administrative_district_level_1,
          postalCode: address.postal_code,
          country: address.country,
        }
      : address,
    preferences: wire.preferences ? { emailUnsubscribed: wire.preferences.email_unsubscribed } : wire.preferences,
    version: wire.version === undefined ? undefined : BigInt(wire.version),
  };
}

/**
 * A Square customer → the observation the hub ingests, timed by `updated_at` for every field:
 * Square has no per-field clock, and its `updated_at` has whole seconds (docs/identity.md §1,
 * the same rules as Shopify's one-second clock).
 */
export function toObservation(customer: SquareCustomer, context: MappingContext): Observation {
  const observation: Observation = { system: SYSTEM, externalId: customer.id, observedAt: customer.updatedAt, values: fromSquareCustomer(customer, context) };
  const unusable = unusableFields(customer, context);
  return unusable.length > 0 ? { ...observation, unusable } : observation;
}

/** Square customer → canonical values. */
export function fromSquareCustomer(customer: SquareCustomer, context: MappingContext): PartialFieldValues {
  return compact({
    email: emailValue(customer.emailAddress),
    phone: phoneValue(customer.phoneNumber, context.defaultCountry),
    firstName: textValue(customer.givenName) ?? null,
    lastName: textValue(customer.familyName) ?? null,
    address: customer.address ? mapAddress(customer.address) : null,
    // `email_unsubscribed: true` is an opt-out. `false` only says "not opted out", which is no
    // consent (Square's own marketing mails them anyway): not said, so it never overwrites a
    // subscription another system holds.
    emailConsent: customer.preferences?.emailUnsubscribed === true ? 'unsubscribed' : undefined,
  });
}

/** Fields the record holds a value for that cannot be normalized: names only, never values. */
export function unusableFields(customer: SquareCustomer, context: MappingContext): ('email' | 'phone')[] {
  const unusable: ('email' | 'phone')[] = [];
  if (textValue(customer.emailAddress) && emailValue(customer.emailAddress) === undefined) unusable.push('email');
  if (textValue(customer.phoneNumber) && phoneValue(customer.phoneNumber, context.defaultCountry) === undefined) unusable.push('phone');
  return unusable;
}

/** The customer fields of CreateCustomer / UpdateCustomer (SDK spelling). */
export interface SquareCustomerFields {
  givenName?: string | null;
  familyName?: string | null;
  emailAddress?: string | null;
  phoneNumber?: string | null;
  address?: SquareAddressInput;
}

/** Square's Address input: a part set to null is cleared (with X-Clear-Null), a part left out is kept. */
export type SquareAddressInput = { [K in keyof SquareAddress]?: string | null };

/**
 * Canonical values → UpdateCustomer fields. UpdateCustomer is sparse: a field left out is kept,
 * `null` clears it (Square needs `X-Clear-Null: true` for that, which the client sends). The
 * address is sparse too, part by part; "no address" clears every part we map.
 * https://developer.squareup.com/reference/square/customers-api/update-customer
 */
export function toSquareUpdate(values: PartialFieldValues): SquareCustomerFields {
  return compact({
    givenName: values.firstName,
    familyName: values.lastName,
    emailAddress: values.email,
    phoneNumber: values.phone,
    address: values.address === undefined ? undefined : addressInput(values.address),
  });
}

/** The customer fields of CreateCustomer: nothing to clear on a new customer, so no nulls. */
export interface SquareCreateFields {
  givenName?: string;
  familyName?: string;
  emailAddress?: string;
  phoneNumber?: string;
  address?: SquareAddressInput;
}

/** Canonical values → CreateCustomer fields. */
export function toSquareCreate(values: PartialFieldValues): SquareCreateFields {
  const update = toSquareUpdate(values);
  const address = update.address ? compact(Object.fromEntries(Object.entries(update.address).map(([part, value]) => [part, value ?? undefined]))) : undefined;
  return compact({
    givenName: update.givenName ?? undefined,
    familyName: update.familyName ?? undefined,
    emailAddress: update.emailAddress ?? undefined,
    phoneNumber: update.phoneNumber ?? undefined,
    address: address && Object.keys(address).length > 0 ? address : undefined,
  });
}

/**
 * `country` is Square's Country enum (ISO 3166-1 alpha-2): anything else fails the whole
 * request (INVALID_ENUM_VALUE), so another system's "United States" is left out, not sent.
 */
function addressInput(address: Address | null): SquareAddressInput {
  if (address === null) {
    return { addressLine1: null, addressLine2: null, locality: null, administrativeDistrictLevel1: null, postalCode: null, country: null };
  }
  return compact({
    addressLine1: address.line1,
    addressLine2: address.line2,
    locality: address.city,
    administrativeDistrictLevel1: address.region,
    postalCode: address.postalCode,
    country: countryInput(address.country),
  });
}

/** undefined: not said (kept); null or blank: cleared; not an alpha-2 code: left out. */
function countryInput(raw: string | null | undefined): string | null | undefined {
  if (raw === undefined) return undefined;
  const code = raw?.trim().toUpperCase();
  if (!code) return null;
  return /^[A-Z]{2}$/.test(code) ? code : undefined;
}

function mapAddress(address: SquareAddress): Address | null {
  // Square can hold every part we map: an empty one is null (it holds nothing there), never absent.
  const region = textValue(address.administrativeDistrictLevel1);
  const mapped: Address = {
    line1: textValue(address.addressLine1) ?? null,
    line2: textValue(address.addressLine2) ?? null,
    city: textValue(address.locality) ?? null,
    // "NY" is a code (upper-cased, as the other connectors do); "New York" stays as Square holds it.
    region: region && /^[A-Za-z0-9]{1,3}$/.test(region) ? region.toUpperCase() : (region ?? null),
    postalCode: textValue(address.postalCode) ?? null,
    // ZZ is Square's "unknown country": no country.
    country: mapCountry(address.country),
  };
  return Object.values(mapped).some((part) => part !== null) ? mapped : null;
}

function mapCountry(raw: string | null | undefined): string | null {
  const code = textValue(raw)?.toUpperCase();
  return code && code !== 'ZZ' ? code : null;
}
