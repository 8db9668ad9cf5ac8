import { describe, expect, it } from 'vitest';
import { resolveObservation } from '../../../core/identity/resolve';
import type { PartialFieldValues } from '../../../core/model/customer';
import type { Observation } from '../../../core/model/observation';
import { RecordChangedSinceRead, type CreateOutcome, type CustomerTarget, type UpdateOptions, type WriteOutcome } from '../../../core/sync/customer-target';
import { syncCustomer } from '../../../core/sync/sync-customer';
import { anObservation } from '../../support/builders';
import { MemoryStore } from '../../support/memory-store';

const noWait = { backoff: async () => {} };
const WRITABLE = ['email', 'phone', 'firstName', 'lastName'] as const;

/** A target system in memory: what it holds, and every write it received. */
class FakeTarget implements CustomerTarget {
  records = new Map<string, { values: PartialFieldValues; at: string; partTimes?: Observation['partTimes'] }>();
  writes: Array<{ op: 'create' | 'update'; externalId?: string; values: PartialFieldValues; customerId?: string }> = [];
  existing: { externalId: string; matchedOn: 'email' | 'phone' } | undefined;
  private next = 100;

  async create(values: PartialFieldValues, scope: { customerId?: string } = {}): Promise<CreateOutcome> {
    if (this.existing) return { kind: 'exists', ...this.existing };
    this.writes.push({ op: 'create', values, ...(scope.customerId ? { customerId: scope.customerId } : {}) });
    const externalId = String(this.next++);
    this.records.set(externalId, { values, at: '2026-01-01T12:00:00Z' });
    return { kind: 'created', externalId, at: '2026-01-01T12:00:00Z', holds: values };
  }
  async update(externalId: string, values: PartialFieldValues, _options?: UpdateOptions): Promise<WriteOutcome> {
    this.writes.push({ op: 'update', externalId, values });
    const record = this.records.get(externalId)!;
    record.values = { ...record.values, ...values };
    record.at = '2026-01-01T12:00:10Z';
    return { externalId, at: record.at, holds: values };
  }
  /** A merged-away id → the record it was merged into (it reads as that record, HubSpot-style). */
  mergedInto = new Map<string, string>();
  async read(ids: string[]): Promise<Observation[]> {
    return ids.flatMap((requested) => {
      const id = this.mergedInto.get(requested) ?? requested;
      const record = this.records.get(id);
      const mergedIds = [...this.mergedInto].filter(([, into]) => into === id).map(([old]) => old);
      return record
        ? [{ system: 'hubspot', externalId: id, observedAt: record.at, values: record.values, ...(record.partTimes ? { partTimes: record.partTimes } : {}), ...(mergedIds.length > 0 ? { mergedIds } : {}) }]
        : [];
    });
  }
}

