import { describe, expect, it } from 'vitest';
import { BackfillBusyError, beginRun, runBackfill, runPage, WATERMARK_OVERLAP_MS, type BackfillPorts } from '../../../../core/backfill/backfill';
import { backfillCorrelationId, InMemoryCheckpointStore, parseBackfillCorrelationId } from '../../../../core/backfill/checkpoint';
import type { ListRequest, RecordPage, RecordSource } from '../../../../core/backfill/record-source';
import type { Observation } from '../../../../core/model/observation';

/** A system of `count` records, two a page, each updated at its index's second; it can be made to fail. */
class ListedSystem implements RecordSource {
  readonly requests: ListRequest[] = [];
  failAtCursor: string | undefined;
  constructor(private readonly records: Observation[]) {}

  async list(request: ListRequest): Promise<RecordPage> {
    this.requests.push(request);
    if (request.cursor !== undefined && request.cursor === this.failAtCursor) throw new Error('the vendor refused the page');
    const matching = this.records.filter((r) => !request.since || Date.parse(r.observedAt) >= Date.parse(request.since));
    const start = Number(request.cursor ?? 0);
    const page = matching.slice(start, start + 2);
    return {
      observations: page,
      ...(start + 2 < matching.length ? { next: String(start + 2) } : {}),
      usage: { requests: 1, spent: 1, waitedMs: 0, throttled: 0 },
      ceiling: { unit: 'requests', perSecond: 10, burst: 100 },
    };
  }

  async count(since?: string): Promise<number> {
    return this.records.filter((r) => !since || Date.parse(r.observedAt) >= Date.parse(since)).length;
  }
}

const record = (i: number, at = `2025-01-01T00:00:0${i}Z`): Observation => ({ system: 'shop', externalId: String(i), observedAt: at, values: { email: `p${i}@example.com` } });

function ports(source: RecordSource, checkpoints = new InMemoryCheckpointStore(), now = () => new Date('2025-02-01T00:00:00Z')) {
  const observed: string[] = [];
  const value: BackfillPorts = { source, checkpoints, now, observe: async (observations) => void observed.push(...observations.map((o) => o.externalId)) };
  return { ports: value, observed, checkpoints };
}

describe('backfill engine', () => {
  it('hands every record to the resolver once, page by page, and completes with a watermark', async () => {
    // Prepare
    const { ports: p, observed } = ports(new ListedSystem([1, 2, 3, 4, 5].map((i) => record(i))));

    // Act
    const { checkpoint } = await runBackfill(p, { connector: 'shop', mode: 'backfill' });

    // Assess
    expect(observed).toEqual(['1', '2', '3', '4', '5']);
    expect(checkpoint).toMatchObject({ pages: 3, read: 5, observed: 5, expected: 5, watermark: '2025-02-01T00:00:00.000Z', completedAt: '2025-02-01T00:00:00.000Z' });
    expect(checkpoint.cursor).toBeUndefined();
  });

  it('resumes a crashed run at the page its checkpoint names: no page before it is read again', async () => {
    // Prepare
    const system = new ListedSystem([1, 2, 3, 4, 5].map((i) => record(i)));
    system.failAtCursor = '4';
    const { ports: p, observed, checkpoints } = ports(system);
    await expect(runBackfill(p, { connector: 'shop', mode: 'backfill' })).rejects.toThrow('the vendor refused the page');
    const stored = await checkpoints.get('shop');
    system.failAtCursor = undefined;

    // Act
    const { checkpoint, resumed } = await runBackfill(p, { connector: 'shop', mode: 'backfill' });

    // Assess
    expect(stored).toMatchObject({ cursor: '4', pages: 2, read: 4 });
    expect(resumed).toBe(true);
    expect(checkpoint.runId).toBe(stored!.runId);
    expect(observed).toEqual(['1', '2', '3', '4', '5']);
    expect(system.requests.map((r) => r.cursor)).toEqual([undefined, '2', '4', '4']);
  });

  it('reads only what changed since the last run began (with an overlap for the vendors\' search lag)', async () => {
    // Prepare: a first run on Feb 1; a record changes on Feb 2
    const records = [1, 2, 3].map((i) => record(i));
    const system = new ListedSystem(records);
    const store = new InMemoryCheckpointStore();
    await runBackfill(ports(system, store).ports, { connector: 'shop', mode: 'backfill' });
    records[1] = record(2, '2025-02-02T00:00:00Z');
    const later = ports(system, store, () => new Date('2025-02-03T00:00:00Z'));

    // Act
    const { checkpoint } = await runBackfill(later.ports, { connector: 'shop', mode: 'reconcile' });

    // Assess
    expect(checkpoint.since).toBe(new Date(Date.parse('2025-02-01T00:00:00Z') - WATERMARK_OVERLAP_MS).toISOString());
    expect(later.observed).toEqual(['2']);
    expect(checkpoint.watermark).toBe('2025-02-03T00:00:00.000Z');
  });

  it('a first reconciliation (no run before it) reads every record and asks for the last day of history (drop-phase chaos run, seed 37)', async () => {
    // Prepare: nothing ever ran for this connector
    const system = new ListedSystem([1, 2, 3].map((i) => record(i)));
    const { ports: p, observed } = ports(system);

    // Act
    const { checkpoint } = await runBackfill(p, { connector: 'shop', mode: 'reconcile' });

    // Assess: a full read, each page asking for the history of the day before the run
    expect(observed).toEqual(['1', '2', '3']);
    expect(checkpoint.since).toBeUndefined();
    expect(system.requests.map((r) => r.historySince)).toEqual(['2025-01-31T00:00:00.000Z', '2025-01-31T00:00:00.000Z']);
  });

  it('a first backfill asks for no history: the present state is what it links', async () => {
    // Prepare
    const system = new ListedSystem([1, 2, 3].map((i) => record(i)));

    // Act
    await runBackfill(ports(system).ports, { connector: 'shop', mode: 'backfill' });

    // Assess
    expect(system.requests.map((r) => r.historySince)).toEqual([undefined, undefined]);
  });

  it('stops a run whose checkpoint another run of the same connector moved (after observing its page again, which is harmless)', async () => {
    // Prepare: two callers start; the first pages on
    const system = new ListedSystem([1, 2, 3].map((i) => record(i)));
    const { ports: p } = ports(system);
    const { checkpoint: mine } = await beginRun(p, { connector: 'shop', mode: 'backfill' });
    const theirs = { ...(await p.checkpoints.get('shop'))! };
    await runPage(p, mine);

    // Act / Assess
    await expect(runPage(p, theirs)).rejects.toBeInstanceOf(BackfillBusyError);
  });
});

