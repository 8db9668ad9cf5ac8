import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../../connectors/connector';
import { startTwilioFake, twilioSignature, type TwilioFake, type TwilioFakeOptions } from '../../../../connectors/twilio/fake/server';
import { segmentCount } from '../../../../connectors/twilio/fake/segments';
import { redirectedHttpClient } from '../../../../connectors/twilio/redirect';
import { startWebhookReceiver } from '../../../support/webhook-receiver';

/**
 * The Twilio fake driven by the real SDK (twilio@6.2.0) through its supported HTTP-client hook
 * (redirectedHttpClient), and its webhooks checked with the SDK's own validator.
 */
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'fake-auth-token-0000000000000000';
const SERVICE_SID = 'MG00000000000000000000000000000001';
const SHOP_SMS = '+12015550123';
const SHOP_SMS_2 = '+12015550124';
const SHOP_WHATSAPP = 'whatsapp:+14155238886';
const ADA = '+12125550101';
const KATHERINE = '+12125550104';
const ADA_WHATSAPP = 'whatsapp:+12125550101';
const START = new Date('2025-03-01T12:00:00.000Z');
const HOUR = 60 * 60 * 1000;

type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

let clock = START;
let fake: TwilioFake | undefined;
let cleanup: Array<() => Promise<void>> = [];

async function start(options: Partial<TwilioFakeOptions> = {}): Promise<TwilioFake> {
  fake = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, senders: [SHOP_SMS, SHOP_WHATSAPP], statusStepMs: 5, now: () => clock, ...options });
  return fake;
}

async function receiver(name = 'twilio', statuses: number[] = []): Promise<Receiver> {
  const started = await startWebhookReceiver({ connector: name, statuses });
  cleanup.push(() => started.close());
  return started;
}

/** The real SDK, pointed at the fake through its httpClient option. */
function sdk(options: { token?: string; account?: string; edge?: string; region?: string; autoRetry?: boolean } = {}) {
  return twilio(options.account ?? ACCOUNT_SID, options.token ?? AUTH_TOKEN, {
    httpClient: redirectedHttpClient(fake!.baseUrl, options.autoRetry ? { autoRetry: true, maxRetryDelay: 50 } : {}),
    ...(options.edge ? { edge: options.edge } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
}

async function caught(promise: Promise<unknown>): Promise<InstanceType<typeof twilio.RestException>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof twilio.RestException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function form(delivery: WebhookRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(delivery.rawBody.toString('utf8')));
}

/** Whether the SDK's own validator accepts a delivery as signed for `url`. */
function validFor(delivery: WebhookRequest, url: string): boolean {
  return twilio.validateRequest(AUTH_TOKEN, delivery.headers['x-twilio-signature'] ?? '', url, form(delivery));
}

function statuses(deliveries: WebhookRequest[], sid?: string): string[] {
  return deliveries.map(form).filter((params) => sid === undefined || params.MessageSid === sid).map((params) => params.MessageStatus!);
}

function raw(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake!.baseUrl}${pathname}`, {
    ...init,
    headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`, ...(init.headers as Record<string, string> | undefined) },
  });
}

afterEach(async () => {
  clock = START;
  await fake?.close();
  fake = undefined;
  for (const each of cleanup.reverse()) await each();
  cleanup = [];
});

describe('X-Twilio-Signature', () => {
  it("matches twilio-node's official vectors, form parameters and the JSON bodySHA256 variant", () => {
    // Prepare (twilio-node spec/validation.spec.js)
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    const body = '{"property": "value", "boolean": true}';
    const bodyHash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
    const urlWithHash = `${url}&bodySHA256=${bodyHash}`;

    // Act
    const formSignature = twilioSignature('12345', url, params);
    const jsonSignature = twilioSignature('12345', urlWithHash, {});

    // Assess
    expect(formSignature).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilio.validateRequest('12345', formSignature, url, params)).toBe(true);
    expect(twilio.getExpectedBodyHash(body)).toBe(bodyHash);
    expect(jsonSignature).toBe('a9nBmqA0ju/hNViExpshrM61xv4=');
    expect(twilio.validateRequestWithBody('12345', jsonSignature, urlWithHash, body)).toBe(true);
  });
});

