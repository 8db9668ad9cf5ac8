import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from '../support/pipeline';

/**
 * Since API 2025-01, Shopify's customers/create|update carry no tags and no consent: they come
 * through their own topics. Through the whole pipeline, with the fake sending 2025-10 bodies.
 */
describe('Shopify 2025-10 topics', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('a genuine 2025-10 customer payload (no tags or consent) followed by a consent topic and a tag topic', async () => {
    // Prepare
    const created = p.shopify.admin.createCustomer({ email: 'hedy@example.org', first_name: 'Hedy', last_name: 'Lamarr' });
    await p.settle();
    const bodies = p.shopify.webhooks.deliveries.map((d) => String(d.body));
    const customerBodies = bodies.filter((b) => b.includes('"hedy@example.org"') && b.includes('"first_name"'));
    expect(customerBodies.length).toBeGreaterThan(0);
    for (const body of customerBodies) expect(body).not.toMatch(/"tags"|marketing_consent/);
    // Act: the merchant unsubscribes her from email and tags her
    p.shopify.admin.setEmailConsent(String(created.id), 'unsubscribed');
    p.shopify.admin.setTags(String(created.id), ['vip', 'inventor']);
    await p.settle();
    // Assess: both reached the golden record, through their own topics
    const [hedy] = (await p.table.customers()).filter((c) => c.emails.includes('hedy@example.org'));
    expect(hedy?.fields.emailConsent).toMatchObject({ value: 'unsubscribed', source: 'shopify' });
    expect(hedy?.fields.tags?.value).toEqual(['inventor', 'vip']);
  });

  it('a customer deleted in Shopify is unlinked; the customer and the HubSpot contact stay', async () => {
    // Prepare
    const created = p.shopify.admin.createCustomer({ email: 'chien@example.org', first_name: 'Chien-Shiung', last_name: 'Wu' });
    await p.settle();
    // Act
    p.shopify.admin.deleteCustomer(String(created.id));
    await p.settle();
    // Assess
    const [wu] = (await p.table.customers()).filter((c) => c.emails.includes('chien@example.org'));
    expect(wu?.links.map((l) => l.system)).toEqual(['hubspot']);
    expect(p.hubspot.admin.findContactByEmail('chien@example.org')).toBeDefined();
  });

  it('parks nothing and leaves nothing in a dead-letter queue', async () => {
    await p.settle();
    expect(p.runtime.deadLetters()).toEqual([]);
  });
});
