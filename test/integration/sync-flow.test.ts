import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from '../support/pipeline';

/** Shopify ⇄ HubSpot through the whole pipeline: fakes, real SDKs, bundled handlers, DynamoDB Local. */
describe('customer sync between Shopify and HubSpot', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('creates a customer made in Shopify in HubSpot with the mapped fields, both ids linked to one customer', async () => {
    // Act
    const created = p.shopify.admin.createCustomer({
      first_name: 'Katherine',
      last_name: 'Johnson',
      email: 'Katherine.Johnson@Example.net',
      phone: '(757) 555-0142',
      default_address: { address1: '1 Langley Blvd', city: 'Hampton', province_code: 'VA', zip: '23681', country_code: 'US' },
    });
    await p.settle();
    // Assess: HubSpot received the contact, mapped
    const contact = p.hubspot.admin.findContactByEmail('katherine.johnson@example.net');
    expect(contact?.properties).toMatchObject({
      email: 'katherine.johnson@example.net',
      firstname: 'Katherine',
      lastname: 'Johnson',
      phone: '+17575550142',
      address: '1 Langley Blvd',
      city: 'Hampton',
      state: 'VA',
      zip: '23681',
      country: 'US',
    });
    // Assess: one omnihub customer holds both links, the Shopify id with all its digits
    const customers = await p.table.customers();
    const customer = customers.find((c) => c.emails.includes('katherine.johnson@example.net'));
    expect(customer?.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual([`hubspot:${contact!.id}`, `shopify:${created.id}`]);
    expect(created.id).toMatch(/^\d{19}$/);
  });

  it('brings a HubSpot property change to Shopify', async () => {
    // Prepare
    const created = p.shopify.admin.createCustomer({
      first_name: 'Dorothy',
      last_name: 'Vaughan',
      email: 'dorothy@example.net',
      default_address: { address1: '1 Langley Blvd', address2: 'Building 1244', city: 'Hampton', province_code: 'VA', zip: '23681', country_code: 'US' },
    });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('dorothy@example.net')!;
    // Act
    p.hubspot.admin.updateContact(contact.id, { lastname: 'Vaughan-Johnson', city: 'Newport News' });
    await p.settle();
    // Assess
    const customer = p.shopify.admin.getCustomer(String(created.id));
    expect(customer?.last_name).toBe('Vaughan-Johnson');
    expect(customer?.default_address?.city).toBe('Newport News');
    // HubSpot has one street line: its edit leaves the second line Shopify holds alone
    expect(customer?.default_address?.address2).toBe('Building 1244');
  });

  it("brings a Shopify edit to HubSpot without invoking Shopify's own sync (its record already holds the edit)", async () => {
    // Prepare
    const created = p.shopify.admin.createCustomer({ first_name: 'Mary', last_name: 'Jackson', email: 'mary.jackson@example.net' });
    await p.settle();
    const shopifySyncs = p.runtime.functions.get('sync-shopify')!.totals.invocations;
    // Act
    p.shopify.admin.updateCustomer(String(created.id), { last_name: 'Jackson-Winston' });
    await p.settle();
    // Assess
    expect(p.hubspot.admin.findContactByEmail('mary.jackson@example.net')?.properties.lastname).toBe('Jackson-Winston');
    const changes = p.runtime.bus.published.filter((e) => e['detail-type'] === 'CustomerChanged').map((e) => (e.detail as { origin: string; systems: string[] }));
    expect(changes.at(-1)).toMatchObject({ origin: 'shopify', systems: ['hubspot'] });
    expect(p.runtime.functions.get('sync-shopify')!.totals.invocations).toBe(shopifySyncs);
  });

  it('joins the same person written differently on each side into one customer linked to both records', async () => {
    // Prepare: both systems already hold Grace, written differently, before either tells omnihub
    p.shopify.setWebhookUrl(undefined);
    p.hubspot.webhooks.targetUrl = undefined;
    const customer = p.shopify.admin.createCustomer({ email: 'Grace.Hopper@example.org', phone: '+1 212-555-0102', first_name: 'Grace', last_name: 'Hopper' });
    const contact = p.hubspot.admin.createContact({ email: 'GRACE.HOPPER@EXAMPLE.ORG', firstname: 'Grace', lastname: 'Hopper', phone: '(212) 555 0102' });
    p.shopify.setWebhookUrl(p.runtime.webhookUrl('shopify'));
    p.hubspot.webhooks.targetUrl = p.runtime.webhookUrl('hubspot');
    const before = { shopify: p.shopify.admin.listCustomers().length, hubspot: p.hubspot.admin.listContacts().length };
    // Act: each side edits her, at the same time
    p.shopify.admin.updateCustomer(String(customer.id), { tags: 'speaker' });
    p.hubspot.admin.updateContact(contact.id, { city: 'Arlington' });
    await p.settle();
    // Assess: one omnihub customer, linked to both records; no record created on either side
    const graces = (await p.table.customers()).filter((c) => c.emails.includes('grace.hopper@example.org'));
    expect(graces).toHaveLength(1);
    expect(graces[0]!.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual([`hubspot:${contact.id}`, `shopify:${customer.id}`]);
    expect(graces[0]!.phones).toEqual(['+12125550102']);
    expect({ shopify: p.shopify.admin.listCustomers().length, hubspot: p.hubspot.admin.listContacts().length }).toEqual(before);
    // Both sides now hold what the other knew
    expect(p.shopify.admin.getCustomer(String(customer.id))?.default_address?.city).toBe('Arlington');
  });

  it('makes no further writes once both systems agree: echo webhooks do not bounce', async () => {
    // Prepare
    p.shopify.admin.createCustomer({ first_name: 'Mary', last_name: 'Jackson', email: 'mary.jackson@example.com' });
    await p.settle();
    const writes = () => ({ shopify: p.shopify.writes().length, hubspot: p.hubspot.admin.apiWrites().length });
    const converged = writes();
    // Act: one more human edit on each side, and let every echo play out
    const contact = p.hubspot.admin.findContactByEmail('mary.jackson@example.com')!;
    p.hubspot.admin.updateContact(contact.id, { firstname: 'Mary W.' });
    await p.settle();
    // Assess: exactly one write (to Shopify) for the one human edit, none for the echoes
    expect(writes()).toEqual({ shopify: converged.shopify + 1, hubspot: converged.hubspot });
    const deliveriesAfter = p.shopify.webhooks.deliveries.length + p.hubspot.webhooks.deliveries.length;
    await p.settle();
    expect(p.shopify.webhooks.deliveries.length + p.hubspot.webhooks.deliveries.length).toBe(deliveriesAfter);
  });

  it('parks nothing and leaves nothing in a dead-letter queue', async () => {
    await p.settle();
    expect(p.runtime.deadLetters()).toEqual([]);
  });
});
