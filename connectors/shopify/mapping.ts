import type { Address, ConsentState, PartialFieldValues } from '../../core/model/customer';
import { compact } from '../../core/model/compact';
import { normalizeEmail, toE164 } from '../../core/model/normalize';
import type { Observation } from '../../core/model/observation';
import type { MappingContext } from '../connector';
import type {
  ShopifyCustomerInput,
  ShopifyCustomerNode,
  ShopifyCustomerWebhook,
  ShopifyEmailConsentWebhook,
  ShopifySmsConsentWebhook,
  ShopifyMailingAddressInput,
  ShopifyMailingAddressNode,
  ShopifyMarketingConsentInput,
  ShopifyRestAddress,
} from './schemas';

/**
 * Pure, explicit mapping between Shopify and the canonical customer, both ways. Every field is
 * listed (allow-list). Conventions: `null` = Shopify holds no value (the key was there, empty);
 * `undefined` = not said (the key was absent). A value that cannot be normalized (a phone that
 * is not a valid number, an email that is not an email) is left out of the values and named in
 * the observation's `unusable`: never garbage, never a silent drop. An empty tag list or an
 * address with no parts is the same as no value: `null`.
 */

/** Which fields of `values` came out unusable: held a value that could not be normalized. */
type Unusable = ('email' | 'phone')[];

/** Webhook payload (REST shape) → the observation the hub ingests. */
export function toObservation(payload: ShopifyCustomerWebhook, context: MappingContext): Observation {
  return withUnusable(
    { system: 'shopify', externalId: payload.id, observedAt: payload.updated_at, values: fromShopifyWebhookCustomer(payload, context) },
    unusableContacts(payload.email, payload.phone, context),
  );
}

/** GraphQL `Customer` node (a read) → observation, timed by the node's updatedAt. */
export function nodeToObservation(node: ShopifyCustomerNode, context: MappingContext): Observation {
  return withUnusable(
    { system: 'shopify', externalId: customerIdFromGid(node.id), observedAt: node.updatedAt, values: fromShopifyCustomerNode(node, context) },
    unusableContacts(node.defaultEmailAddress?.emailAddress, node.defaultPhoneNumber?.phoneNumber, context),
  );
}

/**
 * customers_email_marketing_consent/update → an observation of the email consent only, timed
 * by `at` (the consent's own update time, else the delivery's). No email: no consent (null).
 * Undefined when the state says nothing we map (redacted, invalid).
 */
export function emailConsentObservation(payload: ShopifyEmailConsentWebhook, at: string): Observation | undefined {
  const state = payload.email_marketing_consent?.state;
  const emailConsent = mapText(payload.email_address) ? (state ? mapConsent(state) : undefined) : null;
  if (emailConsent === undefined) return undefined;
  return { system: 'shopify', externalId: payload.customer_id, observedAt: at, values: { emailConsent } };
}

/** customers_marketing_consent/update → an observation of the SMS consent only (see above). */
export function smsConsentObservation(payload: ShopifySmsConsentWebhook, at: string): Observation | undefined {
  const state = payload.sms_marketing_consent?.state;
  const smsConsent = mapText(payload.phone) ? (state ? mapConsent(state) : undefined) : null;
  if (smsConsent === undefined) return undefined;
  return { system: 'shopify', externalId: payload.id, observedAt: at, values: { smsConsent } };
}

function unusableContacts(email: string | null | undefined, phone: string | null | undefined, context: MappingContext): Unusable {
  const unusable: Unusable = [];
  const emailText = mapText(email);
  if (emailText && mapEmail(emailText) === undefined) unusable.push('email');
  const phoneText = mapText(phone);
  if (phoneText && mapPhone(phoneText, context) === undefined) unusable.push('phone');
  return unusable;
}

function withUnusable(observation: Observation, unusable: Unusable): Observation {
  return unusable.length > 0 ? { ...observation, unusable } : observation;
}

/** Webhook payload (REST shape) → canonical values. */
export function fromShopifyWebhookCustomer(payload: ShopifyCustomerWebhook, context: MappingContext): PartialFieldValues {
  return compact({
    email: mapEmail(payload.email),
    phone: mapPhone(payload.phone, context),
    firstName: mapText(payload.first_name),
    lastName: mapText(payload.last_name),
    address: mapRestDefaultAddress(payload),
    tags: payload.tags == null ? payload.tags : mapTags(payload.tags.split(',')),
    emailConsent: payload.email_marketing_consent == null ? payload.email_marketing_consent : mapConsent(payload.email_marketing_consent.state),
    smsConsent: payload.sms_marketing_consent == null ? payload.sms_marketing_consent : mapConsent(payload.sms_marketing_consent.state),
  });
}

/** GraphQL `Customer` node → canonical values. */
export function fromShopifyCustomerNode(node: ShopifyCustomerNode, context: MappingContext): PartialFieldValues {
  const email = node.defaultEmailAddress;
  const phone = node.defaultPhoneNumber;
  return compact({
    email: email ? mapEmail(email.emailAddress) : null,
    phone: phone ? mapPhone(phone.phoneNumber, context) : null,
    firstName: mapText(node.firstName),
    lastName: mapText(node.lastName),
    address: node.defaultAddress ? mapGraphqlAddress(node.defaultAddress) : null,
    tags: mapTags(node.tags),
    // Without an email (phone) there is no consent record: Shopify holds no value.
    emailConsent: email ? mapConsent(email.marketingState) : null,
    smsConsent: phone ? mapConsent(phone.marketingState) : null,
  });
}

/** `gid://shopify/Customer/7065…` → `7065…` (our externalId). */
export function customerIdFromGid(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1);
}

