import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillCommand } from '../../bin/backfill';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { backfillTarget, beforeOmnihub, capturedIo } from '../support/backfill';

/**
 * `npx omnihub backfill` against the whole local pipeline: the readers page the fakes through
 * the real SDKs, every record goes through the resolver as a webhook's would, and sync creates
 * what a system lacks. Assertions are on what the fakes received and what the table holds.
 */
const run = { since: undefined, full: false, dryRun: false, remote: false, json: true, settleMs: 300 };
const links = (p: Pipeline) => p.table.customers().then((customers) => customers.map((c) => c.links.map((l) => `${l.system}:${l.externalId}`).sort()));

describe('backfill: duplicates linked, missing records created, a second run does nothing', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ hubspot: { searchLagMs: 0 } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('links the person both systems hold into one customer and creates each system what it lacks', async () => {
    // Prepare: Ada is in both (different letter case, a phone only in HubSpot), Grace only in Shopify, Alan only in HubSpot.
    let ids = { adaShopify: '', adaHubspot: '', grace: '', alan: '' };
    beforeOmnihub(p, () => {
      ids = {
        adaShopify: String(p.shopify.admin.createCustomer({ first_name: 'Ada', last_name: 'Lovelace', email: 'Ada.Lovelace@example.com' }).id),
        grace: String(p.shopify.admin.createCustomer({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }).id),
        adaHubspot: p.hubspot.admin.createContact({ email: 'ada.lovelace@example.com', firstname: 'Ada', lastname: 'Lovelace', phone: '+442071234567' }).id,
        alan: p.hubspot.admin.createContact({ email: 'alan@example.com', firstname: 'Alan', lastname: 'Turing' }).id,
      };
    });
    const target = await backfillTarget(p);

    // Act
    const io = capturedIo();
    const code = await backfillCommand({ ...run, which: 'all' }, target, io);
    await p.settle();

    // Assess: one customer per person, each linked once in each system
    expect(code).toBe(0);
    const customers = await p.table.customers();
    expect(customers).toHaveLength(3);
    const ada = customers.find((c) => c.emails.includes('ada.lovelace@example.com'))!;
    expect(ada.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual([`hubspot:${ids.adaHubspot}`, `shopify:${ids.adaShopify}`]);
    // Assess: the records each system lacked were created there, and nothing twice
    expect(p.hubspot.admin.listContacts()).toHaveLength(3);
    expect(p.hubspot.admin.findContactByEmail('grace@example.com')?.properties).toMatchObject({ firstname: 'Grace', lastname: 'Hopper' });
    expect(p.shopify.admin.listCustomers()).toHaveLength(3);
    expect(p.shopify.admin.listCustomers().find((c) => c.email === 'alan@example.com')).toMatchObject({ first_name: 'Alan', last_name: 'Turing' });
    // Assess: Ada's phone, known to HubSpot only, reached Shopify
    expect(p.shopify.admin.getCustomer(ids.adaShopify)?.phone).toBe('+442071234567');
    // Assess: what the command reported, per system
    const report = JSON.parse(io.lines.at(-1)!) as { runs: Array<{ connector: string; read: number; completed: boolean }> };
    expect(report.runs.map((r) => [r.connector, r.completed])).toEqual([
      ['shopify', true],
      ['hubspot', true],
    ]);
    expect(report.runs[0]!.read).toBe(2);
    // Alan and Ada, and Grace if sync created her contact before HubSpot's run read that page
    expect(report.runs[1]!.read).toBeGreaterThanOrEqual(2);
    expect(await p.hubspot.admin.apiReads().filter((r) => r.method === 'GET' && r.path === '/crm/v3/objects/contacts').length).toBeGreaterThan(0);
  });

  it('finds nothing to write on a second run, and nothing at all to do on the next one', async () => {
    // Prepare
    const writes = () => ({ shopify: p.shopify.writes().length, hubspot: p.hubspot.admin.apiWrites().length });
    const firstWrites = writes();

    // Act 1: the second run re-reads what changed since the first began (its own creates included)
    const second = capturedIo();
    expect(await backfillCommand({ ...run, which: 'all' }, await backfillTarget(p), second)).toBe(0);
    await p.settle();

    // Assess 1: no vendor write; it read from the last run's watermark (HubSpot through search)
    expect(writes()).toEqual(firstWrites);
    const report = JSON.parse(second.lines.at(-1)!) as { runs: Array<{ connector: string; since?: string; written: Record<string, number> }> };
    expect(report.runs.every((r) => r.since !== undefined)).toBe(true);
    expect(report.runs.flatMap((r) => Object.values(r.written))).toEqual([]);
    expect(p.hubspot.requests.some((r) => r.path === '/crm/v3/objects/contacts/search')).toBe(true);
    // (The resolver may still learn fields of records sync created that no echo told it, and
    // date a copied value back to its record's time: customer versions can move once here.)
    const settled = (await p.table.customers()).map((c) => [c.id, c.version]).sort();

    // Act 2
    expect(await backfillCommand({ ...run, which: 'all' }, await backfillTarget(p), capturedIo())).toBe(0);
    await p.settle();

    // Assess 2: nothing written anywhere
    expect(writes()).toEqual(firstWrites);
    expect((await p.table.customers()).map((c) => [c.id, c.version]).sort()).toEqual(settled);
  });
});

