import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { runChaos } from '../chaos/run-chaos';

/**
 * The chaos run's reconciliation phase, small: a share of the webhooks is never sent, so only
 * the backfill's reconciliation (reading what changed since its last run) can bring those
 * changes; with it on, the checker finds nothing lost. The full run: `npm run chaos -- --drop-webhooks 0.1 --reconcile`.
 */
describe('chaos run with webhooks dropped and reconciliation on', () => {
  it('loses nothing: every change whose webhook was never sent is caught by a reconciliation', async () => {
    // Act
    const report = await runChaos({
      seed: 42,
      deliveries: 80,
      people: 10,
      quietMs: 1000,
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      rates: { dropWebhooks: 0.25, duplicate: 0, reorder: 0, rateLimited: 0, serverError: 0, crash: 0, forged: 0, receiverFault: 0 },
      reconcile: true,
      reconcileEveryMs: 2000,
    });

    // Assess
    const dropped = report.deliveries.shopify.dropped + report.deliveries.hubspot.dropped;
    expect(dropped).toBeGreaterThan(0);
    expect(report.reconciles).toBeGreaterThan(0);
    expect(report.verdict.findings.slice(0, 5)).toEqual([]);
    expect(report.failures).toEqual(Object.fromEntries(Object.keys(report.failures).map((name) => [name, 0])));
  }, 300_000);
});
