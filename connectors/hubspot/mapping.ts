import type { MappingContext } from '../connector';
import { compact } from '../../core/model/compact';
import type { Address, FieldName, PartialFieldValues } from '../../core/model/customer';
import { normalizeEmail, toE164 } from '../../core/model/normalize';
import type { Observation } from '../../core/model/observation';
import { isParts } from '../../core/model/same-value';
import { toCountryCode } from '../../core/model/country';
import { hubspotManifest } from './manifest';
import type { HubspotContact } from './schemas';

/**
 * HubSpot contact properties ⇄ canonical fields. Pure, and an allow-list both ways: a property
 * not named here is never read, a field not named here is never written.
 * Default contact properties: https://knowledge.hubspot.com/properties/hubspots-default-contact-properties
 */

/** The properties we read (and ask read's batch read for). */
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
  // "1;2": the contacts merged into this one (their ids now read as it).
  'hs_merged_object_ids',
] as const;

type PropertyName = (typeof HUBSPOT_READ_PROPERTIES)[number];
type Properties = Readonly<Record<string, string | null | undefined>>;

/**
 * The mapping context with the connector's consent setting: `optOutProperty` is the contact
 * property of the configured marketing subscription (`hs_email_optout_<marketingSubscriptionId>`),
 * absent when none is configured (then only the global opt-out is read).
 */
export interface HubspotMapping extends MappingContext {
  optOutProperty?: string;
}

/**
 * HubSpot's per-subscription contact property ("Opted out of email: <subscription name>"): 'true'
 * once the email unsubscribed from that subscription type, 'false' once it subscribed (opted in),
 * empty while not specified. `hs_email_optout` ("Opted out of all email") is the global one.
 * https://knowledge.hubspot.com/articles/kcs_article/email/once-a-new-email-type-is-created-when-will-a-corresponding-contact-property-be-created
 */
export function optOutPropertyOf(subscriptionId: string): string {
  return `hs_email_optout_${subscriptionId}`;
}

/** The mapping context for a connector config: with the subscription's property when one is configured. */
export function hubspotMapping(mapping: MappingContext, config: { marketingSubscriptionId?: string | undefined }): HubspotMapping {
  return config.marketingSubscriptionId ? { ...mapping, optOutProperty: optOutPropertyOf(config.marketingSubscriptionId) } : mapping;
}

/** The properties a read asks for (and their history), the subscription's property included when configured. */
export function readProperties(mapping: HubspotMapping): string[] {
  return mapping.optOutProperty ? [...HUBSPOT_READ_PROPERTIES, mapping.optOutProperty] : [...HUBSPOT_READ_PROPERTIES];
}
export function historyProperties(mapping: HubspotMapping): string[] {
  return mapping.optOutProperty ? [...HUBSPOT_HISTORY_PROPERTIES, mapping.optOutProperty] : [...HUBSPOT_HISTORY_PROPERTIES];
}

/** The properties behind each canonical field we read: their history times the field. */
const FIELD_PROPERTIES = {
  email: ['email'],
  phone: ['phone'],
  firstName: ['firstname'],
  lastName: ['lastname'],
  address: ['address', 'city', 'state', 'zip', 'country'],
  emailConsent: ['hs_email_optout'],
} as const satisfies Partial<Record<FieldName, readonly PropertyName[]>>;

/** The properties whose history batch read is asked for (lastmodifieddate needs none). */
export const HUBSPOT_HISTORY_PROPERTIES: PropertyName[] = Object.values(FIELD_PROPERTIES).flat();

/** HubSpot answers an empty property with null on some endpoints and '' on others: both mean "holds nothing". */
function text(properties: Properties, name: PropertyName): string | null | undefined {
  if (!Object.hasOwn(properties, name)) return undefined;
  const value = properties[name]?.trim();
  return value ? value : null;
}

/** What a contact's properties say, and the fields whose value could not be normalized. */
export interface MappedValues {
  values: PartialFieldValues;
  unusable: FieldName[];
}

