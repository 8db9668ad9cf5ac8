import { ADDRESS_PARTS, goldenValues, type Address, type Customer, type FieldName, type Link, type PartialFieldValues } from '../model/customer';
import { isNothing, sameValue } from '../model/same-value';

export type SyncPlan =
  | { action: 'skip'; reason: 'target already holds these values' | 'nothing to write' }
  | { action: 'create'; values: PartialFieldValues }
  | { action: 'update'; externalId: string; values: PartialFieldValues };

/**
 * What to do in one target system for one customer. The target is compared with what its
 * linked record is known to hold (observed from it, or written by us), field by field: a
 * target that already holds the golden values gets no call at all. That is what stops the
 * echo of a write from bouncing between systems.
 */
export function planSync(
  customer: Customer,
  system: string,
  writableFields: readonly FieldName[],
  addressParts: readonly (keyof Address)[] = ADDRESS_PARTS,
): SyncPlan {
  const golden = projectAddress(goldenValues(customer), addressParts);
  const link = primaryLink(customer, system);

  if (!link) {
    const values = pick(golden, writableFields, (value) => !isNothing(value));
    return Object.keys(values).length > 0 ? { action: 'create', values } : { action: 'skip', reason: 'nothing to write' };
  }

  // A value the system refused because another of its records holds it is not sent again
  // until the golden value changes (docs/identity.md §3, shared phones).
  const withheld = link.withheld ?? {};
  const values = pick(
    golden,
    writableFields,
    (value, name) =>
      // An unsure value (two values in one record second, docs/identity.md §2) is written again.
      (link.held[name]?.unsure === true || !sameHolding(heldAs(link.held[name]?.value, name, addressParts), value)) &&
      !(Object.hasOwn(withheld, name) && sameValue(withheld[name], value)),
  );
  if (Object.keys(values).length === 0) return { action: 'skip', reason: 'target already holds these values' };
  return { action: 'update', externalId: link.externalId, values };
}

/** The record omnihub writes to in a system: the first one linked (others stay linked, and are reported). */
export function primaryLink(customer: Customer, system: string): Link | undefined {
  return customer.links.find((l) => l.system === system);
}

/** What the record holds, in the shape the golden value is compared in (an address with every part the target holds). */
function heldAs(value: unknown, name: FieldName, parts: readonly (keyof Address)[]): unknown {
  if (name !== 'address' || value === null || value === undefined || typeof value !== 'object') return value ?? null;
  const address = value as Address;
  return Object.fromEntries(parts.map((part) => [part, address[part] ?? null]));
}

/** The golden address as the target can hold it: its parts only, null where the golden one has none. */
function projectAddress(values: PartialFieldValues, parts: readonly (keyof Address)[]): PartialFieldValues {
  if (!values.address) return values;
  const address = values.address;
  return { ...values, address: Object.fromEntries(parts.map((part) => [part, address[part] ?? null])) };
}

function pick(
  values: PartialFieldValues,
  fields: readonly FieldName[],
  keep: (value: unknown, name: FieldName) => boolean,
): PartialFieldValues {
  const out: Record<string, unknown> = {};
  for (const name of fields) {
    const value = values[name];
    if (value !== undefined && keep(value, name)) out[name] = value;
  }
  return out as PartialFieldValues;
}

/**
 * May this system's record lack one of these golden values (or not exist yet)? Then a change
 * must reach its sync too, even when the change came from that system (a raced edit, a merge).
 * Conservative: a value it holds unsure, or differently in any part, counts as lacking.
 */
export function mayLackGolden(customer: Customer, system: string, fields: readonly FieldName[]): boolean {
  const link = primaryLink(customer, system);
  if (!link) return true;
  const golden = goldenValues(customer);
  return fields.some((name) => {
    if (golden[name] === undefined) return false;
    const held = link.held[name];
    return held === undefined || held.unsure === true || !sameHolding(withoutEmptyParts(held.value), withoutEmptyParts(golden[name]));
  });
}

/** An address with its empty parts left out (a part a system cannot hold is absent there, null here). */
function withoutEmptyParts(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return value ?? null;
  return Object.fromEntries(Object.entries(value).filter(([, part]) => part !== null && part !== undefined));
}

/** Equal values, or nothing on both sides (no address, or an address of empty parts). */
function sameHolding(held: unknown, golden: unknown): boolean {
  return (isNothing(held) && isNothing(golden)) || sameValue(held, golden);
}
