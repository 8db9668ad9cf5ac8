import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startHubspotFake, type HubspotFake, type HubspotFakeOptions } from '../../../../connectors/hubspot/fake/server';
import { parse, verify } from '../../../../connectors/hubspot/webhook';
import { FakeHttpServer, type FakeRequest } from '../../../../connectors/testing/fake-http';

/** The HubSpot fake as HubSpot really is: property history, merges, deletions, GDPR, generic events, search lag. */

const TOKEN = 'pat-na1-test-token';
const CLIENT_SECRET = 'test-client-secret';
const START = Date.parse('2025-03-01T12:00:00.000Z');

let fake: HubspotFake;
let receiver: FakeHttpServer;
let receiverUrl: string;
let received: FakeRequest[];
let clockMs: number;

/** A clock the test moves: every write in HubSpot has its own time. */
function tick(seconds = 1): void {
  clockMs += seconds * 1000;
}

async function start(options: Partial<HubspotFakeOptions> = {}): Promise<HubspotFake> {
  return startHubspotFake({
    accessToken: TOKEN,
    clientSecret: CLIENT_SECRET,
    webhookUrl: `${receiverUrl}/webhooks/hubspot`,
    seed: true,
    now: () => new Date(clockMs),
    searchLagMs: 0,
    ...options,
  });
}

beforeEach(async () => {
  clockMs = START;
  received = [];
  receiver = new FakeHttpServer((request) => {
    received.push(request);
    return { status: 200 };
  });
  receiverUrl = await receiver.listen();
  fake = await start();
});

afterEach(async () => {
  await fake.close();
  await receiver.close();
});

const HistoryJsonSchema = z.object({ value: z.string() }).loose();
const ContactJsonSchema = z
  .object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()), propertiesWithHistory: z.record(z.string(), z.array(HistoryJsonSchema)).optional() })
  .loose();
const BatchJsonSchema = z.object({ results: z.array(ContactJsonSchema) }).loose();

async function contactOf(response: Response) {
  return ContactJsonSchema.parse(await response.json());
}

async function batchOf(response: Response) {
  return BatchJsonSchema.parse(await response.json());
}

