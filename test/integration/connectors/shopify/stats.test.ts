import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MappingContext } from '../../../../connectors/connector';
import { shopifyApi } from '../../../../connectors/shopify/client';
import { startShopifyFake, type ShopifyFake } from '../../../../connectors/shopify/fake/server';
import { shopify } from '../../../../connectors/shopify/index';
import { createShopifyStatsTarget, STATS_NAMESPACE } from '../../../../connectors/shopify/stats';
import * as z from '../../../../core/schema';
import { EMPTY_STATS, type CustomerStats } from '../../../../core/model/stats';
import { ConnectorError } from '../../../../core/errors';
import { capturingLog, startWebhookReceiver, type CapturedLog } from '../../../support/shopify';

/** The stats writer (shopify-api-node over HTTP) against the fake: what Shopify holds afterwards, read back. */

const secret = { accessToken: 'shpat_omnihub_test', webhookSecret: 'omnihub-webhook-secret' };
const config = { shop: 'omnihub-test', apiVersion: '2025-10' };
const mapping: MappingContext = { defaultCountry: 'US' };

let fake: ShopifyFake;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let log: CapturedLog;
let now: Date;

const options = () => ({ config, secret, mapping, baseUrl: fake.baseUrl, log });

const READ_METAFIELDS = /* GraphQL */ `
  query ReadStats($id: ID!) {
    customer(id: $id) { metafields(namespace: "omnihub", first: 25) { nodes { key type value } } }
  }
`;
const ReadSchema = z.object({ customer: z.nullable(z.object({ metafields: z.object({ nodes: z.array(z.object({ key: z.string(), type: z.string(), value: z.string() })) }) })) });

async function readBack(customerId: string): Promise<Record<string, { type: string; value: string }>> {
  const read = await shopifyApi(options()).graphql('customer', READ_METAFIELDS, { id: `gid://shopify/Customer/${customerId}` }, ReadSchema);
  return Object.fromEntries((read.customer?.metafields.nodes ?? []).map((node) => [node.key, { type: node.type, value: node.value }]));
}

const stats: CustomerStats = {
  orders: 3,
  spent: { USD: '58.30', EUR: '12.00' },
  byChannel: { web: { orders: 2, spent: { USD: '46.30' } }, store: { orders: 1, spent: { USD: '12.00', EUR: '12.00' } } },
  firstOrderAt: '2025-01-05T10:00:00.000Z',
  lastOrderAt: '2025-06-01T16:30:00-05:00',
  channels: ['web', 'store'],
  pickups: 2,
  pickedUp: 1,
};

beforeEach(async () => {
  now = new Date('2025-06-02T09:00:00Z');
  receiver = await startWebhookReceiver();
  log = capturingLog();
  fake = await startShopifyFake({ ...secret, webhookUrl: receiver.url, shop: config.shop, now: () => now });
});

afterEach(async () => {
  await fake?.close();
  await receiver.close();
});

describe('writeStats', () => {
  it('writes the stats as omnihub metafields in one metafieldsSet, and Shopify holds them', async () => {
    // Prepare
    const customerId = fake.admin.createCustomer({ email: 'ada.lovelace@example.com', first_name: 'Ada' }).id;

    // Act
    const outcome = await createShopifyStatsTarget(options()).writeStats(customerId, stats);

    // Assess
    expect(outcome).toBe('written');
    expect(fake.writes().map((call) => call.fields)).toEqual([['metafieldsSet']]);
    const heldByShopify = Object.fromEntries(fake.metafields.list(BigInt(customerId), STATS_NAMESPACE).map((metafield) => [metafield.key, { type: metafield.type, value: metafield.value }]));
    expect(await readBack(customerId)).toEqual(heldByShopify);
    expect(heldByShopify).toEqual({
      orders: { type: 'number_integer', value: '3' },
      spent: { type: 'json', value: '{"EUR":"12.00","USD":"58.30"}' },
      orders_web: { type: 'number_integer', value: '2' },
      orders_store: { type: 'number_integer', value: '1' },
      spent_web: { type: 'json', value: '{"USD":"46.30"}' },
      spent_store: { type: 'json', value: '{"EUR":"12.00","USD":"12.00"}' },
      channels: { type: 'list.single_line_text_field', value: '["web","store"]' },
      pickups: { type: 'number_integer', value: '2' },
      picked_up: { type: 'number_integer', value: '1' },
      first_order_at: { type: 'date_time', value: '2025-01-05T10:00:00' },
      last_order_at: { type: 'date_time', value: '2025-06-01T21:30:00' },
    });
  });

  it('overwrites the same metafields on the next write', async () => {
    // Prepare
    const customerId = fake.admin.createCustomer({ email: 'ada.lovelace@example.com' }).id;
    const target = createShopifyStatsTarget(options());
    await target.writeStats(customerId, stats);
    const ids = fake.metafields.list(BigInt(customerId)).map((metafield) => metafield.id);

    // Act
    now = new Date(now.getTime() + 1000);
    await target.writeStats(customerId, { ...stats, orders: 4, pickedUp: 2 });

    // Assess
    const after = fake.metafields.list(BigInt(customerId));
    expect(after.map((metafield) => metafield.id)).toEqual(ids);
    expect((await readBack(customerId))['orders']).toEqual({ type: 'number_integer', value: '4' });
    expect((await readBack(customerId))['picked_up']).toEqual({ type: 'number_integer', value: '2' });
  });

  it('writes a customer without orders yet without the dates', async () => {
    // Prepare
    const customerId = fake.admin.createCustomer({ email: 'grace@example.com' }).id;

    // Act
    await createShopifyStatsTarget(options()).writeStats(customerId, EMPTY_STATS);

    // Assess
    const read = await readBack(customerId);
    expect(Object.keys(read).sort()).toEqual(['channels', 'orders', 'orders_store', 'orders_web', 'picked_up', 'pickups', 'spent', 'spent_store', 'spent_web']);
    expect(read['channels']?.value).toBe('[]');
  });

  it("answers 'gone' for a customer deleted in Shopify, and nothing is written", async () => {
    // Prepare
    const customerId = fake.admin.createCustomer({ email: 'gone@example.com' }).id;
    fake.admin.deleteCustomer(customerId);

    // Act
    const outcome = await createShopifyStatsTarget(options()).writeStats(customerId, stats);

    // Assess
    expect(outcome).toBe('gone');
    expect(fake.metafields.list(BigInt(customerId))).toEqual([]);
  });

  it('refuses an id that is not a Shopify customer id without calling Shopify', async () => {
    // Act
    const writing = createShopifyStatsTarget(options()).writeStats('gid://shopify/Customer/1', stats);

    // Assess
    await expect(writing).rejects.toBeInstanceOf(ConnectorError);
    expect(fake.calls).toEqual([]);
  });

  it('saves the customer: Shopify sends customers/update for the metafield write', async () => {
    // Prepare
    const customerId = fake.admin.createCustomer({ email: 'ada.lovelace@example.com' }).id;
    await fake.webhooks.idle();
    const before = receiver.deliveries.length;
    now = new Date(now.getTime() + 5000);

    // Act
    await createShopifyStatsTarget(options()).writeStats(customerId, stats);
    await fake.webhooks.idle();

    // Assess
    expect(receiver.deliveries.slice(before).map((delivery) => delivery.headers['x-shopify-topic'])).toEqual(['customers/update']);
    expect(fake.state.get(BigInt(customerId))?.updatedAt.toISOString()).toBe('2025-06-02T09:00:05.000Z');
  });

  it('is the connector’s stats target', () => {
    expect(shopify.createStatsTarget).toBe(createShopifyStatsTarget);
  });
});
