import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIdentityStore } from '../../functions/lib/adapters/dynamodb-identity-store';
import { post, shopifyCustomerPayload, shopifyDelivery } from '../support/deliveries';
import { SHOPIFY_SECRET, startPipeline, type Pipeline } from '../support/pipeline';

/**
 * The convergence rules of docs/identity.md, each through the whole pipeline (fakes, real SDKs,
 * bundled handlers, DynamoDB Local), one test per defect issue 5 names.
 */
describe('convergence (docs/identity.md)', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.stop();
  });

  const customerOf = async (email: string) => (await p.table.customers()).filter((c) => c.emails.includes(email));
  const store = () => new DynamoDbIdentityStore(p.table.doc, p.table.tableName);

  it('interleaved edits of one field in both systems end with the newest edit in every system', async () => {
    // Prepare: Ruth is in both systems and linked
    const created = p.shopify.admin.createCustomer({ email: 'ruth@example.org', first_name: 'Ruth', last_name: 'Teitelbaum' });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('ruth@example.org')!;
    // Act: a Shopify edit, then a newer HubSpot edit of the same field whose webhook is slow
    // (it has not arrived when omnihub writes the Shopify value to HubSpot)
    p.hubspot.webhooks.targetUrl = undefined;
    p.shopify.admin.updateCustomer(String(created.id), { first_name: 'Ruthie' });
    p.hubspot.admin.updateContact(contact.id, { firstname: 'R.' });
    await p.settle();
    p.hubspot.webhooks.targetUrl = p.runtime.webhookUrl('hubspot');
    p.hubspot.admin.updateContact(contact.id, { lastname: 'Teitelbaum' }); // a later webhook for the contact
    await p.settle();
    // Assess: the newer HubSpot edit wins everywhere; it was never overwritten in HubSpot
    expect(p.hubspot.admin.getContact(contact.id)?.properties.firstname).toBe('R.');
    expect(p.shopify.admin.getCustomer(String(created.id))?.first_name).toBe('R.');
    const [ruth] = await customerOf('ruth@example.org');
    expect(ruth?.fields.firstName).toMatchObject({ value: 'R.', source: 'hubspot' });
    expect(p.hubspot.admin.apiWrites().filter((w) => w.path.endsWith(`/${contact.id}`) && JSON.stringify(w.body).includes('Ruthie'))).toEqual([]);
  });

  it('a shared phone with a different email makes a new customer and never changes the phone owner’s records', async () => {
    // Prepare: the parent, in Shopify with the family phone, synced to HubSpot
    const parent = p.shopify.admin.createCustomer({ email: 'parent@family.example', phone: '+1 212 555 0170', first_name: 'Pat', last_name: 'Family' });
    await p.settle();
    // Act: three family members with their own emails and the same phone, created in HubSpot
    for (const name of ['Kim', 'Lee', 'Max']) {
      p.hubspot.admin.createContact({ email: `${name.toLowerCase()}@family.example`, phone: '(212) 555-0170', firstname: name, lastname: 'Family' });
      await p.settle();
    }
    // Assess: the parent's Shopify record never changed hands
    const record = p.shopify.admin.getCustomer(String(parent.id));
    expect(record).toMatchObject({ email: 'parent@family.example', first_name: 'Pat' });
    const writesToParent = p.shopify.writes().filter((w) => JSON.stringify(w).includes(String(parent.id)));
    expect(writesToParent).toEqual([]);
    // Four customers; the phone stays claimed by the parent; three possible duplicates to review
    for (const name of ['parent', 'kim', 'lee', 'max']) expect(await customerOf(`${name}@family.example`)).toHaveLength(1);
    const [owner] = await customerOf('parent@family.example');
    expect((await p.table.items()).find((i) => i.pk === 'PHONE#+12125550170')?.customerId).toBe(owner!.id);
    const hints = await store().listDuplicates();
    expect(hints.filter((h) => h.customerId === owner!.id || h.otherCustomerId === owner!.id)).toHaveLength(3);
    // Each family member got a Shopify record of their own (Shopify keeps phones unique: without it)
    for (const name of ['kim', 'lee', 'max']) {
      const [customer] = await customerOf(`${name}@family.example`);
      expect(customer!.links.map((l) => l.system).sort()).toEqual(['hubspot', 'shopify']);
    }
  });

  it('a record created without an address leaves the address the other system holds', async () => {
    // Prepare: Shopify holds Lise with an address; its webhook is slow (omnihub hears of HubSpot first)
    p.shopify.setWebhookUrl(undefined);
    p.shopify.admin.createCustomer({
      email: 'lise@example.org',
      first_name: 'Lise',
      last_name: 'Meitner',
      default_address: { address1: 'Kaiser-Wilhelm-Institut', city: 'Berlin', zip: '14195', country_code: 'DE' },
    });
    // Act: a moment later, someone creates her in HubSpot with no address
    const contact = p.hubspot.admin.createContact({ email: 'lise@example.org', firstname: 'Lise', lastname: 'Meitner' });
    await p.settle();
    p.shopify.setWebhookUrl(p.runtime.webhookUrl('shopify'));
    await p.settle();
    // Assess: the Shopify address stays, and HubSpot receives it
    const shopifyRecord = p.shopify.admin.listCustomers().find((c) => c.email === 'lise@example.org');
    expect(shopifyRecord?.default_address).toMatchObject({ address1: 'Kaiser-Wilhelm-Institut', city: 'Berlin' });
    expect(p.hubspot.admin.getContact(contact.id)?.properties).toMatchObject({ address: 'Kaiser-Wilhelm-Institut', city: 'Berlin' });
    const [lise] = await customerOf('lise@example.org');
    expect(lise?.fields.address?.value).toMatchObject({ line1: 'Kaiser-Wilhelm-Institut', city: 'Berlin' });
  });

  it('an address cleared in HubSpot reaches Shopify in one write, not one per property (docs/identity.md §1)', async () => {
    // Prepare: Emmy is linked, with an address in both systems
    const created = p.shopify.admin.createCustomer({
      email: 'emmy@example.org',
      first_name: 'Emmy',
      last_name: 'Noether',
      default_address: { address1: 'Bunsenstraße 3', city: 'Göttingen', zip: '37073', country_code: 'DE' },
    });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('emmy@example.org')!;
    expect(contact.properties).toMatchObject({ city: 'Göttingen' });
    const before = p.shopify.writes().length;
    // Act: someone clears the whole address in HubSpot (one edit: four property events)
    p.hubspot.admin.updateContact(contact.id, { address: '', city: '', zip: '', country: '' });
    await p.settle();
    // Assess: Shopify holds no address, and got one address mutation for it
    expect(p.shopify.admin.getCustomer(String(created.id))?.default_address ?? null).toBeNull();
    const addressWrites = p.shopify.writes().slice(before).filter((call) => call.fields.some((field) => field.startsWith('customerAddress')));
    expect(addressWrites).toHaveLength(1);
  });

  it('a create that hits "already exists" for another customer’s record writes nothing to it', async () => {
    // Prepare: Ida is in both systems; then her HubSpot contact's email is changed to Otto's,
    // and that webhook is lost (omnihub never hears of it)
    p.shopify.admin.createCustomer({ email: 'ida@example.org', first_name: 'Ida', last_name: 'Noddack' });
    await p.settle();
    const ida = p.hubspot.admin.findContactByEmail('ida@example.org')!;
    p.hubspot.webhooks.targetUrl = undefined;
    p.hubspot.admin.updateContact(ida.id, { email: 'otto@example.org' });
    p.hubspot.webhooks.targetUrl = p.runtime.webhookUrl('hubspot');
    const writesBefore = p.hubspot.admin.apiWrites().length;
    // Act: Otto, a different person, is created in Shopify with that email
    p.shopify.admin.createCustomer({ email: 'otto@example.org', first_name: 'Otto', last_name: 'Hahn' });
    await p.settle();
    // Assess: HubSpot answered 409 with Ida's contact; nothing was written to it
    const writes = p.hubspot.admin.apiWrites().slice(writesBefore);
    expect(writes.some((w) => w.status === 409)).toBe(true);
    expect(writes.filter((w) => w.path.endsWith(`/${ida.id}`))).toEqual([]);
    expect(p.hubspot.admin.getContact(ida.id)?.properties).toMatchObject({ firstname: 'Ida', lastname: 'Noddack' });
    const [idaCustomer] = await customerOf('ida@example.org');
    expect(idaCustomer?.links.some((l) => l.system === 'hubspot' && l.externalId === ida.id)).toBe(true);
  });

  it('parks nothing and leaves nothing in a dead-letter queue', async () => {
    await p.settle();
    expect(p.runtime.deadLetters()).toEqual([]);
  });
});