/**
 * Maps what a contact's properties say; a property absent from the response stays unsaid. A
 * value that is not an email, a phone number or a country goes to `unusable` (field names
 * only), never into `values`: not a match key, and not a clear either.
 */
export function mapProperties(properties: Properties, context: HubspotMapping): MappedValues {
  const unusable: FieldName[] = [];
  function normalized<R, T>(field: FieldName, raw: R | null | undefined, normalize: (value: R) => T | undefined): T | null | undefined {
    if (raw === undefined) return undefined;
    if (raw === null) return null;
    const value = normalize(raw);
    if (value === undefined) unusable.push(field);
    return value;
  }
  const values: PartialFieldValues = compact({
    email: normalized('email', text(properties, 'email'), normalizeEmail),
    phone: normalized('phone', text(properties, 'phone'), (raw) => toE164(raw, context.defaultCountry)),
    firstName: text(properties, 'firstname'),
    lastName: text(properties, 'lastname'),
    address: normalized('address', toAddress(properties), normalizeAddress),
    emailConsent: emailConsentOf(properties, context.optOutProperty),
  });
  return { values, unusable };
}

/**
 * Email marketing consent as the contact's opt-out properties state it. The global opt-out
 * ('true': unsubscribed from all email) is an explicit unsubscribe, whatever the subscription
 * says; its 'false' says nothing (docs/identity.md §10). The configured subscription's property
 * states a choice either way: 'true' unsubscribed, 'false' subscribed (it is set only by an
 * explicit opt-in or opt-out); empty is "not specified", nothing said.
 */
function emailConsentOf(properties: Properties, optOutProperty: string | undefined): 'subscribed' | 'unsubscribed' | undefined {
  if (text(properties, 'hs_email_optout') === 'true') return 'unsubscribed';
  if (!optOutProperty || !Object.hasOwn(properties, optOutProperty)) return undefined;
  const value = properties[optOutProperty]?.trim();
  return value === 'true' ? 'unsubscribed' : value === 'false' ? 'subscribed' : undefined;
}

/** The property whose value states the consent (the global opt-out when set, else the subscription's): its history times the field. */
function consentProperty(properties: Properties, optOutProperty: string | undefined): string | undefined {
  if (text(properties, 'hs_email_optout') === 'true' || !optOutProperty) return 'hs_email_optout';
  return properties[optOutProperty]?.trim() ? optOutProperty : undefined;
}

