import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubspotMessageTarget } from '../../../../connectors/hubspot/messages';
import { hubspotOrders } from '../../../../connectors/hubspot/orders-connector';
import { startHubspotFake, type HubspotFake, type HubspotFakeOptions } from '../../../../connectors/hubspot/fake/server';
import { ConnectorError } from '../../../../core/errors';
import type { LogSink } from '../../../../core/log';
import type { Message } from '../../../../core/model/message';
import type { MessageProjectionTarget } from '../../../../core/messages/ports';

/**
 * Messages onto the customer's HubSpot contact timeline as communications (docs/identity.md §11),
 * through @hubspot/api-client against the fake: what the fake holds after each projection.
 */

const TOKEN = 'pat-na1-test-token';
const CLOCK = new Date('2026-12-01T00:00:00.000Z');
/** Seeded contacts (fake/seed.ts). */
const ADA = '51';
const GRACE = '52';

const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
const log: LogSink = {
  debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
  info: (message, fields) => lines.push({ level: 'info', message, fields }),
  warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
  error: (message, fields) => lines.push({ level: 'error', message, fields }),
};

let fake: HubspotFake;

async function startFake(options: Partial<HubspotFakeOptions> = {}): Promise<HubspotFake> {
  return startHubspotFake({ accessToken: TOKEN, clientSecret: 'secret', seed: true, rateLimit: { max: 200, intervalMs: 50 }, now: () => CLOCK, ...options });
}

// As the orders function loads it: HubSpot's order side.
function target(): MessageProjectionTarget {
  return hubspotOrders.createMessageTarget!({ config: { batchSize: 100 }, secret: { accessToken: TOKEN }, mapping: { defaultCountry: 'US' }, baseUrl: fake.baseUrl, log });
}

