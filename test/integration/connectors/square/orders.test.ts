import { afterEach, describe, expect, it } from 'vitest';
import { SquareClient } from 'square';
import { orderKey } from '../../../../core/model/order';
import { UnusableOrder } from '../../../../core/orders/ports';
import { startSquareFake, type SquareFake } from '../../../../connectors/square/fake/server';
import type { FakeOrder } from '../../../../connectors/square/fake/orders-state';
import { createSquareOrderSource } from '../../../../connectors/square/orders/source';
import { SIGNATURE_KEY, TOKEN, capturingLog, caught } from './support';

/**
 * The Square order source through the real SDK against the fake seller: what it reads is what
 * the fake holds. Money is read from the fake's integer minor units, never restated here.
 */
let fake: SquareFake | undefined;
let clock = new Date('2025-03-01T12:00:00.250Z');
const tick = () => (clock = new Date(clock.getTime() + 60_000));

async function start(options: { locations?: string[] } = {}): Promise<SquareFake> {
  clock = new Date('2025-03-01T12:00:00.250Z');
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0, now: () => clock, ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function source(config: { locationIds: 'all' | string[] } = { locationIds: 'all' }) {
  return createSquareOrderSource({ config: { environment: 'sandbox', ...config }, secret: { accessToken: TOKEN }, mapping: { defaultCountry: 'US' }, baseUrl: fake!.baseUrl, log: capturingLog() });
}

const dollars = (cents: number) => (cents / 100).toFixed(2);
const reads = () => fake!.requests.filter((request) => request.path.startsWith('/v2/')).map((request) => `${request.method} ${request.path} ${request.status}`);
const pickupOf = (order: FakeOrder) => order.fulfillments![0]!;

describe('the Square order source', () => {
  it('reads a POS sale rung up for a customer: no version, so its updated_at orders it; store channel, fulfilled, the customer as buyer', async () => {
    // Prepare
    await start();
    const customer = fake!.admin.createCustomer({ given_name: 'Grace', email_address: 'grace@example.org' });
    const { order: sale } = fake!.admin.ringUpSale({
      customer_id: customer.id,
      line_items: [
        { name: 'Espresso beans 1 kg', quantity: '1', base_price_money: { amount: 2400, currency: 'USD' } },
        { name: 'Loose tea', quantity: '0.25', base_price_money: { amount: 1999, currency: 'USD' } },
      ],
    });

    // Act
    const [order] = await source().readOrders([sale.id]);

    // Assess
    const held = fake!.orders.orders.get(sale.id)!;
    expect(held.version).toBeUndefined();
    expect(order).toEqual({
      origin: { system: 'square', externalId: held.id },
      revision: Date.parse(held.updated_at),
      updatedAt: held.updated_at,
      placedAt: held.created_at,
      name: held.id,
      channel: 'store',
      status: 'fulfilled',
      currency: 'USD',
      total: { amount: dollars(held.total_money.amount), currency: 'USD' },
      subtotal: { amount: dollars(held.total_money.amount), currency: 'USD' },
      lines: held.line_items.map((line) => ({
        lineId: line.uid,
        name: line.name,
        sku: null,
        quantity: line.quantity,
        unitPrice: { amount: dollars(line.base_price_money.amount), currency: 'USD' },
        total: { amount: dollars(line.total_money.amount), currency: 'USD' },
      })),
      pickup: { state: 'none', location: null, readyAt: null, pickedUpAt: null },
      buyer: { externalId: customer.id, email: null, phone: null },
    });
    expect(orderKey(order!.origin)).toBe(`square:${held.id}`);
    expect(reads()).toEqual(['POST /v2/orders/batch-retrieve 200']);
  });

  it('reads a POS sale without a customer: no buyer to name', async () => {
    // Prepare
    await start();
    const { order: sale } = fake!.admin.ringUpSale({ line_items: [{ name: 'Drip coffee', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }], source_type: 'CASH' });

    // Act
    const [order] = await source().readOrders([sale.id]);

    // Assess
    expect(fake!.orders.orders.get(sale.id)?.customer_id).toBeUndefined();
    expect(order).toMatchObject({ status: 'fulfilled', channel: 'store', total: { amount: dollars(sale.total_money.amount) }, buyer: { externalId: null, email: null, phone: null } });
  });

  it('follows a pickup order through PROPOSED → PREPARED → COMPLETED, each read showing its state and a higher revision', async () => {
    // Prepare: a pickup for someone the store knows only by the phone and email given at the order.
    await start();
    const placed = fake!.admin.createOrder({
      location_id: fake!.location,
      line_items: [{ name: 'Cold brew', quantity: '2', base_price_money: { amount: 500, currency: 'USD' } }],
      fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'Katherine', phone_number: '(212) 555-0104', email_address: 'Katherine@Example.com' } } }],
    });
    const uid = pickupOf(placed).uid;
    const readNow = async () => (await source().readOrders([placed.id]))[0]!;

    // Act
    const proposed = await readNow();
    tick();
    fake!.admin.payOrder(placed.id);
    tick();
    fake!.admin.setFulfillmentState(placed.id, uid, 'PREPARED');
    const prepared = await readNow();
    tick();
    fake!.admin.setFulfillmentState(placed.id, uid, 'COMPLETED');
    const completed = await readNow();

    // Assess
    const held = fake!.orders.orders.get(placed.id)!;
    expect([proposed, prepared, completed].map((order) => [order.pickup.state, order.status])).toEqual([
      ['placed', 'placed'],
      ['ready_for_pickup', 'paid'],
      ['picked_up', 'fulfilled'],
    ]);
    expect(proposed.revision).toBe(1);
    expect(prepared.revision).toBeGreaterThan(proposed.revision);
    expect(completed.revision).toBeGreaterThan(prepared.revision);
    expect(completed.revision).toBe(held.version);
    expect(completed.pickup).toEqual({ state: 'picked_up', location: { id: fake!.location, name: null }, readyAt: pickupOf(held).pickup_details.ready_at, pickedUpAt: pickupOf(held).pickup_details.picked_up_at });
    expect(prepared.pickup.readyAt).toBe(pickupOf(held).pickup_details.ready_at);
    expect(proposed.buyer).toEqual({ externalId: null, email: 'katherine@example.com', phone: '+12125550104' });
  });

  it('reads a refund: the refund names its return order, the source reads the sale, whose total is what was kept', async () => {
    // Prepare
    await start();
    const { order: sale } = fake!.admin.ringUpSale({
      line_items: [
        { name: 'Pour-over kettle', quantity: '1', base_price_money: { amount: 6500, currency: 'USD' } },
        { name: 'Paper filters', quantity: '1', base_price_money: { amount: 800, currency: 'USD' } },
      ],
    });
    const before = (await source().readOrders([sale.id]))[0]!;
    tick();
    const partial = fake!.admin.refundOrder(sale.id, 800);
    const afterPartial = await source().readOrders([partial.refund.order_id]);
    tick();
    const rest = fake!.admin.refundOrder(sale.id);

    // Act
    const afterFull = await source().readOrders([rest.refund.order_id, sale.id]);

    // Assess
    const held = fake!.orders.orders.get(sale.id)!;
    expect(fake!.orders.orders.get(partial.refund.order_id)?.returns?.[0]?.source_order_id).toBe(sale.id);
    expect(afterPartial.map((order) => [order.origin.externalId, order.status, order.total.amount])).toEqual([[sale.id, 'fulfilled', dollars(sale.total_money.amount - 800)]]);
    expect(afterPartial[0]!.revision).toBeGreaterThan(before.revision);
    expect(afterFull.map((order) => [order.origin.externalId, order.status, order.total.amount])).toEqual([[sale.id, 'refunded', dollars(held.net_amounts.total_money.amount)]]);
    expect(held.net_amounts.total_money.amount).toBe(0);
  });

  it('reads a cancelled pickup order: cancelled, and so is its pickup', async () => {
    // Prepare
    await start();
    const placed = fake!.admin.createOrder({
      location_id: fake!.location,
      line_items: [{ name: 'Flat white', quantity: '1', base_price_money: { amount: 450, currency: 'USD' } }],
      fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'Ada', phone_number: '+12125550101' } } }],
    });
    tick();
    fake!.admin.cancelOrder(placed.id);

    // Act
    const [order] = await source().readOrders([placed.id]);

    // Assess
    const held = fake!.orders.orders.get(placed.id)!;
    expect(held).toMatchObject({ state: 'CANCELED', version: 2 });
    expect(order).toMatchObject({ status: 'cancelled', revision: held.version, pickup: { state: 'cancelled' } });
  });

  it('leaves out ids Square does not know, and reads more than 100 ids in batches of 100', async () => {
    // Prepare
    await start();
    const sales = Array.from({ length: 101 }, (_, index) => fake!.admin.ringUpSale({ line_items: [{ name: `Item ${index}`, quantity: '1', base_price_money: { amount: 100 + index, currency: 'USD' } }] }).order);
    const missing = 'MISSING0000000000000000000000';

    // Act
    const orders = await source().readOrders([missing, ...sales.map((sale) => sale.id), sales[0]!.id]);

    // Assess
    expect(orders.map((order) => order.origin.externalId)).toEqual(sales.map((sale) => sale.id));
    const batches = fake!.requests.filter((request) => request.path === '/v2/orders/batch-retrieve');
    expect(batches.map((request) => (request.body as { order_ids: string[] }).order_ids.length)).toEqual([100, 2]);
  });

  it('leaves out orders of locations omnihub is not configured to read', async () => {
    // Prepare
    await start({ locations: ['L88917AVBK2S5', 'LOTHER0000000'] });
    const here = fake!.admin.ringUpSale({ line_items: [{ name: 'Tea', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }] }).order;
    const there = fake!.admin.ringUpSale({ location_id: 'LOTHER0000000', line_items: [{ name: 'Tea', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }] }).order;

    // Act
    const orders = await source({ locationIds: ['L88917AVBK2S5'] }).readOrders([here.id, there.id]);

    // Assess
    expect(orders.map((order) => order.origin.externalId)).toEqual([here.id]);
  });

  it('refuses an order it cannot copy exactly, naming the field and never the value', async () => {
    // Prepare: a line in another currency than the order's.
    await start();
    const { order: sale } = fake!.admin.ringUpSale({ line_items: [{ name: 'Secret Blend', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }] });
    fake!.orders.orders.get(sale.id)!.line_items[0]!.total_money.currency = 'EUR';

    // Act
    const error = await caught(source().readOrders([sale.id]));

    // Assess
    expect(error).toBeInstanceOf(UnusableOrder);
    expect(error).toMatchObject({ system: 'square', externalId: sale.id, reason: "line_items[0].total_money.currency differs from the order's" });
    expect(String(error)).not.toContain('Secret Blend');
  });
});

