import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { klaviyoStamp } from './clock';
import { CONSENT_METRICS, liftListSuppression, setSms, subscribeEmail, suppressForList, unsubscribeEmail, type Channel } from './consent';
import { accepted, type FakeContext, type Route } from './context';
import { klaviyoErrors, ok, refused, respond, type KlaviyoFailure, type Result } from './errors';
import { KLAVIYO_INTEGRATION } from './events-state';
import type { Job, SubscribeProfile, UnsubscribeProfile } from './jobs';
import type { FakeProfile, ProfileInput } from './profiles-state';
import { isObject, PHONE_FORMAT, readData, requireObject, validEmail, validPhone, type Json } from './wire';

/**
 * Consent, through the API and as a person gives or withdraws it in Klaviyo.
 * Bulk Subscribe (POST /api/profile-subscription-bulk-create-jobs) and Bulk Unsubscribe
 * (…-bulk-delete-jobs) answer 202 with an empty body and are applied later (jobs.ts). What is
 * refused at once (profilesApi.d.ts doc comments; orders-messages-facts.md §4.3, §4.6):
 * - at most 1000 profiles to subscribe, 100 to unsubscribe; `consent` must be "SUBSCRIBED" /
 *   "UNSUBSCRIBED";
 * - `historical_import: true` requires `consented_at`, in the past, for every channel; a
 *   `consented_at` without the flag "will raise an error" (subscriptionParameters.d.ts);
 * - the SMS channel without `phone_number`: "'phone_number' must not be empty when the sms channel
 *   is included in 'subscriptions'." (the current wording, github.com/klaviyo/klaviyo-api-node/issues/95,
 *   2025-01; an older answer said "Phone number must be provided when subscribing to the SMS
 *   channel.", issues/71, 2024-06: the newer one is kept);
 * - phone numbers not in E.164.
 * When applied: unknown identifiers create the profile; subscribing lifts UNSUBSCRIBE,
 * SPAM_COMPLAINT and USER_SUPPRESSED suppressions and adds the profile to the list when one is
 * given (any list id is taken: the fake keeps no list catalogue; lists are single opt-in, so no
 * double opt-in confirmation is pending); method "API", `custom_source` is kept as
 * `custom_method_detail` (its SDK doc: "A custom method detail or source to store on the consent
 * records") and as `method_detail`. Unsubscribing with a list the profile is not on is global
 * ("Profiles not in the specified list will be globally unsubscribed", the SDK's warning); with a
 * list it is on, it leaves that list (a list suppression) and keeps its global consent.
 * Consent never bumps `updated` (the open fact, unkind side); each global change records its
 * consent metric event (consent.ts CONSENT_METRICS), which a poll of GET /api/events can find.
 * Channels the hub does not use (whatsapp, push, email open_tracking) are accepted and ignored.
 */
const SUBSCRIBE_MAX = 1000;
const UNSUBSCRIBE_MAX = 100;

interface ChannelRequest {
  email_marketing?: Json;
  sms_marketing?: Json;
  sms_transactional?: Json;
}

function readChannels(subscriptions: Json, pointer: string): Result<ChannelRequest> {
  const channels: ChannelRequest = {};
  for (const [name, value] of Object.entries(subscriptions)) {
    if (!['email', 'sms', 'whatsapp', 'push'].includes(name)) return refused(klaviyoErrors.invalidAt(`${pointer}/${name}`, `'${name}' is not a valid field for 'subscriptions'.`));
    if (name !== 'email' && name !== 'sms') continue;
    if (value === null || value === undefined) continue;
    if (!isObject(value)) return refused(klaviyoErrors.invalidAt(`${pointer}/${name}`, `'${name}' must be an object.`));
    for (const [kind, parameters] of Object.entries(value)) {
      const allowed = name === 'email' ? ['marketing', 'open_tracking'] : ['marketing', 'transactional'];
      if (!allowed.includes(kind)) return refused(klaviyoErrors.invalidAt(`${pointer}/${name}/${kind}`, `'${kind}' is not a valid field for '${name}'.`));
      if (kind === 'open_tracking' || parameters === null || parameters === undefined) continue;
      if (!isObject(parameters)) return refused(klaviyoErrors.invalidAt(`${pointer}/${name}/${kind}`, `'${kind}' must be an object.`));
      channels[`${name}_${kind}` as keyof ChannelRequest] = parameters;
    }
  }
  return ok(channels);
}

