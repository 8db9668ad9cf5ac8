import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerTarget } from '../../../../connectors/connector';
import { createHubspotClient } from '../../../../connectors/hubspot/client';
import { MARKETING_SUBSCRIPTION_ID } from '../../../../connectors/hubspot/fake/catalog';
import { startHubspotFake, type HubspotFake } from '../../../../connectors/hubspot/fake/server';
import { ConnectorError } from '../../../../core/errors';
import type { LogSink } from '../../../../core/log';

/**
 * The HubSpot client writing and reading email marketing consent through the communication
 * preferences API, against the fake through the real SDK.
 */
const TOKEN = 'pat-na1-test-token';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');
const ADA = 'ada.lovelace@example.com';
const OPT_OUT = `hs_email_optout_${MARKETING_SUBSCRIPTION_ID}`;

let fake: HubspotFake;
let warnings: Array<{ message: string; attrs: Record<string, unknown> }>;
const log: LogSink = { debug: () => {}, info: () => {}, warn: (message, attrs = {}) => void warnings.push({ message, attrs }), error: () => {} };

beforeEach(async () => {
  warnings = [];
  fake = await startHubspotFake({ accessToken: TOKEN, clientSecret: 'secret', seed: true, rateLimit: { max: 100, intervalMs: 50 }, now: () => CLOCK });
});
afterEach(async () => {
  await fake.close();
});

/** `null`: no marketingSubscriptionId in the config. */
function client(marketingSubscriptionId: string | null = MARKETING_SUBSCRIPTION_ID): CustomerTarget {
  return createHubspotClient({
    config: { batchSize: 100, ...(marketingSubscriptionId ? { marketingSubscriptionId } : {}) },
    secret: { accessToken: TOKEN },
    mapping: { defaultCountry: 'US' },
    baseUrl: fake.baseUrl,
    log,
  });
}

const consentCalls = () => fake.requests.filter((request) => request.path.startsWith('/communication-preferences/v3/'));

describe('HubSpot client: email consent through the subscriptions API', () => {
  it('unsubscribes the contact\'s email from the configured subscription, timed by HubSpot\'s answer, and patches nothing for consent alone', async () => {
    // Act
    const written = await client().update('51', { emailConsent: 'unsubscribed' });

    // Assess
    expect(fake.admin.subscriptionState(ADA)).toBe('UNSUBSCRIBED');
    expect(consentCalls().map((request) => [request.method, request.path, request.status])).toEqual([['POST', '/communication-preferences/v3/unsubscribe', 200]]);
    expect(consentCalls()[0]?.body).toMatchObject({ emailAddress: ADA, subscriptionId: MARKETING_SUBSCRIPTION_ID, legalBasis: 'CONSENT_WITH_NOTICE' });
    expect(fake.admin.apiWrites()).toHaveLength(0);
    expect(written).toMatchObject({ externalId: '51', holds: { emailConsent: 'unsubscribed' }, fieldTimes: { emailConsent: CLOCK.toISOString() } });
  });

  it('subscribes with CONSENT_WITH_NOTICE and the explanation, after patching the other fields', async () => {
    // Act
    const written = await client().update('51', { firstName: 'Augusta', emailConsent: 'subscribed' });

    // Assess
    expect(fake.admin.subscriptionState(ADA)).toBe('SUBSCRIBED');
    expect(fake.admin.getContact('51')?.properties.firstname).toBe('Augusta');
    expect(consentCalls()[0]?.body).toMatchObject({ legalBasis: 'CONSENT_WITH_NOTICE', legalBasisExplanation: expect.stringContaining('another connected system') });
    expect(written.holds).toEqual({ firstName: 'Augusta', emailConsent: 'subscribed' });
  });

  it('takes "already subscribed" and "already unsubscribed" as what HubSpot holds', async () => {
    // Prepare
    fake.admin.setSubscription(ADA, 'UNSUBSCRIBED');

    // Act
    const written = await client().update('51', { emailConsent: 'unsubscribed' });

    // Assess
    expect(consentCalls().map((request) => request.status)).toEqual([400]);
    expect(written.holds).toEqual({ emailConsent: 'unsubscribed' });
  });

  it('withholds a subscribe HubSpot refuses for an email that opted out of all email, with a warning and no email in it', async () => {
    // Prepare
    fake.admin.unsubscribeFromAll(ADA);

    // Act
    const written = await client().update('51', { emailConsent: 'subscribed' });

    // Assess
    expect(written.holds).toEqual({});
    expect(written.withheld).toEqual({ emailConsent: 'subscribed' });
    expect(fake.admin.subscriptionState(ADA)).toBe('NOT_SPECIFIED');
    expect(warnings.map((warning) => warning.message)).toEqual([expect.stringContaining('opted out')]);
    expect(JSON.stringify(warnings)).not.toContain('ada.lovelace');
  });

  it('writes nothing for a default, and withholds a choice for a contact without an email or without the setting', async () => {
    // Prepare
    const noEmail = fake.admin.createContact({ firstname: 'Nameless' });

    // Act
    const defaulted = await client().update('51', { emailConsent: 'not_subscribed' });
    const withoutEmail = await client().update(noEmail.id, { emailConsent: 'unsubscribed' });
    const withoutSetting = await client(null).update('51', { emailConsent: 'unsubscribed' });

    // Assess
    expect(consentCalls()).toEqual([]);
    expect(defaulted.holds).toEqual({ emailConsent: 'not_subscribed' });
    expect(withoutEmail.withheld).toEqual({ emailConsent: 'unsubscribed' });
    expect(withoutSetting.withheld).toEqual({ emailConsent: 'unsubscribed' });
  });

  it('fails with a non-retryable error naming marketingSubscriptionId when the portal has no such subscription', async () => {
    // Act
    const error = await client('999').update('51', { emailConsent: 'subscribed' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    expect((error as ConnectorError).message).toContain('marketingSubscriptionId');
    expect((error as ConnectorError).message).not.toContain('ada.lovelace');
  });

  it('reads the subscription\'s opt-out (true: unsubscribed, false: subscribed) timed by its history, and the global opt-out over it', async () => {
    // Prepare
    fake.admin.setSubscription(ADA, 'SUBSCRIBED');
    fake.admin.setSubscription('grace@example.org', 'UNSUBSCRIBED');
    fake.admin.setSubscription('mary.jackson@example.com', 'SUBSCRIBED');
    fake.admin.unsubscribeFromAll('mary.jackson@example.com');

    // Act
    const observations = await client().read(['51', '52', '53']);
    const unconfigured = await client(null).read(['51']);

    // Assess
    const consentOf = (id: string) => observations.find((observation) => observation.externalId === id);
    expect(consentOf('51')).toMatchObject({ values: { emailConsent: 'subscribed' }, fieldTimes: { emailConsent: CLOCK.toISOString() } });
    expect(consentOf('52')?.values.emailConsent).toBe('unsubscribed');
    expect(consentOf('53')?.values.emailConsent).toBe('unsubscribed');
    expect(unconfigured[0]?.values).not.toHaveProperty('emailConsent');
    const read = fake.requests.find((request) => request.path === '/crm/v3/objects/contacts/batch/read');
    expect(read?.body).toMatchObject({ properties: expect.arrayContaining([OPT_OUT, 'hs_email_optout']), propertiesWithHistory: expect.arrayContaining([OPT_OUT]) });
  });
});
