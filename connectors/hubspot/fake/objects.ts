import { z } from 'zod';
import { REQUIRED_ON_CREATE, type ObjectType, type PropertyCatalog, type ValueProblem } from './catalog';

/**
 * The fake portal's commerce orders (`0-123`), line items (`0-8`) and communications (`0-18`),
 * in memory: numeric string ids, values stored as strings ('' clears), every property checked
 * against the catalog (unknown, read-only, wrong type, duplicate unique value, required on
 * create), and the read-only defaults
 * (hs_object_id, create and modified dates) maintained from the clock. Contacts live in
 * state.ts, with their history and merges.
 */

export type StoredType = Exclude<ObjectType, 'contacts'>;

export interface CrmObject {
  id: string;
  type: StoredType;
  /** Non-empty values only. */
  properties: Map<string, string>;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
}

export interface CrmObjectJson {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export type ObjectWriteFailure =
  | { kind: 'invalid'; problems: ValueProblem[] }
  | { kind: 'not_found'; id: string };

export type ObjectWriteResult = { ok: true; object: CrmObject; created: boolean; changed: boolean } | { ok: false; failure: ObjectWriteFailure };

/** The dates each type names its own way (orders `hs_createdate`, line items `createdate`). */
const CREATED: Record<StoredType, string> = { orders: 'hs_createdate', line_items: 'createdate', communications: 'hs_createdate' };
const MODIFIED = 'hs_lastmodifieddate';

/** What GET answers without `properties` (HubSpot's defaults). */
const DEFAULT_PROPERTIES: Record<StoredType, string[]> = {
  orders: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  line_items: ['amount', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price', 'quantity'],
  communications: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

export class CrmObjectStore {
  readonly objects = new Map<string, CrmObject>();
  /** Orders, line items and communications share one id sequence, far from the contacts' ids. */
  private nextId = 1_000_001;
  private readonly listeners: Array<(object: CrmObject) => void> = [];

  constructor(
    private readonly now: () => Date,
    private readonly catalog: PropertyCatalog,
  ) {}

  onChange(listener: (object: CrmObject) => void): void {
    this.listeners.push(listener);
  }

  private changed(object: CrmObject): void {
    for (const listener of this.listeners) listener(object);
  }

  get(type: StoredType, id: string): CrmObject | undefined {
    const object = this.objects.get(id);
    return object && object.type === type && !object.archived ? object : undefined;
  }

  list(type: StoredType): CrmObject[] {
    return [...this.objects.values()].filter((object) => object.type === type && !object.archived);
  }

  /** The live record holding `value` in `name` (a unique property holds it on one at most). */
  findBy(type: StoredType, name: string, value: string): CrmObject | undefined {
    if (name === 'hs_object_id') return this.get(type, value);
    return this.list(type).find((object) => object.properties.get(name) === value);
  }

  /**
   * Everything wrong with this write, before anything is written (batch calls check every input
   * first). Without `selfId` the write creates a record, so the type's required properties must be in it.
   */
  check(type: StoredType, properties: Record<string, string>, selfId?: string): ValueProblem[] {
    const problems = this.catalog.problems(type, properties);
    // Wording and code are the fake's (no public sample of this 400 found); the requirement is documented.
    if (selfId === undefined) for (const name of REQUIRED_ON_CREATE[type]) if (!properties[name]) problems.push({ name, error: 'REQUIRED_PROPERTY', message: `${name} is required` });
    for (const [name, value] of Object.entries(properties)) {
      if (problems.some((problem) => problem.name === name) || value === '') continue;
      // https://developers.hubspot.com/docs/api-reference/latest/crm/objects/line-items/guide: price cannot be negative. Wording is the fake's.
      if (type === 'line_items' && name === 'price' && Number(value) < 0) {
        problems.push({ name, error: 'INVALID_FLOAT', message: `price cannot be negative: ${value}` });
        continue;
      }
      if (this.catalog.isUnique(type, name)) {
        const holder = this.findBy(type, name, value);
        // [2ND] an integration matches "already has that value <property>" on this 400; the rest of the wording is the fake's.
        if (holder && holder.id !== selfId) problems.push({ name, error: 'INVALID_PROPERTY_VALUE', message: `${value} already has that value ${name} (record ${holder.id})` });
      }
    }
    return problems;
  }

  create(type: StoredType, properties: Record<string, string>): ObjectWriteResult {
    const problems = this.check(type, properties);
    if (problems.length > 0) return { ok: false, failure: { kind: 'invalid', problems } };
    const at = this.now();
    const object: CrmObject = { id: String(this.nextId++), type, properties: new Map(), createdAt: at, updatedAt: at, archived: false };
    for (const [name, value] of Object.entries(properties)) if (value !== '') object.properties.set(name, value);
    this.objects.set(object.id, object);
    this.changed(object);
    return { ok: true, object, created: true, changed: true };
  }

  update(type: StoredType, id: string, properties: Record<string, string>): ObjectWriteResult {
    const object = this.get(type, id);
    if (!object) return { ok: false, failure: { kind: 'not_found', id } };
    const problems = this.check(type, properties, object.id);
    if (problems.length > 0) return { ok: false, failure: { kind: 'invalid', problems } };
    let changed = false;
    for (const [name, value] of Object.entries(properties)) {
      if ((object.properties.get(name) ?? '') === value) continue;
      if (value === '') object.properties.delete(name);
      else object.properties.set(name, value);
      changed = true;
    }
    // A write that changes nothing leaves hs_lastmodifieddate alone.
    if (changed) {
      object.updatedAt = this.now();
      this.changed(object);
    }
    return { ok: true, object, created: false, changed };
  }

  archive(type: StoredType, id: string): CrmObject | undefined {
    const object = this.get(type, id);
    if (!object) return undefined;
    object.archived = true;
    object.updatedAt = this.now();
    this.changed(object);
    return object;
  }

  snapshot(): ObjectsSnapshot {
    return {
      nextId: this.nextId,
      objects: [...this.objects.values()].map((object) => ({
        id: object.id,
        type: object.type,
        properties: Object.fromEntries(object.properties),
        createdAt: object.createdAt.toISOString(),
        updatedAt: object.updatedAt.toISOString(),
        archived: object.archived,
      })),
    };
  }

  load(snapshot: ObjectsSnapshot): void {
    this.objects.clear();
    this.nextId = snapshot.nextId;
    for (const stored of snapshot.objects) {
      this.objects.set(stored.id, {
        ...stored,
        properties: new Map(Object.entries(stored.properties)),
        createdAt: new Date(stored.createdAt),
        updatedAt: new Date(stored.updatedAt),
      });
    }
  }
}

export const ObjectsSnapshotSchema = z.object({
  nextId: z.number().int().positive(),
  objects: z.array(
    z.object({
      id: z.string().regex(/^\d+$/),
      type: z.enum(['orders', 'line_items', 'communications']),
      properties: z.record(z.string(), z.string()),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      archived: z.boolean(),
    }),
  ),
});
export type ObjectsSnapshot = z.infer<typeof ObjectsSnapshotSchema>;

function propertyValue(object: CrmObject, name: string): string | null {
  if (name === 'hs_object_id') return object.id;
  if (name === CREATED[object.type]) return object.createdAt.toISOString();
  if (name === MODIFIED) return object.updatedAt.toISOString();
  if (object.type === 'line_items' && name === 'amount') return lineAmount(object);
  return object.properties.get(name) ?? null;
}

/** HubSpot computes a line item's amount (price × quantity, before discounts); exact in decimal. */
function lineAmount(object: CrmObject): string | null {
  const price = object.properties.get('price');
  const quantity = object.properties.get('quantity');
  if (price === undefined || quantity === undefined) return null;
  const [p, q] = [decimal(price), decimal(quantity)];
  if (!p || !q) return null;
  const scale = p.scale + q.scale;
  const digits = (p.units * q.units).toString();
  const negative = digits.startsWith('-');
  const bare = (negative ? digits.slice(1) : digits).padStart(scale + 1, '0');
  const whole = bare.slice(0, bare.length - scale);
  const fraction = bare.slice(bare.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function decimal(value: string): { units: bigint; scale: number } | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  return { units: BigInt(`${match[1]}${match[2]}${fraction}`), scale: fraction.length };
}

/**
 * SimplePublicObject JSON: the properties asked for (known ones only; unknown names are left
 * out, as HubSpot does) plus hs_object_id and the two dates; without names, the defaults.
 */
export function renderObject(object: CrmObject, catalog: PropertyCatalog, names?: Iterable<string>): CrmObjectJson {
  const wanted = new Set(names ?? DEFAULT_PROPERTIES[object.type]);
  for (const always of ['hs_object_id', CREATED[object.type], MODIFIED]) wanted.add(always);
  const properties: Record<string, string | null> = {};
  for (const name of [...wanted].sort()) if (catalog.has(object.type, name)) properties[name] = propertyValue(object, name);
  return { id: object.id, properties, createdAt: object.createdAt.toISOString(), updatedAt: object.updatedAt.toISOString(), archived: object.archived };
}

/** After a write HubSpot answers with the defaults, what the record holds and what was just written. */
export function renderWrittenObject(object: CrmObject, catalog: PropertyCatalog, written: Iterable<string>): CrmObjectJson {
  return renderObject(object, catalog, [...DEFAULT_PROPERTIES[object.type], ...object.properties.keys(), ...written]);
}

/** Every defined property, empty ones as null: what the sandbox (the HubSpot UI) shows. */
export function renderFull(object: CrmObject, catalog: PropertyCatalog): CrmObjectJson {
  return renderObject(object, catalog, catalog.names(object.type));
}