describe('the SDK through redirectedHttpClient', () => {
  it('creates and fetches a message; any *.twilio.com host (edge/region included) lands on the fake', async () => {
    // Prepare
    await start();

    // Act
    const created = await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: 'Your order is ready' });
    const fetched = await sdk({ edge: 'sydney', region: 'au1' }).messages(created.sid).fetch();
    const otherDomain = await sdk().request({ method: 'get', uri: 'https://messaging.twilio.com/v1/Services' });

    // Assess
    expect(created.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fetched.sid).toBe(created.sid);
    expect(otherDomain).toMatchObject({ statusCode: 404, body: { code: 20404 } });
    expect(fake!.requests.map(({ method, path: p, status }) => `${method} ${p} ${status}`)).toEqual([
      `POST /2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json 201`,
      `GET /2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${created.sid}.json 200`,
      'GET /v1/Services 404',
    ]);
  });

  it("keeps the SDK's own 429 retries (autoRetry) working", async () => {
    // Prepare
    await start();
    fake!.forceFailure({ status: 429 }, 2);

    // Act
    const created = await sdk({ autoRetry: true }).messages.create({ to: ADA, from: SHOP_SMS, body: 'Hello' });

    // Assess
    expect(created.status).toBe('queued');
    expect(fake!.requests.map((request) => request.status)).toEqual([429, 429, 201]);
  });
});