describe('syncCustomer (docs/identity.md §2, §4)', () => {
  it('does not write over an edit in the target it has not seen; hands it to the resolver instead', async () => {
    // Prepare: Ada linked to HubSpot 51, which holds what we know
    const store = new MemoryStore();
    const target = new FakeTarget();
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'Ada' }, at: '2026-01-01T09:00:00Z' });
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', firstName: 'Ada' } }), noWait);
    const created = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta' } }), noWait);
    // A newer HubSpot edit we have not heard of yet
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'A.' }, at: '2026-01-01T11:00:00Z' });
    const observed: Observation[] = [];
    // Act
    const result = await syncCustomer(store, target, {
      customerId: 'customer' in created ? created.customer.id : '',
      system: 'hubspot',
      writableFields: WRITABLE,
      observe: async (o) => void observed.push(o),
    });
    // Assess: the target holds the newest value already: nothing to write
    expect(result).toMatchObject({ outcome: 'skipped' });
    expect(target.writes).toEqual([]);
    expect(target.records.get('51')!.values.firstName).toBe('A.');
    expect(observed.map((o) => o.values.firstName)).toEqual(['A.']);
  });

  it('writes only what is still newer: the fields an unseen edit did not touch', async () => {
    // Prepare: HubSpot 51 holds Ada Lovelace (09:00); Shopify then says Augusta (10:00) and King (12:00);
    // a HubSpot edit "A." at 11:00 has not reached us
    const store = new MemoryStore();
    const target = new FakeTarget();
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' } }), noWait);
    await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta', lastName: 'Lovelace' } }), noWait);
    const king = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T12:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta', lastName: 'King' } }), noWait);
    const id = 'customer' in king ? king.customer.id : '';
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'A.', lastName: 'Lovelace' }, at: '2026-01-01T11:00:00Z' });
    const observed: Observation[] = [];
    const sync = () => syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async (o) => void observed.push(o) });
    // Act
    const first = await sync();
    for (const observation of observed) await resolveObservation(store, observation, noWait);
    const again = await sync();
    // Assess: the unseen "A." reached the resolver; King was written at once, and nothing after
    expect(observed.map((o) => o.values.firstName)).toEqual(['A.']);
    expect(first).toMatchObject({ outcome: 'updated', fields: ['lastName'] });
    expect(again).toMatchObject({ outcome: 'skipped' });
    expect(target.writes).toEqual([{ op: 'update', externalId: '51', values: { lastName: 'King' } }]);
    expect(target.records.get('51')!.values).toMatchObject({ firstName: 'A.', lastName: 'King' });
  });

  it('records a write with the source time of the value it copied, on the link item only', async () => {
    // Prepare
    const store = new MemoryStore();
    const target = new FakeTarget();
    const created = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z' }), noWait);
    const id = created.outcome === 'created' ? created.customer.id : '';
    const versionBefore = store.customers.get(id)!.version;
    // Act
    const result = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {} });
    // Assess
    expect(result).toMatchObject({ outcome: 'created' });
    const customer = (await store.getCustomer(id))!;
    const link = customer.links.find((l) => l.system === 'hubspot')!;
    expect(link.held.firstName).toEqual({ value: 'Ada', at: '2026-01-01T10:00:00Z', seenAt: '2026-01-01T12:00:00Z' });
    expect(store.customers.get(id)!.version).toBe(versionBefore);
  });

  it('names the omnihub customer on a create, so a keyed create (Square) never shares a key between two people', async () => {
    // Prepare
    const store = new MemoryStore();
    const target = new FakeTarget();
    const created = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z' }), noWait);
    const id = created.outcome === 'created' ? created.customer.id : '';

    // Act
    await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {} });

    // Assess
    expect(target.writes.map((write) => [write.op, write.customerId])).toEqual([['create', id]]);
  });

  it('writes nothing to an "already exists" record linked to another customer', async () => {
    // Prepare: Grace owns HubSpot 52; Ada's create finds it
    const store = new MemoryStore();
    const target = new FakeTarget();
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '52', values: { email: 'grace@example.org' } }), noWait);
    const ada = await resolveObservation(store, anObservation({ values: { email: 'ada@example.com' } }), noWait);
    target.existing = { externalId: '52', matchedOn: 'email' };
    // Act
    const result = await syncCustomer(store, target, {
      customerId: ada.outcome === 'created' ? ada.customer.id : '',
      system: 'hubspot',
      writableFields: WRITABLE,
      observe: async () => {},
    });
    // Assess
    expect(result).toMatchObject({ outcome: 'link-conflict', externalId: '52' });
    expect(target.writes).toEqual([]);
    expect(store.duplicates).toHaveLength(1);
  });

  it('observes an unlinked "already exists" record first and writes nothing yet', async () => {
    // Prepare
    const store = new MemoryStore();
    const target = new FakeTarget();
    target.records.set('53', { values: { email: 'ada@example.com', firstName: 'Ada' }, at: '2026-01-01T08:00:00Z' });
    target.existing = { externalId: '53', matchedOn: 'email' };
    const ada = await resolveObservation(store, anObservation({ values: { email: 'ada@example.com', firstName: 'Augusta' } }), noWait);
    const observed: Observation[] = [];
    // Act
    const result = await syncCustomer(store, target, {
      customerId: ada.outcome === 'created' ? ada.customer.id : '',
      system: 'hubspot',
      writableFields: WRITABLE,
      observe: async (o) => void observed.push(o),
    });
    // Assess
    expect(result).toMatchObject({ outcome: 'found-existing', externalId: '53' });
    expect(target.writes).toEqual([]);
    expect(observed.map((o) => o.externalId)).toEqual(['53']);
  });
});

