import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ParkingLot } from '../../functions/lib/adapters/parking-lot';
import { startPipeline, type Pipeline } from '../support/pipeline';

describe('resilience', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ hubspot: { rateLimit: { max: 1000, intervalMs: 1000 } } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('waits out a HubSpot 429 and the update still lands', async () => {
    // Prepare
    p.hubspot.admin.failNext(2, { status: 429, retryAfterSeconds: null });
    // Act
    p.shopify.admin.createCustomer({ first_name: 'Annie', last_name: 'Easley', email: 'annie.easley@example.com' });
    await p.settle();
    // Assess
    const statuses = p.hubspot.requests.filter((r) => r.path.startsWith('/crm/') && r.method === 'POST').map((r) => r.status);
    expect(statuses.slice(0, 3)).toEqual([429, 429, 201]);
    expect(p.hubspot.admin.findContactByEmail('annie.easley@example.com')?.properties.lastname).toBe('Easley');
    expect(p.runtime.deadLetters()).toEqual([]);
  });

  it('waits out a Shopify 429 with Retry-After and the update still lands', async () => {
    // Prepare
    const contact = p.hubspot.admin.createContact({ email: 'christine.darden@example.com', firstname: 'Christine', lastname: 'Darden' });
    await p.settle();
    p.shopify.failNext(1, { status: 429, retryAfter: '0.2' });
    // Act
    p.hubspot.admin.updateContact(contact.id, { lastname: 'Mann Darden' });
    await p.settle();
    // Assess
    expect(p.shopify.calls.some((c) => c.outcome === 'forced_failure' && c.status === 429)).toBe(true);
    const customer = p.shopify.admin.listCustomers().find((c) => c.email === 'christine.darden@example.com');
    expect(customer?.last_name).toBe('Mann Darden');
  });

  it('keeps both changes when both systems change one customer at the same moment (no lost update)', async () => {
    // Prepare
    const created = p.shopify.admin.createCustomer({ first_name: 'Mae', last_name: 'Jemison', email: 'mae.jemison@example.com' });
    await p.settle();
    const contact = p.hubspot.admin.findContactByEmail('mae.jemison@example.com')!;
    // Act: a person edits the first name in Shopify while another edits the city in HubSpot
    p.shopify.admin.updateCustomer(String(created.id), { first_name: 'Mae C.' });
    p.hubspot.admin.updateContact(contact.id, { city: 'Houston' });
    await p.settle();
    // Assess: the golden record and both systems hold both changes
    const customer = (await p.table.customers()).find((c) => c.emails.includes('mae.jemison@example.com'))!;
    expect(customer.fields.firstName?.value).toBe('Mae C.');
    expect(customer.fields.address?.value).toMatchObject({ city: 'Houston' });
    expect(p.hubspot.admin.getContact(contact.id)?.properties).toMatchObject({ firstname: 'Mae C.', city: 'Houston' });
    const shopifyCustomer = p.shopify.admin.getCustomer(String(created.id));
    expect(shopifyCustomer?.first_name).toBe('Mae C.');
    expect(shopifyCustomer?.default_address?.city).toBe('Houston');
  });

  it('parks a change HubSpot refuses with the reason, and a replay applies it once the cause is gone', async () => {
    // Prepare: HubSpot refuses the next write as invalid (a 400 is not worth retrying)
    p.hubspot.admin.failNext(1, { status: 400 });
    // Act
    p.shopify.admin.createCustomer({ first_name: 'Gladys', last_name: 'West', email: 'gladys.west@example.com' });
    await p.settle();
    // Assess: parked with its reason, nothing in HubSpot, nothing retried into a DLQ
    const parking = new ParkingLot(p.table.doc, p.table.tableName);
    const parked = await parking.list('sync-hubspot');
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ code: expect.stringMatching(/^CONNECTOR\.HUBSPOT\.400/) });
    expect(parked[0]!.reason.length).toBeGreaterThan(0);
    expect(p.hubspot.admin.findContactByEmail('gladys.west@example.com')).toBeUndefined();
    expect(p.runtime.deadLetters()).toEqual([]);

    // Act: replay, as `npx omnihub replay` does: the parked envelope back on the bus
    const envelope = parked[0]!.envelope as { source: string; 'detail-type': string; detail: unknown };
    const events = new EventBridgeClient({ endpoint: p.runtime.eventsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'omnihub', Source: envelope.source, DetailType: envelope['detail-type'], Detail: JSON.stringify(envelope.detail) }] }));
    await parking.remove(parked[0]!);
    await p.settle();
    // Assess
    expect(p.hubspot.admin.findContactByEmail('gladys.west@example.com')?.properties.lastname).toBe('West');
  });

  it('never writes an email or phone number into the logs', async () => {
    await p.settle();
    const logs = p.logs.join('\n');
    expect(p.logs.length).toBeGreaterThan(20);
    expect(logs).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
    expect(logs).not.toMatch(/\+1\d{10}/);
    expect(logs).not.toMatch(/pat-test|shpat_test|hubspot-test-client-secret|shopify-test-webhook-secret/);
  });

  it('carries one correlation id from the webhook to the last write', async () => {
    const lines = p.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const accepted = lines.find((l) => l.message === 'webhook accepted' && l.connector === 'shopify');
    const correlationId = accepted?.correlationId;
    expect(correlationId).toEqual(expect.any(String));
    const services = new Set(lines.filter((l) => l.correlationId === correlationId).map((l) => l.service));
    expect([...services].sort()).toEqual(expect.arrayContaining(['identity-resolver', 'sync-hubspot', 'webhook-receiver']));
  });

  it("puts the change's correlation id and customer on the connector client's own lines, though a batch syncs several customers", async () => {
    const lines = p.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const clientLines = lines.filter((l) => l.message === 'Shopify customer updated' || l.message === 'Shopify customer created');
    expect(clientLines.length).toBeGreaterThan(0);
    for (const line of clientLines) {
      expect(line.correlationId).toEqual(expect.any(String));
      expect(line.customerId).toMatch(/^oh_/);
    }
  });
});
