import { isApiWrite, type HubspotFake } from '../../../connectors/hubspot/fake/server';
import { HUBSPOT_RETRY_SCHEDULE, hubspotPrepare } from '../../../connectors/hubspot/fake/webhooks';
import { hubspotDelivery } from '../../support/deliveries';
import { addressKey, emailKey, phoneKey, textKey, type SnapshotRecord } from '../model';
import { adminApiControls, optionalMethod, type PersonFields, type VendorAdapter, type Written } from './adapter';

export function hubspotAdapter(fake: HubspotFake, clientSecret: string): VendorAdapter {
  const retryScheduleSource = fake.webhooks.retrySchedule ? 'fake' : 'fallback';
  if (!fake.webhooks.retrySchedule) {
    fake.webhooks.retrySchedule = HUBSPOT_RETRY_SCHEDULE;
    fake.webhooks.prepare ??= hubspotPrepare(clientSecret, () => fake.webhooks.targetUrl);
  }

  const toProperties = (fields: PersonFields): Record<string, string> => ({
    ...(fields.email !== undefined ? { email: fields.email ?? '' } : {}),
    ...(fields.phone !== undefined ? { phone: fields.phone ?? '' } : {}),
    ...(fields.firstName !== undefined ? { firstname: fields.firstName ?? '' } : {}),
    ...(fields.lastName !== undefined ? { lastname: fields.lastName ?? '' } : {}),
    ...(fields.address !== undefined
      ? {
          address: fields.address?.line1 ?? '',
          city: fields.address?.city ?? '',
          zip: fields.address?.postalCode ?? '',
          country: fields.address?.country ?? '',
        }
      : {}),
  });
  const toRecord = (contact: { id: string; properties: Record<string, string | null> }): SnapshotRecord => {
    const p = contact.properties;
    return {
      system: 'hubspot',
      externalId: contact.id,
      values: {
        email: emailKey(p.email),
        phone: phoneKey(p.phone),
        firstName: textKey(p.firstname),
        lastName: textKey(p.lastname),
        address: addressKey({ line1: p.address ?? null, city: p.city ?? null, postalCode: p.zip ?? null, country: p.country ?? null }),
      },
    };
  };
  const written = (contact: { id: string; updatedAt: string }): Written => ({ externalId: contact.id, at: Date.parse(contact.updatedAt) });

  // Expected from the HubSpot helper's branch (issue 5): a person merging two contacts in the UI,
  // as POST /crm/v3/objects/contacts/merge { primaryObjectId, objectIdToMerge } does: the survivor
  // gets a new id, fires contact.merge. Answers the survivor as getContact does.
  const mergeContacts = optionalMethod<(primaryId: string, objectIdToMerge: string) => { id: string; updatedAt: string }>(fake.admin, 'mergeContacts');

  return {
    system: 'hubspot',
    sender: fake.webhooks,
    retryScheduleSource,
    clockResolutionMs: 1,
    create: (fields) => written(fake.admin.createContact(toProperties(fields))),
    update: (id, fields) => written(fake.admin.updateContact(id, toProperties(fields))),
    findByEmail: (email) => fake.admin.findContactByEmail(email)?.id,
    read(id) {
      const contact = fake.admin.getContact(id);
      return contact && contact.id === id && !contact.archived ? toRecord(contact) : undefined;
    },
    list: () => fake.admin.listContacts().filter((contact) => !contact.archived).map(toRecord),
    remove: (id) => fake.admin.deleteContact(id),
    ...(mergeContacts ? { merge: (primary: string, secondary: string) => written(mergeContacts(primary, secondary)) } : {}),
    async forge(webhookUrl, id, marker) {
      const body = JSON.stringify([
        {
          objectId: Number(id),
          propertyName: 'firstname',
          propertyValue: marker,
          changeSource: 'CRM_UI',
          eventId: 9_000_000 + Math.floor(Math.random() * 1_000_000),
          subscriptionId: 1001,
          portalId: 62515,
          appId: 54321,
          occurredAt: Date.now(),
          subscriptionType: 'contact.propertyChange',
          attemptNumber: 0,
        },
      ]);
      const delivery = hubspotDelivery(webhookUrl, body, `${clientSecret}-forged`, Date.now());
      const response = await fetch(webhookUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
      await response.arrayBuffer();
      return response.status;
    },
    ...adminApiControls(fake, isApiWrite),
  };
}
