import { klaviyoStamp } from './clock';
import { setSms, subscribeEmail } from './consent';
import type { ProfileInput, ProfilesState } from './profiles-state';

/**
 * The sandbox account for `npm start`: a few profiles, no events (the brief). Ada and Grace are
 * in the other sandboxes too, written as a Klaviyo account holds them: phones in E.164 only,
 * emails lower-cased (Grace's is seeded as typed elsewhere and comes out lower-cased). Ada
 * subscribed to email on a form, Katherine is known by her phone only and subscribed to SMS,
 * Grace never gave consent (she can still receive email: implicit consent, consent.ts), and one
 * profile carries an unsubscribe with its suppression.
 */
export const KLAVIYO_SEED_PROFILES: ReadonlyArray<{ input: ProfileInput; consent?: 'email' | 'sms' | 'unsubscribed' }> = [
  {
    input: {
      email: 'ada.lovelace@example.com',
      phone_number: '+12125550101',
      first_name: 'Ada',
      last_name: 'Lovelace',
      location: { address1: '350 Fifth Avenue', address2: 'Suite 3301', city: 'New York', region: 'NY', zip: '10118', country: 'United States' },
      properties: { favorite_drink: 'Flat white' },
    },
    consent: 'email',
  },
  { input: { email: 'Grace@Example.org', first_name: 'Grace', last_name: 'Hopper' } },
  { input: { phone_number: '+12125550104', first_name: 'Katherine' }, consent: 'sms' },
  { input: { email: 'no.more.mail@example.net', first_name: 'Edsger', last_name: 'Dijkstra' }, consent: 'unsubscribed' },
];

export function seedKlaviyoSandbox(profiles: ProfilesState, now: () => Date): void {
  const at = klaviyoStamp(now());
  for (const { input, consent } of KLAVIYO_SEED_PROFILES) {
    const profile = profiles.insert(input);
    if (consent === 'email') profiles.changeConsent(profile.id, (subscriptions) => subscribeEmail(subscriptions, { at, method: 'FORM', doubleOptin: false }));
    if (consent === 'sms') profiles.changeConsent(profile.id, (subscriptions) => setSms(subscriptions, 'marketing', 'SUBSCRIBED', { at, method: 'FORM' }));
    if (consent === 'unsubscribed') {
      profiles.changeConsent(profile.id, (subscriptions) => {
        subscriptions.email.marketing.consent = 'UNSUBSCRIBED';
        subscriptions.email.marketing.consent_timestamp = at;
        subscriptions.email.marketing.last_updated = at;
        subscriptions.email.marketing.method = 'PREFERENCE_PAGE';
        subscriptions.email.marketing.suppression = [{ reason: 'UNSUBSCRIBE', timestamp: at }];
      });
    }
  }
}