/** Its own pipeline: the fakes' test clock steps a second per edit, and must not run ahead of the clock the clamp uses. */
describe('convergence: future timestamps (docs/identity.md §1)', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.stop();
  });
  const customerOf = async (email: string) => (await p.table.customers()).filter((c) => c.emails.includes(email));

  it('a future timestamp does not win for ever: it is clamped, and a later real edit wins', async () => {
    // Prepare: Emmy in Shopify and HubSpot
    const created = p.shopify.admin.createCustomer({ email: 'emmy@example.org', first_name: 'Emmy', last_name: 'Noether' });
    await p.settle();
    const send = (first_name: string, updated_at: string) =>
      post(
        p.runtime.webhookUrl('shopify'),
        shopifyDelivery(shopifyCustomerPayload({ id: String(created.id), email: 'emmy@example.org', first_name, last_name: 'Noether', updated_at }), SHOPIFY_SECRET.webhookSecret),
      );
    // Act: a delivery dated a year ahead (a wrong clock), then a real edit two seconds later
    expect((await send('Amalie', new Date(Date.now() + 365 * 86_400_000).toISOString())).status).toBe(200);
    await p.settle();
    const [clamped] = await customerOf('emmy@example.org');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await send('Emmy A.', new Date().toISOString())).status).toBe(200);
    await p.settle();
    // Assess: the future time was clamped to the time it was processed, so the later edit won
    expect(clamped?.fields.firstName?.value).toBe('Amalie');
    expect(Date.parse(clamped!.fields.firstName!.at)).toBeLessThan(Date.now());
    const [emmy] = await customerOf('emmy@example.org');
    expect(emmy?.fields.firstName?.value).toBe('Emmy A.');
    const contact = p.hubspot.admin.findContactByEmail('emmy@example.org')!;
    expect(contact.properties.firstname).toBe('Emmy A.');
    expect(p.logs.some((line) => line.includes('observation clamped'))).toBe(true);
  });

});
