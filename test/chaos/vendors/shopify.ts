import { z } from 'zod';
import { SHOPIFY_RETRY_SCHEDULE, type ShopifyFake } from '../../../connectors/shopify/fake/server';
import { shopifyCustomerPayload, shopifyDelivery } from '../../support/deliveries';
import { addressKey, addressKeyPart, ADDRESS_KEY_PARTS, CHECKED_FIELDS, emailKey, phoneKey, textKey, type RecordValues, type SnapshotRecord } from '../model';
import type { ShopifyChange } from '../sightings';
import type { FakeCustomer } from '../../../connectors/shopify/fake/state';
import { optionalMethod, type PersonFields, type VendorAdapter, type Written } from './adapter';

const GraphqlBody = z.object({ query: z.string() }).loose();

export function shopifyAdapter(fake: ShopifyFake, webhookSecret: string): VendorAdapter {
  const retryScheduleSource = fake.webhooks.retrySchedule ? 'fake' : 'fallback';
  fake.webhooks.retrySchedule ??= SHOPIFY_RETRY_SCHEDULE;

  const toInput = (fields: PersonFields) => ({
    ...(fields.email !== undefined ? { email: fields.email } : {}),
    ...(fields.phone !== undefined ? { phone: fields.phone } : {}),
    ...(fields.firstName !== undefined ? { first_name: fields.firstName } : {}),
    ...(fields.lastName !== undefined ? { last_name: fields.lastName } : {}),
    ...(fields.address !== undefined
      ? {
          default_address:
            fields.address === null
              ? null
              : { address1: fields.address.line1, city: fields.address.city, zip: fields.address.postalCode, country_code: fields.address.country },
        }
      : {}),
  });
  const toRecord = (customer: ReturnType<ShopifyFake['admin']['listCustomers']>[number]): SnapshotRecord => ({
    system: 'shopify',
    externalId: customer.id,
    values: {
      email: emailKey(customer.email),
      phone: phoneKey(customer.phone),
      firstName: textKey(customer.first_name),
      lastName: textKey(customer.last_name),
      address: customer.default_address
        ? addressKey({
            line1: customer.default_address.address1,
            city: customer.default_address.city,
            postalCode: customer.default_address.zip,
            country: customer.default_address.country_code,
          })
        : null,
    },
  });
  const written = (customer: { id: string; updated_at: string }): Written => ({ externalId: customer.id, at: Date.parse(customer.updated_at) });

  // Every committed change, ours and the workload's: the drop phase's checker looks for sightings between them.
  const changes: ShopifyChange[] = [];
  fake.state.onChange(({ before, after }) => {
    if (!after) return;
    const [was, is] = [before ? toFields(before) : {}, toFields(after)];
    const fields = CHECKED_FIELDS.filter((field) => was[field] !== is[field]);
    const addressParts = [...ADDRESS_KEY_PARTS.keys()].filter((index) => addressKeyPart(was.address, index) !== addressKeyPart(is.address, index));
    changes.push({ externalId: String(after.id), at: Date.now(), updatedAt: after.updatedAt.getTime(), fields, addressParts });
  });

  // Expected from the Shopify helper's branch (issue 5): the merchant deleting a customer (fires customers/delete).
  const deleteCustomer = optionalMethod<(id: string) => boolean>(fake.admin, 'deleteCustomer');

  return {
    system: 'shopify',
    sender: fake.webhooks,
    trail: () => ({ changes, requests: fake.requests, deliveries: fake.webhooks.deliveries }),
    retryScheduleSource,
    clockResolutionMs: 1000,
    create: (fields) => written(fake.admin.createCustomer(toInput(fields))),
    update: (id, fields) => written(fake.admin.updateCustomer(id, toInput(fields))),
    findByEmail: (email) => fake.admin.listCustomers().find((customer) => emailKey(customer.email) === emailKey(email))?.id,
    read(id) {
      const customer = fake.admin.getCustomer(id);
      return customer ? toRecord(customer) : undefined;
    },
    list: () => fake.admin.listCustomers().map(toRecord),
    ...(deleteCustomer ? { remove: (id: string) => deleteCustomer(id) } : {}),
    // No merge: Shopify keeps email and phone unique per customer, so a second record of one person
    // carries neither, is rightly a customer of its own, and a merge across customers leaves a
    // possible duplicate by design (docs/identity.md §7): not something the checker can score as 0.
    async forge(webhookUrl, id, marker) {
      const current = fake.admin.getCustomer(id);
      const body = shopifyCustomerPayload({ id, email: current?.email ?? 'someone@example.com', first_name: marker, last_name: marker, updated_at: new Date(Date.now() + 60_000).toISOString() });
      const delivery = shopifyDelivery(body, `${webhookSecret}-forged`, { 'x-shopify-shop-domain': fake.shopDomain });
      const response = await fetch(webhookUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
      await response.arrayBuffer();
      return response.status;
    },
    isSuccessfulWrite(request) {
      if (request.status !== 200 || !/^\/admin\/api\/[^/]+\/graphql\.json$/.test(request.path)) return false;
      const body = GraphqlBody.safeParse(request.body);
      const last = fake.calls.at(-1);
      return body.success && /^\s*mutation\b/.test(body.data.query) && last?.kind === 'mutation' && last.outcome === 'executed';
    },
    writes: () => fake.writes().length,
    requests: fake.requests,
    injectApiFaults({ seed, rateLimited, serverError }) {
      fake.apiFaults.configure({ seed, rateLimited, serverError });
      return fake.apiFaults;
    },
    apiFaultSource: () => (fake.apiFaults.current.rateLimited + fake.apiFaults.current.serverError > 0 ? 'fake' : 'off'),
  };
}

/** A state customer's checked fields, as the checker compares them. */
function toFields(customer: FakeCustomer): RecordValues {
  const address = customer.addresses.find((entry) => entry.id === customer.defaultAddressId);
  return {
    email: emailKey(customer.email),
    phone: phoneKey(customer.phone),
    firstName: textKey(customer.firstName),
    lastName: textKey(customer.lastName),
    address: address ? addressKey({ line1: address.address1, city: address.city, postalCode: address.zip, country: address.countryCode }) : null,
  };
}