function call(path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
  return fetch(`${fake.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
}

/** Every event the hub received, in order. */
function events(): Array<Record<string, unknown>> {
  return received.flatMap((delivery) => (Array.isArray(delivery.json) ? delivery.json : []));
}

function asRequest(delivery: FakeRequest) {
  return { method: delivery.method, url: `${receiverUrl}${delivery.path}`, headers: delivery.headers, rawBody: Buffer.from(delivery.rawBody) };
}

describe('property history (propertiesWithHistory)', () => {
  it('answers batch read with each property history newest first, as HubSpot shapes it', async () => {
    // Prepare: Ada (51) was seeded at START in the UI; the API edits her last name, then the UI clears her phone.
    tick();
    await call('/crm/v3/objects/contacts/51', { method: 'PATCH', json: { properties: { lastname: 'King' } } });
    tick();
    fake.admin.updateContact('51', { phone: '' });

    // Act
    const response = await call('/crm/v3/objects/contacts/batch/read', {
      method: 'POST',
      json: { inputs: [{ id: '51' }], properties: ['lastname', 'phone'], propertiesWithHistory: ['lastname', 'phone', 'zip'] },
    });

    // Assess
    expect(response.status).toBe(200);
    const body = await batchOf(response);
    expect(body.results[0]?.propertiesWithHistory).toEqual({
      lastname: [
        { sourceType: 'API', value: 'King', timestamp: '2025-03-01T12:00:01.000Z' },
        { sourceId: 'userId:4101', sourceType: 'CRM_UI', updatedByUserId: 4101, value: 'Lovelace', timestamp: '2025-03-01T12:00:00.000Z' },
      ],
      phone: [
        { sourceId: 'userId:4101', sourceType: 'CRM_UI', updatedByUserId: 4101, value: '', timestamp: '2025-03-01T12:00:02.000Z' },
        { sourceId: 'userId:4101', sourceType: 'CRM_UI', updatedByUserId: 4101, value: '+1 (212) 555 0101', timestamp: '2025-03-01T12:00:00.000Z' },
      ],
    });
    expect(body.results[0]?.properties).toMatchObject({ lastname: 'King', phone: null });
  });

  it('records another integration writing as sourceType INTEGRATION', async () => {
    // Prepare
    tick();
    fake.admin.updateContact('52', { firstname: 'Amazing Grace' }, { source: 'integration' });

    // Act
    const response = await call('/crm/v3/objects/contacts/52?properties=firstname&propertiesWithHistory=firstname');

    // Assess
    const body = await contactOf(response);
    expect(body.propertiesWithHistory?.firstname?.[0]).toEqual({ sourceId: 'sandbox-integration', sourceType: 'INTEGRATION', value: 'Amazing Grace', timestamp: '2025-03-01T12:00:01.000Z' });
    await fake.webhooks.idle();
    expect(events().at(-1)).toMatchObject({ changeSource: 'INTEGRATION', propertyName: 'firstname' });
  });

  it("refuses more than 50 inputs with propertiesWithHistory with HubSpot's 400, and takes 100 without", async () => {
    // Prepare
    const inputs = Array.from({ length: 51 }, (_, index) => ({ id: String(51 + index) }));

    // Act
    const withHistory = await call('/crm/v3/objects/contacts/batch/read', { method: 'POST', json: { inputs, properties: ['email'], propertiesWithHistory: ['email'] } });
    const withoutHistory = await call('/crm/v3/objects/contacts/batch/read', { method: 'POST', json: { inputs, properties: ['email'] } });

    // Assess
    expect(withHistory.status).toBe(400);
    expect(await withHistory.json()).toEqual({
      status: 'error',
      message: 'The maximum number of inputs supported in a batch request for property histories is 50. Please reduce the number of items and try again',
      correlationId: expect.any(String),
      category: 'VALIDATION_ERROR',
    });
    expect(withoutHistory.status).toBe(207);
  });
});

describe('merge (POST /crm/v3/objects/contacts/merge)', () => {
  it('creates a NEW contact the old ids read as, with hs_merged_object_ids, and fires contact.merge', async () => {
    // Prepare: Ada (51) is the primary; Grace (52) is merged into her.
    tick();

    // Act
    const response = await call('/crm/v3/objects/contacts/merge', { method: 'POST', json: { primaryObjectId: '51', objectIdToMerge: '52' } });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: '54', properties: { email: 'ada.lovelace@example.com', firstname: 'Ada', hs_object_id: '54' } });
    const viaOldIds = await Promise.all(['51', '52'].map(async (id) => contactOf(await call(`/crm/v3/objects/contacts/${id}?properties=hs_merged_object_ids,hs_additional_emails`))));
    expect(viaOldIds.map((contact) => contact.id)).toEqual(['54', '54']);
    expect(viaOldIds[0]?.properties).toMatchObject({ hs_merged_object_ids: '51;52', hs_additional_emails: 'GRACE@EXAMPLE.ORG' });
    const batch = await batchOf(await call('/crm/v3/objects/contacts/batch/read', { method: 'POST', json: { inputs: [{ id: '51' }, { id: '52' }], properties: ['email'] } }));
    expect(batch.results.map((contact) => contact.id)).toEqual(['54']);
    expect(events()).toEqual([
      {
        eventId: 100,
        subscriptionId: expect.any(Number),
        portalId: 62515,
        appId: 54321,
        occurredAt: START + 1000,
        subscriptionType: 'contact.merge',
        attemptNumber: 0,
        objectId: 54,
        changeSource: 'API',
        primaryObjectId: 51,
        mergedObjectIds: [52],
        newObjectId: 54,
        numberOfPropertiesMoved: 0,
      },
    ]);
    expect(parse(asRequest(received[0]!))).toMatchObject({ ok: true, items: [{ kind: 'merged', survivorId: '54', mergedIds: ['51', '52'] }] });
  });

  it("keeps the primary's values, takes the secondary's where the primary has none, and both histories", async () => {
    // Prepare: Mary (53) has a city; a new contact without one, with a later last name edit.
    tick();
    const dorothy = fake.admin.createContact({ email: 'dorothy@example.com', lastname: 'Vaughan' });
    tick();
    fake.admin.updateContact(dorothy.id, { lastname: 'Johnson' });

    // Act
    const merged = fake.admin.mergeContacts(dorothy.id, '53');

    // Assess
    expect(merged.properties).toMatchObject({ email: 'dorothy@example.com', lastname: 'Johnson', city: 'Hampton', firstname: 'Mary' });
    const history = await contactOf(await call(`/crm/v3/objects/contacts/${merged.id}?propertiesWithHistory=lastname,city`));
    expect(history.propertiesWithHistory?.lastname?.map((entry) => entry.value)).toEqual(['Johnson', 'Vaughan', 'Jackson']);
    expect(history.propertiesWithHistory?.city?.map((entry) => entry.value)).toEqual(['Hampton']);
  });

  it('refuses merging a contact into itself, also through an old id of the same record', async () => {
    // Prepare
    fake.admin.mergeContacts('51', '52');

    // Act
    const itself = await call('/crm/v3/objects/contacts/merge', { method: 'POST', json: { primaryObjectId: '53', objectIdToMerge: '53' } });
    const viaAlias = await call('/crm/v3/objects/contacts/merge', { method: 'POST', json: { primaryObjectId: '54', objectIdToMerge: '51' } });

    // Assess
    expect(itself.status).toBe(400);
    expect(await itself.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(viaAlias.status).toBe(400);
    expect(fake.admin.listContacts().map((contact) => contact.id)).toEqual(['53', '54']);
  });
});

describe('deletion and GDPR delete', () => {
  it('archives on DELETE /crm/v3/objects/contacts/{id}: 204, then 404, and fires contact.deletion', async () => {
    // Act
    const response = await call('/crm/v3/objects/contacts/53', { method: 'DELETE' });
    const after = await call('/crm/v3/objects/contacts/53');
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(204);
    expect(after.status).toBe(404);
    expect(events()).toEqual([
      { eventId: 100, subscriptionId: expect.any(Number), portalId: 62515, appId: 54321, occurredAt: START, subscriptionType: 'contact.deletion', attemptNumber: 0, objectId: 53, changeSource: 'API' },
    ]);
  });

  it('fires contact.privacyDeletion and contact.deletion on POST /crm/v3/objects/contacts/gdpr-delete, and the record is gone', async () => {
    // Act
    const response = await call('/crm/v3/objects/contacts/gdpr-delete', { method: 'POST', json: { objectId: '52' } });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(204);
    expect(events().map((event) => event.subscriptionType)).toEqual(['contact.privacyDeletion', 'contact.deletion']);
    expect(parse(asRequest(received[0]!))).toMatchObject({
      ok: true,
      items: [
        { kind: 'removed', externalId: '52', reason: 'redacted' },
        { kind: 'removed', externalId: '52', reason: 'deleted' },
      ],
    });
    expect((await call('/crm/v3/objects/contacts/52')).status).toBe(404);
    expect(fake.state.contacts.has('52')).toBe(false);
  });

  it('restores a deleted contact and fires contact.restore', async () => {
    // Prepare
    fake.admin.deleteContact('53');

    // Act
    const restored = fake.admin.restoreContact('53');
    await fake.webhooks.idle();

    // Assess
    expect(restored?.id).toBe('53');
    expect(events().map((event) => event.subscriptionType)).toEqual(['contact.deletion', 'contact.restore']);
    expect((await call('/crm/v3/objects/contacts/53')).status).toBe(200);
  });
});

describe('webhook deliveries', () => {
  it('sends the generic object.* format with objectTypeId 0-1 when asked, exactly with HubSpot fields', async () => {
    // Prepare
    fake.admin.setWebhookFormat('generic');

    // Act
    fake.admin.updateContact('51', { lastname: 'King' });
    await fake.webhooks.idle();

    // Assess
    expect(events()).toEqual([
      {
        eventId: 100,
        subscriptionId: expect.any(Number),
        portalId: 62515,
        appId: 54321,
        occurredAt: START,
        subscriptionType: 'object.propertyChange',
        attemptNumber: 0,
        objectId: 51,
        changeSource: 'CRM_UI',
        propertyName: 'lastname',
        propertyValue: 'King',
        sourceId: 'userId:4101',
        objectTypeId: '0-1',
      },
    ]);
    expect(verify(asRequest(received[0]!), { clientSecret: CLIENT_SECRET }, new Date(START))).toEqual({ ok: true });
    const parsed = parse(asRequest(received[0]!));
    expect(parsed.ok && parsed.items).toMatchObject([{ kind: 'observed', observation: { externalId: '51', values: { lastName: 'King' } } }]);
  });

  it('keeps contact.privacyDeletion in the legacy format (it has no generic form)', async () => {
    // Prepare
    fake.admin.setWebhookFormat('generic');

    // Act
    fake.admin.gdprDeleteContact('53');
    await fake.webhooks.idle();

    // Assess
    expect(events().map((event) => [event.subscriptionType, event.objectTypeId])).toEqual([
      ['contact.privacyDeletion', undefined],
      ['object.deletion', '0-1'],
    ]);
  });

  it('sends the events of one batch call in deliveries of at most 100', async () => {
    // Prepare: 40 contacts with 3 properties each = 40 creations + 120 property changes.
    const inputs = Array.from({ length: 40 }, (_, index) => ({ properties: { email: `person${index}@example.com`, firstname: 'P', lastname: String(index) } }));

    // Act
    const response = await call('/crm/v3/objects/contacts/batch/create', { method: 'POST', json: { inputs } });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(201);
    expect(received.map((delivery) => (Array.isArray(delivery.json) ? delivery.json.length : 0))).toEqual([100, 60]);
    for (const delivery of received) expect(verify(asRequest(delivery), { clientSecret: CLIENT_SECRET }, new Date(START))).toEqual({ ok: true });
  });
});

describe('search lags writes', () => {
  it('finds a new contact only once the index has caught up', async () => {
    // Prepare
    await fake.close();
    fake = await start({ searchLagMs: 60_000 });
    fake.admin.createContact({ email: 'katherine@example.com' });
    const query = { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'katherine@example.com' }] }] };

    // Act
    const before = await (await call('/crm/v3/objects/contacts/search', { method: 'POST', json: query })).json();
    fake.admin.flushSearchIndex();
    const after = await (await call('/crm/v3/objects/contacts/search', { method: 'POST', json: query })).json();

    // Assess
    expect(before).toMatchObject({ total: 0, results: [] });
    expect(after).toMatchObject({ total: 1, results: [{ id: '54' }] });
  });
});

describe('sandbox routes', () => {
  it('lists the requests the fake answered at GET /_sandbox/requests', async () => {
    // Prepare
    await call('/crm/v3/objects/contacts/51');
    await call('/crm/v3/objects/contacts/999');

    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/requests?since=1`);

    // Assess
    expect(await response.json()).toEqual({
      total: 2,
      requests: [{ method: 'GET', path: '/crm/v3/objects/contacts/999', status: 404, at: expect.any(Number) }],
    });
  });

  it('deletes a contact at DELETE /_sandbox/contacts/:id like a person in the UI', async () => {
    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/contacts/53`, { method: 'DELETE' });
    const again = await fetch(`${fake.baseUrl}/_sandbox/contacts/53`, { method: 'DELETE' });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(204);
    expect(again.status).toBe(404);
    expect(events()).toEqual([expect.objectContaining({ subscriptionType: 'contact.deletion', objectId: 53, changeSource: 'CRM_UI', sourceId: 'userId:4101' })]);
  });

  it('merges at POST /_sandbox/contacts/merge', async () => {
    // Act
    const response = await fetch(`${fake.baseUrl}/_sandbox/contacts/merge`, { method: 'POST', body: JSON.stringify({ primaryObjectId: '52', objectIdToMerge: '53' }) });
    await fake.webhooks.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: '54', properties: { hs_merged_object_ids: '52;53' } });
    expect(events()).toEqual([expect.objectContaining({ subscriptionType: 'contact.merge', changeSource: 'CRM_UI', newObjectId: 54 })]);
  });
});
