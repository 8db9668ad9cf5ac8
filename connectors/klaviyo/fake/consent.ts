/**
 * A profile's `subscriptions` as Klaviyo returns them with `additional-fields[profile]=subscriptions`
 * (orders-messages-facts.md §4.3; klaviyo-api/dist/model/emailMarketing.d.ts, sMSMarketing.d.ts,
 * sMSTransactional.d.ts). What decides deliverability is `can_receive_*`, not `consent`:
 * - email: "True if [the] profile does not have any global suppressions" (emailMarketing.d.ts):
 *   implicit consent, so a NEVER_SUBSCRIBED profile with an email can receive marketing, and a
 *   SUBSCRIBED one with a suppression cannot. The fake also needs an email on the profile.
 * - SMS: "Whether or not this profile is subscribed": a phone and consent SUBSCRIBED.
 * Subscribing removes UNSUBSCRIBE, SPAM_COMPLAINT and USER_SUPPRESSED suppressions, never
 * HARD_BOUNCE or INVALID_EMAIL (bulkSubscribeProfiles doc, profilesApi.d.ts). An unsubscribe adds
 * an UNSUBSCRIBE suppression. WhatsApp and push consent are not kept (the hub does not use them).
 * Open fact (orders-messages-facts.md §4.5): whether a consent change bumps the profile's
 * `updated` is not confirmed; the fake takes the unkind side and never bumps it here.
 */
export type Consent = 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NEVER_SUBSCRIBED';
export type SuppressionReason = 'HARD_BOUNCE' | 'INVALID_EMAIL' | 'SPAM_COMPLAINT' | 'UNSUBSCRIBE' | 'USER_SUPPRESSED';
export type Channel = 'email' | 'sms';

export interface Suppression {
  reason: SuppressionReason;
  timestamp: string;
}

export interface ListSuppression {
  list_id: string;
  reason: string;
  timestamp: string;
}

export interface EmailMarketing {
  can_receive_email_marketing: boolean;
  consent: Consent;
  consent_timestamp: string | null;
  last_updated: string | null;
  method: string | null;
  method_detail: string | null;
  custom_method_detail: string | null;
  double_optin: boolean | null;
  suppression: Suppression[];
  list_suppressions: ListSuppression[];
}

export interface SmsMarketing {
  can_receive_sms_marketing: boolean;
  consent: Consent;
  consent_timestamp: string | null;
  method: string | null;
  method_detail: string | null;
  last_updated: string | null;
}

export interface SmsTransactional {
  can_receive_sms_transactional: boolean;
  consent: Consent;
  consent_timestamp: string | null;
  method: string | null;
  method_detail: string | null;
  last_updated: string | null;
}

export interface Subscriptions {
  email: { marketing: EmailMarketing };
  sms: { marketing: SmsMarketing; transactional: SmsTransactional };
}

/** What a new profile holds: never subscribed anywhere, every timestamp null. */
export function newSubscriptions(): Subscriptions {
  const never = { consent: 'NEVER_SUBSCRIBED' as const, consent_timestamp: null, method: null, method_detail: null, last_updated: null };
  return {
    email: {
      marketing: {
        can_receive_email_marketing: false,
        consent: 'NEVER_SUBSCRIBED',
        consent_timestamp: null,
        last_updated: null,
        method: null,
        method_detail: null,
        custom_method_detail: null,
        double_optin: null,
        suppression: [],
        list_suppressions: [],
      },
    },
    sms: { marketing: { can_receive_sms_marketing: false, ...never }, transactional: { can_receive_sms_transactional: false, ...never } },
  };
}

/** Recomputes the `can_receive_*` flags from consent, suppressions and the identifiers the profile holds. */
export function refreshReachability(subscriptions: Subscriptions, identifiers: { email: string | null; phone_number: string | null }): void {
  const email = subscriptions.email.marketing;
  email.can_receive_email_marketing = identifiers.email !== null && email.suppression.length === 0;
  subscriptions.sms.marketing.can_receive_sms_marketing = identifiers.phone_number !== null && subscriptions.sms.marketing.consent === 'SUBSCRIBED';
  subscriptions.sms.transactional.can_receive_sms_transactional = identifiers.phone_number !== null && subscriptions.sms.transactional.consent === 'SUBSCRIBED';
}

export interface ConsentChange {
  /** When the change is recorded (last_updated). */
  at: string;
  /** consent_timestamp: when consent was given (historical imports carry their own). */
  consentedAt?: string;
  method: string;
  methodDetail?: string | null;
  customMethodDetail?: string | null;
  doubleOptin?: boolean;
}

const LIFTED_BY_SUBSCRIBE: ReadonlySet<SuppressionReason> = new Set(['UNSUBSCRIBE', 'SPAM_COMPLAINT', 'USER_SUPPRESSED']);

export function subscribeEmail(subscriptions: Subscriptions, change: ConsentChange): void {
  const email = subscriptions.email.marketing;
  email.consent = 'SUBSCRIBED';
  email.consent_timestamp = change.consentedAt ?? change.at;
  email.last_updated = change.at;
  email.method = change.method;
  email.method_detail = change.methodDetail ?? null;
  email.custom_method_detail = change.customMethodDetail ?? null;
  email.double_optin = change.doubleOptin ?? false;
  email.suppression = email.suppression.filter((suppression) => !LIFTED_BY_SUBSCRIBE.has(suppression.reason));
}

export function unsubscribeEmail(subscriptions: Subscriptions, change: ConsentChange): void {
  const email = subscriptions.email.marketing;
  email.consent = 'UNSUBSCRIBED';
  email.consent_timestamp = change.at;
  email.last_updated = change.at;
  email.method = change.method;
  email.method_detail = change.methodDetail ?? null;
  email.custom_method_detail = change.customMethodDetail ?? null;
  email.double_optin = null;
  if (!email.suppression.some((suppression) => suppression.reason === 'UNSUBSCRIBE')) email.suppression.push({ reason: 'UNSUBSCRIBE', timestamp: change.at });
}

export function setSms(subscriptions: Subscriptions, kind: 'marketing' | 'transactional', consent: 'SUBSCRIBED' | 'UNSUBSCRIBED', change: ConsentChange): void {
  const sms = subscriptions.sms[kind];
  sms.consent = consent;
  sms.consent_timestamp = consent === 'SUBSCRIBED' ? (change.consentedAt ?? change.at) : change.at;
  sms.last_updated = change.at;
  sms.method = change.method;
  sms.method_detail = change.methodDetail ?? null;
}

/** An unsubscribe from one list only: the list suppression, global consent untouched. */
export function suppressForList(subscriptions: Subscriptions, listId: string, at: string): void {
  const email = subscriptions.email.marketing;
  email.list_suppressions = [...email.list_suppressions.filter((suppression) => suppression.list_id !== listId), { list_id: listId, reason: 'UNSUBSCRIBE', timestamp: at }];
  email.last_updated = at;
}

export function liftListSuppression(subscriptions: Subscriptions, listId: string): void {
  const email = subscriptions.email.marketing;
  email.list_suppressions = email.list_suppressions.filter((suppression) => suppression.list_id !== listId);
}

/** The consent metrics Klaviyo records on the profile's timeline (names as listed in the Webhooks topics, orders-messages-facts.md §4.5; exact names not confirmed). */
export const CONSENT_METRICS = {
  email: { SUBSCRIBED: 'Subscribed to Email Marketing', UNSUBSCRIBED: 'Unsubscribed from Email Marketing' },
  sms: { SUBSCRIBED: 'Subscribed to SMS Marketing', UNSUBSCRIBED: 'Unsubscribed from SMS Marketing' },
} as const;
