import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestLogOf } from '../../connectors/testing/fake-http';
import { isApiWrite } from '../../connectors/hubspot/fake/server';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatReport, reportFindings, runChaos, type ChaosReport } from '../chaos/run-chaos';
import { root, startPipeline, type Pipeline } from '../support/pipeline';

/** A failing run leaves its ground truth, snapshot and logs in .omnihub/: a timing-dependent failure can then be traced without a replay. */
async function dumpOnFailure(report: ChaosReport, name: string): Promise<void> {
  if (Object.values(report.failures).every((count) => count === 0) && report.deadLetters === 0) return;
  const file = path.join(root, '.omnihub', `chaos-failure-${name}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ findings: reportFindings(report), ...report.evidence }));
  console.log(`chaos run failed: ground truth, snapshot and logs in ${file}`);
}

describe('crash injection in the local runtime', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ crashable: true });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('kills the sync invocation right after the vendor recorded its write; SQS redelivers the batch to a fresh worker', async () => {
    // Prepare: crash the first invocation of sync-hubspot that writes to HubSpot
    const crashed: string[] = [];
    requestLogOf(p.hubspot.requests)!.subscribe(async (request) => {
      if (crashed.length > 0 || !request.invocation?.startsWith('sync-hubspot#') || !isApiWrite(request) || request.status >= 300) return;
      if (await p.runtime.faults.crashInvocation(request.invocation)) crashed.push(request.invocation);
    });

    // Act: a merchant creates a customer in Shopify; omnihub creates the HubSpot contact
    p.shopify.admin.createCustomer({ first_name: 'Crash', last_name: 'Test', email: 'crash.test@example.com' });
    await p.settle();

    // Assert: the write landed, its invocation died before it could record it, the batch was redelivered
    const sync = p.runtime.functions.get('sync-hubspot')!;
    expect(crashed).toHaveLength(1);
    expect(sync.totals.crashes).toBe(1);
    expect(sync.totals.invocations).toBeGreaterThanOrEqual(2);
    expect(p.runtime.deadLetters()).toEqual([]);
    // …and the redelivery does not make a second contact for the same person
    expect(p.hubspot.admin.listContacts().filter((contact) => contact.properties.email === 'crash.test@example.com')).toHaveLength(1);
  });

  it('answers false for an invocation that is not running', async () => {
    expect(await p.runtime.faults.crashInvocation('sync-hubspot#999999')).toBe(false);
    expect(await p.runtime.faults.crashInvocation('no-such-function#1')).toBe(false);
  });
});


describe('chaos run (seeded, small; the full size is npm run chaos)', () => {
  // 20256: a seed whose crash stream draws under 1 % among the first writes, so even this small run crashes sync invocations.
  const seed = Number(process.env.CHAOS_SEED ?? 20_256);
  const deliveries = Number(process.env.CHAOS_DELIVERIES ?? 500);

  it(`converges with nothing lost, duplicated, wrongly merged, looping or forged (seed ${seed}, ${deliveries} deliveries)`, { timeout: 400_000 }, async () => {
    const report = await runChaos({ seed, deliveries, people: 60, quietMs: 1_000, settleTimeoutMs: 240_000 });
    console.log(formatReport(report));
    await dumpOnFailure(report, `${seed}-${deliveries}`);
    expect(report.failures, `replay: ${report.replay}`).toEqual(Object.fromEntries(Object.keys(report.failures).map((name) => [name, 0])));
    expect(report.deadLetters, `replay: ${report.replay}`).toBe(0);
  });
});

describe('chaos run with webhooks dropped and reconciliation on (seeded, small; the full size is npm run chaos -- --drop-webhooks 0.25 --reconcile)', () => {
  // 17: a seed whose small run lost HubSpot edits before this release's drop-phase fixes (docs/identity.md §2, §5).
  const seed = Number(process.env.CHAOS_DROP_SEED ?? 17);

  it(`loses nothing a reader of the vendors could know, a quarter of the webhooks never sent (seed ${seed}, 80 deliveries)`, { timeout: 300_000 }, async () => {
    const report = await runChaos({ seed, deliveries: 80, people: 10, quietMs: 1_000, reconcile: true, rates: { dropWebhooks: 0.25 }, settleTimeoutMs: 180_000 });
    console.log(formatReport(report));
    await dumpOnFailure(report, `drop-${seed}`);
    expect(report.failures, `replay: ${report.replay}`).toEqual(Object.fromEntries(Object.keys(report.failures).map((name) => [name, 0])));
    expect(report.deadLetters, `replay: ${report.replay}`).toBe(0);
    expect(report.reconciles).toBeGreaterThan(0);
  });
});
