import type { PartialFieldValues } from '../../core/model/customer';
import type { klaviyoApi } from './api';
import type { KlaviyoConfig } from './manifest';

/**
 * Email and SMS marketing consent written to Klaviyo, which keeps consent apart from the profile:
 * - `subscribed` → Subscribe Profiles (a bulk job), with the configured list when there is one
 *   (its opt-in setting applies; without a list, the account's). Not a historical import: the
 *   consent was given in another system and Klaviyo records it as given now, through omnihub
 *   (`custom_source`).
 * - `unsubscribed` → Unsubscribe Profiles with no list: "profiles not in the specified list will
 *   be globally unsubscribed", and an unsubscribe anywhere means unsubscribed everywhere (§10).
 * - `not_subscribed` and `null` (defaults) have nothing to write: Klaviyo's NEVER_SUBSCRIBED says
 *   the same, and §10 never lets a default undo a choice.
 * Email consent needs the profile's email, SMS consent its phone: without it the value is withheld
 * until the identifier is there. Both jobs answer 202 with no body and are applied later, so what
 * the profile holds is what was sent, timed by the answer's `Date`: Klaviyo's clock when it took
 * the job, no later than the `last_updated` the applied job shows (docs/identity.md §10; the
 * profile's `updated` does not move for consent). A read before the job is applied shows the old
 * consent at its older time, and the next poll reads ours back, the same value, as nothing new.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/bulk_subscribe_profiles
 * https://developers.klaviyo.com/en/v2026-07-15/reference/bulk_unsubscribe_profiles
 */
const CUSTOM_SOURCE = 'omnihub (consent given in another connected system)';

type Api = ReturnType<typeof klaviyoApi>;
type Channel = 'email' | 'sms';
const CHANNELS: ReadonlyArray<{ channel: Channel; field: 'emailConsent' | 'smsConsent' }> = [
  { channel: 'email', field: 'emailConsent' },
  { channel: 'sms', field: 'smsConsent' },
];

export interface ConsentIdentifiers {
  email: string | null | undefined;
  phoneNumber: string | null | undefined;
}

export interface ConsentWritten {
  holds: PartialFieldValues;
  withheld: PartialFieldValues;
  /** Each consent field a job was sent for, at Klaviyo's clock when it took the job. */
  fieldTimes: Partial<Record<'emailConsent' | 'smsConsent', string>>;
}

export async function writeConsent(api: Api, config: KlaviyoConfig, who: ConsentIdentifiers, values: PartialFieldValues): Promise<ConsentWritten> {
  const holds: PartialFieldValues = {};
  const fieldTimes: ConsentWritten['fieldTimes'] = {};
  const withheld: PartialFieldValues = {};
  const subscribe: Channel[] = [];
  const unsubscribe: Channel[] = [];
  for (const { channel, field } of CHANNELS) {
    const value = values[field];
    if (value === undefined) continue;
    if (value !== 'subscribed' && value !== 'unsubscribed') {
      holds[field] = value;
      continue;
    }
    if (!(channel === 'email' ? who.email : who.phoneNumber)) {
      withheld[field] = value;
      continue;
    }
    (value === 'subscribed' ? subscribe : unsubscribe).push(channel);
    holds[field] = value;
  }
  const identifiers = { ...(who.email ? { email: who.email } : {}), ...(who.phoneNumber ? { phoneNumber: who.phoneNumber } : {}) };
  const timeJobs = (channels: Channel[], answer: { response?: { headers?: unknown } }) => {
    const at = acceptedAt(answer);
    if (at) for (const channel of channels) fieldTimes[channel === 'email' ? 'emailConsent' : 'smsConsent'] = at;
  };
  if (subscribe.length > 0) {
    const subscriptions = Object.fromEntries(subscribe.map((channel) => [channel, { marketing: { consent: 'SUBSCRIBED' } }]));
    const answer = await api.call('subscribe', ({ profilesApi }) =>
      profilesApi.bulkSubscribeProfiles({
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: { customSource: CUSTOM_SOURCE, profiles: { data: [{ type: 'profile', attributes: { ...identifiers, subscriptions } }] } },
          ...(config.listId ? { relationships: { list: { data: { type: 'list', id: config.listId } } } } : {}),
        },
      }),
    );
    timeJobs(subscribe, answer);
  }
  if (unsubscribe.length > 0) {
    const subscriptions = Object.fromEntries(unsubscribe.map((channel) => [channel, { marketing: { consent: 'UNSUBSCRIBED' } }]));
    const answer = await api.call('unsubscribe', ({ profilesApi }) =>
      profilesApi.bulkUnsubscribeProfiles({
        data: { type: 'profile-subscription-bulk-delete-job', attributes: { profiles: { data: [{ type: 'profile', attributes: { ...identifiers, subscriptions } }] } } },
      }),
    );
    timeJobs(unsubscribe, answer);
  }
  return { holds, withheld, fieldTimes };
}

/** The answer's `Date` (an HTTP-date, to the second) as an ISO instant; undefined when absent or unreadable. */
function acceptedAt(answer: { response?: { headers?: unknown } }): string | undefined {
  const headers = answer.response?.headers;
  const date = headers && typeof headers === 'object' ? Reflect.get(headers, 'date') : undefined;
  const ms = typeof date === 'string' ? Date.parse(date) : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