describe('backfill: --dry-run writes nothing; a crash resumes from the checkpoint', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ hubspot: { searchLagMs: 0 } });
    beforeOmnihub(p, () => {
      // 400 Shopify customers: two pages of 249; the first 10 are also in HubSpot.
      for (let i = 0; i < 400; i++) p.shopify.admin.createCustomer({ first_name: 'Many', last_name: `Customer ${i}`, email: `many.${i}@example.com` });
      for (let i = 0; i < 10; i++) p.hubspot.admin.createContact({ email: `many.${i}@example.com`, firstname: 'Many', lastname: `Customer ${i}` });
    });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('prints what it would link, create and update, and writes nothing: no vendor write, no table item, no event', async () => {
    // Prepare
    const published = p.runtime.bus.published.length;

    // Act
    const io = capturedIo();
    const code = await backfillCommand({ ...run, which: 'all', dryRun: true }, await backfillTarget(p), io);
    await p.settle();

    // Assess
    expect(code).toBe(0);
    expect(p.shopify.writes()).toEqual([]);
    expect(p.hubspot.admin.apiWrites()).toEqual([]);
    expect(await p.table.items()).toEqual([]);
    expect(p.runtime.bus.published.length).toBe(published);
    const summary = JSON.parse(io.lines.at(-1)!) as { read: Record<string, { records: number; link: number; create: number }>; writes: Record<string, { create: number; update: number }> };
    expect(summary.read.shopify).toMatchObject({ records: 400, create: 400, link: 0 });
    expect(summary.read.hubspot).toMatchObject({ records: 10, link: 10, create: 0 });
    expect(summary.writes.hubspot).toEqual({ create: 390, update: 0 });
    expect(summary.writes.shopify).toEqual({ create: 0, update: 0 });
  });

  it('resumes after a crash at the page it stopped at, and reads no page twice', async () => {
    // Prepare: the second page's call fails in a way no retry fixes (a revoked token, say)
    const target = await backfillTarget(p);
    // The reader's pages: `customers` queries of a whole page's cost (sync's look-ups ask for one customer).
    const pageCalls = () => p.shopify.calls.filter((c) => c.fields.includes('customers') && c.outcome === 'executed' && (c.requestedQueryCost ?? 0) > 900).length;
    const earlier = pageCalls(); // the dry run's
    const listCalls = () => pageCalls() - earlier;
    let pagesBeforeCrash = 0;
    const crashing = capturedIo();
    const crash = backfillCommand({ ...run, which: 'shopify' }, target, {
      ...crashing,
      progress: (text) => {
        crashing.progressLines.push(text);
        // After the first page's checkpoint: the next call the reader makes is refused.
        if (crashing.progressLines.length === 2) {
          pagesBeforeCrash = listCalls();
          p.shopify.failNext(1, { status: 401 });
        }
      },
    });
    await expect(crash).rejects.toThrow(/401/);
    await p.settle();
    const customersAfterCrash = (await p.table.customers()).length;

    // Act
    const io = capturedIo();
    const code = await backfillCommand({ ...run, which: 'shopify' }, target, io);
    await p.settle();

    // Assess: the run was resumed (same run, not a new one), the first page not read again
    expect(code).toBe(0);
    const report = JSON.parse(io.lines.at(-1)!) as { runs: Array<{ resumed: boolean; read: number; pages: number }> };
    expect(report.runs[0]).toMatchObject({ resumed: true, read: 400, pages: 2 });
    expect(pagesBeforeCrash).toBe(1);
    expect(listCalls() - pagesBeforeCrash).toBe(1);
    expect(customersAfterCrash).toBe(249);
    // Assess: every customer in the end, each once, and HubSpot holds each person once
    const customers = await p.table.customers();
    expect(customers).toHaveLength(400);
    expect(p.hubspot.admin.listContacts()).toHaveLength(400);
    expect(customers.every((c) => c.links.length === 2)).toBe(true);
  }, 240_000);
});