/** The canonical values only (write outcomes, tests): unusable values are left out. */
export function toCanonicalValues(properties: Properties, context: HubspotMapping): PartialFieldValues {
  return mapProperties(properties, context).values;
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

/** The country as its ISO code; an address whose country names none cannot be used. */
function normalizeAddress(address: Address): Address | undefined {
  if (!address.country) return address;
  const country = toCountryCode(address.country);
  return country ? { ...address, country } : undefined;
}

/** The canonical address part each HubSpot address property holds. */
export const ADDRESS_PART_PROPERTIES: Record<string, keyof Address> = { address: 'line1', city: 'city', state: 'region', zip: 'postalCode', country: 'country' };

/**
 * Each key's own time: the newest history entry among its properties. Keys whose properties
 * have no history are left out (the observation's updatedAt times them).
 */
function newestHistoryTimes<K extends string>(contact: HubspotContact, propertiesOf: Array<[K, readonly string[]]>): Partial<Record<K, string>> | undefined {
  const history = contact.propertiesWithHistory;
  if (!history) return undefined;
  const times: Partial<Record<K, string>> = {};
  for (const [key, names] of propertiesOf) {
    const stamps = names.flatMap((name) => (history[name] ?? []).map((entry) => entry.timestamp.getTime()));
    if (stamps.length > 0) times[key] = new Date(Math.max(...stamps)).toISOString();
    // No history and no value: never set, so it has held nothing since the contact was created
    // (docs/identity.md §1). Timed by the last change of the contact, every read would look new.
    else if (names.every((name) => !contact.properties[name]?.trim())) times[key] = contact.createdAt.toISOString();
  }
  return Object.keys(times).length > 0 ? times : undefined;
}

/**
 * Each field's own time; the address takes the newest of its parts. Email consent is timed by the
 * property that states it (the global opt-out, or the subscription's), or, when neither holds a
 * value, by the newest of both (their clears; else the contact's creation).
 */
function fieldTimesOf(contact: HubspotContact, context: HubspotMapping): Observation['fieldTimes'] {
  const stating = consentProperty(contact.properties, context.optOutProperty);
  const consentNames = stating ? [stating] : ['hs_email_optout', ...(context.optOutProperty ? [context.optOutProperty] : [])];
  const entries = Object.entries({ ...FIELD_PROPERTIES, emailConsent: consentNames }) as Array<[FieldName, readonly string[]]>;
  return newestHistoryTimes(contact, entries);
}

/** Each address part's own time, by its own property (docs/identity.md §1). */
function partTimesOf(contact: HubspotContact): Observation['partTimes'] {
  return newestHistoryTimes(contact, Object.entries(ADDRESS_PART_PROPERTIES).map(([property, part]): [keyof Address, readonly string[]] => [part, [property]]));
}

/**
 * The contact as an observation, timed by HubSpot's own clocks: the contact's updatedAt
 * (lastmodifieddate) and, where batch read returned history, each property's own time.
 */
export function toObservation(contact: HubspotContact, context: HubspotMapping): Observation {
  const { values, unusable } = mapProperties(contact.properties, context);
  return {
    system: hubspotManifest.id,
    externalId: contact.id,
    observedAt: contact.updatedAt.toISOString(),
    values,
    ...compact({
      fieldTimes: fieldTimesOf(contact, context),
      partTimes: partTimesOf(contact),
      unusable: unusable.length > 0 ? unusable : undefined,
      mergedIds: mergedIdsOf(contact),
    }),
  };
}

function mergedIdsOf(contact: HubspotContact): string[] | undefined {
  const ids = contact.properties.hs_merged_object_ids?.split(';').filter((id) => /^\d+$/.test(id)) ?? [];
  return ids.length > 0 ? ids : undefined;
}

/**
 * Properties whose change states the whole canonical field: a propertyChange event's (or a history
 * entry's) own value and time are an observation of their own (docs/identity.md §1). It is what
 * keeps an edit that raced our write: by the time the contact is read, it holds our value again.
 */
const VALUE_PROPERTIES: ReadonlySet<string> = new Set(['email', 'phone', 'firstname', 'lastname']);

/**
 * The `contact.propertyChange` subscriptions the setup creates (connectors/hubspot/README.md):
 * one per property omnihub reads. HubSpot sends a propertyChange only for a subscribed property,
 * so omnihub's own `omnihub_*` stats properties never come back as webhooks.
 */
export const SUBSCRIBED_PROPERTIES: readonly string[] = [...VALUE_PROPERTIES, ...Object.keys(ADDRESS_PART_PROPERTIES), 'hs_email_optout'];

/**
 * The subscriptions for a config: with `marketingSubscriptionId`, its `hs_email_optout_<id>` too
 * (a change of it names the contact, which the connector then reads: the receiver has no config,
 * and the property is not one it can state alone).
 */
export function subscribedProperties(config: { marketingSubscriptionId?: string | undefined }): string[] {
  return config.marketingSubscriptionId ? [...SUBSCRIBED_PROPERTIES, optOutPropertyOf(config.marketingSubscriptionId)] : [...SUBSCRIBED_PROPERTIES];
}

/**
 * One property of a contact set to `raw` at `at`, as an observation of the one field it states
 * (an address property: that part), for a record we should already know. Undefined for a
 * property that cannot state a field alone.
 */
export function propertyObservation(contactId: string, property: string, raw: string | null, at: string, mapping: MappingContext): Observation | undefined {
  const part = Object.hasOwn(ADDRESS_PART_PROPERTIES, property) ? ADDRESS_PART_PROPERTIES[property] : undefined;
  if (!part && !VALUE_PROPERTIES.has(property)) return undefined;
  const { values, unusable } = part ? addressPart(part, raw) : mapProperties({ [property]: raw }, mapping);
  const fields = Object.keys(values) as FieldName[];
  if (fields.length === 0 && unusable.length === 0) return undefined;
  return {
    system: hubspotManifest.id,
    externalId: contactId,
    observedAt: at,
    values,
    fieldTimes: Object.fromEntries(fields.map((field) => [field, at])),
    ...(unusable.length > 0 ? { unusable } : {}),
    linkedOnly: true,
  };
}

function addressPart(part: keyof Address, raw: string | null): { values: PartialFieldValues; unusable: FieldName[] } {
  let value = raw?.trim() || null;
  if (part === 'country' && value) {
    const code = toCountryCode(value);
    if (!code) return { values: {}, unusable: ['address'] };
    value = code;
  }
  return { values: { address: { [part]: value } }, unusable: [] };
}

/**
 * The changes a contact's history shows from `since` on, each as the propertyChange observation
 * its webhook would have been, oldest first, leaving out each property's newest entry (the
 * contact's present state says it). Reconciliation hands them to the resolver with the contact:
 * an edit whose webhook never came, overwritten since by a write of ours that raced it, is only
 * in the history (docs/identity.md §2).
 */
export function historyObservations(contact: HubspotContact, since: string, mapping: MappingContext): Observation[] {
  const from = Date.parse(since);
  const replayed: Array<{ at: number; edit: string; observation: Observation }> = [];
  for (const [property, entries] of Object.entries(contact.propertiesWithHistory ?? {})) {
    const newestFirst = [...entries].sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime());
    for (const entry of newestFirst.slice(1)) {
      const at = entry.timestamp.getTime();
      if (!(at >= from)) continue;
      const observation = propertyObservation(contact.id, property, entry.value, entry.timestamp.toISOString(), mapping);
      if (observation) replayed.push({ at, edit: `${at}:${entry.sourceType}:${entry.sourceId ?? ''}`, observation });
    }
  }
  // The entries of one edit (one time, one source): one observation, as its webhook events are (docs/identity.md §1).
  const edits: Array<{ edit: string; observation: Observation }> = [];
  for (const { edit, observation } of replayed.sort((a, b) => a.at - b.at)) {
    const open = edits.findLast((e) => e.edit === edit);
    const joined = open ? joinedObservation(open.observation, observation) : undefined;
    if (open && joined) open.observation = joined;
    else edits.push({ edit, observation });
  }
  return edits.map(({ observation }) => observation);
}

