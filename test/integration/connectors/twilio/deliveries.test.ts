import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../../connectors/connector';
import { parseTwilioDelivery } from '../../../../connectors/twilio/deliveries';
import { startTwilioFake, type TwilioFake, type TwilioFakeOptions } from '../../../../connectors/twilio/fake/server';
import { createTwilioSender } from '../../../../connectors/twilio/sender';
import { formParams, verifyTwilioRequest } from '../../../../connectors/twilio/signature';
import { startWebhookReceiver } from '../../../support/webhook-receiver';

/**
 * The Twilio connector reading what the fake posts, as Twilio posts it: inbound SMS and WhatsApp
 * messages and the status callbacks of a send, each verified with the connector's own check.
 */
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
const SERVICE_SID = 'MG00000000000000000000000000000001';
const SHOP_SMS = '+12015550123';
const SHOP_WHATSAPP = 'whatsapp:+14155238886';
const ADA = '+12125550101';

let fake: TwilioFake | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const close of closers.splice(0)) await close();
});

async function setUp(options: Partial<TwilioFakeOptions> = {}) {
  const hub = await startWebhookReceiver({ connector: 'twilio' });
  closers.push(() => hub.close());
  fake = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, senders: [SHOP_SMS, SHOP_WHATSAPP], statusStepMs: 5, webhookUrl: hub.url, ...options });
  return hub;
}

function read(delivery: WebhookRequest, url: string) {
  expect(verifyTwilioRequest({ ...delivery, url }, AUTH_TOKEN)).toEqual({ ok: true });
  return parseTwilioDelivery(formParams(delivery.rawBody), ACCOUNT_SID);
}

describe('Twilio deliveries as the connector reads them', () => {
  it('reads an inbound SMS, and a STOP as an SMS unsubscribe, "Stop please" as a plain message', async () => {
    // Prepare
    const hub = await setUp();

    // Act
    fake!.receive({ from: ADA, body: 'Is the blue teapot in stock?' });
    fake!.receive({ from: ADA, body: 'Stop please' });
    fake!.receive({ from: ADA, body: 'stop' });
    await fake!.idle();

    // Assess
    const parsed = hub.deliveries.map((delivery) => read(delivery, hub.url));
    expect(parsed.map((result) => result.ok && result.delivery)).toEqual([
      expect.objectContaining({ kind: 'inbound', channel: 'sms', from: ADA, to: SHOP_SMS, body: 'Is the blue teapot in stock?', mediaCount: 0 }),
      expect.objectContaining({ kind: 'inbound', body: 'Stop please' }),
      expect.objectContaining({ kind: 'inbound', body: 'stop', smsConsent: 'unsubscribed' }),
    ]);
    expect(parsed[1]!.ok && parsed[1]!.delivery).not.toHaveProperty('smsConsent');
    expect(new Set(parsed.map((result) => result.ok && result.delivery.sid)).size).toBe(3);
  });

  it('reads a WhatsApp message with its profile name, its keyword left out of SMS consent', async () => {
    // Prepare
    const hub = await setUp({ messagingServiceSid: SERVICE_SID, advancedOptOut: true });

    // Act
    fake!.receive({ from: `whatsapp:${ADA}`, body: 'Hello, is my order ready?', profileName: 'Ada L' });
    fake!.receive({ from: `whatsapp:${ADA}`, body: 'STOP' });
    await fake!.idle();

    // Assess
    const [question, stop] = hub.deliveries.map((delivery) => read(delivery, hub.url));
    expect(question).toEqual({ ok: true, delivery: expect.objectContaining({ kind: 'inbound', channel: 'whatsapp', from: ADA, to: '+14155238886', profileName: 'Ada L' }) });
    expect(stop!.ok && stop!.delivery).not.toHaveProperty('smsConsent');
  });

  it('reads the status callbacks of a send, a failure with its error code', async () => {
    // Prepare
    const hub = await setUp();
    const sender = createTwilioSender({ config: { smsFrom: SHOP_SMS }, secret: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }, baseUrl: fake!.baseUrl, statusCallback: hub.url, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
    fake!.setDeliveryOutcome(ADA, { status: 'undelivered', errorCode: 30005 });

    // Act
    const sent = await sender.send({ to: ADA, channel: 'sms', body: 'Your order is ready.' });
    await fake!.idle();

    // Assess
    const statuses = hub.deliveries.map((delivery) => read(delivery, hub.url)).map((result) => result.ok && result.delivery);
    expect(statuses.every((status) => status && status.kind === 'status' && status.sid === (sent.kind === 'accepted' ? sent.sid : ''))).toBe(true);
    expect(statuses.map((status) => status && status.kind === 'status' && status.status).sort()).toEqual(['sending', 'sent', 'undelivered']);
    expect(statuses.find((status) => status && status.kind === 'status' && status.status === 'undelivered')).toMatchObject({ errorCode: 30005 });
  });

  it('refuses a delivery of another account and one without a message SID, naming the parameter only', () => {
    // Prepare
    const base = { AccountSid: ACCOUNT_SID, MessageSid: 'SM0123456789abcdef0123456789abcdef', From: ADA, To: SHOP_SMS, Body: 'hi', NumMedia: '0' };
    const params = (values: Record<string, string>) => new Map(Object.entries(values).map(([name, value]) => [name, [value]]));

    // Act / Assess
    expect(parseTwilioDelivery(params({ ...base, AccountSid: 'AC' + 'f'.repeat(32) }), ACCOUNT_SID)).toEqual({ ok: false, reason: 'AccountSid is not this account' });
    expect(parseTwilioDelivery(params({ ...base, MessageSid: '' }), ACCOUNT_SID)).toMatchObject({ ok: false, reason: expect.stringContaining('MessageSid') });
    const badFrom = parseTwilioDelivery(params({ ...base, From: '2125550101' }), ACCOUNT_SID);
    expect(badFrom).toMatchObject({ ok: false, reason: expect.stringContaining('From') });
    expect(JSON.stringify(badFrom)).not.toContain('2125550101');
  });
});
