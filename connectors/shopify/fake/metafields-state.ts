import { createHash } from 'node:crypto';

/**
 * Customer metafields and `metafieldsSet` as Shopify validates it at 2025-10: at most 25 per
 * call, atomic (one error and nothing is written), each value checked against its type, a
 * metafield's type fixed once it exists. Codes from MetafieldsSetUserErrorCode
 * (https://shopify.dev/docs/api/admin-graphql/2025-10/enums/MetafieldsSetUserErrorCode); the
 * messages follow Shopify's wording where we have seen it, and name fields, never values.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/metafieldsSet
 * https://shopify.dev/docs/apps/build/custom-data/metafields/list-of-data-types
 */

export const MAX_METAFIELDS_PER_SET = 25;

export interface FakeMetafield {
  id: bigint;
  ownerId: bigint;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

export interface MetafieldsSetUserError {
  field: string[] | null;
  message: string;
  code: string;
  elementIndex: number | null;
}

const FIRST_METAFIELD_ID = 9_007_199_254_744_993_001n;
/** App-owned metafields without a namespace go to the app's reserved one (`$app`). */
const DEFAULT_NAMESPACE = '$app';

/** The types the fake validates (those omnihub writes, and their near relatives). */
const VALIDATORS: Record<string, (value: string) => string | undefined> = {
  number_integer: (value) =>
    /^-?\d+$/.test(value) && BigInt(value) <= 9_007_199_254_740_991n && BigInt(value) >= -9_007_199_254_740_991n ? undefined : 'Value must be an integer.',
  number_decimal: (value) => (/^-?\d+(\.\d+)?$/.test(value) ? undefined : 'Value must be a decimal.'),
  boolean: (value) => (value === 'true' || value === 'false' ? undefined : 'Value must be true or false.'),
  json: (value) => (parses(value) ? undefined : 'Value must be valid JSON.'),
  date_time: (value) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(value) && !Number.isNaN(Date.parse(value))
      ? undefined
      : 'Value must be in “YYYY-MM-DDTHH:MM:SS” format.',
  date: (value) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : 'Value must be in “YYYY-MM-DD” format.'),
  single_line_text_field: (value) => (/[\r\n]/.test(value) ? 'Value must be a single line text string.' : undefined),
  multi_line_text_field: () => undefined,
  'list.single_line_text_field': (value) => {
    const parsed = parses(value) ? (JSON.parse(value) as unknown) : undefined;
    if (!Array.isArray(parsed)) return 'Value must be an array.';
    return parsed.every((item) => typeof item === 'string' && item.length > 0 && !/[\r\n]/.test(item)) ? undefined : 'Value must be an array of single line text strings.';
  },
};

export class MetafieldsState {
  private readonly byOwner = new Map<bigint, Map<string, FakeMetafield>>();
  private nextId = FIRST_METAFIELD_ID;

  constructor(private readonly clock: () => Date) {}

  snapshot(): { metafields: FakeMetafield[]; nextId: bigint } {
    return { metafields: [...this.byOwner.values()].flatMap((owned) => [...owned.values()].map((metafield) => ({ ...metafield }))), nextId: this.nextId };
  }

  restore(snapshot: { metafields: FakeMetafield[]; nextId: bigint }): void {
    this.byOwner.clear();
    for (const metafield of snapshot.metafields) {
      const owned = this.byOwner.get(metafield.ownerId) ?? new Map<string, FakeMetafield>();
      owned.set(`${metafield.namespace}.${metafield.key}`, { ...metafield });
      this.byOwner.set(metafield.ownerId, owned);
    }
    this.nextId = snapshot.nextId;
  }

  list(ownerId: bigint, namespace?: string | null): FakeMetafield[] {
    return [...(this.byOwner.get(ownerId)?.values() ?? [])].filter((metafield) => namespace == null || metafield.namespace === namespace).map((metafield) => ({ ...metafield }));
  }

  get(ownerId: bigint, namespace: string, key: string): FakeMetafield | undefined {
    const metafield = this.byOwner.get(ownerId)?.get(`${namespace}.${key}`);
    return metafield ? { ...metafield } : undefined;
  }

  /** The owner's metafields go with it (a deleted or redacted customer). */
  forget(ownerId: bigint): void {
    this.byOwner.delete(ownerId);
  }

