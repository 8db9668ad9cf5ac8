import { z } from 'zod';
import { addressKey, emailKey, phoneKey, textKey, SYSTEMS, type RecordValues, type SnapshotCustomer, type SystemName } from './model';

/**
 * The golden records as the identity table holds them, read from a Scan. Two layouts are
 * understood: the customer item carrying its links (`customer: { fields, links }`), and the
 * one-writer-per-item layout of docs/identity.md §8, where each link is its own item
 * (`CUST#<id>` / `LINK#<system>#<externalId>`) next to the `CUSTOMER` item.
 */

const Sourced = z.object({ value: z.unknown() }).loose();
const Fields = z.record(z.string(), Sourced.optional());
const AddressValue = z
  .object({ line1: z.string().nullish(), city: z.string().nullish(), postalCode: z.string().nullish(), country: z.string().nullish() })
  .loose()
  .nullable();
const LinkRef = z.object({ system: z.string(), externalId: z.string() }).loose();
const CustomerItem = z
  .object({
    pk: z.string().startsWith('CUST#'),
    sk: z.literal('CUSTOMER'),
    customer: z.object({ fields: Fields.optional(), links: z.array(LinkRef).optional() }).loose().optional(),
    fields: Fields.optional(),
  })
  .loose();
const LinkItem = z.object({ pk: z.string().startsWith('CUST#'), sk: z.string().regex(/^LINK#[^#]+#.+$/) }).loose();

const SYSTEM = z.enum(SYSTEMS as [SystemName, ...SystemName[]]);

export function goldenCustomers(items: ReadonlyArray<Record<string, unknown>>): SnapshotCustomer[] {
  const customers = new Map<string, SnapshotCustomer>();
  const links = new Map<string, Array<{ system: SystemName; externalId: string }>>();
  const addLink = (customerId: string, system: string, externalId: string) => {
    const parsed = SYSTEM.safeParse(system);
    if (!parsed.success) return;
    const list = links.get(customerId) ?? [];
    if (!list.some((link) => link.system === parsed.data && link.externalId === externalId)) list.push({ system: parsed.data, externalId });
    links.set(customerId, list);
  };
  for (const item of items) {
    const customer = CustomerItem.safeParse(item);
    if (customer.success) {
      const id = customer.data.pk.slice('CUST#'.length);
      customers.set(id, { id, values: valuesOf(customer.data.customer?.fields ?? customer.data.fields ?? {}), links: [] });
      for (const link of customer.data.customer?.links ?? []) addLink(id, link.system, link.externalId);
      continue;
    }
    const link = LinkItem.safeParse(item);
    if (link.success) {
      const [, system, ...rest] = link.data.sk.split('#');
      addLink(link.data.pk.slice('CUST#'.length), system ?? '', rest.join('#'));
    }
  }
  return [...customers.values()].map((customer) => ({ ...customer, links: links.get(customer.id) ?? [] }));
}

function valuesOf(fields: z.infer<typeof Fields>): RecordValues {
  const values: RecordValues = {};
  const text = (name: string) => {
    const field = fields[name];
    if (!field) return undefined;
    return typeof field.value === 'string' ? field.value : null;
  };
  const email = text('email');
  if (email !== undefined) values.email = emailKey(email);
  const phone = text('phone');
  if (phone !== undefined) values.phone = phoneKey(phone);
  const firstName = text('firstName');
  if (firstName !== undefined) values.firstName = textKey(firstName);
  const lastName = text('lastName');
  if (lastName !== undefined) values.lastName = textKey(lastName);
  const address = fields.address;
  if (address) {
    const parsed = AddressValue.safeParse(address.value);
    values.address = parsed.success ? addressKey(parsed.data) : null;
  }
  return values;
}
