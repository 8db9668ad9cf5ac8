import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParkingLot } from '../../functions/lib/adapters/parking-lot';
import { hubspotDelivery, post } from '../support/deliveries';
import { HUBSPOT_SECRET, startPipeline, type Pipeline } from '../support/pipeline';

/** HubSpot merges, deletions, privacy deletions and a batch with an unusable event, through the whole pipeline. */
describe('HubSpot record lifecycle', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.stop();
  });

  const customersOf = async (email: string) => (await p.table.customers()).filter((c) => c.emails.includes(email));

  it('a HubSpot merge moves the link to the new contact id, one customer, nothing written to Shopify', async () => {
    // Prepare: Barbara in Shopify and HubSpot, and a second, phone-only HubSpot contact of hers
    p.shopify.admin.createCustomer({ email: 'barbara@example.org', phone: '+1 212 555 0190', first_name: 'Barbara', last_name: 'Liskov' });
    await p.settle();
    const primary = p.hubspot.admin.findContactByEmail('barbara@example.org')!;
    const second = p.hubspot.admin.createContact({ phone: '(212) 555-0190', firstname: 'Barbara' });
    await p.settle();
    const [before] = await customersOf('barbara@example.org');
    expect(before!.links.filter((l) => l.system === 'hubspot').map((l) => l.externalId).sort()).toEqual([primary.id, second.id].sort());
    const shopifyWrites = p.shopify.writes().length;
    // Act: a person merges the two contacts in HubSpot (the merged record gets a new id)
    const merged = p.hubspot.admin.mergeContacts(primary.id, second.id);
    await p.settle();
    // Assess
    expect(merged.id).not.toBe(primary.id);
    const customers = await customersOf('barbara@example.org');
    expect(customers).toHaveLength(1);
    expect(customers[0]!.links.filter((l) => l.system === 'hubspot').map((l) => l.externalId)).toEqual([merged.id]);
    expect((await p.table.items()).find((i) => i.pk === `LINK#hubspot#${merged.id}`)?.customerId).toBe(customers[0]!.id);
    expect((await p.table.items()).find((i) => i.pk === `LINK#hubspot#${primary.id}`)).toBeUndefined();
    expect(p.shopify.writes().length).toBe(shopifyWrites);
  });

  it('a HubSpot deletion unlinks the contact; the customer and the Shopify record stay', async () => {
    // Prepare
    const created = p.shopify.admin.createCustomer({ email: 'frances@example.org', first_name: 'Frances', last_name: 'Allen' });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('frances@example.org')!;
    // Act
    p.hubspot.admin.deleteContact(contact.id);
    await p.settle();
    // Assess
    const [frances] = await customersOf('frances@example.org');
    expect(frances!.links.map((l) => `${l.system}:${l.externalId}`)).toEqual([`shopify:${created.id}`]);
    expect(p.shopify.admin.getCustomer(String(created.id))).toMatchObject({ email: 'frances@example.org' });
  });

  it('a HubSpot privacy deletion erases what HubSpot told us', async () => {
    // Prepare: Radia exists only in HubSpot (and so in Shopify through omnihub)
    const contact = p.hubspot.admin.createContact({ email: 'radia@example.org', firstname: 'Radia', lastname: 'Perlman' });
    await p.settle();
    const shopifyRecord = p.shopify.admin.listCustomers().find((c) => c.email === 'radia@example.org')!;
    // Act: the person asks to be forgotten; HubSpot sends privacyDeletion and deletion
    p.hubspot.admin.gdprDeleteContact(contact.id);
    await p.settle();
    // Assess: unlinked from HubSpot; the golden values HubSpot gave come from Shopify's copy now
    const [radia] = await customersOf('radia@example.org');
    expect(radia!.links.map((l) => `${l.system}:${l.externalId}`)).toEqual([`shopify:${shopifyRecord.id}`]);
    expect(Object.values(radia!.fields).every((field) => field?.source !== 'hubspot')).toBe(true);
  });

  // docs/identity.md §7, "found gone by sync's read": the vendor's webhook may never come.
  it('a HubSpot merge whose webhook never arrived: the next change finds it by reading, moves the link and reaches the merged contact', async () => {
    // Prepare: Grace in Shopify and HubSpot
    const created = p.shopify.admin.createCustomer({ email: 'grace@example.org', first_name: 'Grace', last_name: 'Hopper' });
    await p.settle();
    const primary = p.hubspot.admin.findContactByEmail('grace@example.org')!;
    // Act: HubSpot's webhooks are lost while a person makes a second contact and merges the two
    p.hubspot.webhooks.chaos = { drop: 1 };
    const second = p.hubspot.admin.createContact({ firstname: 'Grace', lastname: 'B. Hopper' });
    const merged = p.hubspot.admin.mergeContacts(primary.id, second.id);
    await p.settle();
    p.hubspot.webhooks.chaos = {};
    p.shopify.admin.updateCustomer(String(created.id), { last_name: 'Murray Hopper' });
    await p.settle();
    // Assess: the customer links the merged contact only, and it holds the Shopify edit
    const [grace] = await customersOf('grace@example.org');
    expect(grace!.links.filter((l) => l.system === 'hubspot').map((l) => l.externalId)).toEqual([merged.id]);
    expect((await p.table.items()).find((i) => i.pk === `LINK#hubspot#${primary.id}`)).toBeUndefined();
    expect(p.hubspot.admin.getContact(merged.id)?.properties.lastname).toBe('Murray Hopper');
    expect(p.hubspot.admin.listContacts().filter((c) => c.properties.email === 'grace@example.org')).toHaveLength(1);
  });

  it('a HubSpot deletion whose webhook never arrived: the next change unlinks the contact and makes a new one', async () => {
    // Prepare
    const created = p.shopify.admin.createCustomer({ email: 'adele@example.org', first_name: 'Adele', last_name: 'Goldberg' });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('adele@example.org')!;
    // Act: the deletion's webhook is lost; then Adele's Shopify record changes
    p.hubspot.webhooks.chaos = { drop: 1 };
    p.hubspot.admin.deleteContact(contact.id);
    await p.settle();
    p.hubspot.webhooks.chaos = {};
    p.shopify.admin.updateCustomer(String(created.id), { last_name: 'Goldberg-Smalltalk' });
    await p.settle();
    // Assess: the deleted contact is unlinked, and one new contact holds the edit
    const [adele] = await customersOf('adele@example.org');
    const hubspotLinks = adele!.links.filter((l) => l.system === 'hubspot').map((l) => l.externalId);
    expect(hubspotLinks).toHaveLength(1);
    expect(hubspotLinks[0]).not.toBe(contact.id);
    expect(p.hubspot.admin.getContact(hubspotLinks[0]!)?.properties.lastname).toBe('Goldberg-Smalltalk');
  });

  it('a batch with one unusable event: the rest is accepted, the bad one is parked with its reason', async () => {
    // Prepare: a real contact change, and an event missing its objectId, in one signed delivery
    const contact = p.hubspot.admin.createContact({ email: 'karen@example.org', firstname: 'Karen' });
    await p.settle();
    p.hubspot.admin.updateContact(contact.id, { lastname: 'Spärck Jones' }, { source: 'ui' });
    const now = Date.now();
    const good = { eventId: 901, subscriptionId: 1, portalId: 62515, appId: 1, occurredAt: now, subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(contact.id), changeSource: 'CRM_UI', propertyName: 'lastname', propertyValue: 'Spärck Jones' };
    const bad = { eventId: 902, subscriptionId: 1, portalId: 62515, appId: 1, occurredAt: now, subscriptionType: 'contact.propertyChange', attemptNumber: 0 };
    const url = p.runtime.webhookUrl('hubspot');
    // Act
    const answer = await post(url, hubspotDelivery(url, JSON.stringify([good, bad]), HUBSPOT_SECRET.clientSecret, now));
    await p.settle();
    // Assess
    expect(answer.status).toBe(200);
    const [karen] = await customersOf('karen@example.org');
    expect(karen!.fields.lastName?.value).toBe('Spärck Jones');
    const parked = await new ParkingLot(p.table.doc, p.table.tableName, { retentionDays: 14 }).list('webhook-receiver');
    expect(parked).toHaveLength(1);
    expect(parked[0]!.reason).toMatch(/objectId/);
  });
});