function readProfiles(attributes: Json, max: number, verb: string): Result<unknown[]> {
  const profiles = requireObject(attributes.profiles, '/data/attributes/profiles', 'profiles');
  if (!profiles.ok) return profiles;
  const list = profiles.value.data;
  if (!Array.isArray(list) || list.length === 0) return refused(klaviyoErrors.invalidAt('/data/attributes/profiles/data', "'profiles' must contain at least one profile."));
  if (list.length > max) return refused(klaviyoErrors.invalidAt('/data/attributes/profiles/data', `A maximum of ${max} profiles can be ${verb} per request.`));
  return ok(list);
}

function readListId(data: Json): Result<string | null> {
  const relationships = data.relationships;
  if (relationships === undefined || relationships === null) return ok(null);
  if (!isObject(relationships)) return refused(klaviyoErrors.invalidAt('/data/relationships', "'relationships' must be an object."));
  const list = relationships.list;
  if (list === undefined || list === null) return ok(null);
  if (!isObject(list) || !isObject(list.data) || list.data.type !== 'list' || typeof list.data.id !== 'string' || list.data.id === '') {
    return refused(klaviyoErrors.invalidAt('/data/relationships/list/data', "'list' must be {\"data\": {\"type\": \"list\", \"id\": …}}."));
  }
  return ok(list.data.id);
}

