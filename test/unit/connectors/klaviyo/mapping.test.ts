import { describe, expect, it } from 'vitest';
import { toObservation } from '../../../../connectors/klaviyo/mapping';
import type { KlaviyoProfile } from '../../../../connectors/klaviyo/schemas';

describe('Klaviyo profile → observation: consent with its evidence (docs/identity.md §10)', () => {
  it('times each channel by its own last_updated and says how, from Klaviyo\'s consent method', () => {
    // Prepare: unsubscribed by email from the preference page; SMS never subscribed (a default: says nothing).
    const profile = {
      id: '01KLAVIYOPROFILE',
      attributes: {
        email: 'ada@example.com',
        updated: new Date('2026-12-04T10:00:00Z'),
        subscriptions: {
          email: { marketing: { consent: 'UNSUBSCRIBED', lastUpdated: new Date('2026-12-04T09:30:00Z'), consentTimestamp: null, method: 'PREFERENCE_PAGE' } },
          sms: { marketing: { consent: 'NEVER_SUBSCRIBED', lastUpdated: null, consentTimestamp: null, method: null } },
        },
      },
    } as unknown as KlaviyoProfile;

    // Act
    const observation = toObservation(profile, { defaultCountry: 'US' });

    // Assess
    expect(observation.values.emailConsent).toBe('unsubscribed');
    expect(observation.values.smsConsent).toBeUndefined();
    expect(observation.fieldTimes?.emailConsent).toBe('2026-12-04T09:30:00.000Z');
    expect(observation.consentHow).toEqual({ emailConsent: 'Klaviyo consent method PREFERENCE_PAGE' });
  });
});