describe('one sync at a time per customer and system', () => {
  it('leaves a customer another sync is writing as busy, and writes nothing', async () => {
    // Prepare
    const store = new MemoryStore();
    const target = new FakeTarget();
    const ada = await resolveObservation(store, anObservation({ values: { email: 'ada@example.com' } }), noWait);
    const id = 'customer' in ada ? ada.customer.id : '';
    await store.acquireLease(id, 'hubspot', ['another-sync'], new Date(), 60_000);
    // Act
    const result = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {}, leaseWaitMs: 0 });
    // Assess
    expect(result).toEqual({ outcome: 'busy' });
    expect(target.writes).toEqual([]);
  });
});

describe('a sync that dies after the vendor applied its write (docs/identity.md §2, pending writes)', () => {
  // The vendor stamps what we wrote with its own clock (12:00), later than a newer edit made
  // elsewhere meanwhile (11:00): only the pending write tells those values are our copy of 10:00.
  const at = (time: string) => () => new Date(`2026-01-01T${time}Z`);
  const crashAfter = (target: FakeTarget, op: 'create' | 'update') => {
    const real = target[op].bind(target) as (...args: unknown[]) => Promise<unknown>;
    (target as unknown as Record<string, unknown>)[op] = async (...args: unknown[]) => {
      await real(...args);
      throw new Error('Runtime exited: the invocation died after the vendor applied the write');
    };
  };

  it('a created record seen before its link was recorded does not undo a newer edit', async () => {
    // Prepare: Ada from Shopify at 10:00; the HubSpot create lands, then the sync dies
    const store = new MemoryStore();
    const target = new FakeTarget();
    const ada = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z' }), noWait);
    const id = 'customer' in ada ? ada.customer.id : '';
    const real = { create: target.create.bind(target) };
    crashAfter(target, 'create');
    await expect(syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {}, now: at('11:59:59') })).rejects.toThrow(/died/);
    target.create = real.create;
    // …Shopify says Augusta at 11:00, and then HubSpot's creation webhook (its clock: 12:00) arrives
    await resolveObservation(store, anObservation({ observedAt: '2026-01-01T11:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta' } }), { ...noWait, now: at('12:00:01') });
    const [created] = await target.read(['100']);
    // Act
    const resolved = await resolveObservation(store, created!, { ...noWait, now: at('12:00:02') });
    const again = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {}, now: at('12:00:03') });
    // Assess: HubSpot 100 is linked, Augusta stays golden and is written there; the pending write is gone
    expect(resolved).toMatchObject({ outcome: 'updated', matchedBy: 'email' });
    const customer = (await store.getCustomer(id))!;
    expect(customer.fields.firstName).toMatchObject({ value: 'Augusta', source: 'shopify' });
    expect(again).toMatchObject({ outcome: 'updated', externalId: '100', fields: ['firstName'] });
    expect(target.records.get('100')!.values.firstName).toBe('Augusta');
    expect(customer.pendingWrites).toBeUndefined();
  });

  it('the echo of an update whose sync died does not undo a newer edit', async () => {
    // Prepare: Ada linked to HubSpot 51; Shopify says Bea at 10:00; the update to 51 lands, then the sync dies
    const store = new MemoryStore();
    const target = new FakeTarget();
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'Ada' }, at: '2026-01-01T09:00:00Z' });
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', firstName: 'Ada' } }), noWait);
    const bea = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', firstName: 'Bea' } }), noWait);
    const id = 'customer' in bea ? bea.customer.id : '';
    const real = { update: target.update.bind(target) };
    crashAfter(target, 'update');
    await expect(syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {}, now: at('12:00:05') })).rejects.toThrow(/died/);
    target.update = real.update;
    // …Shopify says Cleo at 11:00; then the echo of the update (HubSpot's clock: 12:00:10) arrives
    await resolveObservation(store, anObservation({ observedAt: '2026-01-01T11:00:00Z', values: { email: 'ada@example.com', firstName: 'Cleo' } }), { ...noWait, now: at('12:00:08') });
    const [echo] = await target.read(['51']);
    expect(echo!.values.firstName).toBe('Bea');
    // Act
    await resolveObservation(store, echo!, { ...noWait, now: at('12:00:11') });
    await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {}, now: at('12:00:12') });
    // Assess
    const customer = (await store.getCustomer(id))!;
    expect(customer.fields.firstName).toMatchObject({ value: 'Cleo', source: 'shopify' });
    expect(target.records.get('51')!.values.firstName).toBe('Cleo');
  });
});

