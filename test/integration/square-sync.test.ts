import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from '../support/pipeline';

/**
 * Square ⇄ Shopify ⇄ HubSpot through the whole pipeline: the three fakes through their SDKs,
 * the bundled handlers (sync-square with the pruned square SDK), DynamoDB Local. The identity
 * rules are docs/identity.md §3: link, then email, then phone only for a record with no email.
 */
describe('customer sync with Square (the store POS)', () => {
  let p: Pipeline;
  const square = () => p.square!;

  beforeAll(async () => {
    p = await startPipeline({ square: {} });
  });
  afterAll(async () => {
    await p?.stop();
  });

  const linksOf = async (email: string) =>
    (await p.table.customers())
      .filter((customer) => customer.emails.includes(email))
      .map((customer) => customer.links.map((link) => link.system).sort());

  it('brings a customer made at the store counter to Shopify and HubSpot as one customer', async () => {
    // Act
    const made = square().admin.createCustomer({
      given_name: 'Katherine',
      family_name: 'Johnson',
      email_address: 'katherine.johnson@example.net',
      phone_number: '(757) 555-0142',
      address: { address_line_1: '1 Langley Blvd', locality: 'Hampton', administrative_district_level_1: 'VA', postal_code: '23681', country: 'US' },
    });
    await p.settle();

    // Assess
    expect(p.hubspot.admin.findContactByEmail('katherine.johnson@example.net')?.properties).toMatchObject({
      firstname: 'Katherine',
      lastname: 'Johnson',
      phone: '+17575550142',
      city: 'Hampton',
      state: 'VA',
      zip: '23681',
    });
    const inShopify = p.shopify.admin.listCustomers().filter((customer) => customer.email === 'katherine.johnson@example.net');
    expect(inShopify.map((customer) => [customer.first_name, customer.phone, customer.default_address?.city])).toEqual([['Katherine', '+17575550142', 'Hampton']]);
    expect(await linksOf('katherine.johnson@example.net')).toEqual([['hubspot', 'shopify', 'square']]);
    const customer = (await p.table.customers()).find((c) => c.emails.includes('katherine.johnson@example.net'));
    expect(customer?.links.find((link) => link.system === 'square')?.externalId).toBe(made.id);
  });

  it('creates an online customer in Square once, under an idempotency key derived from our ids', async () => {
    // Act
    p.shopify.admin.createCustomer({ first_name: 'Dorothy', last_name: 'Vaughan', email: 'dorothy@example.net', phone: '+12125550177' });
    await p.settle();

    // Assess
    const inSquare = square().customers.list().filter((customer) => customer.email_address === 'dorothy@example.net');
    expect(inSquare.map((customer) => [customer.given_name, customer.family_name, customer.phone_number])).toEqual([['Dorothy', 'Vaughan', '+12125550177']]);
    const creates = square().requests.filter((request) => request.method === 'POST' && request.path === '/v2/customers' && request.status === 200);
    expect(creates.filter((request) => JSON.stringify(request.body).includes('dorothy@example.net'))).toHaveLength(1);
    expect(await linksOf('dorothy@example.net')).toEqual([['hubspot', 'shopify', 'square']]);
  });

  it('joins a store customer known only by phone to the customer who has that phone', async () => {
    // Prepare: an online customer with a phone, synced everywhere.
    p.shopify.admin.createCustomer({ first_name: 'Mary', last_name: 'Jackson', email: 'mary.jackson@example.net', phone: '+17575550199' });
    await p.settle();
    const squareBefore = square().customers.list().length;

    // Act: the store clerk makes a customer with the phone only.
    const walkIn = square().admin.createCustomer({ given_name: 'Mary', phone_number: '757-555-0199' });
    await p.settle();

    // Assess: one customer, now linked to both Square records (the copy we made and the clerk's).
    const customers = (await p.table.customers()).filter((customer) => customer.phones.includes('+17575550199'));
    expect(customers).toHaveLength(1);
    expect(customers[0]?.links.filter((link) => link.system === 'square').map((link) => link.externalId)).toContain(walkIn.id);
    expect(customers[0]?.emails).toEqual(['mary.jackson@example.net']);
    expect(square().customers.list().length).toBe(squareBefore + 1);
    expect(p.hubspot.admin.listContacts().filter((contact) => contact.properties.phone === '+17575550199')).toHaveLength(1);
  });

  it('brings a store edit to the CRM and the web shop, and a CRM edit back to the store', async () => {
    // Prepare
    const made = square().admin.createCustomer({ given_name: 'Dorothy', family_name: 'Hoover', email_address: 'dorothy.hoover@example.net' });
    await p.settle();

    // Act
    square().admin.updateCustomer(made.id, { family_name: 'Hoover-Smith' });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('dorothy.hoover@example.net')!;
    p.hubspot.admin.updateContact(contact.id, { firstname: 'Dot' });
    await p.settle();

    // Assess
    expect(p.hubspot.admin.getContact(contact.id)?.properties).toMatchObject({ firstname: 'Dot', lastname: 'Hoover-Smith' });
    expect(p.shopify.admin.listCustomers().find((customer) => customer.email === 'dorothy.hoover@example.net')).toMatchObject({ first_name: 'Dot', last_name: 'Hoover-Smith' });
    expect(square().customers.get(made.id)).toMatchObject({ given_name: 'Dot', family_name: 'Hoover-Smith' });
  });
});
