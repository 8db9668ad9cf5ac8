import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SquareClient } from 'square';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSquareFake, type SquareFake } from '../../../../connectors/square/fake/server';
import { SIGNATURE_KEY } from './support';

/** `npm start` keeps the Square sandbox seller on disk: a restart keeps customers, orders, payments, ids and idempotency keys. */

const TOKEN = 'EAAAl-sandbox-test-token';
const FIRST_CLOCK = new Date('2025-03-01T12:00:00.250Z');
const SECOND_CLOCK = new Date('2025-03-02T09:30:00.000Z');

let folder: string;
let persistPath: string;
let fake: SquareFake | undefined;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'omnihub-square-fake-'));
  persistPath = path.join(folder, 'sandboxes', 'square.json');
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await rm(folder, { recursive: true, force: true });
});

async function start(clock: Date): Promise<SquareFake> {
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0, seed: true, now: () => clock, persistPath });
  return fake;
}

/** The real SDK, pointed at the fake, without its retries. */
function sdk(): SquareClient {
  return new SquareClient({ token: TOKEN, baseUrl: fake!.baseUrl, maxRetries: 0 });
}

const CREATE_AMELIA = { idempotencyKey: 'create-amelia', givenName: 'Amelia', familyName: 'Earhart', emailAddress: 'amelia@example.com' };

describe('Square fake persistence (persistPath)', () => {
  it('keeps customers, orders, payments, ids and CreateCustomer replays across a restart, without seeding again', async () => {
    // Prepare
    await start(FIRST_CLOCK);
    const seeded = fake!.customers.list();
    const [ada, grace] = seeded;
    const amelia = (await sdk().customers.create(CREATE_AMELIA)).customer!;
    const edited = (await sdk().customers.update({ customerId: ada!.id, familyName: 'King', version: 0n })).customer!;
    await sdk().customers.delete({ customerId: grace!.id });
    const created = await sdk().orders.create({
      idempotencyKey: 'order-amelia',
      order: {
        locationId: fake!.location,
        customerId: amelia.id!,
        lineItems: [{ name: 'Flat white', quantity: '2', basePriceMoney: { amount: 450n, currency: 'USD' } }],
        fulfillments: [{ type: 'PICKUP', pickupDetails: { recipient: { displayName: 'Amelia', phoneNumber: '+12125554240' }, scheduleType: 'ASAP' } }],
      },
    });
    const order = created.order!;
    fake!.admin.setFulfillmentState(order.id!, order.fulfillments![0]!.uid!, 'RESERVED');
    const payment = fake!.admin.payOrder(order.id!);
    const ordersBefore = [...fake!.orders.orders.values()];
    const savedIds = [...seeded.map((customer) => customer.id), amelia.id!];
    await fake!.close();

    // Act
    await start(SECOND_CLOCK);
    const listed = await sdk().customers.list();
    const readAda = (await sdk().customers.get({ customerId: ada!.id })).customer;
    const readAmelia = (await sdk().customers.get({ customerId: amelia.id! })).customer;
    const replayed = (await sdk().customers.create(CREATE_AMELIA)).customer;
    const dorothy = (await sdk().customers.create({ givenName: 'Dorothy', emailAddress: 'dorothy@example.com' })).customer!;
    const readOrders = (await sdk().orders.batchGet({ orderIds: ordersBefore.map((each) => each.id) })).orders ?? [];
    const readPayment = (await sdk().payments.get({ paymentId: payment.id })).payment;

    // Assess
    expect(listed.data.map((customer) => customer.id).sort()).toEqual(savedIds.filter((id) => id !== grace!.id).sort());
    expect(readAda).toMatchObject({ givenName: 'Ada', familyName: 'King', version: 1n, createdAt: edited.createdAt, updatedAt: edited.updatedAt });
    expect(readAmelia).toEqual(amelia);
    expect(replayed).toEqual(amelia);
    expect(fake!.customers.get(grace!.id)).toBeUndefined();
    expect(savedIds).not.toContain(dorothy.id);
    expect(fake!.customers.list()).toHaveLength(savedIds.length - 1 + 1);
    expect(readOrders).toHaveLength(ordersBefore.length);
    const refundedSale = ordersBefore.find((each) => (each.refunds ?? []).length > 0)!;
    expect(readOrders.find((each) => each.id === refundedSale.id)?.netAmounts?.totalMoney?.amount).toBe(BigInt(refundedSale.net_amounts.total_money.amount));
    expect(fake!.orders.refunds.size).toBe(1);
    const readAmeliaOrder = readOrders.find((each) => each.id === order.id);
    expect(readAmeliaOrder).toMatchObject({ customerId: amelia.id, state: 'OPEN', version: 3, netAmountDueMoney: { amount: 0n }, createdAt: order.createdAt });
    expect(readAmeliaOrder?.fulfillments?.[0]).toMatchObject({ uid: order.fulfillments![0]!.uid, state: 'RESERVED', pickupDetails: { acceptedAt: '2025-03-01T12:00:00.25Z' } });
    expect(readOrders.map((each) => [each.id, each.state, each.version])).toEqual(ordersBefore.map((each) => [each.id, each.state, each.version]));
    expect(readPayment).toMatchObject({ id: payment.id, orderId: order.id, status: 'COMPLETED', receiptNumber: payment.receipt_number });
  });

  it('saves after a change while still running (a crash loses at most the debounce)', async () => {
    // Prepare
    await start(FIRST_CLOCK);

    // Act
    const amelia = fake!.admin.createCustomer({ given_name: 'Amelia' });
    const saved = await vi.waitFor(
      async () => {
        const text = await readFile(persistPath, 'utf8');
        if (!text.includes(amelia.id)) throw new Error('not saved yet');
        return text;
      },
      { timeout: 3000, interval: 50 },
    );

    // Assess
    expect(saved).toContain('"given_name":"Amelia"');
  });

  it('refuses a file that is not JSON, naming the file and what to do', async () => {
    // Prepare
    persistPath = path.join(folder, 'broken.json');
    await writeFile(persistPath, '{"customers": [');

    // Act
    const failure = start(FIRST_CLOCK).then(
      () => 'started',
      (error: unknown) => String(error),
    );

    // Assess
    expect(await failure).toMatch(/saved state at .*broken\.json is not readable.*delete it to start fresh/);
  });

  it('refuses a file that is not a saved seller, naming the file and the fields at fault', async () => {
    // Prepare
    persistPath = path.join(folder, 'other.json');
    await writeFile(persistPath, '{"version": 1, "customers": 3}');

    // Act
    const failure = start(FIRST_CLOCK).then(
      () => 'started',
      (error: unknown) => String(error),
    );

    // Assess
    expect(await failure).toMatch(/saved state at .*other\.json is not readable \(.*customers.*\); delete it to start fresh/);
  });

  it('refuses a path it cannot read (a folder), naming it', async () => {
    // Prepare
    persistPath = path.join(folder, 'square.json');
    await mkdir(persistPath);

    // Act
    const failure = start(FIRST_CLOCK).then(
      () => 'started',
      (error: unknown) => String(error),
    );

    // Assess
    expect(await failure).toMatch(/saved state at .*square\.json is not readable/);
  });
});
