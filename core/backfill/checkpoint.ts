import * as z from '../schema';
import { SystemIdSchema, TimestampSchema } from '../model/system';
import type { BackfillEntity } from './record-source';

/**
 * Where a backfill of one connector's customers or orders stands, kept in the identity table
 * after every page (`CHECKPOINT#<connector>`, `CHECKPOINT#<connector>#orders`, docs/identity.md
 * §8): a crash, a Ctrl-C or a Lambda timeout resumes
 * at `cursor`; a completed run leaves `watermark`, from which the next run (and every scheduled
 * reconciliation) reads only what changed.
 */
function count() {
  return z.int().check(z.minimum(0));
}
function amount() {
  return z.number().check(z.minimum(0));
}

export const CheckpointSchema = z.object({
  connector: SystemIdSchema,
  /** What the run reads; each entity has its own checkpoint, so a customer run and an order run never hold each other up. */
  entity: z._default(z.enum(['customers', 'orders']), 'customers'),
  runId: z.string().check(z.minLength(1), z.maxLength(64)),
  mode: z.enum(['backfill', 'reconcile']),
  /** The run reads records updated at or after this instant; absent for a full read. */
  since: z.optional(TimestampSchema),
  /** A full read that also replays the history from this instant (a first reconciliation). */
  historySince: z.optional(TimestampSchema),
  /** The next page to read; absent before the first page and after the last. */
  cursor: z.optional(z.string().check(z.maxLength(2048))),
  startedAt: TimestampSchema,
  updatedAt: TimestampSchema,
  completedAt: z.optional(TimestampSchema),
  /** The startedAt of the last completed run: records changed from then on are not read yet. */
  watermark: z.optional(TimestampSchema),
  pages: count(),
  /** Records read from the vendor, and handed to the resolver (CustomerObserved, OrderObserved). */
  read: count(),
  observed: count(),
  /** Records read that could not be used (logged by id with the reason); they come again when the vendor changes them. */
  skipped: z._default(count(), 0),
  /** Records the run expects to read (for the ETA), when the vendor could say. */
  expected: z.optional(count()),
  /** The vendor's quota this run spent, in the ceiling's unit, and the time it spent reading. */
  requests: count(),
  spent: amount(),
  waitedMs: amount(),
  throttled: count(),
  readMs: amount(),
  ceiling: z.optional(z.object({ unit: z.enum(['points', 'requests']), perSecond: z.number().check(z.positive()), burst: z.number().check(z.positive()) })),
  /** Records the normal sync path created or updated in each system for this run (counted by the sync functions). */
  written: z._default(z.record(SystemIdSchema, count()), {}),
  /** Optimistic lock: each write names the revision it read. */
  revision: z.int().check(z.minimum(1)),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export interface CheckpointStore {
  /** The checkpoint of the connector's run over `entity` (default customers). */
  get(connector: string, entity?: BackfillEntity): Promise<Checkpoint | undefined>;
  /** Writes `checkpoint` if the stored one is still at `expectedRevision` (undefined: none stored). False otherwise. */
  put(checkpoint: Checkpoint, expectedRevision: number | undefined): Promise<boolean>;
}

/**
 * The correlation id of a run's observations, so every function down the line can tell a
 * backfill's work from a webhook's: `backfill:shopify:<runId>` for customers,
 * `backfill:shopify/orders:<runId>` for orders.
 */
export function backfillCorrelationId(connector: string, runId: string, entity: BackfillEntity = 'customers'): string {
  return `backfill:${connector}${entity === 'orders' ? '/orders' : ''}:${runId}`;
}

export function parseBackfillCorrelationId(correlationId: string): { connector: string; entity: BackfillEntity; runId: string } | undefined {
  const match = /^backfill:([a-z][a-z0-9-]{1,30})(\/orders)?:([A-Za-z0-9_-]{1,64})$/.exec(correlationId);
  return match ? { connector: match[1]!, entity: match[2] ? 'orders' : 'customers', runId: match[3]! } : undefined;
}

/** Checkpoints in memory, seeded from a real one: a dry run pages like a run and writes nothing. */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly stored = new Map<string, Checkpoint>();

  constructor(seed: readonly Checkpoint[] = []) {
    for (const checkpoint of seed) this.stored.set(`${checkpoint.connector}#${checkpoint.entity}`, structuredClone(checkpoint));
  }

  async get(connector: string, entity: BackfillEntity = 'customers'): Promise<Checkpoint | undefined> {
    const found = this.stored.get(`${connector}#${entity}`);
    return found ? structuredClone(found) : undefined;
  }

  async put(checkpoint: Checkpoint, expectedRevision: number | undefined): Promise<boolean> {
    const key = `${checkpoint.connector}#${checkpoint.entity}`;
    if (this.stored.get(key)?.revision !== expectedRevision) return false;
    this.stored.set(key, structuredClone(checkpoint));
    return true;
  }
}
