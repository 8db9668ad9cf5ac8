import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contactsApis } from '../../../../connectors/hubspot/client';
import { startHubspotFake, type HubspotFake, type HubspotFakeOptions } from '../../../../connectors/hubspot/fake/server';
import { associationsApis } from '../../../../connectors/hubspot/associations-sdk';
import { objectsApis } from '../../../../connectors/hubspot/objects-sdk';
import { propertiesApis } from '../../../../connectors/hubspot/properties-sdk';

/**
 * The fake's orders, line items, associations and properties, through the real SDK's codegen
 * APIs (the ones the connector calls) and, for the error bodies, raw HTTP.
 */

const TOKEN = 'pat-na1-test-token';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');

let fake: HubspotFake;
let sdk: { objects: ReturnType<typeof objectsApis>; associations: ReturnType<typeof associationsApis>; properties: ReturnType<typeof propertiesApis> };

async function start(options: Partial<HubspotFakeOptions> = {}): Promise<void> {
  fake = await startHubspotFake({ accessToken: TOKEN, clientSecret: 'secret', seed: true, rateLimit: { max: 500, intervalMs: 50 }, now: () => CLOCK, ...options });
  sdk = { objects: objectsApis(TOKEN, fake.baseUrl), associations: associationsApis(TOKEN, fake.baseUrl), properties: propertiesApis(TOKEN, fake.baseUrl) };
}

afterEach(async () => {
  await fake.close();
});