function readIdentifiers(attributes: Json, pointer: string): Result<{ email?: string; phone_number?: string }> {
  const result: { email?: string; phone_number?: string } = {};
  for (const key of ['email', 'phone_number'] as const) {
    const value = attributes[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') return refused(klaviyoErrors.invalidAt(`${pointer}/${key}`, `'${key}' must be a string.`));
    if (key === 'phone_number' && !validPhone(value)) return refused(klaviyoErrors.invalidAt(`${pointer}/${key}`, PHONE_FORMAT));
    if (key === 'email' && !validEmail(value)) return refused(klaviyoErrors.invalidAt(`${pointer}/${key}`, `Invalid email address: '${value}'.`));
    result[key] = value;
  }
  return ok(result);
}

function bodyOf(request: FakeRequest): Result<unknown> {
  if (request.rawBody !== '' && request.json === undefined) return refused(klaviyoErrors.parseError());
  return ok(request.json);
}

function acceptSubscribe(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const job = readSubscribe(request, context);
  if (!job.ok) return respond(job.failure);
  context.jobs.accept(job.value);
  return accepted(context.now());
}

function readSubscribe(request: FakeRequest, context: FakeContext): Result<Job> {
  const body = bodyOf(request);
  if (!body.ok) return body;
  const data = readData(body.value, 'profile-subscription-bulk-create-job');
  if (!data.ok) return data;
  const attributes = requireObject(data.value.attributes, '/data/attributes', 'attributes');
  if (!attributes.ok) return attributes;
  for (const key of Object.keys(attributes.value)) {
    if (!['custom_source', 'profiles', 'historical_import'].includes(key)) return refused(klaviyoErrors.invalidAt(`/data/attributes/${key}`, `'${key}' is not a valid field for the resource 'profile-subscription-bulk-create-job'.`));
  }
  const { custom_source: customSource, historical_import: historicalImport } = attributes.value;
  if (customSource !== undefined && customSource !== null && typeof customSource !== 'string') return refused(klaviyoErrors.invalidAt('/data/attributes/custom_source', "'custom_source' must be a string."));
  if (historicalImport !== undefined && historicalImport !== null && typeof historicalImport !== 'boolean') {
    return refused(klaviyoErrors.invalidAt('/data/attributes/historical_import', "'historical_import' must be a boolean."));
  }
  const historical = historicalImport === true;
  const listId = readListId(data.value);
  if (!listId.ok) return listId;
  const list = readProfiles(attributes.value, SUBSCRIBE_MAX, 'subscribed');
  if (!list.ok) return list;
  const now = context.now().getTime();
  const profiles: SubscribeProfile[] = [];
  for (const [index, raw] of list.value.entries()) {
    const pointer = `/data/attributes/profiles/data/${index}`;
    const profile = readData({ data: raw }, 'profile');
    if (!profile.ok) return refused(repoint(profile.failure, '/data', pointer));
    const id = profile.value.id;
    if (id !== undefined && id !== null && typeof id !== 'string') return refused(klaviyoErrors.invalidAt(`${pointer}/id`, "'id' must be a string."));
    const profileAttributes = requireObject(profile.value.attributes, `${pointer}/attributes`, 'attributes');
    if (!profileAttributes.ok) return profileAttributes;
    for (const key of Object.keys(profileAttributes.value)) {
      if (!['email', 'phone_number', 'subscriptions', 'age_gated_date_of_birth'].includes(key)) {
        return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/${key}`, `'${key}' is not a valid field for the resource 'profile'.`));
      }
    }
    const identifiers = readIdentifiers(profileAttributes.value, `${pointer}/attributes`);
    if (!identifiers.ok) return identifiers;
    const subscriptions = requireObject(profileAttributes.value.subscriptions, `${pointer}/attributes/subscriptions`, 'subscriptions');
    if (!subscriptions.ok) return subscriptions;
    const channels = readChannels(subscriptions.value, `${pointer}/attributes/subscriptions`);
    if (!channels.ok) return channels;
    const entry: SubscribeProfile = { ...(typeof id === 'string' ? { id } : {}), ...identifiers.value };
    for (const channel of ['email_marketing', 'sms_marketing', 'sms_transactional'] as const) {
      const parameters = channels.value[channel];
      if (!parameters) continue;
      const at = `${pointer}/attributes/subscriptions/${channel.replace('_', '/')}`;
      if (parameters.consent !== 'SUBSCRIBED') {
        return refused(klaviyoErrors.invalidAt(`${at}/consent`, parameters.consent === undefined ? "'consent' is a required field." : `"${String(parameters.consent)}" is not a valid choice.`));
      }
      const consentedAt = parameters.consented_at;
      if (consentedAt !== undefined && consentedAt !== null) {
        if (!historical) return refused(klaviyoErrors.invalidAt(`${at}/consented_at`, "'consented_at' can only be provided when 'historical_import' is true."));
        const instant = typeof consentedAt === 'string' ? Date.parse(consentedAt) : Number.NaN;
        if (Number.isNaN(instant)) return refused(klaviyoErrors.invalidAt(`${at}/consented_at`, "'consented_at' must be a valid date-time."));
        if (instant > now) return refused(klaviyoErrors.invalidAt(`${at}/consented_at`, "'consented_at' must be in the past."));
        entry[channel] = { consented_at: klaviyoStamp(new Date(instant)) };
      } else {
        if (historical) return refused(klaviyoErrors.invalidAt(`${at}/consented_at`, "'consented_at' is required when 'historical_import' is true."));
        entry[channel] = {};
      }
    }
    if (!entry.email_marketing && !entry.sms_marketing && !entry.sms_transactional) {
      return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/subscriptions`, "At least one channel must be included in 'subscriptions'."));
    }
    if (entry.email_marketing && !entry.email && !entry.id) {
      return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/email`, "'email' must not be empty when the email channel is included in 'subscriptions'."));
    }
    if ((entry.sms_marketing || entry.sms_transactional) && !entry.phone_number) {
      return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/phone_number`, "'phone_number' must not be empty when the sms channel is included in 'subscriptions'."));
    }
    profiles.push(entry);
  }
  return ok({ kind: 'subscribe', customSource: typeof customSource === 'string' ? customSource : null, historical, listId: listId.value, profiles });
}

function acceptUnsubscribe(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const job = readUnsubscribe(request);
  if (!job.ok) return respond(job.failure);
  context.jobs.accept(job.value);
  return accepted(context.now());
}

