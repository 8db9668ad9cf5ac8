import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParkingLot } from '../../functions/lib/adapters/parking-lot';
import { startPipeline, type Pipeline } from '../support/pipeline';

/** Transient failures are retried by the queue, then dead-lettered with the reason; they are not parked. */
describe('dead letters', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ queue: { maxReceiveCount: 2, visibilityDelayMs: 50 } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('retries a change HubSpot keeps answering with 503, then moves it to the dead-letter queue', async () => {
    // Prepare: HubSpot is down for longer than the client's own retries
    p.hubspot.admin.failNext(1_000, { status: 503 });
    // Act
    p.shopify.admin.createCustomer({ first_name: 'Frances', last_name: 'Allen', email: 'frances.allen@example.com' });
    await p.settle();
    // Assess: the sync message went through 2 receives, then to the dead-letter queue with its reason
    const dead = p.runtime.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ queue: 'sync-changes-hubspot', reason: 'reported as batch item failure' });
    expect(JSON.parse(dead[0]!.body)['detail-type']).toBe('CustomerChanged');
    expect(await new ParkingLot(p.table.doc, p.table.tableName).list('sync-hubspot')).toEqual([]);
    // Each receive tried HubSpot (the customer key property's setup comes before the create: connectors/hubspot/customer-key.ts) and got 503.
    const tries = p.hubspot.requests.filter((r) => r.method === 'POST' && (r.path === '/crm/v3/objects/contacts' || r.path.startsWith('/crm/v3/properties/contacts')));
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries.every((r) => r.status === 503)).toBe(true);
  });
});