describe('sending', () => {
  it('answers 201 queued with the Message resource in snake_case, then moves it to delivered', async () => {
    // Prepare
    await start();

    // Act
    const response = await raw(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: ADA, From: SHOP_SMS, Body: 'Your order is ready' }).toString(),
    });
    const wire = (await response.json()) as Record<string, unknown>;
    await fake!.idle();
    const fetched = await sdk().messages(wire.sid as string).fetch();

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('twilio-request-id')).toMatch(/^RQ[0-9a-f]{32}$/);
    expect(Object.keys(wire)).toEqual([
      'body', 'num_segments', 'direction', 'from', 'to', 'date_updated', 'price', 'error_message', 'uri', 'account_sid', 'num_media', 'status',
      'messaging_service_sid', 'sid', 'date_sent', 'date_created', 'error_code', 'price_unit', 'api_version', 'subresource_uris',
    ]);
    expect(wire).toMatchObject({
      body: 'Your order is ready',
      num_segments: '1',
      num_media: '0',
      direction: 'outbound-api',
      from: SHOP_SMS,
      to: ADA,
      status: 'queued',
      price: null,
      date_sent: null,
      error_code: null,
      error_message: null,
      date_created: 'Sat, 01 Mar 2025 12:00:00 +0000',
      account_sid: ACCOUNT_SID,
      api_version: '2010-04-01',
      price_unit: 'USD',
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${wire.sid as string}.json`,
      messaging_service_sid: expect.stringMatching(/^MG[0-9a-f]{32}$/),
    });
    expect(fetched).toMatchObject({ status: 'delivered', dateSent: START, price: '-0.00830', errorCode: null });
    expect(fake!.messages()).toEqual([expect.objectContaining({ sid: wire.sid, status: 'delivered', messagingServiceSid: null, numSegments: '1' })]);
  });

  it('posts each later status (not the initial one) to the StatusCallback, signed, with the params Twilio sends', async () => {
    // Prepare
    await start();
    const callbacks = await receiver('twilio-status');

    // Act
    const message = await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: 'Ready', statusCallback: callbacks.url });
    await fake!.idle();

    // Assess
    expect(statuses(callbacks.deliveries)).toEqual(['sending', 'sent', 'delivered']);
    expect(callbacks.deliveries.every((delivery) => validFor(delivery, callbacks.url))).toBe(true);
    expect(callbacks.deliveries[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', 'i-twilio-idempotency-token': expect.any(String) });
    const delivered = form(callbacks.deliveries[2]!);
    expect(Object.keys(delivered)).toEqual(['SmsSid', 'SmsStatus', 'MessageStatus', 'To', 'MessageSid', 'AccountSid', 'From', 'ApiVersion', 'RawDlrDoneDate']);
    expect(delivered).toMatchObject({ MessageSid: message.sid, SmsSid: message.sid, SmsStatus: 'delivered', To: ADA, From: SHOP_SMS, AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', RawDlrDoneDate: '2503011200' });
  });

  it('ends undelivered with the carrier error set for the recipient, ErrorCode in the callback', async () => {
    // Prepare
    await start();
    const callbacks = await receiver('twilio-status');
    fake!.setDeliveryOutcome(ADA, { status: 'undelivered', errorCode: 30003 });

    // Act
    const message = await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: 'Ready', statusCallback: callbacks.url });
    await fake!.idle();
    const fetched = await sdk().messages(message.sid).fetch();

    // Assess
    expect(statuses(callbacks.deliveries)).toEqual(['sending', 'sent', 'undelivered']);
    expect(form(callbacks.deliveries[2]!)).toMatchObject({ ErrorCode: '30003', MessageStatus: 'undelivered' });
    expect(fetched).toMatchObject({ status: 'undelivered', errorCode: 30003, errorMessage: 'Unreachable destination handset' });
  });

  it('through the Messaging Service: accepted, no sender or segments yet, then queued onwards with MessagingServiceSid', async () => {
    // Prepare
    await start({ messagingServiceSid: SERVICE_SID, senders: [SHOP_SMS, SHOP_SMS_2] });
    const callbacks = await receiver('twilio-status');

    // Act
    const message = await sdk().messages.create({ to: ADA, messagingServiceSid: SERVICE_SID, body: 'Ready', statusCallback: callbacks.url });
    await fake!.idle();
    const fetched = await sdk().messages(message.sid).fetch();

    // Assess
    expect(message).toMatchObject({ status: 'accepted', from: null, numSegments: '0', messagingServiceSid: SERVICE_SID });
    expect(statuses(callbacks.deliveries)).toEqual(['queued', 'sending', 'sent', 'delivered']);
    expect(form(callbacks.deliveries[0]!)).toMatchObject({ MessagingServiceSid: SERVICE_SID, From: SHOP_SMS });
    expect(fetched).toMatchObject({ status: 'delivered', from: SHOP_SMS, numSegments: '1' });
  });

  it('counts segments as Twilio does: 160/153 GSM-7 (extension characters take two), 70/67 UCS-2', async () => {
    // Prepare
    await start();

    // Act
    const long = await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: 'a'.repeat(161) });

    // Assess
    expect(long.numSegments).toBe('2');
    expect([160, 161, 306, 307].map((length) => segmentCount('a'.repeat(length)))).toEqual([1, 2, 2, 3]);
    expect(segmentCount('€'.repeat(80))).toBe(1);
    expect(segmentCount('€'.repeat(81))).toBe(2);
    expect([70, 71, 134, 135].map((length) => segmentCount('ę'.repeat(length)))).toEqual([1, 2, 2, 3]);
    expect([35, 36].map((count) => segmentCount('😀'.repeat(count)))).toEqual([1, 2]);
  });

  it("refuses what Twilio refuses, with its codes: 21211, 21606, 63007, 21910, 21619, 21602, 21617, 21603", async () => {
    // Prepare
    await start();
    const create = (params: Parameters<ReturnType<typeof sdk>['messages']['create']>[0]) => caught(sdk().messages.create(params));

    // Act
    const invalidTo = await create({ to: '+1555', from: SHOP_SMS, body: 'x' });
    const unknownFrom = await create({ to: ADA, from: '+12015550199', body: 'x' });
    const unknownWhatsApp = await create({ to: ADA_WHATSAPP, from: 'whatsapp:+12015550199', body: 'x' });
    const mixed = await create({ to: ADA_WHATSAPP, from: SHOP_SMS, body: 'x' });
    const nothing = await create({ to: ADA, from: SHOP_SMS });
    const empty = await create({ to: ADA, from: SHOP_SMS, body: '' });
    const tooLong = await create({ to: ADA, from: SHOP_SMS, body: 'a'.repeat(1601) });
    const noFrom = await create({ to: ADA, body: 'x' });

    // Assess
    expect(invalidTo).toMatchObject({ status: 400, code: 21211, message: "The 'To' number +1555 is not a valid phone number.", moreInfo: 'https://www.twilio.com/docs/errors/21211' });
    expect(unknownFrom).toMatchObject({ status: 400, code: 21606 });
    expect(unknownWhatsApp).toMatchObject({ status: 400, code: 63007, message: 'Twilio could not find a Channel with the specified From address' });
    expect(mixed).toMatchObject({ status: 400, code: 21910 });
    expect(nothing).toMatchObject({ status: 400, code: 21619, message: 'A text message body or media urls must be specified.' });
    expect(empty).toMatchObject({ status: 400, code: 21602, message: 'Message body is required.' });
    expect(tooLong).toMatchObject({ status: 400, code: 21617 });
    expect(noFrom).toMatchObject({ status: 400, code: 21603 });
    expect(fake!.messages()).toEqual([]);
  });
});

describe('auth, routes and limits', () => {
  it("answers bad credentials 401 / 20003 with Twilio's body, another account 404, unknown routes 404 / 20404", async () => {
    // Prepare
    await start();
    const other = 'AC99999999999999999999999999999999';

    // Act
    const badToken = await caught(sdk({ token: 'wrong' }).messages.create({ to: ADA, from: SHOP_SMS, body: 'x' }));
    const noAuth = await fetch(`${fake!.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    const otherAccount = await raw(`/2010-04-01/Accounts/${other}/Messages.json`);
    const unknownMessage = await caught(sdk().messages('SM00000000000000000000000000000000').fetch());
    const unknownRoute = await raw('/v1/Services');

    // Assess
    expect(badToken).toMatchObject({ status: 401, code: 20003, message: 'Authenticate' });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
    expect(await noAuth.json()).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    expect(otherAccount.status).toBe(404);
    expect(unknownMessage).toMatchObject({ status: 404, code: 20404, message: `The requested resource /2010-04-01/Accounts/${ACCOUNT_SID}/Messages/SM00000000000000000000000000000000.json was not found` });
    expect(await unknownRoute.json()).toEqual({ code: 20404, message: 'The requested resource /v1/Services was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
  });

  it('answers 429 / 20429 past the rolling window, and forced 503s', async () => {
    // Prepare
    await start({ rateLimit: { max: 2, intervalMs: 60_000 } });

    // Act
    await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: '1' });
    await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: '2' });
    const limited = await caught(sdk().messages.create({ to: ADA, from: SHOP_SMS, body: '3' }));
    await fake!.close();
    await start();
    fake!.forceFailure({ status: 503 });
    const unavailable = await caught(sdk().messages.create({ to: ADA, from: SHOP_SMS, body: '4' }));

    // Assess
    expect(limited).toMatchObject({ status: 429, code: 20429, message: 'Too Many Requests' });
    expect(unavailable).toMatchObject({ status: 503, code: 20503 });
  });

  it('lists newest first with filters and Twilio paging (next_page_uri, PageToken), through the SDK', async () => {
    // Prepare
    await start();
    const sent = [];
    for (const body of ['one', 'two', 'three']) {
      sent.push(await sdk().messages.create({ to: ADA, from: SHOP_SMS, body }));
      clock = new Date(clock.getTime() + 1000);
    }
    await sdk().messages.create({ to: KATHERINE, from: SHOP_SMS, body: 'other' });
    await fake!.idle();

    // Act
    const page = await sdk().messages.page({ to: ADA, pageSize: 2 });
    const next = await page.nextPage();
    const all = await sdk().messages.list({ to: ADA, pageSize: 1 });
    const response = await raw(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?PageSize=2`);
    const envelope = (await response.json()) as Record<string, unknown>;

    // Assess
    expect(page.instances.map((message) => message.body)).toEqual(['three', 'two']);
    expect(page.nextPageUrl).toContain(`PageToken=PA${sent[1]!.sid}`);
    expect(next?.instances.map((message) => message.body)).toEqual(['one']);
    expect(next?.nextPageUrl).toBeUndefined();
    expect(all.map((message) => message.body)).toEqual(['three', 'two', 'one']);
    expect(envelope).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null, first_page_uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?PageSize=2&Page=0` });
  });
});