function call(method: string, route: string, json?: unknown): Promise<Response> {
  return fetch(`${fake.baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
}

async function uniqueOrderKey(): Promise<void> {
  await sdk.properties.groupsApi.create('order', { name: 'omnihub', label: 'omnihub' });
  await sdk.properties.coreApi.create('order', { name: 'omnihub_order_key', label: 'Key', type: 'string' as never, fieldType: 'text' as never, groupName: 'omnihub', hasUniqueValue: true });
}

describe('HubSpot fake: commerce orders', () => {
  beforeEach(() => start());

  it('serves orders under order, orders and 0-123, values as strings', async () => {
    // Prepare
    const created = await sdk.objects.basicApi.create('order', { properties: { hs_order_name: '#1', hs_currency_code: 'EUR', hs_total_price: '12.50' }, associations: [] });

    // Act
    const [byName, byPlural, byId] = await Promise.all(
      ['order', 'orders', '0-123'].map((type) => sdk.objects.basicApi.getById(type, created.id, ['hs_order_name', 'hs_total_price'])),
    );

    // Assess
    for (const read of [byName, byPlural, byId]) expect(read?.properties).toMatchObject({ hs_order_name: '#1', hs_total_price: '12.50', hs_object_id: created.id });
    expect(fake.crm.objects.get('orders', created.id)?.properties.get('hs_currency_code')).toBe('EUR');
  });

  it("refuses an undefined property with HubSpot's PROPERTY_DOESNT_EXIST body", async () => {
    // Act
    const response = await call('POST', '/crm/v3/objects/orders', { properties: { hs_order_name: '#1', omnihub_channel: 'web' } });

    // Assess
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string; category: string; status: string; correlationId: string };
    expect(body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', correlationId: expect.any(String) });
    expect(body.message).toBe(
      'Property values were not valid: [{"isValid":false,"message":"Property \\"omnihub_channel\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"omnihub_channel"}]',
    );
    expect(fake.crm.objects.list('orders')).toEqual([]);
  });

  it('upserts by a unique property: creates once, then updates, saying which', async () => {
    // Prepare
    await uniqueOrderKey();
    const input = { inputs: [{ id: 'shopify:1', idProperty: 'omnihub_order_key', properties: { hs_order_name: '#1' } }] };

    // Act
    const first = await sdk.objects.batchApi.upsert('orders', input);
    const second = await sdk.objects.batchApi.upsert('0-123', { inputs: [{ ...input.inputs[0]!, properties: { hs_order_name: '#1 (edited)' } }] });

    // Assess
    expect(first.results.map((result) => result._new)).toEqual([true]);
    expect(second.results.map((result) => [result.id, result._new])).toEqual([[first.results[0]!.id, false]]);
    expect(fake.admin.listOrders().map((order) => order.properties)).toEqual([expect.objectContaining({ omnihub_order_key: 'shopify:1', hs_order_name: '#1 (edited)' })]);
  });

  it('refuses an upsert by a property that is not unique, as HubSpot words it', async () => {
    // Act
    const response = await call('POST', '/crm/v3/objects/orders/batch/upsert', { inputs: [{ id: '450789469', idProperty: 'hs_external_order_id', properties: {} }] });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: 'Unable to perform update/upsert by non-unique 0-123 property hs_external_order_id in portal ID 62515',
    });
  });

  it('refuses two inputs naming the same record in one batch, writing nothing', async () => {
    // Prepare
    await uniqueOrderKey();

    // Act
    const response = await call('POST', '/crm/v3/objects/order/batch/upsert', {
      inputs: [
        { id: 'shopify:1', idProperty: 'omnihub_order_key', properties: { hs_order_name: 'a' } },
        { id: 'shopify:1', idProperty: 'omnihub_order_key', properties: { hs_order_name: 'b' } },
      ],
    });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('Duplicate IDs found in batch input');
    expect(fake.crm.objects.list('orders')).toEqual([]);
  });

  it('keeps a unique value on one record: a second create with it is refused', async () => {
    // Prepare
    await uniqueOrderKey();
    await call('POST', '/crm/v3/objects/order', { properties: { omnihub_order_key: 'square:A' } });

    // Act
    const response = await call('POST', '/crm/v3/objects/order', { properties: { omnihub_order_key: 'square:A' } });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('already has that value omnihub_order_key');
    expect(fake.crm.objects.list('orders')).toHaveLength(1);
  });

  it('reads by a unique idProperty and answers 404 for an id it does not have', async () => {
    // Prepare
    await uniqueOrderKey();
    const created = await sdk.objects.basicApi.create('order', { properties: { omnihub_order_key: 'shopify:9' }, associations: [] });

    // Act
    const found = await sdk.objects.basicApi.getById('order', 'shopify:9', ['omnihub_order_key'], undefined, undefined, false, 'omnihub_order_key');
    const missing = await call('GET', '/crm/v3/objects/order/99999');

    // Assess
    expect(found.id).toBe(created.id);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
  });

  it('lets search lag writes, as HubSpot does', async () => {
    // Prepare
    await fake.close();
    await start({ searchLagMs: 60_000 });
    await sdk.objects.basicApi.create('order', { properties: { hs_external_order_id: '77' }, associations: [] });
    const body = { filterGroups: [{ filters: [{ propertyName: 'hs_external_order_id', operator: 'EQ' as never, value: '77' }] }], properties: ['hs_external_order_id'] };

    // Act
    const before = await sdk.objects.searchApi.doSearch('order', body);
    fake.admin.flushSearchIndex();
    const after = await sdk.objects.searchApi.doSearch('order', body);

    // Assess
    expect(before.total).toBe(0);
    expect(after.results.map((order) => order.properties.hs_external_order_id)).toEqual(['77']);
  });

  it('answers a burst over the limit with a 429 on the new routes too', async () => {
    // Prepare
    await fake.close();
    await start({ rateLimit: { max: 2, intervalMs: 10_000 } });

    // Act
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await call('GET', '/crm/v3/properties/order/hs_order_name')).status);

    // Assess
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('HubSpot fake: line items and associations', () => {
  beforeEach(() => start());

  it('refuses a negative price', async () => {
    // Act
    const response = await call('POST', '/crm/v3/objects/line_items', { properties: { name: 'Refund', quantity: '1', price: '-5.00' } });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('"name":"price"');
    expect(fake.admin.listLineItems()).toEqual([]);
  });

  it('creates an order with associations and reads them back from both sides', async () => {
    // Prepare
    const line = await sdk.objects.basicApi.create('line_items', { properties: { name: 'Nano', quantity: '2', price: '9.99' }, associations: [] });

    // Act
    const order = await sdk.objects.basicApi.create('order', {
      properties: { hs_order_name: '#2' },
      associations: [
        { to: { id: '51' }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 507 }] },
        { to: { id: line.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 513 }] },
      ],
    });
    const toContacts = await sdk.associations.basicApi.getPage('order', order.id, 'contacts');
    const fromLine = await sdk.associations.basicApi.getPage('line_items', line.id, 'order');

    // Assess
    expect(toContacts.results.map((result) => [String(result.toObjectId), result.associationTypes.map((type) => type.typeId)])).toEqual([['51', [507]]]);
    expect(fromLine.results.map((result) => String(result.toObjectId))).toEqual([order.id]);
    expect(fake.admin.getOrder(order.id)).toMatchObject({ contactIds: ['51'], lineItems: [expect.objectContaining({ id: line.id, properties: expect.objectContaining({ amount: '19.98' }) })] });
  });

  it('drops a deleted contact\'s associations, and gives a merged contact\'s to the new record, as HubSpot does', async () => {
    // Prepare: two orders, of contacts 51 and 52.
    const toContact = (id: string) => [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 507 }] }];
    const first = await sdk.objects.basicApi.create('order', { properties: { hs_order_name: '#3' }, associations: toContact('51') });
    const second = await sdk.objects.basicApi.create('order', { properties: { hs_order_name: '#4' }, associations: toContact('52') });
    const third = await sdk.objects.basicApi.create('order', { properties: { hs_order_name: '#5' }, associations: toContact('53') });

    // Act
    const merged = fake.admin.mergeContacts('51', '52');
    fake.admin.deleteContact('53');

    // Assess
    const contactsOf = async (orderId: string) => (await sdk.associations.basicApi.getPage('order', orderId, 'contacts')).results.map((result) => String(result.toObjectId));
    expect([await contactsOf(first.id), await contactsOf(second.id), await contactsOf(third.id)]).toEqual([[merged.id], [merged.id], []]);
    expect(fake.admin.getOrder(third.id)?.contactIds).toEqual([]);
  });

  it('associates again without a second association, through every v4 route', async () => {
    // Prepare
    const order = await sdk.objects.basicApi.create('order', { properties: {}, associations: [] });
    const line = await sdk.objects.basicApi.create('line_items', { properties: { name: 'x', quantity: '1', price: '1' }, associations: [] });

    // Act
    await sdk.associations.basicApi.create('order', order.id, 'contacts', '52', [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 507 }]);
    await sdk.associations.basicApi.createDefault('order', order.id, 'contacts', '52');
    await sdk.associations.batchApi.createDefault('order', 'contacts', { inputs: [{ _from: { id: order.id }, to: { id: '52' } }] });
    await sdk.associations.batchApi.create('order', 'line_items', {
      inputs: [{ _from: { id: order.id }, to: { id: line.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 513 }] }],
    });
    await sdk.associations.batchApi.create('order', 'line_items', {
      inputs: [{ _from: { id: order.id }, to: { id: line.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 513 }] }],
    });

    // Assess
    expect(fake.admin.getOrder(order.id)).toMatchObject({ contactIds: ['52'], lineItems: [expect.objectContaining({ id: line.id })] });
    expect(fake.crm.associations.targets('orders', order.id, 'contacts')).toEqual([{ toId: '52', typeIds: [507] }]);
  });

  it("answers an association to a contact that does not exist with HubSpot's 400", async () => {
    // Prepare
    const order = await sdk.objects.basicApi.create('order', { properties: {}, associations: [] });

    // Act
    const response = await call('PUT', `/crm/v4/objects/order/${order.id}/associations/contacts/999`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 507 }]);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      status: 'error',
      message: 'One or more associations are invalid',
      category: 'VALIDATION_ERROR',
      context: { INVALID_OBJECT_IDS: ['CONTACT=999 is not valid'], objectId: ['999'], objectType: ['CONTACT'] },
    });
  });

  it('refuses a line item a second parent order', async () => {
    // Prepare
    const line = await sdk.objects.basicApi.create('line_items', { properties: { name: 'x', quantity: '1', price: '1' }, associations: [] });
    const first = await sdk.objects.basicApi.create('order', { properties: {}, associations: [{ to: { id: line.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 513 }] }] });
    const second = await sdk.objects.basicApi.create('order', { properties: {}, associations: [] });

    // Act
    const response = await call('PUT', `/crm/v4/objects/order/${second.id}/associations/line_items/${line.id}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 513 }]);

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('a line item belongs to one parent object');
    expect(fake.admin.getOrder(first.id)?.lineItems.map((item) => item.id)).toEqual([line.id]);
    expect(fake.admin.getOrder(second.id)?.lineItems).toEqual([]);
  });

  it('archives line items in a batch, and their associations with them', async () => {
    // Prepare
    const line = await sdk.objects.basicApi.create('line_items', { properties: { name: 'x', quantity: '1', price: '1' }, associations: [] });
    const order = await sdk.objects.basicApi.create('order', { properties: {}, associations: [{ to: { id: line.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 513 }] }] });

    // Act
    await sdk.objects.batchApi.archive('line_items', { inputs: [{ id: line.id }] });

    // Assess
    expect(fake.admin.listLineItems()).toEqual([]);
    expect(fake.admin.getOrder(order.id)?.lineItems).toEqual([]);
  });
});