  /**
   * Validates every input, then writes all of them or none. `ownerExists` answers for a
   * `gid://shopify/Customer/<id>` owner (the only owner type the fake holds).
   */
  set(inputs: MetafieldsSetInput[], ownerExists: (id: bigint) => boolean): { metafields: FakeMetafield[]; userErrors: MetafieldsSetUserError[] } {
    if (inputs.length > MAX_METAFIELDS_PER_SET) {
      return { metafields: [], userErrors: [{ field: ['metafields'], message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`, code: 'LESS_THAN_OR_EQUAL_TO', elementIndex: null }] };
    }
    const userErrors: MetafieldsSetUserError[] = [];
    const planned: { ownerId: bigint; namespace: string; key: string; type: string; value: string }[] = [];
    inputs.forEach((input, index) => {
      const error = (field: string, code: string, message: string) => userErrors.push({ field: ['metafields', String(index), field], message, code, elementIndex: index });
      const owner = /^gid:\/\/shopify\/(\w+)\/(\d{1,20})$/.exec(input.ownerId);
      if (!owner) return error('ownerId', 'INVALID', 'Owner is invalid.');
      if (owner[1] !== 'Customer') return error('ownerId', 'DISALLOWED_OWNER_TYPE', 'Owner type is not supported by this fake.');
      const ownerId = BigInt(owner[2]!);
      if (!ownerExists(ownerId)) return error('ownerId', 'INVALID', 'Owner does not exist.');
      const namespace = input.namespace ?? DEFAULT_NAMESPACE;
      if (namespace.length < 2) return error('namespace', 'TOO_SHORT', 'Namespace is too short (minimum is 2 characters)');
      if (namespace.length > 255) return error('namespace', 'TOO_LONG', 'Namespace is too long (maximum is 255 characters)');
      if (input.key.length === 0) return error('key', 'BLANK', "Key can't be blank");
      if (input.key.length < 2) return error('key', 'TOO_SHORT', 'Key is too short (minimum is 2 characters)');
      if (input.key.length > 64) return error('key', 'TOO_LONG', 'Key is too long (maximum is 64 characters)');
      if (!/^[\w-]+$/.test(input.key)) return error('key', 'INVALID', 'Key contains one or more invalid characters.');
      const existing = this.byOwner.get(ownerId)?.get(`${namespace}.${input.key}`);
      const type = input.type ?? existing?.type;
      if (!type) return error('type', 'BLANK', "Type can't be blank");
      const validate = VALIDATORS[type];
      if (!validate) return error('type', 'INVALID_TYPE', `Type ${type} is not a valid metafield type.`);
      if (existing && existing.type !== type) return error('type', 'INVALID_TYPE', `Type must be ${existing.type}: the metafield already exists with that type.`);
      if (input.value.length === 0) return error('value', 'BLANK', "Value can't be blank");
      const invalid = validate(input.value);
      if (invalid) return error('value', 'INVALID_VALUE', invalid);
      if (input.compareDigest !== undefined && (input.compareDigest === null ? existing !== undefined : !existing || digestOf(existing) !== input.compareDigest)) {
        return error('compareDigest', 'STALE_OBJECT', 'The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.');
      }
      planned.push({ ownerId, namespace, key: input.key, type, value: input.value });
    });
    if (userErrors.length > 0) return { metafields: [], userErrors };

    const now = new Date(Math.floor(this.clock().getTime() / 1000) * 1000);
    const metafields = planned.map((write) => {
      const owned = this.byOwner.get(write.ownerId) ?? new Map<string, FakeMetafield>();
      this.byOwner.set(write.ownerId, owned);
      const existing = owned.get(`${write.namespace}.${write.key}`);
      const metafield: FakeMetafield = existing
        ? { ...existing, value: write.value, updatedAt: existing.value === write.value ? existing.updatedAt : now }
        : { id: this.nextId++, ...write, createdAt: now, updatedAt: now };
      owned.set(`${write.namespace}.${write.key}`, metafield);
      return { ...metafield };
    });
    return { metafields, userErrors: [] };
  }
}

/** Metafield.compareDigest: a hash of what the metafield holds. */
export function digestOf(metafield: FakeMetafield): string {
  return createHash('sha256').update(`${metafield.type}\n${metafield.value}`).digest('hex');
}

function parses(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