function readUnsubscribe(request: FakeRequest): Result<Job> {
  const body = bodyOf(request);
  if (!body.ok) return body;
  const data = readData(body.value, 'profile-subscription-bulk-delete-job');
  if (!data.ok) return data;
  const attributes = requireObject(data.value.attributes, '/data/attributes', 'attributes');
  if (!attributes.ok) return attributes;
  for (const key of Object.keys(attributes.value)) {
    if (key !== 'profiles') return refused(klaviyoErrors.invalidAt(`/data/attributes/${key}`, `'${key}' is not a valid field for the resource 'profile-subscription-bulk-delete-job'.`));
  }
  const listId = readListId(data.value);
  if (!listId.ok) return listId;
  const list = readProfiles(attributes.value, UNSUBSCRIBE_MAX, 'unsubscribed');
  if (!list.ok) return list;
  const profiles: UnsubscribeProfile[] = [];
  for (const [index, raw] of list.value.entries()) {
    const pointer = `/data/attributes/profiles/data/${index}`;
    const profile = readData({ data: raw }, 'profile');
    if (!profile.ok) return refused(repoint(profile.failure, '/data', pointer));
    const profileAttributes = requireObject(profile.value.attributes, `${pointer}/attributes`, 'attributes');
    if (!profileAttributes.ok) return profileAttributes;
    for (const key of Object.keys(profileAttributes.value)) {
      if (!['email', 'phone_number', 'subscriptions'].includes(key)) return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/${key}`, `'${key}' is not a valid field for the resource 'profile'.`));
    }
    const identifiers = readIdentifiers(profileAttributes.value, `${pointer}/attributes`);
    if (!identifiers.ok) return identifiers;
    const subscriptions = requireObject(profileAttributes.value.subscriptions, `${pointer}/attributes/subscriptions`, 'subscriptions');
    if (!subscriptions.ok) return subscriptions;
    const channels = readChannels(subscriptions.value, `${pointer}/attributes/subscriptions`);
    if (!channels.ok) return channels;
    const entry: UnsubscribeProfile = { ...identifiers.value, email_marketing: false, sms_marketing: false, sms_transactional: false };
    for (const channel of ['email_marketing', 'sms_marketing', 'sms_transactional'] as const) {
      const parameters = channels.value[channel];
      if (!parameters) continue;
      const at = `${pointer}/attributes/subscriptions/${channel.replace('_', '/')}/consent`;
      if (parameters.consent !== 'UNSUBSCRIBED') return refused(klaviyoErrors.invalidAt(at, parameters.consent === undefined ? "'consent' is a required field." : `"${String(parameters.consent)}" is not a valid choice.`));
      entry[channel] = true;
    }
    if (!entry.email_marketing && !entry.sms_marketing && !entry.sms_transactional) {
      return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/subscriptions`, "At least one channel must be included in 'subscriptions'."));
    }
    if (entry.email_marketing && !entry.email) return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/email`, "'email' must not be empty when the email channel is included in 'subscriptions'."));
    if ((entry.sms_marketing || entry.sms_transactional) && !entry.phone_number) {
      return refused(klaviyoErrors.invalidAt(`${pointer}/attributes/phone_number`, "'phone_number' must not be empty when the sms channel is included in 'subscriptions'."));
    }
    profiles.push(entry);
  }
  return ok({ kind: 'unsubscribe', listId: listId.value, profiles });
}

function repoint(failure: KlaviyoFailure, from: string, to: string): KlaviyoFailure {
  return { ...failure, errors: failure.errors.map((error) => (error.source?.pointer?.startsWith(from) ? { ...error, source: { pointer: to + error.source.pointer.slice(from.length) } } : error)) };
}

/** Records a consent metric event on the profile (no lag beyond the index's). */
export function recordConsentEvent(context: FakeContext, profile: FakeProfile, channel: Channel, consent: 'SUBSCRIBED' | 'UNSUBSCRIBED', properties: Record<string, unknown>, at: Date): void {
  const event = context.events.record({
    metric: CONSENT_METRICS[channel][consent],
    integration: KLAVIYO_INTEGRATION,
    profileId: profile.id,
    time: at,
    uniqueId: context.ids.uuid(),
    properties,
  });
  if (event) context.profiles.recordEventDate(profile.id, event.datetime);
}

export function applySubscribe(context: FakeContext, job: Extract<Job, { kind: 'subscribe' }>): void {
  const { profiles } = context;
  const now = context.now();
  const at = klaviyoStamp(now);
  for (const entry of job.profiles) {
    const byId = entry.id !== undefined ? profiles.get(entry.id) : undefined;
    if (entry.id !== undefined && !byId) continue; // an unknown id: the job drops it
    const byEmail = entry.email ? profiles.holder('email', entry.email) : undefined;
    const byPhone = entry.phone_number ? profiles.holder('phone_number', entry.phone_number) : undefined;
    let target = byId ?? byEmail ?? byPhone;
    if (!target) target = profiles.insert({ ...(entry.email ? { email: entry.email } : {}), ...(entry.phone_number ? { phone_number: entry.phone_number } : {}) });
    else {
      const add: ProfileInput = {};
      if (entry.email && target.attributes.email === null && !byEmail) add.email = entry.email;
      if (entry.phone_number && target.attributes.phone_number === null && !byPhone) add.phone_number = entry.phone_number;
      if (Object.keys(add).length > 0) profiles.update(target.id, add, { bump: 'if-changed' });
    }
    const method = { at, method: 'API', methodDetail: job.customSource, customMethodDetail: job.customSource, doubleOptin: false };
    const details = { Method: 'API', ...(job.customSource ? { 'Method Detail': job.customSource } : {}), ...(job.listId ? { List: job.listId } : {}) };
    if (entry.email_marketing) {
      const profile = target;
      profiles.changeConsent(profile.id, (subscriptions) => {
        subscribeEmail(subscriptions, { ...method, ...(entry.email_marketing?.consented_at ? { consentedAt: entry.email_marketing.consented_at } : {}) });
        if (job.listId) liftListSuppression(subscriptions, job.listId);
      });
      recordConsentEvent(context, profile, 'email', 'SUBSCRIBED', details, now);
    }
    const smsProfile = byPhone ?? target;
    if ((entry.sms_marketing || entry.sms_transactional) && smsProfile.attributes.phone_number === entry.phone_number) {
      profiles.changeConsent(smsProfile.id, (subscriptions) => {
        if (entry.sms_marketing) setSms(subscriptions, 'marketing', 'SUBSCRIBED', { ...method, ...(entry.sms_marketing.consented_at ? { consentedAt: entry.sms_marketing.consented_at } : {}) });
        if (entry.sms_transactional) setSms(subscriptions, 'transactional', 'SUBSCRIBED', { ...method, ...(entry.sms_transactional.consented_at ? { consentedAt: entry.sms_transactional.consented_at } : {}) });
      });
      if (entry.sms_marketing) recordConsentEvent(context, smsProfile, 'sms', 'SUBSCRIBED', details, now);
    }
    if (job.listId) {
      profiles.addToList(job.listId, target.id);
      if (smsProfile !== target) profiles.addToList(job.listId, smsProfile.id);
    }
  }
}

export function applyUnsubscribe(context: FakeContext, job: Extract<Job, { kind: 'unsubscribe' }>): void {
  const { profiles } = context;
  const now = context.now();
  const at = klaviyoStamp(now);
  const change = { at, method: 'API' };
  for (const entry of job.profiles) {
    const byEmail = entry.email ? profiles.holder('email', entry.email) : undefined;
    const byPhone = entry.phone_number ? profiles.holder('phone_number', entry.phone_number) : undefined;
    // Unknown identifiers: Klaviyo keeps the suppression on a profile of its own.
    const made = byEmail || byPhone ? undefined : profiles.insert({ ...(entry.email ? { email: entry.email } : {}), ...(entry.phone_number ? { phone_number: entry.phone_number } : {}) });
    const emailProfile = byEmail ?? made;
    const smsProfile = byPhone ?? made;
    if (entry.email_marketing && emailProfile) {
      if (job.listId && profiles.inList(job.listId, emailProfile.id)) {
        profiles.removeFromList(job.listId, emailProfile.id);
        profiles.changeConsent(emailProfile.id, (subscriptions) => suppressForList(subscriptions, job.listId!, at));
      } else {
        profiles.changeConsent(emailProfile.id, (subscriptions) => unsubscribeEmail(subscriptions, change));
        recordConsentEvent(context, emailProfile, 'email', 'UNSUBSCRIBED', { Method: 'API', ...(job.listId ? { List: job.listId } : {}) }, now);
      }
    }
    if ((entry.sms_marketing || entry.sms_transactional) && smsProfile) {
      if (job.listId && profiles.inList(job.listId, smsProfile.id)) profiles.removeFromList(job.listId, smsProfile.id);
      else {
        profiles.changeConsent(smsProfile.id, (subscriptions) => {
          if (entry.sms_marketing) setSms(subscriptions, 'marketing', 'UNSUBSCRIBED', change);
          if (entry.sms_transactional) setSms(subscriptions, 'transactional', 'UNSUBSCRIBED', change);
        });
        if (entry.sms_marketing) recordConsentEvent(context, smsProfile, 'sms', 'UNSUBSCRIBED', { Method: 'API', ...(job.listId ? { List: job.listId } : {}) }, now);
      }
    }
  }
}

/**
 * A person in Klaviyo: the preference page's unsubscribe (email: method PREFERENCE_PAGE) or an
 * SMS STOP reply (method TEXT, method_detail "STOP"; the method names Klaviyo uses for SMS replies
 * were not found: chosen). Email gets an UNSUBSCRIBE suppression. No `updated` bump.
 */
export function uiUnsubscribe(context: FakeContext, id: string, channel: Channel, when: Date): FakeProfile {
  const profile = context.profiles.get(id);
  if (!profile) throw new Error(`Klaviyo fake: no profile ${id}`);
  const at = klaviyoStamp(when);
  if (channel === 'email') {
    if (profile.attributes.email === null) throw new Error(`Klaviyo fake: profile ${id} has no email to unsubscribe`);
    context.profiles.changeConsent(id, (subscriptions) => unsubscribeEmail(subscriptions, { at, method: 'PREFERENCE_PAGE' }));
    recordConsentEvent(context, profile, 'email', 'UNSUBSCRIBED', { Method: 'PREFERENCE_PAGE' }, when);
  } else {
    if (profile.attributes.phone_number === null) throw new Error(`Klaviyo fake: profile ${id} has no phone number to unsubscribe`);
    context.profiles.changeConsent(id, (subscriptions) => setSms(subscriptions, 'marketing', 'UNSUBSCRIBED', { at, method: 'TEXT', methodDetail: 'STOP' }));
    recordConsentEvent(context, profile, 'sms', 'UNSUBSCRIBED', { Method: 'TEXT', 'Method Detail': 'STOP' }, when);
  }
  return profile;
}

/** A person opting in on a Klaviyo form: SUBSCRIBED, method FORM, consent_timestamp `when`. No `updated` bump. */
export function uiSubscribe(context: FakeContext, id: string, channel: Channel, when: Date): FakeProfile {
  const profile = context.profiles.get(id);
  if (!profile) throw new Error(`Klaviyo fake: no profile ${id}`);
  const at = klaviyoStamp(when);
  if (channel === 'email') {
    if (profile.attributes.email === null) throw new Error(`Klaviyo fake: profile ${id} has no email to subscribe`);
    context.profiles.changeConsent(id, (subscriptions) => subscribeEmail(subscriptions, { at, method: 'FORM', doubleOptin: false }));
  } else {
    if (profile.attributes.phone_number === null) throw new Error(`Klaviyo fake: profile ${id} has no phone number to subscribe`);
    context.profiles.changeConsent(id, (subscriptions) => setSms(subscriptions, 'marketing', 'SUBSCRIBED', { at, method: 'FORM' }));
  }
  recordConsentEvent(context, profile, channel, 'SUBSCRIBED', { Method: 'FORM' }, when);
  return profile;
}

export const SUBSCRIPTION_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/api\/profile-subscription-bulk-create-jobs$/, endpoint: 'bulkSubscribeProfiles', handle: acceptSubscribe },
  { method: 'POST', pattern: /^\/api\/profile-subscription-bulk-delete-jobs$/, endpoint: 'bulkUnsubscribeProfiles', handle: acceptUnsubscribe },
];
