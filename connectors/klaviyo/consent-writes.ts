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
 * the profile holds is what was sent; the next poll reads it back, the same value, as nothing new.
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

export async function writeConsent(api: Api, config: KlaviyoConfig, who: ConsentIdentifiers, values: PartialFieldValues): Promise<{ holds: PartialFieldValues; withheld: PartialFieldValues }> {
  const holds: PartialFieldValues = {};
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
  if (subscribe.length > 0) {
    const subscriptions = Object.fromEntries(subscribe.map((channel) => [channel, { marketing: { consent: 'SUBSCRIBED' } }]));
    await api.call('subscribe', ({ profilesApi }) =>
      profilesApi.bulkSubscribeProfiles({
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: { customSource: CUSTOM_SOURCE, profiles: { data: [{ type: 'profile', attributes: { ...identifiers, subscriptions } }] } },
          ...(config.listId ? { relationships: { list: { data: { type: 'list', id: config.listId } } } } : {}),
        },
      }),
    );
  }
  if (unsubscribe.length > 0) {
    const subscriptions = Object.fromEntries(unsubscribe.map((channel) => [channel, { marketing: { consent: 'UNSUBSCRIBED' } }]));
    await api.call('unsubscribe', ({ profilesApi }) =>
      profilesApi.bulkUnsubscribeProfiles({
        data: { type: 'profile-subscription-bulk-delete-job', attributes: { profiles: { data: [{ type: 'profile', attributes: { ...identifiers, subscriptions } }] } } },
      }),
    );
  }
  return { holds, withheld };
}
