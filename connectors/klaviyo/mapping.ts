import type { Address, ConsentState, PartialFieldValues } from '../../core/model/customer';
import { compact } from '../../core/model/compact';
import { toCountryCode } from '../../core/model/country';
import { emailValue, phoneValue, textValue } from '../../core/model/normalize';
import type { Observation } from '../../core/model/observation';
import type { MappingContext } from '../connector';
import type { KlaviyoChannelConsent, KlaviyoLocation, KlaviyoProfile } from './schemas';

/**
 * Pure, explicit mapping between a Klaviyo profile and the canonical customer, both ways (an
 * allow-list: every field is named). A profile read from Klaviyo is the whole record, so a field
 * it leaves out holds nothing (`null`). A value that cannot be normalized (a country no one
 * knows, an email that is not one) is left out and named in `unusable`.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/get_profile
 */

export const SYSTEM = 'klaviyo';

/**
 * A profile → the observation the hub ingests. Klaviyo has one clock for the profile (`updated`)
 * and one per channel's consent (`subscriptions.<channel>.marketing.last_updated`): consent is
 * timed by its own (docs/identity.md §1), so an edit of the name does not make an old unsubscribe
 * look new.
 */
export function toObservation(profile: KlaviyoProfile, context: MappingContext): Observation {
  const observedAt = (profile.attributes.updated ?? profile.attributes.created ?? new Date(0)).toISOString();
  const values = fromKlaviyoProfile(profile, context);
  const fieldTimes = compact({
    emailConsent: values.emailConsent !== undefined ? consentTime(profile.attributes.subscriptions?.email?.marketing) : undefined,
    smsConsent: values.smsConsent !== undefined ? consentTime(profile.attributes.subscriptions?.sms?.marketing) : undefined,
  });
  const unusable = unusableFields(profile, context);
  // How she gave or withdrew a choice, as Klaviyo records it (its consent `method`, docs/identity.md §10).
  const consentHow = compact({
    emailConsent: values.emailConsent ? consentMethod(profile.attributes.subscriptions?.email?.marketing) : undefined,
    smsConsent: values.smsConsent ? consentMethod(profile.attributes.subscriptions?.sms?.marketing) : undefined,
  });
  return {
    system: SYSTEM,
    externalId: profile.id,
    observedAt,
    values,
    ...(Object.keys(fieldTimes).length > 0 ? { fieldTimes } : {}),
    ...(Object.keys(consentHow).length > 0 ? { consentHow } : {}),
    ...(unusable.length > 0 ? { unusable } : {}),
  };
}

/** Profile → canonical values. */
export function fromKlaviyoProfile(profile: KlaviyoProfile, context: MappingContext): PartialFieldValues {
  const { attributes } = profile;
  return compact({
    email: emailValue(attributes.email),
    phone: phoneValue(attributes.phoneNumber, context.defaultCountry),
    firstName: textValue(attributes.firstName) ?? null,
    lastName: textValue(attributes.lastName) ?? null,
    address: attributes.location ? mapLocation(attributes.location) : null,
    emailConsent: mapConsent(attributes.subscriptions?.email?.marketing),
    smsConsent: mapConsent(attributes.subscriptions?.sms?.marketing),
  });
}

/** Fields the profile holds a value for that cannot be normalized: names only, never values. */
export function unusableFields(profile: KlaviyoProfile, context: MappingContext): ('email' | 'phone' | 'address')[] {
  const { attributes } = profile;
  const unusable: ('email' | 'phone' | 'address')[] = [];
  if (textValue(attributes.email) && emailValue(attributes.email) === undefined) unusable.push('email');
  if (textValue(attributes.phoneNumber) && phoneValue(attributes.phoneNumber, context.defaultCountry) === undefined) unusable.push('phone');
  const country = textValue(attributes.location?.country);
  if (country && toCountryCode(country) === undefined) unusable.push('address');
  return unusable;
}

/**
 * SUBSCRIBED and UNSUBSCRIBED are explicit, timed by the channel's `last_updated`. NEVER_SUBSCRIBED
 * is Klaviyo's default for every new profile (ours too): it says nothing, so it never overwrites
 * a consent another system holds (the same reading as Square's `email_unsubscribed: false`).
 */
function mapConsent(channel: KlaviyoChannelConsent | undefined): ConsentState | undefined {
  switch (channel?.consent) {
    case 'SUBSCRIBED':
      return 'subscribed';
    case 'UNSUBSCRIBED':
      return 'unsubscribed';
    default:
      return undefined;
  }
}

function consentMethod(channel: KlaviyoChannelConsent | undefined): string | undefined {
  const method = channel?.method?.trim();
  return method ? `Klaviyo consent method ${method}` : undefined;
}

function consentTime(channel: KlaviyoChannelConsent | undefined): string | undefined {
  return (channel?.lastUpdated ?? channel?.consentTimestamp ?? undefined)?.toISOString();
}

/** The profile attributes createProfile and updateProfile take (SDK spelling: camelCase). */
export interface KlaviyoProfileFields {
  email?: string | null;
  phoneNumber?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  location?: { [K in keyof KlaviyoLocation]?: string | null };
}

/**
 * Canonical values → updateProfile attributes: a field left out is kept, `null` clears it
 * (Klaviyo: "setting a field to null will clear out the field"); the location part by part, and
 * "no address" clears every part we map. The country is written as its ISO code.
 */
export function toKlaviyoFields(values: PartialFieldValues): KlaviyoProfileFields {
  return compact({
    email: values.email,
    phoneNumber: values.phone,
    firstName: values.firstName,
    lastName: values.lastName,
    location: values.address === undefined ? undefined : locationInput(values.address),
  });
}

/** Canonical values → createProfile attributes: nothing to clear on a new profile, so no nulls. */
export function toKlaviyoCreate(values: PartialFieldValues): KlaviyoProfileFields {
  const fields = toKlaviyoFields(values);
  const location = fields.location ? compact(Object.fromEntries(Object.entries(fields.location).map(([part, value]) => [part, value ?? undefined]))) : undefined;
  return compact({
    email: fields.email ?? undefined,
    phoneNumber: fields.phoneNumber ?? undefined,
    firstName: fields.firstName ?? undefined,
    lastName: fields.lastName ?? undefined,
    location: location && Object.keys(location).length > 0 ? location : undefined,
  });
}

function locationInput(address: Address | null): KlaviyoProfileFields['location'] {
  if (address === null) return { address1: null, address2: null, city: null, region: null, zip: null, country: null };
  return compact({
    address1: address.line1,
    address2: address.line2,
    city: address.city,
    region: address.region,
    zip: address.postalCode,
    country: address.country,
  });
}

/** undefined (unusable, left out: not a clear either) when the country names none we know. */
function mapLocation(location: KlaviyoLocation): Address | null | undefined {
  const region = textValue(location.region);
  const country = textValue(location.country);
  const code = country ? toCountryCode(country) : undefined;
  if (country && code === undefined) return undefined;
  const mapped: Address = {
    line1: textValue(location.address1) ?? null,
    line2: textValue(location.address2) ?? null,
    city: textValue(location.city) ?? null,
    // "NY" is a code (upper-cased, as the other connectors do); "New York" stays as Klaviyo holds it.
    region: region && /^[A-Za-z0-9]{1,3}$/.test(region) ? region.toUpperCase() : (region ?? null),
    postalCode: textValue(location.zip) ?? null,
    country: code ?? null,
  };
  return Object.values(mapped).some((part) => part !== null) ? mapped : null;
}