describe('HubSpot fake: properties', () => {
  beforeEach(() => start());

  it('creates a property once: a second create of the name is 409', async () => {
    // Prepare
    const spec = { name: 'omnihub_total_orders', label: 'Orders', type: 'number', fieldType: 'number', groupName: 'contactinformation' };
    const first = await call('POST', '/crm/v3/properties/contacts', spec);

    // Act
    const second = await call('POST', '/crm/v3/properties/contacts', spec);

    // Assess
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
    expect((await sdk.properties.coreApi.getByName('contacts', 'omnihub_total_orders')).type).toBe('number');
  });

  it('creates a group once: a second create of the name is 409', async () => {
    // Act
    const first = await call('POST', '/crm/v3/properties/contacts/groups', { name: 'omnihub', label: 'omnihub' });
    const second = await call('POST', '/crm/v3/properties/contacts/groups', { name: 'omnihub', label: 'omnihub' });

    // Assess
    expect([first.status, second.status]).toEqual([201, 409]);
    expect(fake.crm.catalog.group('contacts', 'omnihub')).toMatchObject({ label: 'omnihub' });
  });

  it('refuses contact writes of a property until it is created, then checks its type', async () => {
    // Prepare
    const contacts = contactsApis(TOKEN, fake.baseUrl);
    const before = await call('PATCH', '/crm/v3/objects/contacts/51', { properties: { omnihub_channels: 'web' } });
    await sdk.properties.coreApi.create('contacts', {
      name: 'omnihub_channels',
      label: 'Channels',
      type: 'enumeration' as never,
      fieldType: 'checkbox' as never,
      groupName: 'contactinformation',
      options: [
        { label: 'Web', value: 'web', displayOrder: 0, hidden: false },
        { label: 'Store', value: 'store', displayOrder: 1, hidden: false },
      ],
    });

    // Act
    const wrong = await call('PATCH', '/crm/v3/objects/contacts/51', { properties: { omnihub_channels: 'web;phone' } });
    const written = await contacts.basicApi.update('51', { properties: { omnihub_channels: 'web;store' } });

    // Assess
    expect(before.status).toBe(400);
    expect(((await before.json()) as { message: string }).message).toContain('PROPERTY_DOESNT_EXIST');
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { message: string }).message).toContain('phone was not one of the allowed options: [web, store]');
    expect(written.properties.omnihub_channels).toBe('web;store');
  });

  it('refuses a date that is not midnight UTC', async () => {
    // Prepare
    await call('POST', '/crm/v3/properties/contacts', { name: 'omnihub_day', label: 'Day', type: 'date', fieldType: 'date', groupName: 'contactinformation' });

    // Act
    const wrong = await call('PATCH', '/crm/v3/objects/contacts/51', { properties: { omnihub_day: String(Date.parse('2025-02-28T10:00:00Z')) } });
    const right = await call('PATCH', '/crm/v3/objects/contacts/51', { properties: { omnihub_day: String(Date.parse('2025-02-28T00:00:00Z')) } });

    // Assess
    expect(wrong.status).toBe(400);
    expect(right.status).toBe(200);
  });
});

