import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSquareFake, type SquareFake, type SquareFakeOptions } from '../../../../connectors/square/fake/server';
import { parse, verify } from '../../../../connectors/square/webhook';
import { SIGNATURE_KEY, TOKEN, startReceiver } from './support';

const mapping = { defaultCountry: 'US' as const };
const now = new Date();
let fake: SquareFake | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

async function start(statuses: number[] = [], options: Partial<SquareFakeOptions> = {}) {
  receiver = await startReceiver(statuses);
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0, webhookUrl: receiver.url, ...options });
  return { fake, receiver };
}

const EnvelopeSchema = z.object({
  merchant_id: z.string(),
  type: z.string(),
  event_id: z.string(),
  created_at: z.string(),
  data: z.object({ type: z.string(), id: z.string(), object: z.record(z.string(), z.unknown()) }),
});

afterEach(async () => {
  await fake?.close();
  await receiver?.close();
  fake = undefined;
  receiver = undefined;
});

describe('event notifications', () => {
  it('signs every notification over the notification URL and raw body, so the connector\'s verify accepts it', async () => {
    // Prepare
    const { fake, receiver } = await start();

    // Act
    const customer = fake.admin.createCustomer({ given_name: 'Ada', phone_number: '+1 212 555 0101' });
    fake.admin.updateCustomer(customer.id, { email_address: 'ada@example.com' });
    fake.admin.deleteCustomer(customer.id);
    await fake.webhooks.idle();

    // Assess
    const secret = { signatureKey: SIGNATURE_KEY, notificationUrl: receiver.url };
    expect(receiver.deliveries.map((delivery) => verify(delivery, secret, now))).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(receiver.deliveries.map((delivery) => EnvelopeSchema.parse(JSON.parse(delivery.rawBody.toString())).type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(receiver.deliveries[0]?.headers).toMatchObject({ 'square-environment': 'Sandbox', 'square-initial-delivery-timestamp': expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(receiver.deliveries[0]?.headers).not.toHaveProperty('square-retry-number');
  });

  it('carries the whole customer in customer.* events, in the envelope\'s snake_case and key order', async () => {
    // Prepare
    const { fake, receiver } = await start();

    // Act
    fake.admin.createCustomer({ given_name: 'Grace', family_name: 'Hopper', email_address: 'grace@example.org' });
    await fake.webhooks.idle();

    // Assess
    const body = receiver.deliveries[0]!.rawBody.toString();
    expect(Object.keys(JSON.parse(body) as object)).toEqual(['merchant_id', 'type', 'event_id', 'created_at', 'data']);
    const parsed = parse(receiver.deliveries[0]!, mapping);
    expect(parsed.ok && parsed.items[0]).toMatchObject({ kind: 'observed', observation: { values: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.org' } } });
  });

  it('sends order.created and order.updated as summaries, never the order, and a fulfillment update with old and new state', async () => {
    // Prepare
    const { fake, receiver } = await start();

    // Act
    const order = fake.admin.createOrder({
      location_id: fake.location,
      line_items: [{ name: 'Cold brew', quantity: '1', base_price_money: { amount: 500, currency: 'USD' } }],
      fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'Katherine', phone_number: '+12125550104' } } }],
    });
    fake.admin.setFulfillmentState(order.id, order.fulfillments![0]!.uid, 'RESERVED');
    await fake.webhooks.idle();

    // Assess
    const events = receiver.deliveries.map((delivery) => EnvelopeSchema.parse(JSON.parse(delivery.rawBody.toString())));
    expect(events.map((event) => `${event.type} ${event.data.type}`)).toEqual(['order.created order_created', 'order.updated order_updated', 'order.fulfillment.updated order_fulfillment_updated']);
    expect(events[0]?.data.object).toEqual({ order_created: { created_at: order.created_at, location_id: fake.location, order_id: order.id, state: 'OPEN', version: 1 } });
    expect(JSON.stringify(events[1]?.data.object)).not.toContain('line_items');
    expect(events[2]?.data.object).toMatchObject({ order_fulfillment_updated: { version: 2, fulfillment_update: [{ fulfillment_uid: order.fulfillments![0]!.uid, old_state: 'PROPOSED', new_state: 'RESERVED' }] } });
    expect(receiver.deliveries.map((delivery) => parse(delivery, mapping))).toEqual(
      events.map((event) => ({ ok: true, ignored: 0, items: [{ kind: 'order-referenced', externalId: order.id, occurredAt: event.created_at, dedupeKey: event.event_id }] })),
    );
  });

  it('retries a failed delivery with the same body and signature, adding square-retry-number and square-retry-reason', async () => {
    // Prepare: the hub answers 500, then 500, then 200.
    const { fake, receiver } = await start([500, 500]);

    // Act
    fake.admin.createCustomer({ given_name: 'Ada' });
    await fake.webhooks.idle();

    // Assess
    const [first, second, third] = receiver.deliveries;
    expect(receiver.deliveries).toHaveLength(3);
    expect(second?.rawBody.equals(first!.rawBody)).toBe(true);
    expect(third?.headers['x-square-hmacsha256-signature']).toBe(first?.headers['x-square-hmacsha256-signature']);
    expect(third?.headers['square-initial-delivery-timestamp']).toBe(first?.headers['square-initial-delivery-timestamp']);
    expect([second?.headers['square-retry-number'], third?.headers['square-retry-number']]).toEqual(['1', '2']);
    expect(second?.headers['square-retry-reason']).toBe('http_error');
    expect(verify(third!, { signatureKey: SIGNATURE_KEY, notificationUrl: receiver.url }, now)).toEqual({ ok: true });
  });

  it('delivers duplicates that parse to the same dedupe key, so the receiver drops the second', async () => {
    // Prepare
    const { fake, receiver } = await start();
    fake.webhooks.chaos = { seed: 3, duplicate: 1 };

    // Act
    const customer = fake.admin.createCustomer({ given_name: 'Ada' });
    fake.admin.updateCustomer(customer.id, { family_name: 'Lovelace' });
    await fake.webhooks.idle();

    // Assess
    const keys = receiver.deliveries.map((delivery) => {
      const result = parse(delivery, mapping);
      return result.ok ? result.items[0]?.dedupeKey : undefined;
    });
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(2);
  });

  it('can deliver out of order: the later edit may arrive first, each with its own updated_at and version', async () => {
    // Prepare: the first delivery is held back so the second overtakes it.
    let clock = new Date('2025-03-01T12:00:00Z');
    const { fake, receiver } = await start([], { now: () => clock });
    const customer = fake.admin.createCustomer({ given_name: 'Ada' });
    await fake.webhooks.idle();
    fake.webhooks.chaos = { seed: 1, reorder: 1, holdMs: [150, 150] };
    fake.admin.updateCustomer(customer.id, { family_name: 'Byron' });
    fake.webhooks.chaos = {};
    clock = new Date('2025-03-01T12:00:05Z');

    // Act
    fake.admin.updateCustomer(customer.id, { family_name: 'Lovelace' });
    await fake.webhooks.idle();

    // Assess
    const updates = receiver.deliveries.slice(1).map((delivery) => JSON.parse(delivery.rawBody.toString()) as { data: { object: { customer: { family_name: string; version: number; updated_at: string } } } });
    expect(updates.map((event) => event.data.object.customer)).toMatchObject([
      { family_name: 'Lovelace', version: 2, updated_at: '2025-03-01T12:00:05Z' },
      { family_name: 'Byron', version: 1, updated_at: '2025-03-01T12:00:00Z' },
    ]);
  });

  it('signs the subscription\'s notification URL even when deliveries land elsewhere (a proxy)', async () => {
    // Prepare
    const { fake, receiver } = await start([], { notificationUrl: 'https://hooks.example.com/webhooks/square' });

    // Act
    fake.admin.createCustomer({ given_name: 'Ada' });
    await fake.webhooks.idle();

    // Assess
    const delivery = receiver.deliveries[0]!;
    expect(verify(delivery, { signatureKey: SIGNATURE_KEY, notificationUrl: 'https://hooks.example.com/webhooks/square' }, now)).toEqual({ ok: true });
    expect(verify(delivery, { signatureKey: SIGNATURE_KEY, notificationUrl: receiver.url }, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('tells a merge by customer.created of the new profile and customer.deleted of each merged one, with event_context.merge', async () => {
    // Prepare
    const { fake, receiver } = await start();
    const one = fake.admin.createCustomer({ given_name: 'Ada', email_address: 'ada@example.com' });
    const two = fake.admin.createCustomer({ given_name: 'Ada', phone_number: '+12125550101' });
    await fake.webhooks.idle();

    // Act
    const merged = fake.admin.mergeCustomers([one.id, two.id]);
    await fake.webhooks.idle();

    // Assess
    const items = receiver.deliveries.slice(2).map((delivery) => {
      const result = parse(delivery, mapping);
      return result.ok ? result.items[0] : undefined;
    });
    expect(items.map((item) => item?.kind)).toEqual(['observed', 'merged', 'merged']);
    expect(items[1]).toMatchObject({ kind: 'merged', survivorId: merged.id, mergedIds: [one.id, two.id] });
    expect(fake.customers.get(merged.id)).toMatchObject({ creation_source: 'MERGE', email_address: 'ada@example.com', phone_number: '+12125550101' });
  });
});
