import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from '../../../../connectors/connector';
import type { OrderSource } from '../../../../core/orders/ports';
import { startSquareFake, type SquareFake } from '../../../../connectors/square/fake/server';
import { buildFunction } from '../../../../functions/build';
import { bundleBudget, connectorBundleDefine } from '../../../../functions/catalog';
import { SIGNATURE_KEY, TOKEN, capturingLog } from './support';

/**
 * Square's order side as its orders bundle carries it (connectorBundleDefine('square', 'orders'):
 * descriptor.loadOrders), and the customer sync bundle beside it: each holds the SDK code of its
 * own entity's calls only (functions/prune-square-sdk.ts), within the function budget. The
 * orders bundle reads orders from the fake through the pruned SDK (bigint money included).
 */
const ROOT = path.resolve(import.meta.dirname, '../../../..');

interface OrdersBundle {
  sourceOf(options: ClientOptions<unknown, unknown>): Promise<OrderSource>;
  SquareClient: new (options: { token: string; baseUrl: string }) => Record<string, unknown>;
}

let dir: string;
let orders: { bytes: number; inputs: string[]; bundle: OrdersBundle };
let customers: { bytes: number; inputs: string[] };
let fake: SquareFake;

const apisOf = (inputs: string[]) => [...new Set(inputs.flatMap((input) => /node_modules\/square\/api\/resources\/([A-Za-z]+)\//.exec(input)?.[1] ?? []))];
const orderSerializers = (inputs: string[]) => inputs.filter((input) => /node_modules\/square\/serialization\/types\/Order[A-Z.]/.test(input));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omnihub-square-orders-bundle-'));
  const entry = path.join(dir, 'orders-entry.ts');
  await writeFile(
    entry,
    [
      `import { squareDescriptor } from ${JSON.stringify(path.join(ROOT, 'connectors/square/descriptor.ts'))};`,
      `export { SquareClient } from 'square';`,
      `export async function sourceOf(options) { const side = await squareDescriptor.loadOrders(); return side.createSource(options); }`,
    ].join('\n'),
  );
  const ordersBuild = await buildFunction({ entry, outfile: path.join(dir, 'orders.mjs'), define: connectorBundleDefine('square', 'orders') });
  const customersBuild = await buildFunction({ entry: path.join(ROOT, 'functions/connector-sync.ts'), outfile: path.join(dir, 'sync.mjs'), define: connectorBundleDefine('square') });
  orders = { bytes: ordersBuild.bytes, inputs: Object.keys(ordersBuild.metafile.inputs), bundle: (await import(pathToFileURL(path.join(dir, 'orders.mjs')).href)) as OrdersBundle };
  customers = { bytes: customersBuild.bytes, inputs: Object.keys(customersBuild.metafile.inputs) };
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startSquareFake({ accessToken: TOKEN, signatureKey: SIGNATURE_KEY, searchLagMs: 0 });
});
afterEach(async () => {
  await fake.close();
});

const options = () => ({
  config: { environment: 'sandbox' as const, locationIds: 'all' as const },
  secret: { accessToken: TOKEN },
  mapping: { defaultCountry: 'US' as const },
  baseUrl: fake.baseUrl,
  log: capturingLog(),
});

describe('the Square orders bundle', () => {
  it('carries the orders API of the SDK and no customer code; the customer sync bundle carries no order code; both within budget', () => {
    expect(apisOf(orders.inputs)).toEqual(['orders']);
    expect(orders.inputs.filter((input) => /connectors\/square\/(client|reader)\.ts$/.test(input))).toEqual([]);
    expect(orderSerializers(orders.inputs).length).toBeGreaterThan(0);
    expect(apisOf(customers.inputs)).toEqual(['customers']);
    expect(customers.inputs.filter((input) => input.includes('connectors/square/orders/'))).toEqual([]);
    expect(orderSerializers(customers.inputs)).toEqual([]);
    expect(orders.bytes).toBeLessThanOrEqual(bundleBudget('sync-square'));
    expect(customers.bytes).toBeLessThanOrEqual(bundleBudget('sync-square'));
  });

  it('reads a POS sale and a refunded pickup order through the pruned SDK, money from bigint minor units', async () => {
    // Prepare
    const customer = fake.admin.createCustomer({ given_name: 'Grace', email_address: 'grace@example.org' });
    const { order: sale } = fake.admin.ringUpSale({ customer_id: customer.id, line_items: [{ name: 'Espresso beans 1 kg', quantity: '1', base_price_money: { amount: 2400, currency: 'USD' } }] });
    const pickup = fake.admin.createOrder({
      location_id: fake.location,
      line_items: [{ name: 'Cold brew', quantity: '3', base_price_money: { amount: 500, currency: 'USD' } }],
      fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'Katherine', phone_number: '+12125550104' } } }],
    });
    fake.admin.payOrder(pickup.id);
    fake.admin.setFulfillmentState(pickup.id, pickup.fulfillments![0]!.uid, 'PREPARED');
    const { refund } = fake.admin.refundOrder(pickup.id, 500);
    const source = await orders.bundle.sourceOf(options());

    // Act
    const read = await source.readOrders([sale.id, refund.order_id, 'MISSING0000000000000000000000']);

    // Assess
    const heldPickup = fake.orders.orders.get(pickup.id)!;
    expect(read.map((order) => [order.origin.externalId, order.status, order.total.amount, order.pickup.state, order.buyer.externalId])).toEqual([
      [sale.id, 'fulfilled', (sale.total_money.amount / 100).toFixed(2), 'none', customer.id],
      [pickup.id, 'paid', (heldPickup.net_amounts.total_money.amount / 100).toFixed(2), 'ready_for_pickup', null],
    ]);
    expect(read[1]?.revision).toBe(heldPickup.version);
    expect(fake.requests.filter((request) => request.path === '/v2/orders/batch-retrieve').map((request) => request.status)).toEqual([200, 200]);
  });

  it('fails loudly, naming the pruning, when code reaches the customers API in the orders bundle', () => {
    // Prepare
    const sdk = new orders.bundle.SquareClient({ token: TOKEN, baseUrl: fake.baseUrl });

    // Act
    let thrown: unknown;
    try {
      void sdk.customers;
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(String(thrown)).toMatch(/square SDK client\.customers is left out of omnihub bundles/);
    expect(fake.requests).toHaveLength(0);
  });
});
