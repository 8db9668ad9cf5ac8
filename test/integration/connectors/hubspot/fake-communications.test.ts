import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrmSnapshotSchema } from '../../../../connectors/hubspot/fake/crm';
import { startHubspotFake, type HubspotFake } from '../../../../connectors/hubspot/fake/server';
import { associationsApis } from '../../../../connectors/hubspot/associations-sdk';
import { objectsApis } from '../../../../connectors/hubspot/objects-sdk';
import { propertiesApis } from '../../../../connectors/hubspot/properties-sdk';

/**
 * The fake's communications (`0-18`: SMS, WhatsApp and LinkedIn messages on the timeline), through
 * the real SDK's codegen APIs and, for the error bodies, raw HTTP: the documented properties and
 * their validation, the create's inline association to a contact (81, read back as 82), unique
 * properties and reads by `idProperty`.
 */

const TOKEN = 'pat-na1-test-token';
const CLOCK = new Date('2025-03-01T12:00:00.000Z');
/** Seeded contact (seed.ts). */
const CONTACT = '51';

let fake: HubspotFake;
let sdk: { objects: ReturnType<typeof objectsApis>; associations: ReturnType<typeof associationsApis>; properties: ReturnType<typeof propertiesApis> };

beforeEach(async () => {
  fake = await startHubspotFake({ accessToken: TOKEN, clientSecret: 'secret', seed: true, rateLimit: { max: 500, intervalMs: 50 }, now: () => CLOCK });
  sdk = { objects: objectsApis(TOKEN, fake.baseUrl), associations: associationsApis(TOKEN, fake.baseUrl), properties: propertiesApis(TOKEN, fake.baseUrl) };
});

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

const sms = (overrides: Record<string, string> = {}) => ({
  hs_communication_channel_type: 'SMS',
  hs_communication_logged_from: 'CRM',
  hs_communication_body: 'Is my order ready?',
  hs_timestamp: '2025-03-01T11:59:00.000Z',
  ...overrides,
});

const toContact = (id: string, typeId = 81) => [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: typeId }] }];

async function uniqueKey(): Promise<void> {
  await sdk.properties.groupsApi.create('communications', { name: 'omnihub', label: 'omnihub' });
  await sdk.properties.coreApi.create('communications', { name: 'omnihub_message_key', label: 'Key', type: 'string', fieldType: 'text', groupName: 'omnihub', hasUniqueValue: true });
}