describe('an unseen edit of a field sync would still write (docs/identity.md §2)', () => {
  const unseenCityEdit = async () => {
    // HubSpot 51's address (09:00); Shopify retypes the street (10:00); a HubSpot city edit at 11:00 is unseen
    const store = new MemoryStore();
    const target = new FakeTarget();
    const address = { line1: '1 Main St', city: 'Springfield', region: null, postalCode: '62701', country: 'US' };
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', address } }), noWait);
    const street = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', address: { ...address, line2: null, line1: '2 Oak St' } } }), noWait);
    const id = 'customer' in street ? street.customer.id : '';
    target.records.set('51', { values: { email: 'ada@example.com', address: { ...address, city: 'Chicago' } }, at: '2026-01-01T11:00:00Z' });
    return { store, target, id };
  };

  it('waits for the resolver to merge it, then writes in the same sync: a write before would make that edit look late and lose it', async () => {
    // Prepare
    const { store, target, id } = await unseenCityEdit();
    const writesBeforeMerge: number[] = [];
    // The resolver merges what sync hands over a moment later, as the bus delivers it
    const observe = async (o: Observation) => {
      setTimeout(() => {
        writesBeforeMerge.push(target.writes.length);
        void resolveObservation(store, o, noWait);
      }, 150);
    };
    // Act
    const result = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: [...WRITABLE, 'address'], observe });
    // Assess: nothing was written before the merge; one write then, with both edits
    expect(writesBeforeMerge).toEqual([0]);
    expect(result).toMatchObject({ outcome: 'updated', fields: ['address'] });
    expect(target.writes).toHaveLength(1);
    expect(target.records.get('51')!.values.address).toMatchObject({ line1: '2 Oak St', city: 'Chicago' });
    expect((await store.getCustomer(id))!.fields.address?.value).toMatchObject({ line1: '2 Oak St', city: 'Chicago' });
  });

  it('gives the change back (SQS redelivery) when the resolver takes longer than the wait, and the retry writes both edits', async () => {
    // Prepare
    const { store, target, id } = await unseenCityEdit();
    const observed: Observation[] = [];
    const sync = () =>
      syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: [...WRITABLE, 'address'], resolverWaitMs: 300, observe: async (o) => void observed.push(o) });
    // Act
    const first = await sync();
    for (const observation of observed) await resolveObservation(store, observation, noWait);
    const retry = await sync();
    // Assess
    expect(first).toEqual({ outcome: 'unseen-edit', externalId: '51' });
    expect(retry).toMatchObject({ outcome: 'updated', fields: ['address'] });
    expect(target.writes).toHaveLength(1);
    expect(target.records.get('51')!.values.address).toMatchObject({ line1: '2 Oak St', city: 'Chicago' });
  });
});

describe('the golden record moving while our write is in flight (found by the 10,000-delivery chaos run)', () => {
  it('asks to sync again, and the next sync writes the newer value over ours', async () => {
    // Prepare: HubSpot 51 holds Moreau (09:00); Shopify says Okafor (10:00). While our update waits out
    // a 429, a person types Kim in HubSpot (10:00:30): its webhook is resolved before our write lands.
    const store = new MemoryStore();
    const target = new FakeTarget();
    target.records.set('51', { values: { email: 'ada@example.com', lastName: 'Moreau' }, at: '2026-01-01T09:00:00Z' });
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', lastName: 'Moreau' } }), noWait);
    const okafor = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', lastName: 'Okafor' } }), noWait);
    const id = 'customer' in okafor ? okafor.customer.id : '';
    const update = target.update.bind(target);
    let raced = false;
    target.update = async (externalId, values) => {
      if (!raced) {
        raced = true;
        target.records.set('51', { values: { email: 'ada@example.com', lastName: 'Kim' }, at: '2026-01-01T10:00:30Z' });
        await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:30Z', values: { lastName: 'Kim' }, linkedOnly: true }), noWait);
      }
      return update(externalId, values);
    };
    const sync = () => syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async () => {} });
    // Act
    const first = await sync();
    const second = await sync();
    // Assess
    expect(first).toMatchObject({ outcome: 'updated', fields: ['lastName'], behind: true });
    expect(second).toMatchObject({ outcome: 'updated', fields: ['lastName'] });
    expect(second).not.toHaveProperty('behind');
    expect(target.records.get('51')!.values.lastName).toBe('Kim');
  });
});