function message(overrides: Partial<Message> = {}): Message {
  return {
    origin: { system: 'twilio', externalId: 'SM1f0e4a2c9b7d4e6f8a0b1c2d3e4f5a6b' },
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

beforeEach(async () => {
  lines.length = 0;
  fake = await startFake();
});

afterEach(async () => {
  await fake.close();
});

describe('HubSpot message projection', () => {
  it('logs one SMS communication on the contact timeline, from CRM, timed by the message, direction in the body', async () => {
    // Act
    const result = await target().projectMessage(message(), { customerId: 'cust-1', customerRecordId: ADA });

    // Assess
    const communications = fake.admin.listCommunications();
    expect(communications).toHaveLength(1);
    const copy = communications[0]!;
    expect(result).toEqual({ copyId: copy.id, outcome: 'created' });
    expect(copy.properties).toMatchObject({
      hs_communication_channel_type: 'SMS',
      hs_communication_logged_from: 'CRM',
      hs_communication_body: 'Received: Is my order ready?',
      omnihub_message_key: 'twilio:SM1f0e4a2c9b7d4e6f8a0b1c2d3e4f5a6b',
      omnihub_message_direction: 'inbound',
    });
    // The same instant, however the portal writes a datetime back (epoch ms or ISO).
    const held = copy.properties.hs_timestamp!;
    expect(/^\d+$/.test(held) ? Number(held) : Date.parse(held)).toBe(Date.parse('2026-11-30T09:15:42.250Z'));
    expect(copy.contactIds).toEqual([ADA]);
    // One call: the association is made with the create, so no copy is ever off the timeline.
    const create = fake.requests.find((request) => request.method === 'POST' && request.path === '/crm/v3/objects/communications');
    expect(create?.body).toMatchObject({ associations: [{ to: { id: ADA }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 81 }] }] });
  });

  it('logs an outbound WhatsApp message as WHATS_APP, sent, with its media counted', async () => {
    // Act
    await target().projectMessage(message({ origin: { system: 'twilio', externalId: 'SM2' }, channel: 'whatsapp', direction: 'outbound', body: 'Your order is ready for pickup.', mediaCount: 2, status: 'sent' }), { customerId: 'cust-2', customerRecordId: GRACE });

    // Assess
    const [copy] = fake.admin.listCommunications();
    expect(copy?.properties).toMatchObject({ hs_communication_channel_type: 'WHATS_APP', hs_communication_body: 'Sent (2 media): Your order is ready for pickup.', omnihub_message_direction: 'outbound' });
    expect(copy?.contactIds).toEqual([GRACE]);
  });

  it('creates the message key as a unique property of communications, once per instance', async () => {
    // Prepare
    const client = target();

    // Act
    await client.projectMessage(message(), { customerId: 'cust-1', customerRecordId: ADA });
    await client.projectMessage(message({ origin: { system: 'twilio', externalId: 'SM2' } }), { customerId: 'cust-1', customerRecordId: ADA });

    // Assess
    expect(fake.crm.catalog.get('communications', 'omnihub_message_key')).toMatchObject({ hasUniqueValue: true, groupName: 'omnihub' });
    expect(fake.crm.catalog.get('communications', 'omnihub_message_direction')).toMatchObject({ type: 'enumeration' });
    const propertyCalls = fake.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/crm/v3/properties/'));
    expect(propertyCalls).toHaveLength(1 + 2); // the group, two properties
    expect(fake.admin.listCommunications()).toHaveLength(2);
  });

  it('finds the communication a crashed projection made, though search has not seen it, and makes no second one', async () => {
    // Prepare: search lags writes by a minute; the first projection's copy id was never recorded.
    await fake.close();
    fake = await startFake({ searchLagMs: 60_000 });
    const first = await target().projectMessage(message(), { customerId: 'cust-1', customerRecordId: ADA });

    // Act: a new instance (the retried Lambda) projects the same message.
    const retried = await target().projectMessage(message(), { customerId: 'cust-1', customerRecordId: ADA });

    // Assess
    expect(retried).toEqual({ copyId: first.copyId, outcome: 'found-existing' });
    expect(fake.admin.listCommunications()).toHaveLength(1);
    expect(fake.admin.getCommunication(first.copyId)?.contactIds).toEqual([ADA]);
    expect(fake.requests.some((request) => request.path.endsWith('/search'))).toBe(false);
    const read = fake.requests.find((request) => request.method === 'GET' && request.path.startsWith('/crm/v3/objects/communications/'));
    expect(read?.path).toBe(`/crm/v3/objects/communications/${encodeURIComponent('twilio:SM1f0e4a2c9b7d4e6f8a0b1c2d3e4f5a6b')}`);
  });

  it('refuses, without retrying, a contact HubSpot does not have, and logs no message text', async () => {
    // Act
    const error = await target()
      .projectMessage(message(), { customerId: 'cust-1', customerRecordId: '999' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    expect((error as ConnectorError).message).toMatch(/contact does not exist/);
    expect(fake.admin.listCommunications()).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('Is my order ready?');
    expect(JSON.stringify(lines)).not.toContain('+17575550142');
  });

  it('surfaces the fake\'s 400 for a channel HubSpot does not know, naming the property, not retryable', async () => {
    // Act: a channel the canonical model does not have, as a corrupt record would carry it.
    const error = await target()
      .projectMessage({ ...message(), channel: 'telegram' as never }, { customerId: 'cust-1', customerRecordId: ADA })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    expect((error as ConnectorError).message).toContain('hs_communication_channel_type');
    const refused = fake.requests.find((request) => request.method === 'POST' && request.path === '/crm/v3/objects/communications');
    expect(refused?.status).toBe(400);
    expect(fake.admin.listCommunications()).toEqual([]);
  });

  it('waits out a 429 and lands the communication once', async () => {
    // Prepare
    const client = target();
    await client.projectMessage(message({ origin: { system: 'twilio', externalId: 'SM0' } }), { customerId: 'cust-1', customerRecordId: ADA });
    fake.admin.failNext(2, { status: 429, retryAfterSeconds: 0 });

    // Act
    const result = await client.projectMessage(message(), { customerId: 'cust-1', customerRecordId: ADA });

    // Assess
    expect(result.outcome).toBe('created');
    expect(fake.admin.listCommunications()).toHaveLength(2);
    expect(fake.requests.filter((request) => request.status === 429)).toHaveLength(2);
  });

  it('is the message side the connector exports', () => {
    expect(hubspotOrders.createMessageTarget).toBe(createHubspotMessageTarget);
  });
});
