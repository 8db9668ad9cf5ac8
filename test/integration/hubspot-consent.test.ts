import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKETING_SUBSCRIPTION_ID } from '../../connectors/hubspot/fake/catalog';
import { startPipeline, type Pipeline } from '../support/pipeline';

/**
 * Email marketing consent between Shopify and HubSpot's marketing subscription, through the whole
 * pipeline: the fakes through their SDKs, the bundled handlers, DynamoDB Local. HubSpot is set up
 * with `marketingSubscriptionId` (the fake's seeded "Marketing Information" subscription).
 */
describe('email consent with HubSpot\'s marketing subscription', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ hubspotConfig: { marketingSubscriptionId: MARKETING_SUBSCRIPTION_ID } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  const customerWith = async (email: string) => (await p.table.customers()).find((customer) => customer.emails.includes(email));
  const shopifyCustomer = (email: string) => p.shopify.admin.listCustomers().find((customer) => customer.email === email)!;
  const consentCalls = (operation: 'subscribe' | 'unsubscribe') => p.hubspot.requests.filter((request) => request.method === 'POST' && request.path === `/communication-preferences/v3/${operation}`);

  it('brings an unsubscribe made in Shopify to HubSpot as an unsubscribe of the configured subscription, written once', async () => {
    // Arrange: subscribed in the web shop, and so in HubSpot
    p.shopify.admin.createCustomer({ first_name: 'Hedy', last_name: 'Lamarr', email: 'hedy@example.net', email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' } });
    await p.settle();
    expect(p.hubspot.admin.subscriptionState('hedy@example.net')).toBe('SUBSCRIBED');

    // Act
    p.shopify.admin.setEmailConsent(shopifyCustomer('hedy@example.net').id, 'unsubscribed');
    await p.settle();

    // Assert
    expect(p.hubspot.admin.subscriptionState('hedy@example.net')).toBe('UNSUBSCRIBED');
    expect(p.hubspot.admin.findContactByEmail('hedy@example.net')?.properties[`hs_email_optout_${MARKETING_SUBSCRIPTION_ID}`]).toBe('true');
    const unsubscribes = consentCalls('unsubscribe').filter((request) => (request.body as { emailAddress?: string }).emailAddress === 'hedy@example.net');
    expect(unsubscribes.map((request) => [request.status, (request.body as { subscriptionId?: string }).subscriptionId])).toEqual([[200, MARKETING_SUBSCRIPTION_ID]]);
    expect((await customerWith('hedy@example.net'))?.fields.emailConsent).toMatchObject({ value: 'unsubscribed', source: 'shopify' });
  });

  it('brings an unsubscribe made in HubSpot to Shopify', async () => {
    // Arrange
    p.shopify.admin.createCustomer({ first_name: 'Katherine', last_name: 'Johnson', email: 'katherine@example.net', email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' } });
    await p.settle();
    expect(p.hubspot.admin.subscriptionState('katherine@example.net')).toBe('SUBSCRIBED');

    // Act: she unsubscribes from HubSpot's marketing email (its preferences page)
    p.hubspot.admin.setSubscription('katherine@example.net', 'UNSUBSCRIBED');
    await p.settle();

    // Assert
    expect(shopifyCustomer('katherine@example.net').email_marketing_consent?.state).toBe('unsubscribed');
    expect((await customerWith('katherine@example.net'))?.fields.emailConsent).toMatchObject({ value: 'unsubscribed', source: 'hubspot' });
    expect(consentCalls('unsubscribe').filter((request) => (request.body as { emailAddress?: string }).emailAddress === 'katherine@example.net')).toEqual([]);
  });

  it('does not resubscribe her when Shopify later says "not subscribed", a default', async () => {
    // Arrange
    const subscribesBefore = consentCalls('subscribe').length;

    // Act
    p.shopify.admin.setEmailConsent(shopifyCustomer('katherine@example.net').id, 'not_subscribed');
    await p.settle();

    // Assert
    expect(p.hubspot.admin.subscriptionState('katherine@example.net')).toBe('UNSUBSCRIBED');
    expect(consentCalls('subscribe')).toHaveLength(subscribesBefore);
    expect((await customerWith('katherine@example.net'))?.fields.emailConsent).toMatchObject({ value: 'unsubscribed', source: 'hubspot' });
  });
});
