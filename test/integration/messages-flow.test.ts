import { requestLogOf } from '../../connectors/testing/fake-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioSender } from '../../connectors/twilio/sender';
import { twilioSignature } from '../../connectors/twilio/signature';
import { DynamoDbMessageStore } from '../../functions/lib/adapters/dynamodb-message-store';
import { EMPTY_TWIML } from '../../connectors/twilio/webhook';
import { SHOP_SMS, SHOP_WHATSAPP, startPipeline, TWILIO_SECRET, type Pipeline } from '../support/pipeline';

/**
 * Messages through the whole pipeline (docs/identity.md §11): the Twilio fake texts the shop and
 * signs its webhooks as Twilio does, delivering some twice; the bundled receiver, resolver and
 * activity functions (orders-hubspot, orders-klaviyo) run on DynamoDB Local; HubSpot and Klaviyo
 * are their fakes through their SDKs.
 */
describe('messages from customers (Twilio)', () => {
  let p: Pipeline;
  const twilio = () => p.twilio!;

  beforeAll(async () => {
    // Real time: a message is timed by the hub's clock when it arrives (Twilio's webhook has no
    // time), and a STOP competes with consent Shopify timed; a stepping clock running ahead would
    // make Shopify's look newer (pipeline.ts steppingClock).
    p = await startPipeline({ klaviyo: {}, twilio: {}, crashable: true, clock: () => new Date() });
    // At least once: every inbound webhook is delivered twice.
    twilio().webhooks.chaos = { duplicate: 1, seed: 11 };
  });
  afterAll(async () => {
    await p?.stop();
  });

  const customerWithPhone = async (phone: string) => (await p.table.customers()).filter((customer) => customer.phones.includes(phone));
  const messageItems = async () => (await p.table.items()).filter((item) => String(item.pk).startsWith('MSG#') && item.sk === 'MESSAGE');
  const contactWithPhone = (phone: string) => p.hubspot.admin.listContacts().filter((contact) => contact.properties.phone === phone);

  it('answers an inbound message with empty TwiML, and a forged one with 401 and nothing recorded', async () => {
    // Act
    const forged = await fetch(p.runtime.webhookUrl('twilio'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' },
      body: new URLSearchParams({ AccountSid: `AC${'0f'.repeat(16)}`, MessageSid: `SM${'ab'.repeat(16)}`, From: '+12125550100', To: SHOP_SMS, Body: 'hi', NumMedia: '0' }),
    });
    const params = { AccountSid: TWILIO_SECRET.accountSid, MessageSid: `SM${'cd'.repeat(16)}`, From: '+12125550181', To: SHOP_SMS, Body: 'Do you have the linen apron in blue?', NumMedia: '0', SmsStatus: 'received' };
    const signature = twilioSignature(TWILIO_SECRET.authToken, p.runtime.webhookUrl('twilio'), new Map(Object.entries(params).map(([name, value]) => [name, [value]])));
    const genuine = await fetch(p.runtime.webhookUrl('twilio'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
    });
    twilio().receive({ from: '+12125550182', body: 'And in green?' });
    await p.settle();

    // Assess
    expect(forged.status).toBe(401);
    expect(genuine.status).toBe(200);
    expect(genuine.headers.get('content-type')).toBe('text/xml');
    expect(await genuine.text()).toBe(EMPTY_TWIML);
    expect((await messageItems()).map((item) => item.pk)).toContain(`MSG#twilio#SM${'cd'.repeat(16)}`);
    expect((await messageItems()).map((item) => item.pk)).not.toContain(`MSG#twilio#SM${'ab'.repeat(16)}`);
    expect(twilio().webhooks.stats.duplicated).toBeGreaterThan(0);
  });

  it('keeps a message the bus refused: Twilio retries the 500 as the URL\'s connection overrides ask, and it is recorded once', async () => {
    // Prepare: one delivery, no copy; the receiver's next PutEvents fails, so it answers 500 and remembers nothing.
    twilio().webhooks.chaos = {};
    p.runtime.faults.failPutEvents(1);

    // Act
    const sid = twilio().receive({ from: '+12125550190', body: 'Are you open on Sunday?' });
    await p.settle();
    twilio().webhooks.chaos = { duplicate: 1, seed: 11 };

    // Assess
    const attempts = twilio().webhooks.deliveries.filter((delivery) => delivery.body.includes(sid));
    expect(attempts.map((delivery) => delivery.status)).toEqual([500, 200]);
    expect((await messageItems()).filter((item) => item.pk === `MSG#twilio#${sid}`)).toHaveLength(1);
  });

  it('makes a phone-only customer of a new WhatsApp phone, records the message once, and logs it once on her HubSpot contact and in Klaviyo', async () => {
    // Act
    const sid = twilio().receive({ from: 'whatsapp:+12125550147', to: `whatsapp:${SHOP_WHATSAPP}`, body: 'Hi! Can I pick up an order at the Main St store?', profileName: 'Mae' });
    await p.settle();

    // Assess: one customer, known by her phone, linked to the channel and created in the other systems.
    const [customer, ...others] = await customerWithPhone('+12125550147');
    expect(others).toEqual([]);
    expect(customer!.emails).toEqual([]);
    expect(customer!.links.map((link) => link.system).sort()).toEqual(['hubspot', 'klaviyo', 'shopify', 'twilio']);
    const messages = (await messageItems()).filter((item) => item.pk === `MSG#twilio#${sid}`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ customerId: customer!.id, message: { channel: 'whatsapp', direction: 'inbound', customerAddress: '+12125550147', shopAddress: SHOP_WHATSAPP } });

    const [contact, ...moreContacts] = contactWithPhone('+12125550147');
    expect(moreContacts).toEqual([]);
    const communications = p.hubspot.admin.listCommunications().filter((c) => c.properties.omnihub_message_key === `twilio:${sid}`);
    expect(communications).toHaveLength(1);
    expect(communications[0]!.properties).toMatchObject({ hs_communication_channel_type: 'WHATS_APP' });
    expect(String(communications[0]!.properties.hs_communication_body)).toContain('Can I pick up an order');
    expect(communications[0]!.contactIds).toEqual([contact!.id]);

    const profileId = customer!.links.find((link) => link.system === 'klaviyo')!.externalId;
    const events = p.klaviyo!.events().filter((event) => event.uniqueId === `twilio:${sid}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ profileId, metric: 'Sent WhatsApp Message to Shop' });
  });

  it('makes one HubSpot contact for a phone-only customer even when sync dies right after HubSpot created it', async () => {
    // Prepare: crash the sync-hubspot invocation whose contact create HubSpot answered 201 (no email: nothing else makes the retry's create a 409).
    // HubSpot's webhook of the new contact comes late, so only the retry can find what the create made.
    p.hubspot.webhooks.chaos = { delayMs: [3000, 3000] };
    const crashed: string[] = [];
    requestLogOf(p.hubspot.requests)!.subscribe(async (request) => {
      if (crashed.length > 0 || !request.invocation?.startsWith('sync-hubspot#') || request.method !== 'POST' || request.path !== '/crm/v3/objects/contacts' || request.status !== 201) return;
      if (await p.runtime.faults.crashInvocation(request.invocation)) crashed.push(request.invocation);
    });

    // Act
    twilio().receive({ from: '+12125550177', body: 'Hello, do you deliver to Queens?' });
    await p.settle();
    p.hubspot.webhooks.chaos = {};

    // Assess
    expect(crashed).toHaveLength(1);
    const contacts = contactWithPhone('+12125550177');
    expect(contacts).toHaveLength(1);
    const [customer, ...others] = await customerWithPhone('+12125550177');
    expect(others).toEqual([]);
    expect(customer!.links.filter((link) => link.system === 'hubspot').map((link) => link.externalId)).toEqual([contacts[0]!.id]);
    expect(contacts[0]!.properties.omnihub_customer_id).toBe(customer!.id);
    expect(p.runtime.deadLetters()).toEqual([]);
  });

  it('joins her online self by the phone when she orders with that phone and her email', async () => {
    // Prepare
    const [before] = await customerWithPhone('+12125550147');

    // Act: she signs up in the web shop with the phone she messaged from, and her email.
    const shopifyRecord = before!.links.find((link) => link.system === 'shopify')!.externalId;
    p.shopify.admin.updateCustomer(shopifyRecord, { email: 'mae.jemison@example.net', first_name: 'Mae' });
    await p.settle();

    // Assess
    const customers = await customerWithPhone('+12125550147');
    expect(customers.map((c) => c.id)).toEqual([before!.id]);
    expect(customers[0]!.emails).toEqual(['mae.jemison@example.net']);
  });

  it('unsubscribes SMS in Shopify and Klaviyo after a STOP, and a later edit that leaves consent alone does not resubscribe her', async () => {
    // Prepare: Grace is subscribed to SMS in Shopify and known everywhere.
    const grace = p.shopify.admin.createCustomer({
      first_name: 'Grace',
      email: 'grace@example.net',
      phone: '+12125550163',
      sms_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' },
    });
    await p.settle();

    // Act
    twilio().receive({ from: '+12125550163', body: 'STOP' });
    await p.settle();

    // Assess
    expect(p.shopify.admin.getCustomer(String(grace.id))?.sms_marketing_consent?.state).toBe('unsubscribed');
    const [customer] = (await p.table.customers()).filter((c) => c.emails.includes('grace@example.net'));
    // With its evidence: which system, when, how (docs/identity.md §10).
    expect(customer!.fields.smsConsent).toMatchObject({ value: 'unsubscribed', source: 'twilio', how: 'replied with an opt-out keyword (STOP) by SMS' });
    const profile = p.klaviyo!.profiles().find((candidate) => candidate.attributes.email === 'grace@example.net');
    expect(profile?.attributes.subscriptions?.sms?.marketing?.consent).toBe('UNSUBSCRIBED');
    // The STOP is a message too, on her timeline.
    expect(p.hubspot.admin.listCommunications().filter((c) => String(c.properties.hs_communication_body).includes('STOP'))).toHaveLength(1);

    // Act: a later edit in Shopify that leaves consent alone (a default) does not undo it.
    p.shopify.admin.updateCustomer(String(grace.id), { last_name: 'Hopper' });
    await p.settle();

    // Assess
    expect(p.shopify.admin.getCustomer(String(grace.id))?.sms_marketing_consent?.state).toBe('unsubscribed');
    expect(p.klaviyo!.profiles().find((candidate) => candidate.attributes.email === 'grace@example.net')?.attributes.subscriptions?.sms?.marketing?.consent).toBe('UNSUBSCRIBED');
  });

  it('subscribes her SMS again everywhere when she replies START after her STOP: a newer explicit opt-in', async () => {
    // Prepare: Grace replied STOP in the test before (unsubscribed in Shopify and Klaviyo).
    const [before] = (await p.table.customers()).filter((c) => c.emails.includes('grace@example.net'));
    expect(before!.fields.smsConsent?.value).toBe('unsubscribed');

    // Act
    twilio().receive({ from: '+12125550163', body: 'START' });
    await p.settle();

    // Assess
    const [customer] = (await p.table.customers()).filter((c) => c.emails.includes('grace@example.net'));
    expect(customer!.fields.smsConsent).toMatchObject({ value: 'subscribed', how: 'replied with an opt-in keyword (START) by SMS' });
    const shopifyId = customer!.links.find((link) => link.system === 'shopify')!.externalId;
    expect(p.shopify.admin.getCustomer(shopifyId)?.sms_marketing_consent?.state).toBe('subscribed');
    expect(p.klaviyo!.profiles().find((candidate) => candidate.attributes.email === 'grace@example.net')?.attributes.subscriptions?.sms?.marketing?.consent).toBe('SUBSCRIBED');
  });

  it('costs no sync when a customer known everywhere sends her first message: the message is copied, her records are left alone', async () => {
    // Prepare: Lin is known everywhere, with her phone, and has never texted.
    p.shopify.admin.createCustomer({ first_name: 'Lin', email: 'lin@example.net', phone: '+12125550164' });
    await p.settle();

    // Act
    const sid = twilio().receive({ from: '+12125550164', body: 'Is the blue apron back in stock?' });
    await p.settle();

    // Assess: linked to the channel and copied, and no CustomerChanged for it (nothing of hers changed).
    const observed = p.runtime.bus.published.find((event) => event['detail-type'] === 'MessageObserved' && JSON.stringify(event.detail).includes(sid));
    const correlationId = (observed!.detail as { correlationId: string }).correlationId;
    expect(p.runtime.bus.published.filter((event) => event['detail-type'] === 'CustomerChanged' && (event.detail as { correlationId: string }).correlationId === correlationId)).toEqual([]);
    const [customer] = await customerWithPhone('+12125550164');
    expect(customer!.links.map((link) => link.system)).toContain('twilio');
    expect(p.hubspot.admin.listCommunications().filter((c) => c.properties.omnihub_message_key === `twilio:${sid}`)).toHaveLength(1);
    expect(p.klaviyo!.events().filter((event) => event.uniqueId === `twilio:${sid}`)).toHaveLength(1);
  });

  it('keeps her newer phone when she first texts from an older one: a message does not date a phone', async () => {
    // Prepare: Ada signed up in the web shop with one phone, then changed her number there.
    const ada = p.shopify.admin.createCustomer({ first_name: 'Ada', email: 'ada@example.net', phone: '+12125550199' });
    await p.settle();
    p.shopify.admin.updateCustomer(String(ada.id), { phone: '+12125550198' });
    await p.settle();

    // Act: her first message, from the old phone.
    twilio().receive({ from: '+12125550199', body: 'Hello from my old phone' });
    await p.settle();

    // Assess: the message is hers (the old phone is still claimed by her), and her number stays the new one.
    const customer = (await p.table.customers()).find((c) => c.emails.includes('ada@example.net'));
    expect(customer!.links.map((link) => link.system)).toContain('twilio');
    expect(customer!.fields.phone?.value).toBe('+12125550198');
    expect(p.shopify.admin.getCustomer(String(ada.id))?.phone).toBe('+12125550198');
  });

  it('moves the status of a message omnihub sent forward only, and parks a failed delivery with Twilio\'s reason, no phone in it', async () => {
    // Prepare: a message sent to Grace, recorded as the notice sender will record it (after Twilio's answer).
    const [grace] = (await p.table.customers()).filter((c) => c.emails.includes('grace@example.net'));
    const logs: string[] = [];
    const sender = createTwilioSender({
      config: { smsFrom: SHOP_SMS },
      secret: TWILIO_SECRET,
      statusCallback: p.runtime.webhookUrl('twilio'),
      baseUrl: twilio().baseUrl,
      log: { debug: () => undefined, info: () => undefined, warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    });
    twilio().setDeliveryOutcome('+12125550111', { status: 'undelivered', errorCode: 30003 });
    const store = new DynamoDbMessageStore(p.table.doc, p.table.tableName);

    // Act
    const sent = await sender.send({ to: '+12125550111', channel: 'sms', body: 'Your order #1001 is ready for pickup' });
    if (sent.kind !== 'accepted') throw new Error(`the fake refused the send: ${sent.kind}`);
    await store.recordMessage(
      { origin: { system: 'twilio', externalId: sent.sid }, channel: 'sms', direction: 'outbound', customerAddress: '+12125550111', shopAddress: SHOP_SMS, body: 'Your order #1001 is ready for pickup', mediaCount: 0, at: sent.at, status: sent.status },
      grace!.id,
    );
    await p.settle();

    // Assess
    const held = await store.getMessage({ system: 'twilio', externalId: sent.sid });
    expect(held).toMatchObject({ message: { status: 'undelivered' }, errorCode: 30003 });
    const parked = (await p.table.items()).filter((item) => item.pk === 'PARKED#identity-resolver' && item.code === 'MESSAGE.NOT_DELIVERED');
    expect(parked).toHaveLength(1);
    expect(parked[0]!.reason).toBe('message undelivered (Twilio error 30003: unreachable destination handset)');
    expect(JSON.stringify(parked[0]!.reason)).not.toContain('5550111');
  });
});