describe('HubSpot fake: communications', () => {
  it('creates a communication on the contact timeline, the association readable from both sides', async () => {
    // Act
    const created = await sdk.objects.basicApi.create('communications', { properties: sms(), associations: toContact(CONTACT) });

    // Assess
    const read = await sdk.objects.basicApi.getById('0-18', created.id, ['hs_communication_channel_type', 'hs_communication_body', 'hs_timestamp', 'hs_communication_logged_from']);
    expect(read.properties).toMatchObject({ hs_communication_channel_type: 'SMS', hs_communication_body: 'Is my order ready?', hs_timestamp: '2025-03-01T11:59:00.000Z', hs_communication_logged_from: 'CRM', hs_object_id: created.id });
    expect(fake.admin.getCommunication(created.id)?.contactIds).toEqual([CONTACT]);
    const fromContact = await call('GET', `/crm/v4/objects/contacts/${CONTACT}/associations/communications`);
    const page = (await fromContact.json()) as { results: Array<{ toObjectId: number; associationTypes: Array<{ typeId: number }> }> };
    expect(page.results).toEqual([expect.objectContaining({ toObjectId: Number(created.id), associationTypes: [expect.objectContaining({ category: 'HUBSPOT_DEFINED', typeId: 82 })] })]);
  });

  it('refuses a channel HubSpot does not know with a 400 VALIDATION_ERROR naming the allowed values, and creates nothing', async () => {
    // Act
    const response = await call('POST', '/crm/v3/objects/communications', { properties: sms({ hs_communication_channel_type: 'TELEGRAM' }), associations: toContact(CONTACT) });

    // Assess
    expect(response.status).toBe(400);
    const body = (await response.json()) as { category: string; message: string; errors: Array<{ code: string; context: { propertyName: string[] } }> };
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.message).toBe(
      'Property values were not valid: [{"isValid":false,"message":"TELEGRAM was not one of the allowed options: [WHATS_APP, LINKEDIN_MESSAGE, SMS]","error":"INVALID_OPTION","name":"hs_communication_channel_type"}]',
    );
    expect(body.errors).toEqual([expect.objectContaining({ code: 'INVALID_OPTION', context: { propertyName: ['hs_communication_channel_type'] } })]);
    expect(fake.admin.listCommunications()).toEqual([]);
  });

  it('requires the timestamp, the channel and logged-from CRM on create, not on update', async () => {
    // Act
    const missing = await call('POST', '/crm/v3/objects/communications', { properties: { hs_communication_body: 'hi', hs_communication_logged_from: 'CRM' } });
    const elsewhere = await call('POST', '/crm/v3/objects/communications', { properties: sms({ hs_communication_logged_from: 'INBOX' }) });
    const created = await sdk.objects.basicApi.create('communications', { properties: sms(), associations: [] });
    const updated = await sdk.objects.basicApi.update('communications', created.id, { properties: { hs_communication_body: 'Edited' } });

    // Assess
    expect(missing.status).toBe(400);
    const problems = ((await missing.json()) as { errors: Array<{ code: string; context: { propertyName: string[] } }> }).errors;
    expect(problems.map((problem) => [problem.code, problem.context.propertyName[0]])).toEqual([
      ['REQUIRED_PROPERTY', 'hs_timestamp'],
      ['REQUIRED_PROPERTY', 'hs_communication_channel_type'],
    ]);
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe('INVALID_OPTION');
    expect(updated.properties.hs_communication_body).toBe('Edited');
    expect(fake.admin.listCommunications()).toHaveLength(1);
  });

  it('holds a unique property value on one communication, and reads it back by idProperty', async () => {
    // Prepare
    await uniqueKey();
    const first = await sdk.objects.basicApi.create('communications', { properties: sms({ omnihub_message_key: 'twilio:SM1' }), associations: toContact(CONTACT) });

    // Act
    const again = await call('POST', '/crm/v3/objects/communications', { properties: sms({ omnihub_message_key: 'twilio:SM1' }), associations: toContact(CONTACT) });
    const byKey = await sdk.objects.basicApi.getById('communications', 'twilio:SM1', ['omnihub_message_key'], undefined, undefined, false, 'omnihub_message_key');
    const byBody = await call('GET', `/crm/v3/objects/communications/hi?idProperty=hs_communication_body`);
    const unknownKey = await call('GET', `/crm/v3/objects/communications/${encodeURIComponent('twilio:SM2')}?idProperty=omnihub_message_key`);

    // Assess
    expect(again.status).toBe(400);
    const refused = (await again.json()) as { category: string; errors: Array<{ code: string; context: { propertyName: string[] } }> };
    expect(refused.category).toBe('VALIDATION_ERROR');
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'INVALID_PROPERTY_VALUE', context: { propertyName: ['omnihub_message_key'] } })]);
    expect(byKey.id).toBe(first.id);
    expect(byKey.properties.omnihub_message_key).toBe('twilio:SM1');
    expect(byBody.status).toBe(400);
    expect(((await byBody.json()) as { message: string }).message).toMatch(/^Unable to perform update\/upsert by non-unique 0-18 property hs_communication_body in portal ID \d+$/);
    expect(unknownKey.status).toBe(404);
    expect(fake.admin.listCommunications()).toHaveLength(1);
  });

  it('refuses an association to a contact that does not exist, or of a type that does not lead to contacts, and creates nothing', async () => {
    // Act
    const gone = await call('POST', '/crm/v3/objects/communications', { properties: sms(), associations: toContact('999') });
    const wrongType = await call('POST', '/crm/v3/objects/communications', { properties: sms(), associations: toContact(CONTACT, 507) });

    // Assess
    expect(gone.status).toBe(400);
    expect((await gone.json()) as unknown).toMatchObject({ category: 'VALIDATION_ERROR', message: 'One or more associations are invalid', context: { INVALID_OBJECT_IDS: ['CONTACT=999 is not valid'] } });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { category: string }).category).toBe('VALIDATION_ERROR');
    expect(fake.admin.listCommunications()).toEqual([]);
  });

  it('keeps communications and their associations across a restart of a persisted portal', async () => {
    // Prepare
    await uniqueKey();
    const created = await sdk.objects.basicApi.create('communications', { properties: sms({ omnihub_message_key: 'twilio:SM9' }), associations: toContact(CONTACT) });

    // Act: what the persist file holds, read back as a restart reads it.
    const saved = CrmSnapshotSchema.parse(JSON.parse(JSON.stringify(fake.crm.snapshot())));
    fake.crm.load(saved);

    // Assess
    expect(saved.objects.objects).toEqual([expect.objectContaining({ id: created.id, type: 'communications' })]);
    expect(fake.admin.getCommunication(created.id)).toMatchObject({ contactIds: [CONTACT], properties: expect.objectContaining({ omnihub_message_key: 'twilio:SM9' }) });
    expect(fake.crm.catalog.isUnique('communications', 'omnihub_message_key')).toBe(true);
  });
});
