import { afterEach, describe, expect, it } from 'vitest';
import type { LogSink } from '../../../../core/log';
import { ConnectorError } from '../../../../core/errors';
import { startTwilioFake, type TwilioFake, type TwilioFakeOptions } from '../../../../connectors/twilio/fake/server';
import { createTwilioSender } from '../../../../connectors/twilio/sender';

/**
 * The Twilio connector's sender (pickup notices) through twilio@6.2.0 against the fake: what
 * the fake holds after each send, and how Twilio's refusals come back.
 */
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
const SHOP_SMS = '+12015550123';
const ADA = '+12125550101';
const GRACE = '+12125550102';

const log: LogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
let fake: TwilioFake | undefined;

async function start(options: Partial<TwilioFakeOptions> = {}) {
  fake = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, senders: [SHOP_SMS], statusStepMs: 5, ...options });
  return createTwilioSender({ config: { smsFrom: SHOP_SMS }, secret: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }, baseUrl: fake.baseUrl, log });
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('Twilio sender (twilio@6.2.0 against the fake)', () => {
  it('sends an SMS from the shop number and reports the sid and first status Twilio answered', async () => {
    // Prepare
    const sender = await start();

    // Act
    const outcome = await sender.send({ to: ADA, channel: 'sms', body: 'Your order #1001 is ready for pickup at Main St.' });

    // Assess
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'queued' });
    const held = fake!.messages().filter((message) => message.direction === 'outbound-api');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ from: SHOP_SMS, to: ADA, body: 'Your order #1001 is ready for pickup at Main St.' });
    expect(outcome.kind === 'accepted' && outcome.sid).toBe(held[0]!.sid);
  });

  it('reports a STOP as opted-out (21610) and an invalid number as refused, sending nothing', async () => {
    // Prepare
    const sender = await start();
    fake!.receive({ from: GRACE, body: 'STOP', to: SHOP_SMS });

    // Act
    const stopped = await sender.send({ to: GRACE, channel: 'sms', body: 'Your order is ready.' });
    const invalid = await sender.send({ to: '+1212', channel: 'sms', body: 'Your order is ready.' });

    // Assess
    expect(stopped).toMatchObject({ kind: 'opted-out', code: 21610 });
    expect(invalid).toMatchObject({ kind: 'refused', code: 21211 });
    expect(fake!.messages().filter((message) => message.direction === 'outbound-api')).toHaveLength(0);
  });

  it('finds a message it sent after a given instant by recipient and body, and nothing for another body or before', async () => {
    // Prepare
    const sender = await start();
    const notice = { to: ADA, channel: 'sms' as const, body: 'Your order #1002 is ready for pickup.' };
    const before = new Date(Date.now() - 1000).toISOString();
    const sent = await sender.send(notice);
    await sender.send({ ...notice, body: 'Another message' });

    // Act
    const found = await sender.findSent(notice, before);
    const otherBody = await sender.findSent({ ...notice, body: 'Never sent' }, before);
    const later = await sender.findSent(notice, new Date(Date.now() + 60_000).toISOString());

    // Assess
    expect(found?.sid).toBe(sent.kind === 'accepted' ? sent.sid : 'not sent');
    expect(otherBody).toBeUndefined();
    expect(later).toBeUndefined();
  });

  it('turns a wrong Auth Token into a ConnectorError that names the secret and is not retried', async () => {
    // Prepare
    await start();
    const sender = createTwilioSender({ config: { smsFrom: SHOP_SMS }, secret: { accountSid: ACCOUNT_SID, authToken: 'ffffffffffffffffffffffffffffffff' }, baseUrl: fake!.baseUrl, log });

    // Act
    const error = await sender.send({ to: ADA, channel: 'sms', body: 'hello' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toContain('omnihub/twilio');
    expect((error as ConnectorError).options.retryable).toBe(false);
  });
});