describe('the fake, as Square', () => {
  it('refuses an UpdateOrder without the version, or with a stale one (VERSION_MISMATCH), and one of an order not created through the API', async () => {
    // Prepare
    await start();
    const sdk = new SquareClient({ token: TOKEN, baseUrl: fake!.baseUrl, maxRetries: 0 });
    const placed = fake!.admin.createOrder({
      location_id: fake!.location,
      line_items: [{ name: 'Flat white', quantity: '1', base_price_money: { amount: 450, currency: 'USD' } }],
      fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'Ada', phone_number: '+12125550101' } } }],
    });
    const { order: sale } = fake!.admin.ringUpSale({ line_items: [{ name: 'Tea', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } }] });
    const uid = pickupOf(placed).uid;

    // Act
    const ready = await sdk.orders.update({ orderId: placed.id, order: { locationId: fake!.location, version: 1, fulfillments: [{ uid, state: 'PREPARED' }] }, idempotencyKey: 'ready-1' });
    const stale = await caught(sdk.orders.update({ orderId: placed.id, order: { locationId: fake!.location, version: 1, fulfillments: [{ uid, state: 'COMPLETED' }] } }));
    const versionless = await caught(sdk.orders.update({ orderId: placed.id, order: { locationId: fake!.location, fulfillments: [{ uid, state: 'COMPLETED' }] } }));
    const posSale = await caught(sdk.orders.update({ orderId: sale.id, order: { locationId: fake!.location, version: 1 } }));

    // Assess
    expect(ready.order).toMatchObject({ version: 2, fulfillments: [{ state: 'PREPARED', pickupDetails: { readyAt: expect.any(String) } }] });
    expect(stale).toMatchObject({ statusCode: 400, errors: [{ code: 'VERSION_MISMATCH', field: 'order.version' }] });
    expect(versionless).toMatchObject({ statusCode: 400, errors: [{ code: 'BAD_REQUEST', field: 'order.version' }] });
    expect(posSale).toMatchObject({ statusCode: 400 });
    expect(fake!.orders.orders.get(placed.id)).toMatchObject({ version: 2, fulfillments: [{ state: 'PREPARED' }] });
  });

  it('refuses a BatchRetrieveOrders of more than 100 ids', async () => {
    // Prepare
    await start();
    const sdk = new SquareClient({ token: TOKEN, baseUrl: fake!.baseUrl, maxRetries: 0 });

    // Act
    const error = await caught(sdk.orders.batchGet({ orderIds: Array.from({ length: 101 }, (_, index) => `ORDER${index}`) }));

    // Assess
    expect(error).toMatchObject({ statusCode: 400 });
  });
});