describe('a read-back judged against a customer that moved on since the plan (drop-phase chaos run, seed 17)', () => {
  it('plans again from the customer the resolver holds, instead of skipping on a stale judgement', async () => {
    // Prepare: HubSpot 51 holds Ada (09:00); Shopify says Augusta (10:00), and sync plans that write.
    // HubSpot had an older edit, "A." at 09:30: its webhook is resolved after our plan, before our read.
    // The record's clock then moved on (a lastName edit at 10:30), so our read shows "A." at 10:30.
    const store = new MemoryStore();
    const target = new FakeTarget();
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' } }), noWait);
    const augusta = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta', lastName: 'Lovelace' } }), noWait);
    const id = 'customer' in augusta ? augusta.customer.id : '';
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'A.', lastName: 'King' }, at: '2026-01-01T10:30:00Z' });
    const read = target.read.bind(target);
    target.read = async (ids) => {
      await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:30:00Z', values: { firstName: 'A.' }, linkedOnly: true }), noWait);
      target.read = read;
      return read(ids);
    };
    const observed: Observation[] = [];
    // Act
    const result = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async (o) => void observed.push(o) });
    // Assess: Augusta (10:00) is newer than "A." (09:30): it is written; King stays
    expect((await store.getCustomer(id))!.fields.firstName?.value).toBe('Augusta');
    expect(result).toMatchObject({ outcome: 'updated', fields: ['firstName'] });
    expect(target.records.get('51')!.values).toMatchObject({ firstName: 'Augusta', lastName: 'King' });
  });
});

describe("an edit the connector's own read before the write shows (drop-phase chaos run, seed 54)", () => {
  it('writes nothing over it: the read goes to the resolver, and the sync plans again from what it merged', async () => {
    // Prepare: HubSpot 51 holds Ada (09:00); Shopify says Augusta (10:00). Between sync's read and its
    // write, a person types "A." in HubSpot (10:00:30): the connector's read before its write sees it.
    const store = new MemoryStore();
    const target = new FakeTarget();
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'Ada' }, at: '2026-01-01T09:00:00Z' });
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', firstName: 'Ada' } }), noWait);
    const augusta = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta' } }), noWait);
    const id = 'customer' in augusta ? augusta.customer.id : '';
    const update = target.update.bind(target);
    target.update = async (externalId, values, options) => {
      target.update = update;
      target.records.set('51', { values: { email: 'ada@example.com', firstName: 'A.' }, at: '2026-01-01T10:00:30Z' });
      const [now] = await target.read([externalId]);
      expect(options?.read?.values.firstName).toBe('Ada');
      throw new RecordChangedSinceRead('hubspot', now!);
    };
    const observed: Observation[] = [];
    const observe = async (o: Observation) => {
      observed.push(o);
      await resolveObservation(store, o, noWait);
    };
    // Act
    const result = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe });
    // Assess: "A." (10:00:30) is newer than Augusta: nothing written over it, and it is the golden name
    expect(result).toMatchObject({ outcome: 'skipped' });
    expect(target.writes).toEqual([]);
    expect(target.records.get('51')!.values.firstName).toBe('A.');
    expect((await store.getCustomer(id))!.fields.firstName?.value).toBe('A.');
    expect((await store.getCustomer(id))!.pendingWrites ?? []).toEqual([]);
    expect(observed.map((o) => o.values.firstName)).toEqual(['A.']);
  });
});

describe("an unsure value settled by sync's read-back (docs/identity.md §2)", () => {
  it('writes nothing when the record holds the golden value, and hands the read on as a read-back', async () => {
    // Prepare: two HubSpot deliveries in one record time (Juniper, then June): unsure which it holds
    const store = new MemoryStore();
    const target = new FakeTarget();
    const T = '2026-01-01T10:00:55Z';
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: T, values: { email: 'ada@example.com', firstName: 'Juniper' } }), noWait);
    const june = await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: T, values: { email: 'ada@example.com', firstName: 'June' } }), noWait);
    const id = 'customer' in june ? june.customer.id : '';
    expect((await store.getCustomer(id))!.links[0]!.held.firstName?.unsure).toBe(true);
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'June' }, at: T });
    const observed: Observation[] = [];
    // Act
    const result = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: WRITABLE, observe: async (o) => void observed.push(o) });
    for (const observation of observed) await resolveObservation(store, observation, noWait);
    // Assess
    expect(result).toMatchObject({ outcome: 'skipped' });
    expect(target.writes).toEqual([]);
    expect(observed).toEqual([expect.objectContaining({ externalId: '51', readBack: { linkVersion: expect.any(Number) } })]);
    const stored = (await store.getCustomer(id))!;
    expect(stored.links[0]!.held.firstName?.unsure).toBeUndefined();
    expect(stored.fields.firstName?.value).toBe('June');
  });
});

