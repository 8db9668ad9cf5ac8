import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyManifest } from '../../connectors/shopify/manifest';
import { startPipeline, HUBSPOT_SECRET, SHOPIFY_SECRET, type Pipeline } from '../support/pipeline';
import { hubspotDelivery, post, shopifyCustomerPayload, shopifyDelivery } from '../support/deliveries';

/** The webhook endpoint as vendors (and attackers) see it: POST /webhooks/{connector}. */
describe('webhook receiver', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.stop();
  });

  // One person per Shopify id: the id's last digits make the email.
  const payload = (id: string, firstName: string, updatedAt: string) =>
    shopifyCustomerPayload({ id, email: `edith.${id.slice(-3)}@example.com`, first_name: firstName, last_name: 'Clarke', updated_at: updatedAt });

  it('answers 401 to a forged signature and stores and emits nothing', async () => {
    // Prepare
    const delivery = shopifyDelivery(payload('7065055069303799901', 'Edith', '2026-03-01T10:00:00-05:00'), 'not-the-secret');
    // Act
    const response = await post(p.runtime.webhookUrl('shopify'), delivery);
    await p.settle();
    // Assess
    expect(response.status).toBe(401);
    expect(await p.table.items()).toEqual([]);
    expect(p.runtime.bus.published).toEqual([]);
  });

  it('answers 401 to a missing or truncated signature', async () => {
    // Prepare
    const body = payload('7065055069303799901', 'Edith', '2026-03-01T10:00:00-05:00');
    const valid = shopifyDelivery(body, SHOPIFY_SECRET.webhookSecret);
    const { 'x-shopify-hmac-sha256': signature, ...unsigned } = valid.headers;
    // Act
    const missing = await post(p.runtime.webhookUrl('shopify'), { body, headers: unsigned });
    const truncated = await post(p.runtime.webhookUrl('shopify'), { body, headers: { ...unsigned, 'x-shopify-hmac-sha256': signature.slice(0, 20) } });
    // Assess
    expect([missing.status, truncated.status]).toEqual([401, 401]);
    expect(await p.table.items()).toEqual([]);
    expect(p.runtime.bus.published).toEqual([]);
  });

  it('answers 400 with the reason to a correctly signed but malformed body, and stores nothing', async () => {
    // Prepare
    const delivery = shopifyDelivery('{"id": "not-a-customer"', SHOPIFY_SECRET.webhookSecret);
    // Act
    const response = await post(p.runtime.webhookUrl('shopify'), delivery);
    // Assess
    expect(response.status).toBe(400);
    expect(String(response.body.message)).toMatch(/^Malformed webhook: .+/);
    expect(await p.table.items()).toEqual([]);
    expect(p.runtime.bus.published).toEqual([]);
  });

  it('answers 401 to a HubSpot delivery signed more than 5 minutes ago (a replay), and 200 to a fresh one', async () => {
    // Prepare
    const url = p.runtime.webhookUrl('hubspot');
    const body = JSON.stringify([
      { objectId: 9901, eventId: 1, subscriptionId: 7, portalId: 62515, appId: 54321, occurredAt: Date.now(), subscriptionType: 'contact.creation', attemptNumber: 0, changeSource: 'CRM_UI' },
    ]);
    // Act
    const stale = await post(url, hubspotDelivery(url, body, HUBSPOT_SECRET.clientSecret, Date.now() - 6 * 60_000));
    const itemsAfterStale = await p.table.items();
    const fresh = await post(url, hubspotDelivery(url, body, HUBSPOT_SECRET.clientSecret, Date.now()));
    await p.settle();
    // Assess
    expect(stale.status).toBe(401);
    expect(itemsAfterStale).toEqual([]);
    expect(fresh.status).toBe(200);
    expect(p.runtime.bus.published.filter((e) => e['detail-type'] === 'CustomerReferenced')).toHaveLength(1);
  });

  it('turns the HubSpot property changes of one edit into one observation of their values, with no read of the contact', async () => {
    // Prepare
    const url = p.runtime.webhookUrl('hubspot');
    const contact = p.hubspot.admin.createContact({ email: 'hedy.lamarr@example.com', firstname: 'Hedy' });
    await p.settle();
    const editedAt = Date.now();
    const change = (eventId: number, propertyName: string, propertyValue: string) => ({
      objectId: Number(contact.id), eventId, subscriptionId: 8, portalId: 62515, appId: 54321, occurredAt: editedAt,
      subscriptionType: 'contact.propertyChange', propertyName, propertyValue, attemptNumber: 0, changeSource: 'CRM_UI',
    });
    const body = JSON.stringify([change(101, 'firstname', 'Hedy'), change(102, 'lastname', 'Lamarr'), change(103, 'city', 'Vienna')]);
    const referencedBefore = p.runtime.bus.published.filter((e) => e['detail-type'] === 'CustomerReferenced').length;
    const readsFrom = Date.now();
    // Act
    const response = await post(url, hubspotDelivery(url, body, HUBSPOT_SECRET.clientSecret, Date.now()));
    await p.settle();
    // Assess
    // Three events of one edit, one observation (first name, last name, the city part); the contact is linked, so nothing asks for a read
    expect([response.status, response.body.accepted]).toEqual([200, 1]);
    const observed = p.runtime.bus.published.filter(
      (e) => e['detail-type'] === 'CustomerObserved' && (e.detail as { observation: { observedAt: string } }).observation.observedAt === new Date(editedAt).toISOString(),
    );
    expect(observed.map((e) => (e.detail as { observation: { values: unknown } }).observation.values)).toEqual([
      { firstName: 'Hedy', lastName: 'Lamarr', address: { city: 'Vienna' } },
    ]);
    expect(p.runtime.bus.published.filter((e) => e['detail-type'] === 'CustomerReferenced').length - referencedBefore).toBe(0);
    expect(p.hubspot.requests.filter((r) => r.path.includes('/batch/read') && r.at >= readsFrom)).toEqual([]);
  });

  it('has a contact it does not know yet read in full when only a property change of it arrives (its creation event lost)', async () => {
    // Prepare: a contact made in HubSpot whose creation webhook never came
    const url = p.runtime.webhookUrl('hubspot');
    const created = p.hubspot.state.create({ email: 'grace.hopper@example.com', firstname: 'Grace', lastname: 'Hopper' }, 'ui');
    if (!created.ok) throw new Error('the fake refused the contact');
    const contact = created.contact;
    const body = JSON.stringify([
      { objectId: Number(contact.id), eventId: 201, subscriptionId: 8, portalId: 62515, appId: 54321, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', propertyName: 'lastname', propertyValue: 'Hopper', attemptNumber: 0, changeSource: 'CRM_UI' },
    ]);
    // Act
    const response = await post(url, hubspotDelivery(url, body, HUBSPOT_SECRET.clientSecret, Date.now()));
    await p.settle();
    // Assess: the resolver asked for the whole record, so the person exists in omnihub and in Shopify
    expect(response.status).toBe(200);
    expect(p.runtime.bus.published.filter((e) => e['detail-type'] === 'CustomerReferenced' && (e.detail as { externalId: string }).externalId === contact.id)).toHaveLength(1);
    expect(p.shopify.admin.listCustomers().filter((c) => c.email === 'grace.hopper@example.com')).toHaveLength(1);
  });

  it('answers 404 for a connector that is not enabled', async () => {
    const response = await fetch(`${p.runtime.url}/webhooks/salesforce`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });

  it('answers 404 to any other method or path the function URL passes on, and stores and emits nothing', async () => {
    // Prepare: a validly signed Shopify delivery, sent where no webhook route is
    const delivery = shopifyDelivery(payload('7065055069303799902', 'Edith', '2026-03-01T10:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    const publishedBefore = p.runtime.bus.published.length;
    // Act
    const responses = await Promise.all([
      fetch(p.runtime.webhookUrl('shopify'), { method: 'PUT', headers: delivery.headers, body: delivery.body }),
      fetch(`${p.runtime.url}/hooks/shopify`, { method: 'POST', headers: delivery.headers, body: delivery.body }),
      fetch(`${p.runtime.url}/webhooks/shopify/x`, { method: 'POST', headers: delivery.headers, body: delivery.body }),
    ]);
    await p.settle();
    // Assess
    expect(responses.map((r) => r.status)).toEqual([404, 404, 404]);
    expect(p.runtime.bus.published.length).toBe(publishedBefore);
    expect((await p.table.items()).filter((i) => String(i.pk).includes('7065055069303799902'))).toEqual([]);
  });

  const observationsOf = (externalId: string) =>
    p.runtime.bus.published.filter(
      (e) => e['detail-type'] === 'CustomerObserved' && (e.detail as { observation: { externalId: string } }).observation.externalId === externalId,
    );
  const deliveryRecord = async (webhookId: string) =>
    (await p.table.items()).find((i) => i.pk === `DELIVERY#shopify#${webhookId}` && i.sk === 'DELIVERY');

  it('publishes the vendor\'s retry of a delivery whose remember step failed after its publish, with one effect downstream', async () => {
    // Prepare: the receiver's write of its delivery records fails, as a crash right after PutEvents would leave it
    const delivery = shopifyDelivery(payload('7065055069303799905', 'Edith', '2026-03-01T10:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    const webhookId = delivery.headers['x-shopify-webhook-id'];
    const restore = p.runtime.faults.failReceiverDynamoDb('BatchWriteItem');
    // Act
    const first = await post(p.runtime.webhookUrl('shopify'), delivery);
    restore();
    const rememberedAfterFailure = await deliveryRecord(webhookId);
    const retried = await post(p.runtime.webhookUrl('shopify'), delivery);
    await p.settle();
    const again = await post(p.runtime.webhookUrl('shopify'), delivery);
    await p.settle();
    // Assess: the bus had the event both times; the second success is remembered, the third delivery does nothing
    expect([first.status, first.body.accepted]).toEqual([200, 1]);
    expect(rememberedAfterFailure).toBeUndefined();
    expect([retried.status, retried.body.accepted, retried.body.duplicates]).toEqual([200, 1, 0]);
    expect([again.status, again.body.accepted, again.body.duplicates]).toEqual([200, 0, 1]);
    expect(observationsOf('7065055069303799905')).toHaveLength(2);
    expect(p.logs.some((line) => line.includes('"delivery not remembered"'))).toBe(true);
    // and downstream it is one person: one customer, one HubSpot contact
    const customers = (await p.table.customers()).filter((c) => c.links.some((l) => l.externalId === '7065055069303799905'));
    expect(customers).toHaveLength(1);
    expect(p.hubspot.admin.listContacts().filter((c) => c.properties.email === 'edith.905@example.com')).toHaveLength(1);
  });

  it('answers 500 and publishes nothing when it cannot look the delivery up, then processes the retry', async () => {
    // Prepare
    const delivery = shopifyDelivery(payload('7065055069303799906', 'Edith', '2026-03-01T10:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    const restore = p.runtime.faults.failReceiverDynamoDb('BatchGetItem');
    // Act
    const refused = await post(p.runtime.webhookUrl('shopify'), delivery);
    restore();
    const publishedAfterRefusal = observationsOf('7065055069303799906').length;
    const retried = await post(p.runtime.webhookUrl('shopify'), delivery);
    await p.settle();
    // Assess
    expect(refused.status).toBe(500);
    expect(publishedAfterRefusal).toBe(0);
    expect([retried.status, retried.body.accepted]).toEqual([200, 1]);
    expect(observationsOf('7065055069303799906')).toHaveLength(1);
  });

  it('remembers a delivery for at least the vendor\'s retry window (DynamoDB TTL on expiresAt)', async () => {
    // Prepare
    const delivery = shopifyDelivery(payload('7065055069303799907', 'Edith', '2026-03-01T10:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    const before = Math.floor(Date.now() / 1000);
    // Act
    await post(p.runtime.webhookUrl('shopify'), delivery);
    // Assess
    const record = await deliveryRecord(delivery.headers['x-shopify-webhook-id']);
    expect(Number(record?.expiresAt)).toBeGreaterThanOrEqual(before + shopifyManifest.dedupeTtlSeconds);
  });

  it('gives a repeated delivery one effect', async () => {
    // Prepare
    const delivery = shopifyDelivery(payload('7065055069303799902', 'Edith', '2026-03-01T10:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    // Act
    const first = await post(p.runtime.webhookUrl('shopify'), delivery);
    const again = await post(p.runtime.webhookUrl('shopify'), delivery);
    await p.settle();
    // Assess
    expect([first.status, first.body.accepted, again.status, again.body.duplicates]).toEqual([200, 1, 200, 1]);
    const fromShopify = p.runtime.bus.published.filter(
      (e) => e['detail-type'] === 'CustomerObserved' && (e.detail as { observation: { externalId: string } }).observation.externalId === '7065055069303799902',
    );
    expect(fromShopify).toHaveLength(1);
    expect(p.hubspot.admin.listContacts().filter((c) => c.properties.email === 'edith.902@example.com')).toHaveLength(1);
  });

  it('answers 500 when the bus refuses the events, and processes the vendor\'s retry of that delivery', async () => {
    // Prepare
    const delivery = shopifyDelivery(payload('7065055069303799904', 'Edith', '2026-03-01T10:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    p.runtime.faults.failPutEvents(1);
    // Act
    const refused = await post(p.runtime.webhookUrl('shopify'), delivery);
    const deliveriesAfterRefusal = (await p.table.items()).filter((i) => String(i.pk).startsWith('DELIVERY#'));
    const retried = await post(p.runtime.webhookUrl('shopify'), delivery);
    await p.settle();
    // Assess
    expect(refused.status).toBe(500);
    expect(deliveriesAfterRefusal.some((i) => String(i.pk).includes(delivery.headers['x-shopify-webhook-id']))).toBe(false);
    expect([retried.status, retried.body.accepted]).toEqual([200, 1]);
    expect(p.hubspot.admin.findContactByEmail('edith.904@example.com')).toBeDefined();
  });

  it('keeps every digit of a Shopify id above 2^53', async () => {
    const customers = await p.table.customers();
    const links = customers.flatMap((c) => c.links).map((l) => l.externalId);
    expect(links).toContain('7065055069303799902');
  });

  it('changes nothing when an older update is delivered after a newer one', async () => {
    // Prepare
    const id = '7065055069303799903';
    const newer = shopifyDelivery(payload(id, 'Edith', '2026-03-01T12:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    const older = shopifyDelivery(payload(id, 'Ed', '2026-03-01T11:00:00-05:00'), SHOPIFY_SECRET.webhookSecret);
    await post(p.runtime.webhookUrl('shopify'), newer);
    await p.settle();
    const hubspotWrites = p.hubspot.admin.apiWrites().length;
    const changes = p.runtime.bus.published.filter((e) => e['detail-type'] === 'CustomerChanged').length;
    // Act
    const response = await post(p.runtime.webhookUrl('shopify'), older);
    await p.settle();
    // Assess
    expect(response.status).toBe(200);
    const customer = (await p.table.customers()).find((c) => c.links.some((l) => l.externalId === id));
    expect(customer?.fields.firstName).toMatchObject({ value: 'Edith', source: 'shopify' });
    expect(p.runtime.bus.published.filter((e) => e['detail-type'] === 'CustomerChanged')).toHaveLength(changes);
    expect(p.hubspot.admin.apiWrites()).toHaveLength(hubspotWrites);
  });
});

/** What the stack deploys before the admin sets the signing secrets: placeholders that must never work. */
describe('webhook receiver with signing secrets that are not configured', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ webhookSecrets: { shopify: { webhookSecret: 'REPLACE_ME' }, hubspot: { clientSecret: '   ' } } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('answers 503 to a delivery signed with the deployed placeholder, so the vendor retries later, and accepts and stores nothing', async () => {
    // Prepare: a forger who read the template signs with REPLACE_ME
    const body = shopifyCustomerPayload({ id: '7065055069303799990', email: 'mallory@example.com', first_name: 'Mallory', last_name: 'X', updated_at: '2026-03-01T10:00:00-05:00' });
    const delivery = shopifyDelivery(body, 'REPLACE_ME');
    // Act
    const response = await post(p.runtime.webhookUrl('shopify'), delivery);
    await p.settle();
    // Assess
    expect(response.status).toBe(503);
    expect(String(response.body.message)).toContain('omnihub/shopify/webhook');
    expect(await p.table.items()).toEqual([]);
    expect(p.runtime.bus.published).toEqual([]);
    const line = p.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'webhook secret not configured');
    expect(line).toMatchObject({ level: 'ERROR', connector: 'shopify', fix: expect.stringContaining('omnihub/shopify/webhook') });
    expect(String(line?.reason)).toContain('placeholder');
  });

  it('answers 503 when the signing secret is blank, whatever the signature', async () => {
    // Prepare
    const url = p.runtime.webhookUrl('hubspot');
    const body = JSON.stringify([
      { objectId: 9902, eventId: 2, subscriptionId: 7, portalId: 62515, appId: 54321, occurredAt: Date.now(), subscriptionType: 'contact.creation', attemptNumber: 0, changeSource: 'CRM_UI' },
    ]);
    // Act
    const blank = await post(url, hubspotDelivery(url, body, '   ', Date.now()));
    const real = await post(url, hubspotDelivery(url, body, HUBSPOT_SECRET.clientSecret, Date.now()));
    await p.settle();
    // Assess
    expect([blank.status, real.status]).toEqual([503, 503]);
    expect(await p.table.items()).toEqual([]);
    expect(p.runtime.bus.published).toEqual([]);
  });
});
