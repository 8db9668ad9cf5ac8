import { ApiKeySession, MetricsApi, RetryWithExponentialBackoff } from 'klaviyo-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKlaviyoClient } from '../../../../connectors/klaviyo/client';
import { startKlaviyoFake, type KlaviyoFake } from '../../../../connectors/klaviyo/fake/server';
import { createKlaviyoMessageTarget } from '../../../../connectors/klaviyo/messages';
import { klaviyoOrders } from '../../../../connectors/klaviyo/orders-connector';
import { ConnectorError } from '../../../../core/errors';
import type { LogSink } from '../../../../core/log';
import type { Message } from '../../../../core/model/message';

/**
 * Messages onto Klaviyo profiles as events (docs/identity.md §11), through klaviyo-api against
 * the fake (revision 2026-07-15): what the fake recorded after each projection.
 */
const PRIVATE_KEY = 'pk_messages0test0key0000000000';

describe('Klaviyo message target (klaviyo-api against the fake)', () => {
  let fake: KlaviyoFake;
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: LogSink = {
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  const options = () => ({ config: { pollMinutes: 5 }, secret: { privateKey: PRIVATE_KEY }, mapping: { defaultCountry: 'US' as const }, baseUrl: fake.baseUrl, log });
  // As the orders function loads it: Klaviyo's order side, with the default tuning.
  const target = () => klaviyoOrders.createMessageTarget!(options());
  const fast = () => createKlaviyoMessageTarget(options(), { backoffBaseMs: 5, maxBackoffMs: 20 });
  let sid = 0;

  function aMessage(overrides: Partial<Message> = {}): Message {
    sid += 1;
    return {
      origin: { system: 'twilio', externalId: `SM${String(sid).padStart(32, '0')}` },
      channel: 'sms',
      direction: 'inbound',
      customerAddress: '+17575550142',
      shopAddress: '+15017122661',
      body: 'Is my order ready?',
      mediaCount: 0,
      at: '2026-11-30T09:15:42.250Z',
      status: 'received',
      ...overrides,
    };
  }

  async function aProfile(email: string): Promise<string> {
    const made = await createKlaviyoClient(options()).create({ email }, { customerId: `cust-${email}` });
    if (made.kind !== 'created') throw new Error(`expected a new profile for ${email}`);
    return made.externalId;
  }

  const eventsOf = (key: string) => fake.events().filter((event) => event.uniqueId === key);

  beforeAll(async () => {
    fake = await startKlaviyoFake({ apiKey: PRIVATE_KEY, searchLagMs: 0, jobLagMs: 0, now: () => new Date('2026-12-01T00:00:00Z') });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    lines.length = 0;
  });

  it("records an inbound SMS once, as an event on the customer's profile keyed by the message key", async () => {
    // Prepare
    const profileId = await aProfile('katherine@example.net');
    const message = aMessage({ body: 'Is my order ready?', mediaCount: 1 });
    const key = `twilio:${message.origin.externalId}`;

    // Act
    const result = await target().projectMessage(message, { customerId: 'cust-katherine', customerRecordId: profileId });
    await fake.idle();

    // Assess
    expect(result).toEqual({ copyId: key, outcome: 'created' });
    const [event, ...others] = eventsOf(key);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      metric: 'Sent SMS to Shop',
      profileId,
      uniqueId: key,
      // Klaviyo truncates the time to the second.
      time: '2026-11-30T09:15:42.000Z',
      properties: { Channel: 'sms', Direction: 'inbound', Body: 'Is my order ready?', MediaCount: 1, MessageKey: key, ShopAddress: '+15017122661' },
    });
    expect(event?.value).toBeUndefined();
    expect(JSON.stringify(event?.properties)).not.toContain('+17575550142');
  });

  it('identifies the profile by its Klaviyo id only, changing nothing on it', async () => {
    // Prepare
    const profileId = await aProfile('dorothy@example.net');
    const before = fake.profile(profileId)!;

    // Act
    await target().projectMessage(aMessage(), { customerId: 'cust-dorothy', customerRecordId: profileId });
    await fake.idle();

    // Assess
    const sent = fake.requests.filter((request) => request.method === 'POST' && request.path === '/api/events').at(-1);
    expect((sent?.body as { data: { attributes: { profile: unknown } } }).data.attributes.profile).toEqual({ data: { type: 'profile', id: profileId, attributes: {} } });
    const after = fake.profile(profileId)!;
    expect({ ...after.attributes, last_event_date: undefined, updated: undefined }).toEqual({ ...before.attributes, last_event_date: undefined, updated: undefined });
    expect(fake.profiles().filter((profile) => profile.attributes.email === 'dorothy@example.net')).toHaveLength(1);
  });

  it('leaves one event when the same message is projected again (a retry, a replay): both answered "created"', async () => {
    // Prepare
    const profileId = await aProfile('mary@example.net');
    const message = aMessage({ direction: 'outbound', body: 'Your order is ready for pickup', status: 'delivered' });
    const key = `twilio:${message.origin.externalId}`;
    const postsBefore = fake.requests.filter((request) => request.method === 'POST' && request.path === '/api/events').length;

    // Act
    const first = await target().projectMessage(message, { customerId: 'cust-mary', customerRecordId: profileId });
    await fake.idle();
    const again = await target().projectMessage({ ...message, status: 'read' }, { customerId: 'cust-mary', customerRecordId: profileId });
    await fake.idle();

    // Assess
    expect([first, again]).toEqual([
      { copyId: key, outcome: 'created' },
      { copyId: key, outcome: 'created' },
    ]);
    expect(fake.requests.filter((request) => request.method === 'POST' && request.path === '/api/events').length).toBe(postsBefore + 2);
    expect(eventsOf(key).map((event) => [event.metric, event.profileId, event.properties.Body])).toEqual([['Received SMS from Shop', profileId, 'Your order is ready for pickup']]);
  });

  it("names SMS and WhatsApp, inbound and outbound, apart, as API metrics (not Klaviyo's own SMS metrics)", async () => {
    // Prepare
    const profileId = await aProfile('annie@example.net');
    const messages = [
      aMessage({ channel: 'sms', direction: 'inbound' }),
      aMessage({ channel: 'sms', direction: 'outbound' }),
      aMessage({ channel: 'whatsapp', direction: 'inbound' }),
      aMessage({ channel: 'whatsapp', direction: 'outbound', mediaCount: 2 }),
    ];

    // Act
    for (const message of messages) await target().projectMessage(message, { customerId: 'cust-annie', customerRecordId: profileId });
    await fake.idle();
    const session = new ApiKeySession(PRIVATE_KEY, new RetryWithExponentialBackoff({ numRetries: 0 }));
    const metricsApi = new MetricsApi(session);
    metricsApi.basePath = fake.baseUrl;
    const metrics = await metricsApi.getMetrics();

    // Assess
    const recorded = fake.events().filter((event) => event.profileId === profileId);
    expect(recorded.map((event) => [event.metric, event.properties.Channel, event.properties.Direction, event.uniqueId])).toEqual([
      ['Sent SMS to Shop', 'sms', 'inbound', `twilio:${messages[0]!.origin.externalId}`],
      ['Received SMS from Shop', 'sms', 'outbound', `twilio:${messages[1]!.origin.externalId}`],
      ['Sent WhatsApp Message to Shop', 'whatsapp', 'inbound', `twilio:${messages[2]!.origin.externalId}`],
      ['Received WhatsApp Message from Shop', 'whatsapp', 'outbound', `twilio:${messages[3]!.origin.externalId}`],
    ]);
    const ours = metrics.body.data.filter((metric) => recorded.some((event) => event.metricId === metric.id));
    expect(ours.map((metric) => metric.attributes.integration)).toEqual(Array(4).fill(expect.objectContaining({ name: 'API' })));
  });

  it('records the same message key once per profile: another profile gets its own event', async () => {
    // Prepare: a phone two customers share (§3) is not merged; a message goes to one, but the
    // unique_id dedupe is Klaviyo's per profile and metric, not account-wide.
    const first = await aProfile('mother@example.org');
    const second = await aProfile('daughter@example.org');
    const message = aMessage();
    const key = `twilio:${message.origin.externalId}`;

    // Act
    await target().projectMessage(message, { customerId: 'cust-mother', customerRecordId: first });
    await target().projectMessage(message, { customerId: 'cust-daughter', customerRecordId: second });
    await fake.idle();

    // Assess
    expect(eventsOf(key).map((event) => event.profileId).sort()).toEqual([first, second].sort());
  });

  it('retries a server error as orders do, and records the event once', async () => {
    // Prepare
    const profileId = await aProfile('hedy@example.net');
    const message = aMessage();
    fake.forceFailure({ status: 503 }, 1);

    // Act
    const result = await fast().projectMessage(message, { customerId: 'cust-hedy', customerRecordId: profileId });
    await fake.idle();

    // Assess
    expect(result.outcome).toBe('created');
    expect(eventsOf(`twilio:${message.origin.externalId}`)).toHaveLength(1);
    expect(lines.some((line) => line.level === 'warn' && line.fields?.operation === 'create message event')).toBe(true);
  });

  it('fails with a retryable ConnectorError once Klaviyo keeps answering 5xx, recording nothing', async () => {
    // Prepare
    const profileId = await aProfile('ada@example.net');
    const message = aMessage();
    fake.forceFailure({ status: 503 }, 3);

    // Act
    const failure = await fast()
      .projectMessage(message, { customerId: 'cust-ada', customerRecordId: profileId })
      .catch((error: unknown) => error);
    await fake.idle();

    // Assess
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).toMatchObject({ status: 503, retryable: true });
    expect(eventsOf(`twilio:${message.origin.externalId}`)).toEqual([]);
  });

  it('logs the message key and the profile id, never the body or a phone', async () => {
    // Prepare
    const profileId = await aProfile('grace@example.net');

    // Act
    await target().projectMessage(aMessage({ body: 'My address is 1 Navy Yard' }), { customerId: 'cust-grace', customerRecordId: profileId });

    // Assess
    const logged = JSON.stringify(lines);
    expect(logged).toContain(profileId);
    for (const secret of ['1 Navy Yard', '+17575550142', '+15017122661', 'grace@example.net']) expect(logged).not.toContain(secret);
  });
});
