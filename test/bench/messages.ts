import type { Pipeline } from '../support/pipeline';
import { countedBetween, printCostPerItem, snapshot } from './cost';

/**
 * `npm run bench` section: inbound SMS from customers omnihub knows by their phone, each ending as
 * a HubSpot communication on the sender's contact (docs/identity.md §11). A burst for throughput;
 * then one at a time for the latency from the message received to its HubSpot communication
 * created, and its cost per million messages (Twilio → receiver → resolver → project-messages).
 */
export async function printMessagesBench(p: Pipeline, burstSize: number, sequentialSize: number): Promise<void> {
  const twilio = p.twilio;
  if (!twilio) throw new Error('the messages bench needs the pipeline started with Twilio');
  // Prepare: customers with a phone, known everywhere.
  const count = burstSize + sequentialSize;
  const phone = (i: number) => `+1212555${String(3000 + (i % 7000)).padStart(4, '0')}`;
  for (let i = 0; i < Math.min(count, 200); i += 1) p.shopify.admin.createCustomer({ first_name: 'Texter', last_name: `${i}`, email: `texter.${i}@example.com`, phone: phone(i) });
  await p.settle();
  const communicationsBy = () => new Map(p.hubspot.admin.listCommunications().map((c) => [String(c.properties.omnihub_message_key), c]));
  const send = (i: number) => twilio.receive({ from: phone(i % 200), body: `Is order ${1000 + i} ready?` });

  // A burst, all at once.
  const burstStarted = performance.now();
  const burst = Array.from({ length: burstSize }, (_, i) => send(i));
  await p.settle();
  const burstMs = performance.now() - burstStarted;
  const afterBurst = communicationsBy();
  const burstLanded = burst.filter((sid) => afterBurst.has(`twilio:${sid}`)).length;

  // One at a time: latency and what each message costs.
  const before = snapshot(p.runtime);
  const publishedBefore = p.runtime.bus.published.length;
  const latencies: number[] = [];
  for (let i = 0; i < sequentialSize; i += 1) {
    const sentAt = Date.now();
    const sid = send(burstSize + i);
    await p.settle();
    const copy = communicationsBy().get(`twilio:${sid}`);
    const createdAt = copy ? Date.parse(String(copy.properties.hs_createdate)) : Number.NaN;
    if (Number.isFinite(createdAt)) latencies.push(createdAt - sentAt);
  }
  const counted = countedBetween(before, snapshot(p.runtime), sequentialSize);
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (q: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);

  console.log('\nMessages (Twilio inbound SMS from a known phone → HubSpot communication on the contact)');
  console.log(`  ${'burst throughput'.padEnd(52)} ${burstLanded}/${burstSize} logged in ${(burstMs / 1000).toFixed(2)} s = ${(burstLanded / (burstMs / 1000)).toFixed(1)} messages/s`);
  console.log(`  ${'received → HubSpot communication, one at a time, p50 / p99'.padEnd(52)} ${pct(0.5).toFixed(0)} ms / ${pct(0.99).toFixed(0)} ms (${latencies.length}/${sequentialSize} logged)`);
  printCostPerItem(counted, p.runtime.bus.published.slice(publishedBefore), { one: 'message', many: 'messages' });
}
