import { randomUUID } from 'node:crypto';
import { isApiWrite, type SquareFake } from '../../../connectors/square/fake/server';
import type { CustomerInput, FakeCustomer } from '../../../connectors/square/fake/customers-state';
import { SQUARE_RETRY_SCHEDULE, SquareWebhooks } from '../../../connectors/square/fake/webhooks';
import { secondsStamp } from '../../../connectors/square/fake/clock';
import { addressKey, emailKey, phoneKey, textKey, type SnapshotRecord } from '../model';
import { adminApiControls, type PersonFields, type VendorAdapter, type Written } from './adapter';

/**
 * Square through its fake: the seller in the Square Dashboard adding, editing and deleting
 * customers (each fires customer.created / updated / deleted), and the directory as it stands
 * (no index lag: what Square holds, not what its search shows yet). Fields as
 * connectors/square/mapping.ts maps them: given_name / family_name, email_address, phone_number,
 * address_line_1 / locality / postal_code / country.
 */
export function squareAdapter(fake: SquareFake, secret: { signatureKey: string; notificationUrl: string }): VendorAdapter {
  const retryScheduleSource = fake.webhooks.retrySchedule ? 'fake' : 'fallback';
  fake.webhooks.retrySchedule ??= SQUARE_RETRY_SCHEDULE;

  // Dashboard edits: null clears (the fake's admin updates with X-Clear-Null semantics).
  const toInput = (fields: PersonFields): CustomerInput => ({
    ...(fields.email !== undefined ? { email_address: fields.email } : {}),
    ...(fields.phone !== undefined ? { phone_number: fields.phone } : {}),
    ...(fields.firstName !== undefined ? { given_name: fields.firstName } : {}),
    ...(fields.lastName !== undefined ? { family_name: fields.lastName } : {}),
    ...(fields.address !== undefined
      ? {
          address:
            fields.address === null
              ? null
              : { address_line_1: fields.address.line1, locality: fields.address.city, postal_code: fields.address.postalCode, country: fields.address.country },
        }
      : {}),
  });
  const toRecord = (customer: FakeCustomer): SnapshotRecord => ({
    system: 'square',
    externalId: customer.id,
    values: {
      email: emailKey(customer.email_address),
      phone: phoneKey(customer.phone_number),
      firstName: textKey(customer.given_name),
      lastName: textKey(customer.family_name),
      address: customer.address
        ? addressKey({
            line1: customer.address.address_line_1 ?? null,
            city: customer.address.locality ?? null,
            postalCode: customer.address.postal_code ?? null,
            // ZZ is Square's "unknown country" (mapping.ts): no country.
            country: customer.address.country === 'ZZ' ? null : (customer.address.country ?? null),
          })
        : null,
    },
  });
  // Every field is timed by updated_at, which Square gives to the whole second (created_at has ms):
  // that is the source time the connector reports (mapping.ts toObservation).
  const written = (customer: FakeCustomer): Written => ({ externalId: customer.id, at: Date.parse(customer.updated_at) });

  return {
    system: 'square',
    sender: fake.webhooks,
    retryScheduleSource,
    clockResolutionMs: 1000,
    create: (fields) => written(fake.admin.createCustomer(toInput(fields))),
    update: (id, fields) => written(fake.admin.updateCustomer(id, toInput(fields))),
    // Square keeps no unique emails: the oldest holder, as the connector links (client.ts existing()).
    findByEmail: (email) => fake.customers.list().find((customer) => emailKey(customer.email_address) === emailKey(email))?.id,
    read(id) {
      const customer = fake.customers.get(id);
      return customer ? toRecord(customer) : undefined;
    },
    list: () => fake.customers.list().map(toRecord),
    remove(id) {
      if (!fake.customers.get(id)) return false;
      fake.admin.deleteCustomer(id);
      return true;
    },
    // No merge yet: a Square merge makes a new profile and deletes both (customer.created plus two
    // customer.deleted with event_context.merge); the workload's twin-and-merge is HubSpot's shape.
    async forge(webhookUrl, id, marker) {
      const current = fake.customers.get(id);
      const customer = {
        ...(current ?? { id, created_at: new Date().toISOString(), preferences: { email_unsubscribed: false }, creation_source: 'DIRECTORY', version: 0 }),
        given_name: marker,
        family_name: marker,
        updated_at: secondsStamp(new Date(Date.now() + 60_000)),
        version: (current?.version ?? 0) + 100,
      };
      const body = JSON.stringify({
        merchant_id: fake.merchantId,
        type: 'customer.updated',
        event_id: randomUUID(),
        created_at: secondsStamp(new Date()),
        data: { type: 'customer', id, object: { customer } },
      });
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-square-hmacsha256-signature': SquareWebhooks.sign(`${secret.signatureKey}-forged`, secret.notificationUrl, body),
          'square-environment': 'Sandbox',
          'square-initial-delivery-timestamp': new Date().toISOString(),
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    ...adminApiControls(fake, isApiWrite),
  };
}
