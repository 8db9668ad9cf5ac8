import type { Pipeline } from '../support/pipeline';
import { countedBetween, printCostPerItem, snapshot } from './cost';

/**
 * `npm run bench` section: Shopify web orders for linked customers, each ending as a HubSpot
 * commerce order on the buyer's contact with its line items, and the buyer's stats written to
 * HubSpot and Shopify (docs/identity.md §9). A burst for throughput; then one at a time for the
 * latency from the order placed to its HubSpot copy created, and its cost per million orders.
 */
export async function printOrdersBench(p: Pipeline, ids: Array<{ shopifyId: string }>, burstSize: number, sequentialSize: number): Promise<void> {
  const copiesOf = () => new Map(p.hubspot.admin.listOrders().map((copy) => [String(copy.properties.omnihub_order_key), copy]));
  const place = (i: number) => {
    const { shopifyId } = ids[i % ids.length]!;
    return p.shopify.orderAdmin.placeOrder({ customerId: shopifyId, lines: [{ title: 'Bench mug', sku: 'BM-1', quantity: 1 + (i % 3), price: '9.50' }] });
  };

  // A burst, all at once.
  const burstStarted = performance.now();
  const burst = Array.from({ length: burstSize }, (_, i) => place(i));
  await p.settle();
  const burstMs = performance.now() - burstStarted;
  const afterBurst = copiesOf();
  const burstLanded = burst.filter((order) => afterBurst.has(`shopify:${order.id}`)).length;

  // One at a time: latency and what each order costs.
  const before = snapshot(p.runtime);
  const publishedBefore = p.runtime.bus.published.length;
  const latencies: number[] = [];
  for (let i = 0; i < sequentialSize; i += 1) {
    const placedAt = Date.now();
    const order = place(burstSize + i);
    await p.settle();
    const copy = copiesOf().get(`shopify:${order.id}`);
    const createdAt = copy ? Date.parse(String(copy.properties.hs_createdate)) : Number.NaN;
    if (Number.isFinite(createdAt)) latencies.push(createdAt - placedAt);
  }
  const counted = countedBetween(before, snapshot(p.runtime), sequentialSize);
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (q: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);

  console.log('\nOrders (Shopify web order → HubSpot order with line items on the contact, stats to HubSpot and Shopify)');
  console.log(`  ${'burst throughput'.padEnd(52)} ${burstLanded}/${burstSize} copied in ${(burstMs / 1000).toFixed(2)} s = ${(burstLanded / (burstMs / 1000)).toFixed(1)} orders/s`);
  console.log(`  ${'placed → HubSpot order created, one at a time, p50 / p99'.padEnd(52)} ${pct(0.5).toFixed(0)} ms / ${pct(0.99).toFixed(0)} ms (${latencies.length}/${sequentialSize} copied)`);
  printCostPerItem(counted, p.runtime.bus.published.slice(publishedBefore), { one: 'order', many: 'orders' });
}