describe('HubSpot fake: the sandbox portal on disk', () => {
  let folder: string;
  let persistPath: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'omnihub-hubspot-orders-'));
    persistPath = path.join(folder, 'hubspot.json');
    await start({ persistPath });
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps properties, orders, line items and associations across a restart', async () => {
    // Prepare
    await uniqueOrderKey();
    const line = await sdk.objects.basicApi.create('line_items', { properties: { name: 'x', quantity: '1', price: '1' }, associations: [] });
    const order = await sdk.objects.basicApi.create('order', {
      properties: { omnihub_order_key: 'shopify:5' },
      associations: [
        { to: { id: '51' }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 507 }] },
        { to: { id: line.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 513 }] },
      ],
    });
    await fake.close();

    // Act
    await start({ persistPath });

    // Assess
    expect(fake.crm.catalog.isUnique('orders', 'omnihub_order_key')).toBe(true);
    expect(fake.admin.getOrder(order.id)).toMatchObject({ properties: expect.objectContaining({ omnihub_order_key: 'shopify:5' }), contactIds: ['51'], lineItems: [expect.objectContaining({ id: line.id })] });
    const listed = (await (await fetch(`${fake.baseUrl}/_sandbox/orders`)).json()) as { results: Array<{ id: string }> };
    expect(listed.results.map((result) => result.id)).toEqual([order.id]);
  });

  it('loads a file saved before orders existed', async () => {
    // Prepare: a portal saved before orders existed has no `crm`.
    await fake.close();
    const contact = { id: '51', properties: { email: 'ada@example.com' }, history: {}, createdAt: CLOCK.toISOString(), updatedAt: CLOCK.toISOString(), archived: false, mergedIds: [] };
    await writeFile(persistPath, JSON.stringify({ nextId: 52, aliases: {}, contacts: [contact], nextEventId: 7 }));

    // Act
    await start({ persistPath });

    // Assess
    expect(fake.admin.listContacts().map((held) => held.properties.email)).toEqual(['ada@example.com']);
    expect(fake.admin.listOrders()).toEqual([]);
    expect(fake.crm.catalog.has('orders', 'hs_order_name')).toBe(true);
    await fake.close();
    const saved = JSON.parse(await readFile(persistPath, 'utf8')) as { crm?: unknown };
    expect(saved.crm).toBeUndefined(); // nothing changed: the file is not rewritten
  });
});
