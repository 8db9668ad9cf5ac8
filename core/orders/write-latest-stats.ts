import type { CustomerStats } from '../model/stats';
import type { HeldStats } from './order-store';

export type LatestStatsOutcome =
  | { outcome: 'written' | 'gone'; version: number; writes: number }
  /** No stats are held: the customer has no orders. */
  | { outcome: 'none'; writes: 0 }
  /** The stats kept changing through every round: the caller retries (its last write may be stale). */
  | { outcome: 'moving'; version: number; writes: number };

const MAX_ROUNDS = 5;

/**
 * Writes a customer's held stats onto a record, then reads them again: two writers for one
 * customer can race, and the one that read older stats may finish last, so a writer writes
 * again until what it wrote is what is held (docs/identity.md §9). The writer that finishes last
 * therefore leaves the latest on the record.
 */
export async function writeLatestStats(
  read: () => Promise<HeldStats | undefined>,
  write: (stats: CustomerStats) => Promise<'written' | 'gone'>,
  /** The first read when the caller started it already (beside its read of the customer: one round trip, not two). */
  firstRead?: Promise<HeldStats | undefined>,
): Promise<LatestStatsOutcome> {
  let held = await (firstRead ?? read());
  if (!held) return { outcome: 'none', writes: 0 };
  for (let writes = 1; ; writes += 1) {
    const outcome = await write(held.stats);
    if (outcome === 'gone') return { outcome, version: held.version, writes };
    const now = await read();
    if (!now || now.version === held.version) return { outcome, version: held.version, writes };
    if (writes === MAX_ROUNDS) return { outcome: 'moving', version: held.version, writes };
    held = now;
  }
}
