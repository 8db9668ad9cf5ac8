import type { MappingContext } from '../connector';
import { compact } from '../../core/model/compact';
import type { Address, FieldName, PartialFieldValues } from '../../core/model/customer';
import { normalizeEmail, toE164 } from '../../core/model/normalize';
import type { Observation } from '../../core/model/observation';
import { hubspotManifest } from './manifest';
import type { HubspotContact } from './schemas';

/**
 * HubSpot contact properties ⇄ canonical fields. Pure, and an allow-list both ways: a property
 * not named here is never read, a field not named here is never written.
 * Default contact properties: https://knowledge.hubspot.com/properties/hubspots-default-contact-properties
 */

/** The properties we read (and ask hydrate's batch read for). */
export const HUBSPOT_READ_PROPERTIES = [
  'email',
  'phone',
  'firstname',
  'lastname',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'hs_email_optout',
  'lastmodifieddate',
] as const;

type PropertyName = (typeof HUBSPOT_READ_PROPERTIES)[number];
type Properties = Readonly<Record<string, string | null | undefined>>;


/** HubSpot answers an empty property with null on some endpoints and '' on others: both mean "holds nothing". */
function text(properties: Properties, name: PropertyName): string | null | undefined {
  if (!Object.hasOwn(properties, name)) return undefined;
  const value = properties[name]?.trim();
  return value ? value : null;
}

/** Maps what a contact's properties say; a property absent from the response stays unsaid. */
export function toCanonicalValues(properties: Properties, context: MappingContext): PartialFieldValues {
  const email = text(properties, 'email');
  const phone = text(properties, 'phone');
  return compact({
    // A value that is not an email / not a valid number is left out rather than claimed as cleared.
    email: email === null ? null : normalizeEmail(email),
    phone: phone === null ? null : toE164(phone, context.defaultCountry),
    firstName: text(properties, 'firstname'),
    lastName: text(properties, 'lastname'),
    address: toAddress(properties),
    // Read only: opt-out is the one consent fact the contacts API states; 'false' does not mean subscribed.
    emailConsent: text(properties, 'hs_email_optout') === 'true' ? 'unsubscribed' : undefined,
  });
}

function toAddress(properties: Properties): Address | null | undefined {
  const parts = {
    line1: text(properties, 'address'),
    city: text(properties, 'city'),
    region: text(properties, 'state'),
    postalCode: text(properties, 'zip'),
    country: text(properties, 'country'),
  };
  const values = Object.values(parts);
  if (values.every((value) => value === undefined)) return undefined;
  if (values.every((value) => value === undefined || value === null)) return null;
  // The parts HubSpot holds, null where empty. No line2: HubSpot has one street line, and
  // leaving the part out keeps another system's second line through a HubSpot edit.
  return {
    line1: parts.line1 ?? null,
    city: parts.city ?? null,
    region: parts.region ?? null,
    postalCode: parts.postalCode ?? null,
    country: parts.country ?? null,
  };
}

/** The contact as an observation, timed by HubSpot's own clock (updatedAt = lastmodifieddate). */
export function toObservation(contact: HubspotContact, context: MappingContext): Observation {
  return {
    system: hubspotManifest.id,
    externalId: contact.id,
    observedAt: contact.updatedAt.toISOString(),
    values: toCanonicalValues(contact.properties, context),
  };
}

/** The canonical fields this connector writes, in the order of the manifest. */
export function writtenFields(values: PartialFieldValues): FieldName[] {
  return hubspotManifest.writableFields.filter((field) => values[field] !== undefined);
}

/**
 * Canonical values → contact properties, writable fields only (consent and tags are not written:
 * see README). null clears a property, which HubSpot expects as ''. HubSpot has no second
 * street line, so address.line2 is not written.
 */
export function toHubspotProperties(values: PartialFieldValues): Record<string, string> {
  const address = values.address === undefined ? undefined : addressProperties(values.address);
  return compact({
    email: clearable(values.email),
    phone: clearable(values.phone),
    firstname: clearable(values.firstName),
    lastname: clearable(values.lastName),
    ...address,
  });
}

function clearable(value: string | null | undefined): string | undefined {
  return value === null ? '' : value;
}

function addressProperties(address: Address | null): Record<string, string> {
  // The address is one canonical field: write every part, clearing the ones it lacks.
  return {
    address: address?.line1 ?? '',
    city: address?.city ?? '',
    state: address?.region ?? '',
    zip: address?.postalCode ?? '',
    country: address?.country ?? '',
  };
}
