import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MARKETING_SUBSCRIPTION_ID } from '../../../../connectors/hubspot/fake/catalog';
import { startHubspotFake, type HubspotFake } from '../../../../connectors/hubspot/fake/server';
import { FakeHttpServer, type FakeRequest } from '../../../../connectors/testing/fake-http';

/**
 * The fake's communication preferences API v3: what HubSpot answers (shapes, statuses, wording
 * where known), the contact property each change sets with its history, and the webhook it fires.
 */
const TOKEN = 'pat-na1-test-token';
const CLIENT_SECRET = 'test-client-secret';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');
const ADA = 'ada.lovelace@example.com';
const OPT_OUT = `hs_email_optout_${MARKETING_SUBSCRIPTION_ID}`;

let fake: HubspotFake;
let receiver: FakeHttpServer;
let received: FakeRequest[];

beforeEach(async () => {
  received = [];
  receiver = new FakeHttpServer((request) => {
    received.push(request);
    return { status: 200 };
  });
  const receiverUrl = await receiver.listen();
  fake = await startHubspotFake({ accessToken: TOKEN, clientSecret: CLIENT_SECRET, webhookUrl: `${receiverUrl}/webhooks/hubspot`, seed: true, now: () => CLOCK });
});

afterEach(async () => {
  await fake.close();
  await receiver.close();
});

function call(path: string, init: { method?: string; json?: unknown; token?: string } = {}): Promise<Response> {
  return fetch(`${fake.baseUrl}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${init.token ?? TOKEN}`, 'content-type': 'application/json' },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
}

const subscribe = (emailAddress: string, subscriptionId = MARKETING_SUBSCRIPTION_ID) =>
  call('/communication-preferences/v3/subscribe', { json: { emailAddress, subscriptionId, legalBasis: 'CONSENT_WITH_NOTICE', legalBasisExplanation: 'test' } });
const unsubscribe = (emailAddress: string, subscriptionId = MARKETING_SUBSCRIPTION_ID) => call('/communication-preferences/v3/unsubscribe', { json: { emailAddress, subscriptionId } });

describe('HubSpot fake: communication preferences v3', () => {
  it('lists the seeded marketing subscription definition', async () => {
    // Act
    const response = await call('/communication-preferences/v3/definitions');

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      subscriptionDefinitions: [expect.objectContaining({ id: MARKETING_SUBSCRIPTION_ID, name: 'Marketing Information', isActive: true, communicationMethod: 'Email' })],
    });
  });

  it('subscribes an email: answers its status, sets the contact property with history, and fires its propertyChange', async () => {
    // Act
    const response = await subscribe(ADA);
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('date')).toBe(CLOCK.toUTCString());
    expect(await response.json()).toMatchObject({ id: MARKETING_SUBSCRIPTION_ID, status: 'SUBSCRIBED', sourceOfStatus: 'SUBSCRIPTION_STATUS', legalBasis: 'CONSENT_WITH_NOTICE' });
    const contact = fake.state.findByEmail(ADA)!;
    expect(contact.properties.get(OPT_OUT)).toBe('false');
    expect(contact.history.get(OPT_OUT)?.[0]).toMatchObject({ value: 'false', timestamp: CLOCK, sourceType: 'API' });
    expect(received.flatMap((delivery) => delivery.json as Array<Record<string, unknown>>)).toEqual([
      expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 51, propertyName: OPT_OUT, propertyValue: 'false' }),
    ]);
  });

  it('refuses to subscribe an email already subscribed, with HubSpot\'s 400', async () => {
    // Prepare
    await subscribe(ADA);

    // Act
    const response = await subscribe(ADA);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: `${ADA} is already subscribed to subscription ${MARKETING_SUBSCRIPTION_ID}` });
  });

  it('never resubscribes an email that unsubscribed, or that opted out of all email (v3 cannot)', async () => {
    // Prepare
    fake.admin.setSubscription(ADA, 'UNSUBSCRIBED');
    fake.admin.unsubscribeFromAll('grace@example.org');

    // Act
    const [afterUnsubscribe, afterOptOut] = [await subscribe(ADA), await subscribe('grace@example.org')];

    // Assess
    expect([afterUnsubscribe.status, afterOptOut.status]).toEqual([400, 400]);
    expect(fake.admin.subscriptionState(ADA)).toBe('UNSUBSCRIBED');
    expect(fake.state.findByEmail('grace@example.org')?.properties.get('hs_email_optout')).toBe('true');
    expect(fake.state.findByEmail('grace@example.org')?.properties.get(OPT_OUT)).toBeUndefined();
  });

  it('unsubscribes an email from the subscription, then answers the second unsubscribe with HubSpot\'s 400', async () => {
    // Act
    const first = await unsubscribe(ADA);
    const second = await unsubscribe(ADA);

    // Assess
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ id: MARKETING_SUBSCRIPTION_ID, status: 'NOT_SUBSCRIBED' });
    expect(fake.state.findByEmail(ADA)?.properties.get(OPT_OUT)).toBe('true');
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ message: `${ADA} is already unsubscribed from subscription ${MARKETING_SUBSCRIPTION_ID}` });
  });

  it('answers an email\'s statuses, portal wide for an email opted out of all email', async () => {
    // Prepare
    fake.admin.unsubscribeFromAll(ADA);

    // Act
    const response = await call(`/communication-preferences/v3/status/email/${encodeURIComponent(ADA)}`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      recipient: ADA,
      subscriptionStatuses: [expect.objectContaining({ id: MARKETING_SUBSCRIPTION_ID, status: 'NOT_SUBSCRIBED', sourceOfStatus: 'PORTAL_WIDE_STATUS' })],
    });
  });

  it('refuses a request without its required attributes, an unknown subscription, and a bad token', async () => {
    // Act
    const missing = await call('/communication-preferences/v3/subscribe', { json: { emailAddress: ADA } });
    const unknown = await subscribe(ADA, '999');
    const unauthorized = await call('/communication-preferences/v3/definitions', { token: 'wrong' });

    // Assess
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toContain('some of required attributes are not set [subscriptionId]');
    expect(unknown.status).toBe(400);
    expect(unauthorized.status).toBe(401);
    expect(fake.state.findByEmail(ADA)?.properties.get(OPT_OUT)).toBeUndefined();
  });

  it('keeps the status of an email no contact holds', async () => {
    // Act
    const response = await unsubscribe('nobody@example.com');

    // Assess
    expect(response.status).toBe(200);
    expect(fake.admin.subscriptionState('nobody@example.com')).toBe('UNSUBSCRIBED');
  });

  it('shows a person\'s unsubscribe in the contact (sandbox route), with a CRM_UI propertyChange', async () => {
    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/communication-preferences/unsubscribe`, { method: 'POST', body: JSON.stringify({ emailAddress: ADA }) });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(fake.admin.getContact('51')?.properties[OPT_OUT]).toBe('true');
    expect(received.flatMap((delivery) => delivery.json as Array<Record<string, unknown>>)).toEqual([
      expect.objectContaining({ propertyName: OPT_OUT, propertyValue: 'true', changeSource: 'CRM_UI' }),
    ]);
  });
});
