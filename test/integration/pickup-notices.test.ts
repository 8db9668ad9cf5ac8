import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestLogOf } from '../../connectors/testing/fake-http';
import { SHOP_SMS, startPipeline, type Pipeline } from '../support/pipeline';

/**
 * Pickup notices through the whole pipeline (docs/identity.md §12): a Shopify click & collect
 * order made ready → notices-twilio (the bundled function, Twilio's SDK against its fake) → one
 * SMS, recorded as her outbound message and copied to her HubSpot contact. Replays, duplicates and
 * a crash right after Twilio took the send give one text.
 */
describe('pickup notices', () => {
  let p: Pipeline;
  const pickupStore = () => p.shopify.locations.find((location) => location.name === 'Main Street Store')!;
  const textsTo = (phone: string) => p.twilio!.messages().filter((message) => message.direction === 'outbound-api' && message.to === phone);
  const noticeItems = async () => (await p.table.items()).filter((item) => String(item.pk).startsWith('NOTICE#'));
  const moveEvents = (orderId: string) =>
    p.runtime.bus.published.filter((event) => event['detail-type'] === 'OrderStatusChanged' && (event.detail as { eventId: string }).eventId === `shopify:${orderId}#ready_for_pickup`);

  beforeAll(async () => {
    p = await startPipeline({
      twilio: {},
      klaviyo: {},
      crashable: true,
      // Real time: Twilio's 21610 is dated by the notice function's own clock, and competes with
      // a consent Shopify timed; a stepping clock running ahead would make Shopify's look newer.
      clock: () => new Date(),
      twilioConfig: {
        notices: {
          storeName: 'Main Street Goods',
          channel: 'sms',
          readyForPickup: { default: 'Hi {firstName}, your order {orderName} is ready for pickup at {location}. {storeName}', fr: 'Bonjour {firstName}, votre commande {orderName} vous attend à {location}. {storeName}' },
        },
      },
    });
    p.shopify.webhooks.chaos = { duplicate: 1, seed: 21 };
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  async function customerWithOrder(customer: { first_name: string; email: string; phone?: string }, order: { customerLocale?: string } = {}) {
    const made = p.shopify.admin.createCustomer(customer);
    await p.settle();
    const placed = p.shopify.orderAdmin.placeOrder({ customerId: made.id, pickupAt: String(pickupStore().id), lines: [{ title: 'Teapot', quantity: 1, price: '25.00' }], ...order });
    await p.settle();
    return placed;
  }

  it('texts her once when the order is ready, from the template of her locale, even when the move is replayed three times', async () => {
    // Prepare
    const order = await customerWithOrder({ first_name: 'Ada', email: 'ada@example.org', phone: '+14155550100' }, { customerLocale: 'fr-CA' });

    // Act
    p.shopify.orderAdmin.markReadyForPickup(order.id);
    await p.settle();
    const [move] = moveEvents(order.id);
    for (let i = 0; i < 3; i++) p.runtime.bus.put(move!);
    await p.settle();

    // Assess
    const texts = textsTo('+14155550100');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ from: SHOP_SMS, body: `Bonjour Ada, votre commande ${order.name} vous attend à Main Street Store. Main Street Goods` });
    expect(await noticeItems()).toMatchObject([{ eventId: `shopify:${order.id}#ready_for_pickup`, state: 'sent', sid: texts[0]!.sid }]);
    // Logged on her HubSpot contact's timeline, once: the notice is her outbound message.
    const contact = p.hubspot.admin.findContactByEmail('ada@example.org');
    const logged = p.hubspot.admin.listCommunications().filter((c) => c.properties.omnihub_message_key === `twilio:${texts[0]!.sid}`);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.contactIds).toEqual([contact!.id]);
    // In Klaviyo, once, naming the order: the shop's Ready for Pickup flow skips her.
    const smsEvents = p.klaviyo!.events().filter((event) => event.uniqueId === `twilio:${texts[0]!.sid}`);
    expect(smsEvents).toHaveLength(1);
    expect(smsEvents[0]).toMatchObject({ metric: 'Received SMS from Shop', properties: { Notice: 'ready_for_pickup', OrderId: `shopify:${order.id}` } });
    // Its status callbacks moved it forward.
    const message = (await p.table.items()).find((item) => item.pk === `MSG#twilio#${texts[0]!.sid}` && item.sk === 'MESSAGE');
    expect(message).toMatchObject({ message: { direction: 'outbound', status: 'delivered', notice: { kind: 'ready_for_pickup', orderKey: `shopify:${order.id}`, orderName: order.name } } });
  });

  it('sends one text when the function dies right after Twilio took the send: the retry finds it in Twilio\'s list', async () => {
    // Prepare: crash the notice invocation whose Create Message Twilio answered 201.
    const order = await customerWithOrder({ first_name: 'Grace', email: 'grace@example.org', phone: '+14155550101' });
    const crashed: string[] = [];
    requestLogOf(p.twilio!.requests)!.subscribe(async (request) => {
      if (crashed.length > 0 || !request.invocation?.startsWith('notices-twilio#') || request.method !== 'POST' || request.status !== 201) return;
      if (await p.runtime.faults.crashInvocation(request.invocation)) crashed.push(request.invocation);
    });

    // Act
    p.shopify.orderAdmin.markReadyForPickup(order.id);
    await p.settle();

    // Assess
    expect(crashed).toHaveLength(1);
    expect(textsTo('+14155550101')).toHaveLength(1);
    expect((await noticeItems()).find((item) => item.eventId === `shopify:${order.id}#ready_for_pickup`)).toMatchObject({ state: 'sent', sid: textsTo('+14155550101')[0]!.sid });
    expect(p.runtime.deadLetters()).toEqual([]);
  });

  it('texts nobody without a phone, and leaves the email path (Ready for Pickup) to tell her', async () => {
    // Prepare
    const order = await customerWithOrder({ first_name: 'Alan', email: 'alan@example.org' });
    const textsBefore = p.twilio!.messages().length;

    // Act
    p.shopify.orderAdmin.markReadyForPickup(order.id);
    await p.settle();

    // Assess
    expect(p.twilio!.messages()).toHaveLength(textsBefore);
    expect((await noticeItems()).find((item) => item.eventId === `shopify:${order.id}#ready_for_pickup`)).toMatchObject({ state: 'skipped', reason: 'no phone' });
    // The email path: Klaviyo's Ready for Pickup event of her order, which the shop's flow turns into an email.
    expect(p.klaviyo!.events().filter((event) => event.metric === 'Ready for Pickup' && event.uniqueId === `shopify:${order.id}:ready`)).toHaveLength(1);
  });

  it('texts nobody who replied STOP: the email path tells her', async () => {
    // Prepare: Katherine replied STOP earlier.
    const katherine = await customerWithOrder({ first_name: 'Katherine', email: 'katherine@example.org', phone: '+14155550104' });
    p.twilio!.receive({ from: '+14155550104', body: 'STOP' });
    await p.settle();

    // Act
    p.shopify.orderAdmin.markReadyForPickup(katherine.id);
    await p.settle();

    // Assess
    expect(textsTo('+14155550104')).toEqual([]);
    expect((await noticeItems()).find((item) => item.eventId === `shopify:${katherine.id}#ready_for_pickup`)).toMatchObject({ state: 'skipped', reason: 'SMS unsubscribed' });
  });

  it('takes Twilio\'s 21610 on the send as her SMS unsubscribe, everywhere, when her STOP never reached omnihub', async () => {
    // Prepare: Dorothy replied STOP before omnihub listened (Twilio holds the opt-out; omnihub does not know it).
    const order = await customerWithOrder({ first_name: 'Dorothy', email: 'dorothy@example.org', phone: '+14155550105' });
    p.shopify.admin.updateCustomer(String((await p.table.customers()).find((c) => c.emails.includes('dorothy@example.org'))!.links.find((l) => l.system === 'shopify')!.externalId), {
      sms_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' },
    });
    await p.settle();
    p.twilio!.setWebhookUrl(undefined);
    p.twilio!.receive({ from: '+14155550105', body: 'STOP' });
    await p.twilio!.idle();
    p.twilio!.setWebhookUrl(p.runtime.webhookUrl('twilio'));

    // Act
    p.shopify.orderAdmin.markReadyForPickup(order.id);
    await p.settle();

    // Assess: nothing sent, the claim settled as skipped, and her SMS consent unsubscribed in the golden record and in Shopify.
    expect(textsTo('+14155550105')).toEqual([]);
    expect((await noticeItems()).find((item) => item.eventId === `shopify:${order.id}#ready_for_pickup`)).toMatchObject({ state: 'skipped', reason: 'opted out (21610)' });
    const dorothy = (await p.table.customers()).find((c) => c.emails.includes('dorothy@example.org'));
    expect(dorothy!.fields.smsConsent).toMatchObject({ value: 'unsubscribed', source: 'twilio', how: 'Twilio refused a send with 21610: she replied STOP to this sender' });
    const shopifyId = dorothy!.links.find((l) => l.system === 'shopify')!.externalId;
    expect(p.shopify.admin.getCustomer(shopifyId)?.sms_marketing_consent?.state).toBe('unsubscribed');
  });
});