export function customerGid(externalId: string): string {
  return `gid://shopify/Customer/${externalId}`;
}

/** What a canonical write becomes in the GraphQL Admin API. */
export interface ShopifyWrite {
  /** The CustomerInput fields customerCreate/customerUpdate set (email, phone, names, tags). */
  input: ShopifyCustomerInput;
  /** The default address: an address to set, null to remove it, undefined to leave it alone. */
  address: ShopifyMailingAddressInput | null | undefined;
  /** Consent to set, or undefined to leave it alone (see consentInput). */
  emailConsent: ShopifyMarketingConsentInput | undefined;
  smsConsent: ShopifyMarketingConsentInput | undefined;
}

/** Canonical values → GraphQL Admin API input. */
export function toShopifyCustomerInput(values: PartialFieldValues): ShopifyWrite {
  return {
    input: compact({
      email: values.email,
      phone: values.phone,
      firstName: values.firstName,
      lastName: values.lastName,
      // Shopify's tags are a list; "no tags" is the empty list (it overwrites existing tags).
      tags: values.tags === undefined ? undefined : (values.tags ?? []),
    }),
    address: values.address == null ? values.address : addressInput(values.address),
    emailConsent: consentInput(values.emailConsent),
    smsConsent: consentInput(values.smsConsent),
  };
}

/**
 * countryCode is Shopify's CountryCode enum: a value that is not an ISO alpha-2 code (another
 * system's "United States") would fail the whole request, so it is left out, as is a region
 * that is not a code.
 */
function addressInput(address: Address): ShopifyMailingAddressInput | null {
  const country = address.country?.trim().toUpperCase();
  const region = address.region?.trim().toUpperCase();
  const input = compact({
    address1: address.line1 ?? undefined,
    address2: address.line2 ?? undefined,
    city: address.city ?? undefined,
    provinceCode: region && /^[A-Z0-9]{1,3}$/.test(region) ? region : undefined,
    zip: address.postalCode ?? undefined,
    countryCode: country && /^[A-Z]{2}$/.test(country) ? country : undefined,
  });
  return Object.keys(input).length > 0 ? input : null;
}

/**
 * Only SUBSCRIBED and UNSUBSCRIBED can be written: the consent mutations refuse NOT_SUBSCRIBED
 * ("NOT_SUBSCRIBED, REDACTED, and INVALID cannot be set via this mutation"), a new customer is
 * NOT_SUBSCRIBED already, and a consent record cannot be cleared (null).
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerEmailMarketingConsentUpdate
 */
function consentInput(state: ConsentState | null | undefined): ShopifyMarketingConsentInput | undefined {
  if (state === 'subscribed') return { marketingState: 'SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN' };
  if (state === 'unsubscribed') return { marketingState: 'UNSUBSCRIBED' };
  return undefined;
}

function mapText(raw: string | null | undefined): string | null | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw?.trim();
  return trimmed ? trimmed : null;
}

function mapEmail(raw: string | null | undefined): string | null | undefined {
  const text = mapText(raw);
  return text ? normalizeEmail(text) : text;
}

function mapPhone(raw: string | null | undefined, context: MappingContext): string | null | undefined {
  const text = mapText(raw);
  return text ? toE164(text, context.defaultCountry) : text;
}

/** REST tags are one string, "a, b"; GraphQL tags are a list. Both become sorted and unique. */
function mapTags(raw: readonly string[]): string[] | null {
  const tags = [...new Set(raw.map((tag) => tag.trim()).filter((tag) => tag.length > 0))].sort();
  return tags.length > 0 ? tags : null;
}

/** Shopify states are SUBSCRIBED / NOT_SUBSCRIBED / PENDING / UNSUBSCRIBED / REDACTED / INVALID (REST lower-case). */
function mapConsent(state: string): ConsentState | undefined {
  switch (state.toLowerCase()) {
    case 'subscribed':
      return 'subscribed';
    case 'unsubscribed':
      return 'unsubscribed';
    case 'not_subscribed':
    case 'pending': // double opt-in not confirmed yet: not subscribed
      return 'not_subscribed';
    default:
      return undefined; // redacted, invalid or a state this mapping does not know: not said
  }
}

/**
 * The REST payload is the whole customer: `default_address: null`, or no default address and an
 * empty `addresses` list, both mean the customer has no address.
 */
function mapRestDefaultAddress(payload: ShopifyCustomerWebhook): Address | null | undefined {
  const address = payload.default_address;
  if (address === undefined) return payload.addresses?.length === 0 ? null : undefined;
  return address === null ? null : mapRestAddress(address);
}

function mapRestAddress(address: ShopifyRestAddress): Address | null {
  return toAddress({
    line1: address.address1,
    line2: address.address2,
    city: address.city,
    region: address.province_code,
    postalCode: address.zip,
    country: address.country_code,
  });
}

export function mapGraphqlAddress(address: ShopifyMailingAddressNode): Address | null {
  return toAddress({
    line1: address.address1,
    line2: address.address2,
    city: address.city,
    region: address.provinceCode,
    postalCode: address.zip,
    country: address.countryCodeV2,
  });
}

function toAddress(parts: Record<keyof Address, string | null | undefined>): Address | null {
  // Shopify holds every part: an empty one is null (it holds nothing there), never absent.
  const address: Address = {
    line1: mapText(parts.line1) ?? null,
    line2: mapText(parts.line2) ?? null,
    city: mapText(parts.city) ?? null,
    region: mapText(parts.region)?.toUpperCase() ?? null,
    postalCode: mapText(parts.postalCode) ?? null,
    country: mapText(parts.country)?.toUpperCase() ?? null,
  };
  return Object.values(address).some((part) => part !== null) ? address : null;
}