describe('opt-out', () => {
  it('STOP opts the person out (21610 on the next send), Twilio auto-replies, the webhook still arrives; START re-allows', async () => {
    // Prepare
    const hub = await receiver();
    await start({ webhookUrl: hub.url });

    // Act
    fake!.receive({ from: KATHERINE, body: ' stop ' });
    const refused = await caught(sdk().messages.create({ to: KATHERINE, from: SHOP_SMS, body: 'Your order is ready' }));
    const optedOut = fake!.optedOut();
    fake!.receive({ from: KATHERINE, body: 'Start' });
    const allowed = await sdk().messages.create({ to: KATHERINE, from: SHOP_SMS, body: 'Your order is ready' });
    await fake!.idle();

    // Assess
    expect(refused).toBeInstanceOf(twilio.RestException);
    expect(refused).toMatchObject({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient', moreInfo: 'https://www.twilio.com/docs/errors/21610' });
    expect(optedOut).toEqual([{ address: KATHERINE, sender: SHOP_SMS }]);
    expect(fake!.optedOut()).toEqual([]);
    expect(allowed.status).toBe('queued');
    expect(hub.deliveries.map((delivery) => form(delivery).Body)).toEqual([' stop ', 'Start']);
    expect(fake!.messages().filter((message) => message.direction === 'outbound-reply').map((message) => message.body)).toEqual([
      'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
      'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
    ]);
    expect(hub.deliveries.every((delivery) => form(delivery).OptOutType === undefined)).toBe(true);
  });

  it('counts only the whole message: "Stop please" is an ordinary message', async () => {
    // Prepare
    await start();

    // Act
    fake!.receive({ from: KATHERINE, body: 'Stop please' });
    const sent = await sdk().messages.create({ to: KATHERINE, from: SHOP_SMS, body: 'ok' });

    // Assess
    expect(fake!.optedOut()).toEqual([]);
    expect(sent.status).toBe('queued');
  });

  it('answers HELP with the help text (not once opted out) and leaves WhatsApp keywords alone without Advanced Opt-Out', async () => {
    // Prepare
    await start();

    // Act
    fake!.receive({ from: ADA, body: 'help' });
    fake!.receive({ from: KATHERINE, body: 'STOP' });
    fake!.receive({ from: KATHERINE, body: 'INFO' });
    fake!.receive({ from: ADA_WHATSAPP, body: 'STOP' });
    await fake!.idle();

    // Assess
    const replies = fake!.messages().filter((message) => message.direction === 'outbound-reply');
    expect(replies.map((message) => [message.to, message.body, message.status])).toEqual([
      [ADA, 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.', 'delivered'],
      [KATHERINE, expect.stringContaining('successfully been unsubscribed'), 'delivered'],
    ]);
    expect(fake!.optedOut()).toEqual([{ address: KATHERINE, sender: SHOP_SMS }]);
  });

  it("with a Messaging Service: blocks every sender of the service, fails service sends later (21610), adds OptOutType with Advanced Opt-Out", async () => {
    // Prepare
    const hub = await receiver();
    const callbacks = await receiver('twilio-status');
    await start({ webhookUrl: hub.url, messagingServiceSid: SERVICE_SID, senders: [SHOP_SMS, SHOP_SMS_2], advancedOptOut: true });

    // Act
    fake!.receive({ from: KATHERINE, to: SHOP_SMS_2, body: 'UNSUBSCRIBE' });
    const fromOtherNumber = await caught(sdk().messages.create({ to: KATHERINE, from: SHOP_SMS, body: 'x' }));
    const viaService = await sdk().messages.create({ to: KATHERINE, messagingServiceSid: SERVICE_SID, body: 'x', statusCallback: callbacks.url });
    await fake!.idle();

    // Assess
    expect(fake!.optedOut()).toEqual([{ address: KATHERINE, sender: SERVICE_SID }]);
    expect(fromOtherNumber).toMatchObject({ status: 400, code: 21610 });
    expect(viaService.status).toBe('accepted');
    expect(statuses(callbacks.deliveries)).toEqual(['failed']);
    expect(form(callbacks.deliveries[0]!)).toMatchObject({ ErrorCode: '21610' });
    expect(form(hub.deliveries[0]!)).toMatchObject({ OptOutType: 'STOP', MessagingServiceSid: SERVICE_SID, To: SHOP_SMS_2 });
  });
});

describe('WhatsApp', () => {
  it('accepts a free-form message outside the 24-hour window (201), then fails it with 63016 in a callback', async () => {
    // Prepare
    await start();
    const callbacks = await receiver('twilio-status');

    // Act
    const message = await sdk().messages.create({ to: ADA_WHATSAPP, from: SHOP_WHATSAPP, body: 'Your order is ready', statusCallback: callbacks.url });
    await fake!.idle();
    const fetched = await sdk().messages(message.sid).fetch();

    // Assess
    expect(message.status).toBe('queued');
    expect(statuses(callbacks.deliveries)).toEqual(['failed']);
    const failed = form(callbacks.deliveries[0]!);
    expect(failed).toMatchObject({ ErrorCode: '63016', ChannelPrefix: 'whatsapp', ChannelToAddress: '+12125550101', To: ADA_WHATSAPP, From: SHOP_WHATSAPP });
    expect(failed.ChannelInstallSid).toMatch(/^XE[0-9a-f]{32}$/);
    expect(validFor(callbacks.deliveries[0]!, callbacks.url)).toBe(true);
    expect(fetched).toMatchObject({ status: 'failed', errorCode: 63016 });
  });

  it('delivers inside the window opened by the person, closes it 24 hours after their last message; templates go any time', async () => {
    // Prepare
    await start();
    const callbacks = await receiver('twilio-status');
    fake!.receive({ from: ADA_WHATSAPP, body: 'Is my order ready?', profileName: 'Ada' });

    // Act
    clock = new Date(START.getTime() + 23 * HOUR);
    const inside = await sdk().messages.create({ to: ADA_WHATSAPP, from: SHOP_WHATSAPP, body: 'Yes!', statusCallback: callbacks.url });
    await fake!.idle();
    clock = new Date(START.getTime() + 25 * HOUR);
    const outside = await sdk().messages.create({ to: ADA_WHATSAPP, from: SHOP_WHATSAPP, body: 'Still there?', statusCallback: callbacks.url });
    const template = await sdk().messages.create({
      to: ADA_WHATSAPP,
      from: SHOP_WHATSAPP,
      contentSid: 'HX0123456789abcdef0123456789abcdef',
      contentVariables: JSON.stringify({ 1: 'Ada' }),
      statusCallback: callbacks.url,
    });
    await fake!.idle();

    // Assess
    expect(statuses(callbacks.deliveries, inside.sid)).toEqual(['sending', 'sent', 'delivered']);
    expect(statuses(callbacks.deliveries, outside.sid)).toEqual(['failed']);
    expect(statuses(callbacks.deliveries, template.sid)).toEqual(['sending', 'sent', 'delivered']);
  });

  it('delivers the inbound WhatsApp webhook with ProfileName, WaId and MessageType', async () => {
    // Prepare
    const hub = await receiver();
    await start({ webhookUrl: hub.url });

    // Act
    const sid = fake!.receive({ from: ADA_WHATSAPP, body: 'Hi', profileName: 'Ada' });
    await fake!.idle();

    // Assess
    const params = form(hub.deliveries[0]!);
    expect(params).toMatchObject({ MessageSid: sid, From: ADA_WHATSAPP, To: SHOP_WHATSAPP, ProfileName: 'Ada', WaId: '12125550101', MessageType: 'text', NumSegments: '1', SmsStatus: 'received' });
    expect(validFor(hub.deliveries[0]!, hub.url)).toBe(true);
  });
});

describe('inbound webhooks', () => {
  it('posts the inbound message form-encoded and signed, with the params of a Twilio request', async () => {
    // Prepare
    const hub = await receiver();
    await start({ webhookUrl: hub.url });

    // Act
    const sid = fake!.receive({ from: ADA, body: 'Is my order ready? 😀' });
    await fake!.idle();

    // Assess
    expect(hub.deliveries).toHaveLength(1);
    const delivery = hub.deliveries[0]!;
    expect(delivery.method).toBe('POST');
    expect(delivery.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(validFor(delivery, hub.url)).toBe(true);
    expect(form(delivery)).toEqual({
      ToCountry: 'US',
      SmsMessageSid: sid,
      NumMedia: '0',
      SmsSid: sid,
      SmsStatus: 'received',
      Body: 'Is my order ready? 😀',
      FromCountry: 'US',
      To: SHOP_SMS,
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: ACCOUNT_SID,
      From: ADA,
      ApiVersion: '2010-04-01',
    });
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake!.messages()).toEqual([expect.objectContaining({ sid, direction: 'inbound', status: 'received', from: ADA, to: SHOP_SMS })]);
  });

  it('signs over signedWebhookUrl (what the hub configured) while delivering to webhookUrl', async () => {
    // Prepare
    const hub = await receiver();
    const publicUrl = 'https://hub.example.com/webhooks/twilio?shop=1';
    await start({ webhookUrl: hub.url, signedWebhookUrl: publicUrl });

    // Act
    fake!.receive({ from: ADA, body: 'Hello' });
    await fake!.idle();

    // Assess
    expect(validFor(hub.deliveries[0]!, publicUrl)).toBe(true);
    expect(validFor(hub.deliveries[0]!, hub.url)).toBe(false);
  });

  it('delivers at least once: chaos duplicates reach the hub as the same MessageSid, each validly signed', async () => {
    // Prepare
    const hub = await receiver();
    await start({ webhookUrl: hub.url });
    fake!.webhooks.chaos = { seed: 7, duplicate: 1 };

    // Act
    const sid = fake!.receive({ from: ADA, body: 'Hello' });
    await fake!.idle();

    // Assess
    expect(hub.deliveries).toHaveLength(2);
    expect(hub.deliveries.map((delivery) => form(delivery).MessageSid)).toEqual([sid, sid]);
    expect(hub.deliveries.every((delivery) => validFor(delivery, hub.url))).toBe(true);
    expect(fake!.webhooks.stats).toMatchObject({ triggered: 1, duplicated: 1, sent: 2 });
  });

  it('retries once on a failed connection, not on an error answer (Twilio\'s rc=1, rp=ct)', async () => {
    // Prepare
    const closedPort = await freePort();
    const hub = await receiver('twilio', [500]);
    await start({ webhookUrl: `http://127.0.0.1:${closedPort}/webhooks/twilio` });

    // Act
    fake!.receive({ from: ADA, body: 'one' });
    await fake!.idle();
    fake!.setWebhookUrl(hub.url);
    fake!.receive({ from: ADA, body: 'two' });
    await fake!.idle();

    // Assess
    expect(fake!.webhooks.deliveries.map((delivery) => `${delivery.attempt}:${delivery.status}`)).toEqual(['0:network_error', '1:network_error', '0:500']);
    expect(hub.deliveries).toHaveLength(1);
    expect(fake!.webhooks.stats).toMatchObject({ retried: 1, failed: 2 });
  });

  it('lets status callbacks arrive out of order under chaos', async () => {
    // Prepare
    await start({ statusStepMs: 2 });
    const callbacks = await receiver('twilio-status');
    fake!.webhooks.chaos = { seed: 3, reorder: 1, holdMs: [0, 150] };

    // Act
    for (let each = 0; each < 3; each += 1) await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: `m${each}`, statusCallback: callbacks.url });
    await fake!.idle();

    // Assess
    const bySid = new Map<string, string[]>();
    for (const params of callbacks.deliveries.map(form)) bySid.set(params.MessageSid!, [...(bySid.get(params.MessageSid!) ?? []), params.MessageStatus!]);
    expect([...bySid.values()].every((seen) => [...seen].sort().join() === ['delivered', 'sending', 'sent'].join())).toBe(true);
    expect([...bySid.values()].some((seen) => seen.join() !== 'sending,sent,delivered')).toBe(true);
  });
});

describe('persistence and sandbox', () => {
  it('keeps messages, opt-outs and the sid stream across a restart, and finishes what was on its way', async () => {
    // Prepare
    const folder = await mkdtemp(path.join(tmpdir(), 'omnihub-twilio-fake-'));
    cleanup.push(() => rm(folder, { recursive: true, force: true }));
    const persistPath = path.join(folder, 'sandboxes', 'twilio.json');
    const callbacks = await receiver('twilio-status');
    await start({ persistPath, statusStepMs: 60_000 });
    fake!.receive({ from: KATHERINE, body: 'STOP' });
    const inFlight = await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: 'Ready', statusCallback: callbacks.url });
    const before = fake!.messages();
    await fake!.close();

    // Act
    await start({ persistPath, statusStepMs: 5 });
    await fake!.idle();
    const refused = await caught(sdk().messages.create({ to: KATHERINE, from: SHOP_SMS, body: 'x' }));
    const next = await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: 'Again' });

    // Assess
    expect(fake!.messages().slice(0, before.length).map((message) => message.sid)).toEqual(before.map((message) => message.sid));
    expect(fake!.optedOut()).toEqual([{ address: KATHERINE, sender: SHOP_SMS }]);
    expect(refused.code).toBe(21610);
    expect((await sdk().messages(inFlight.sid).fetch()).status).toBe('delivered');
    expect(statuses(callbacks.deliveries)).toEqual(['sending', 'sent', 'delivered']);
    expect(before.map((message) => message.sid)).not.toContain(next.sid);
  });

  it('refuses a corrupt saved file, naming it', async () => {
    // Prepare
    const folder = await mkdtemp(path.join(tmpdir(), 'omnihub-twilio-fake-'));
    cleanup.push(() => rm(folder, { recursive: true, force: true }));
    const persistPath = path.join(folder, 'twilio.json');
    await writeFile(persistPath, '{"version":1,"ids":{}}');

    // Act
    const failure = start({ persistPath });

    // Assess
    await expect(failure).rejects.toThrow(persistPath);
  });

  it('makes the same sids from the same idSeed', async () => {
    // Prepare
    const sids = [];

    // Act
    for (let run = 0; run < 2; run += 1) {
      await start({ idSeed: 42 });
      sids.push(fake!.receive({ from: ADA, body: 'hi' }));
      await fake!.close();
      fake = undefined;
    }

    // Assess
    expect(sids[0]).toBe(sids[1]);
  });

  it('plays people through /_sandbox/* and starts from the seeded history (Katherine opted out, Ada outside the window)', async () => {
    // Prepare
    const hub = await receiver();
    await start({ seed: true, webhookUrl: hub.url });

    // Act
    const inbound = await fetch(`${fake!.baseUrl}/_sandbox/inbound`, { method: 'POST', body: JSON.stringify({ from: ADA, body: 'On my way' }) });
    const outcome = await fetch(`${fake!.baseUrl}/_sandbox/delivery-outcome`, { method: 'POST', body: JSON.stringify({ to: ADA, status: 'failed', errorCode: 30007 }) });
    const optOuts = (await (await fetch(`${fake!.baseUrl}/_sandbox/opt-outs`)).json()) as { opt_outs: unknown[] };
    const toKatherine = await caught(sdk().messages.create({ to: KATHERINE, from: SHOP_SMS, body: 'x' }));
    const toAda = await sdk().messages.create({ to: ADA, from: SHOP_SMS, body: 'See you' });
    await fake!.idle();
    const messages = (await (await fetch(`${fake!.baseUrl}/_sandbox/messages`)).json()) as { messages: Array<{ sid: string; status: string; errorCode: number | null }> };
    const requests = (await (await fetch(`${fake!.baseUrl}/_sandbox/requests`)).json()) as { requests: Array<{ path: string }> };

    // Assess
    expect(inbound.status).toBe(200);
    expect(outcome.status).toBe(200);
    expect(hub.deliveries.map((delivery) => form(delivery).Body)).toEqual(['On my way']);
    expect(optOuts.opt_outs).toEqual([{ address: KATHERINE, sender: SHOP_SMS }]);
    expect(toKatherine.code).toBe(21610);
    expect(messages.messages.find((message) => message.sid === toAda.sid)).toMatchObject({ status: 'failed', errorCode: 30007 });
    expect(messages.messages.length).toBeGreaterThan(5);
    expect(requests.requests.map((request) => request.path)).toContain('/_sandbox/inbound');
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
