/**
 * `npm run chaos`: the chaos run (see run-chaos.ts) with its report.
 *
 *   npm run chaos -- --seed 7 --deliveries 10000 --people 300 --quiet-ms 5000
 *   npm run chaos -- --drop-webhooks 0.1 --reconcile      (a tenth of the webhooks never sent; reconciliation on)
 *   (or CHAOS_SEED, CHAOS_DELIVERIES, CHAOS_PEOPLE, CHAOS_QUIET_MS, CHAOS_DROP_WEBHOOKS, CHAOS_RECONCILE=1)
 *
 * Klaviyo sends no webhooks: the run polls it (its reconciliation run) every few workload steps and
 * at quiescence until a poll moves nothing (run-chaos.ts).
 *
 * Exits 1 when any count that must be 0 is not, printing how to replay the seed.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { root } from '../support/pipeline';
import { formatReport, reportFindings, runChaos } from './run-chaos';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    deliveries: { type: 'string' },
    people: { type: 'string' },
    'quiet-ms': { type: 'string' },
    'drop-webhooks': { type: 'string' },
    reconcile: { type: 'boolean', default: false },
    /** Writes the ground truth and the snapshot as JSON, for a closer look at a failing seed. */
    dump: { type: 'string' },
  },
});
const Options = z.object({
  seed: z.coerce.number().int().nonnegative(),
  deliveries: z.coerce.number().int().positive(),
  people: z.coerce.number().int().positive(),
  quietMs: z.coerce.number().int().nonnegative(),
  dropWebhooks: z.coerce.number().min(0).max(1),
  reconcile: z.boolean(),
});
const options = Options.parse({
  seed: values.seed ?? process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1_000_000),
  deliveries: values.deliveries ?? process.env.CHAOS_DELIVERIES ?? 10_000,
  people: values.people ?? process.env.CHAOS_PEOPLE ?? 300,
  quietMs: values['quiet-ms'] ?? process.env.CHAOS_QUIET_MS ?? 5_000,
  dropWebhooks: values['drop-webhooks'] ?? process.env.CHAOS_DROP_WEBHOOKS ?? 0,
  reconcile: values.reconcile || process.env.CHAOS_RECONCILE === '1',
});

console.log(`omnihub chaos run: seed ${options.seed}, ${options.deliveries} deliveries, up to ${options.people} people`);
const ddb = await startDynamoDbLocal();
try {
  const { dropWebhooks, ...rest } = options;
  const report = await runChaos({ ...rest, rates: { dropWebhooks }, dynamodbEndpoint: ddb.endpoint, buildDir: path.join(root, '.omnihub', 'chaos-build'), progress: (line) => console.log(line) });
  console.log(`\n${formatReport(report, 60)}`);
  if (values.dump) {
    await writeFile(values.dump, JSON.stringify({ findings: reportFindings(report), ...report.evidence }, null, 2));
    console.log(`ground truth, snapshot and findings written to ${values.dump}`);
  }
  process.exitCode = Object.values(report.failures).some((count) => count > 0) ? 1 : 0;
} finally {
  await ddb.stop();
}
