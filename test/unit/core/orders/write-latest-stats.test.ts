import { describe, expect, it } from 'vitest';
import type { CustomerStats } from '../../../../core/model/stats';
import type { HeldStats } from '../../../../core/orders/order-store';
import { writeLatestStats } from '../../../../core/orders/write-latest-stats';

/**
 * Two stats writes for one customer can race (two batches, two invocations): the one that read
 * the older stats may finish last. The writer reads again after its write and writes again
 * until what it wrote is what is held, so the record ends with the latest.
 */
const statsOf = (orders: number) => ({ orders }) as unknown as CustomerStats;

describe('writeLatestStats', () => {
  it('writes again when the stats moved on while its write was in flight', async () => {
    // Prepare: version 2 is held; a change to version 3 lands during the first write
    let held: HeldStats = { stats: statsOf(2), version: 2 };
    const record: number[] = [];
    const write = async (stats: CustomerStats) => {
      if (record.length === 0) held = { stats: statsOf(3), version: 3 };
      record.push((stats as unknown as { orders: number }).orders);
      return 'written' as const;
    };

    // Act
    const outcome = await writeLatestStats(async () => held, write);

    // Assess
    expect(record).toEqual([2, 3]);
    expect(outcome).toEqual({ outcome: 'written', version: 3, writes: 2 });
  });

  it('writes once when nothing changed, and not at all when there are no stats', async () => {
    const record: unknown[] = [];
    const write = async (stats: CustomerStats) => (record.push(stats), 'written' as const);
    expect(await writeLatestStats(async () => ({ stats: statsOf(1), version: 1 }), write)).toEqual({ outcome: 'written', version: 1, writes: 1 });
    expect(await writeLatestStats(async () => undefined, write)).toEqual({ outcome: 'none', writes: 0 });
    expect(record).toHaveLength(1);
  });

  it('starts from the caller\'s first read when given one, and reads again only after its write', async () => {
    // Prepare
    let reads = 0;
    const read = async () => (reads++, { stats: statsOf(4), version: 4 });
    const written: number[] = [];

    // Act
    const outcome = await writeLatestStats(read, async (stats) => (written.push((stats as unknown as { orders: number }).orders), 'written' as const), Promise.resolve({ stats: statsOf(4), version: 4 }));

    // Assess
    expect([outcome, written, reads]).toEqual([{ outcome: 'written', version: 4, writes: 1 }, [4], 1]);
  });

  it('stops when the record is gone', async () => {
    let version = 1;
    const outcome = await writeLatestStats(async () => ({ stats: statsOf(version), version: version++ }), async () => 'gone' as const);
    expect(outcome).toEqual({ outcome: 'gone', version: 1, writes: 1 });
  });

  it('gives up after a bounded number of rounds when the stats keep moving (the next change event writes them)', async () => {
    let version = 1;
    const outcome = await writeLatestStats(async () => ({ stats: statsOf(version), version: version++ }), async () => 'written' as const);
    expect(outcome.writes).toBe(5);
    expect(outcome.outcome).toBe('moving');
  });
});
