import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubspot } from '../../../../connectors/hubspot';
import { startHubspotFake, type HubspotFake } from '../../../../connectors/hubspot/fake/server';
import { createHubspotStatsTarget } from '../../../../connectors/hubspot/stats';
import { ConnectorError } from '../../../../core/errors';
import type { LogSink } from '../../../../core/log';
import { EMPTY_STATS, type CustomerStats } from '../../../../core/model/stats';
import type { StatsTarget } from '../../../../core/orders/ports';

const TOKEN = 'pat-na1-test-token';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');
const quiet: LogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let fake: HubspotFake;

beforeEach(async () => {
  fake = await startHubspotFake({ accessToken: TOKEN, clientSecret: 'secret', seed: true, rateLimit: { max: 200, intervalMs: 50 }, now: () => CLOCK });
});

afterEach(async () => {
  await fake.close();
});

function target(): StatsTarget {
  return createHubspotStatsTarget({ config: { batchSize: 100 }, secret: { accessToken: TOKEN }, mapping: { defaultCountry: 'US' }, baseUrl: fake.baseUrl, log: quiet });
}

const STATS: CustomerStats = {
  orders: 3,
  spent: { USD: '120.50', EUR: '30.00' },
  byChannel: { web: { orders: 2, spent: { USD: '120.50' } }, store: { orders: 1, spent: { EUR: '30.00' } } },
  firstOrderAt: '2024-11-02T09:30:00Z',
  lastOrderAt: '2025-02-28T18:05:00+01:00',
  channels: ['web', 'store'],
  pickups: 1,
  pickedUp: 1,
};

describe('HubSpot stats writer', () => {
  it('creates the omnihub group and its properties, then writes the stats onto the contact', async () => {
    // Act
    const result = await target().writeStats('51', STATS);

    // Assess
    expect(result).toBe('written');
    expect(fake.crm.catalog.group('contacts', 'omnihub')).toMatchObject({ label: 'omnihub' });
    expect(fake.crm.catalog.get('contacts', 'omnihub_channels')).toMatchObject({ type: 'enumeration', fieldType: 'checkbox', groupName: 'omnihub' });
    expect(fake.admin.getContact('51')?.properties).toMatchObject({
      omnihub_total_orders: '3',
      omnihub_total_spent: 'EUR 30.00; USD 120.50',
      omnihub_web_orders: '2',
      omnihub_web_spent: 'USD 120.50',
      omnihub_store_orders: '1',
      omnihub_store_spent: 'EUR 30.00',
      omnihub_first_order_at: String(Date.parse('2024-11-02T09:30:00Z')),
      omnihub_last_order_at: String(Date.parse('2025-02-28T17:05:00Z')),
      omnihub_channels: 'web;store',
      omnihub_pickups: '1',
      omnihub_picked_up: '1',
    });
  });

  it('creates the group and properties once, tolerating what another instance already made', async () => {
    // Prepare: an earlier deploy made them.
    await target().writeStats('51', STATS);
    const before = fake.requests.length;
    const client = target();

    // Act
    await client.writeStats('52', STATS);
    await client.writeStats('53', { ...EMPTY_STATS });

    // Assess
    const propertyCalls = fake.requests.slice(before).filter((request) => request.path.startsWith('/crm/v3/properties/contacts'));
    expect(propertyCalls.map((request) => request.status)).toEqual(new Array(1 + 11).fill(409));
    expect(fake.admin.getContact('53')?.properties).toMatchObject({ omnihub_total_orders: '0', omnihub_total_spent: null, omnihub_channels: null, omnihub_first_order_at: null });
  });

  it("answers 'gone' for a contact HubSpot no longer has", async () => {
    // Prepare
    fake.admin.deleteContact('52');

    // Act
    const result = await target().writeStats('52', STATS);

    // Assess
    expect(result).toBe('gone');
  });

  it('waits out a 429 and writes once', async () => {
    // Prepare
    const client = target();
    await client.writeStats('51', EMPTY_STATS);
    fake.admin.failNext(1, { status: 429, retryAfterSeconds: 0 });

    // Act
    await client.writeStats('51', STATS);

    // Assess
    const patches = fake.requests.filter((request) => request.method === 'PATCH' && request.path === '/crm/v3/objects/contacts/51');
    expect(patches.map((request) => request.status)).toEqual([200, 429, 200]);
    expect(fake.admin.getContact('51')?.properties.omnihub_total_orders).toBe('3');
  });

  it('names the missing scopes on a 403', async () => {
    // Prepare
    fake.admin.failNext(1, { status: 403 });

    // Act
    const error = await target()
      .writeStats('51', STATS)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as Error).message).toContain('crm.schemas.contacts.write');
  });

  it('is the stats target the connector exports', () => {
    expect(hubspot.createStatsTarget).toBe(createHubspotStatsTarget);
  });
});