describe("the parts of an address sync's read showed, each with its own time (docs/identity.md §1, found by the chaos run, seed 71)", () => {
  it('are kept on the link with the value our write overwrote, so each part competes with its own time later', async () => {
    // Prepare: HubSpot 51's street and zip were set at 10:00:43.392, its city at 10:00:35.200; Shopify's address (10:00:45) is newer
    const store = new MemoryStore();
    const target = new FakeTarget();
    const hubspotAddress = { line1: '5183 Oak Ave', city: 'Franklin', region: null, postalCode: '21773', country: 'US' };
    const partTimes = { line1: '2026-01-01T10:00:43.392Z', city: '2026-01-01T10:00:35.200Z', postalCode: '2026-01-01T10:00:43.392Z', country: '2026-01-01T10:00:10.166Z' };
    await resolveObservation(
      store,
      anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:43.392Z', fieldTimes: { address: '2026-01-01T10:00:43.392Z' }, partTimes, values: { email: 'ada@example.com', address: hubspotAddress } }),
      noWait,
    );
    const shopify = await resolveObservation(
      store,
      anObservation({ observedAt: '2026-01-01T10:00:45Z', values: { email: 'ada@example.com', address: { line1: '5146 Lake Dr', line2: null, city: 'Salem', region: null, postalCode: '20404', country: 'US' } } }),
      noWait,
    );
    const id = 'customer' in shopify ? shopify.customer.id : '';
    target.records.set('51', { values: { email: 'ada@example.com', address: hubspotAddress }, at: '2026-01-01T10:00:43.392Z', partTimes });
    // Act
    const result = await syncCustomer(store, target, { customerId: id, system: 'hubspot', writableFields: ['address'], addressParts: ['line1', 'city', 'region', 'postalCode', 'country'], observe: async () => {} });
    // Assess
    expect(result).toMatchObject({ outcome: 'updated', fields: ['address'] });
    const held = (await store.getCustomer(id))!.links.find((link) => link.system === 'hubspot')!.held.address;
    expect(held).toMatchObject({ value: { city: 'Salem' }, readValue: hubspotAddress, readAt: '2026-01-01T10:00:43.392Z', readPartTimes: partTimes });
  });
});

describe("a linked record found gone by sync's read (docs/identity.md §7)", () => {
  async function adaLinkedTo51() {
    const store = new MemoryStore();
    const target = new FakeTarget();
    target.records.set('51', { values: { email: 'ada@example.com', firstName: 'Ada' }, at: '2026-01-01T09:00:00Z' });
    await resolveObservation(store, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { email: 'ada@example.com', firstName: 'Ada' } }), noWait);
    const edited = await resolveObservation(store, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', firstName: 'Augusta' } }), noWait);
    return { store, target, customerId: 'customer' in edited ? edited.customer.id : '' };
  }

  it('names the survivor when the old id reads as a record that merged it, and writes nothing', async () => {
    // Prepare: HubSpot merged 51 into the new 77
    const { store, target, customerId } = await adaLinkedTo51();
    target.records.set('77', { values: { email: 'ada@example.com', firstName: 'Ada' }, at: '2026-01-01T11:00:00Z' });
    target.records.delete('51');
    target.mergedInto.set('51', '77');
    // Act
    const result = await syncCustomer(store, target, { customerId, system: 'hubspot', writableFields: WRITABLE, observe: async () => {} });
    // Assess
    expect(result).toEqual({ outcome: 'target-gone', externalId: '51', survivorId: '77' });
    expect(target.writes).toEqual([]);
  });

  it('names no survivor when the record is simply gone (deleted), and writes nothing', async () => {
    const { store, target, customerId } = await adaLinkedTo51();
    target.records.delete('51');
    const result = await syncCustomer(store, target, { customerId, system: 'hubspot', writableFields: WRITABLE, observe: async () => {} });
    expect(result).toEqual({ outcome: 'target-gone', externalId: '51' });
    expect(target.writes).toEqual([]);
  });
});