/**
 * Two statements of one edit as one observation: their values, times and unusable fields
 * together. Undefined when they state one property or address part twice (kept apart).
 */
export function joinedObservation(a: Observation, b: Observation): Observation | undefined {
  const values: Record<string, unknown> = { ...a.values };
  for (const [name, value] of Object.entries(b.values)) {
    const held = values[name];
    if (held === undefined) values[name] = value;
    else if (name === 'address' && isParts(held) && isParts(value) && !Object.keys(value).some((part) => Object.hasOwn(held, part))) {
      values[name] = { ...held, ...value };
    } else return undefined;
  }
  const unusable = [...new Set([...(a.unusable ?? []), ...(b.unusable ?? [])])];
  return {
    ...a,
    values: values as Observation['values'],
    fieldTimes: { ...a.fieldTimes, ...b.fieldTimes },
    ...(unusable.length > 0 ? { unusable } : {}),
  };
}

/** The canonical fields this connector writes, in the order of the manifest. */
export function writtenFields(values: PartialFieldValues): FieldName[] {
  return hubspotManifest.writableFields.filter((field) => values[field] !== undefined);
}

/**
 * Canonical values → contact properties, writable fields only (email consent is written through
 * the communication preferences API, consent.ts; tags are not written: see README). null clears a property, which HubSpot expects as ''. HubSpot has no second
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