describe('backfill engine: orders beside customers', () => {
  it('keeps an order run\'s checkpoint apart from the customers\' run of the same connector, so neither holds the other up', async () => {
    // Prepare: a customer run of "shop" left unfinished
    const store = new InMemoryCheckpointStore();
    const customers = new ListedSystem([1, 2, 3].map((i) => record(i)));
    customers.failAtCursor = '2';
    await expect(runBackfill(ports(customers, store).ports, { connector: 'shop', mode: 'backfill' })).rejects.toThrow();
    const orders: string[] = [];
    const orderSource: RecordSource<{ id: string }> = {
      list: async (request) => ({
        observations: request.cursor ? [{ id: 'o2' }] : [{ id: 'o1' }],
        ...(request.cursor ? {} : { next: '1' }),
        usage: { requests: 1, spent: 1, waitedMs: 0, throttled: 0 },
        ceiling: { unit: 'requests', perSecond: 10, burst: 20 },
        ...(request.cursor ? { skipped: 1 } : {}),
      }),
    };

    // Act
    const { checkpoint } = await runBackfill({ source: orderSource, checkpoints: store, observe: async (page) => void orders.push(...page.map((o) => o.id)) }, { connector: 'shop', entity: 'orders', mode: 'backfill' });

    // Assess: the order run completed on its own checkpoint; the customer run is still where it stopped
    expect(orders).toEqual(['o1', 'o2']);
    expect(checkpoint).toMatchObject({ entity: 'orders', pages: 2, read: 3, observed: 2, skipped: 1 });
    expect(checkpoint.completedAt).toBeDefined();
    expect(await store.get('shop', 'orders')).toMatchObject({ runId: checkpoint.runId });
    expect(await store.get('shop')).toMatchObject({ entity: 'customers', pages: 1 });
    expect((await store.get('shop'))?.completedAt).toBeUndefined();
  });

  it('names a run\'s entity in its correlation id, and reads it back', () => {
    expect(backfillCorrelationId('shopify', 'r1')).toBe('backfill:shopify:r1');
    expect(backfillCorrelationId('shopify', 'r1', 'orders')).toBe('backfill:shopify/orders:r1');
    expect(parseBackfillCorrelationId('backfill:shopify/orders:r1')).toEqual({ connector: 'shopify', entity: 'orders', runId: 'r1' });
    expect(parseBackfillCorrelationId('backfill:shopify:r1')).toEqual({ connector: 'shopify', entity: 'customers', runId: 'r1' });
    expect(parseBackfillCorrelationId('backfill:shopify/refunds:r1')).toBeUndefined();
  });
});
