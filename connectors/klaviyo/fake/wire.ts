import { isValidPhoneNumber } from 'libphonenumber-js';
import { klaviyoErrors, ok, refused, type KlaviyoFailure, type Result } from './errors';
import { LOCATION_FIELDS, TEXT_FIELDS, type LocationField, type ProfileInput, type ProfileLocation } from './profiles-state';

/**
 * Reading JSON:API request documents the way Klaviyo validates them: `{"data":{"type", "id"?,
 * "attributes", "relationships"?, "meta"?}}`, snake_case keys only. An attribute Klaviyo does not
 * know is refused, as Klaviyo does: "'last_name' is not a valid field for the resource 'profile'."
 * (a real answer, github.com/verbb/formie/issues/1986) — so camelCase keys sent raw are refused,
 * and snake_case keys given to the SDK never arrive (the SDK drops them, orders-messages-facts.md §4.1).
 * - phone_number: E.164 only ("Individual's phone number in E.164 format", profileUpsertQuery
 *   attributes doc) and a number that exists (libphonenumber-js); else "Invalid phone number
 *   format (Example of a valid phone number format: +12345678901)" (Klaviyo's wording as
 *   integrations quote it; the fake does not reformat "(212) 555-0101" for you).
 * - email: must look like an address (wording chosen).
 */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const PHONE_FORMAT = 'Invalid phone number format (Example of a valid phone number format: +12345678901)';

export function validPhone(value: string): boolean {
  return /^\+[1-9]\d{1,14}$/.test(value) && isValidPhoneNumber(value);
}

export function validEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/** The document's `data`, of the given `type`. */
export function readData(body: unknown, type: string): Result<Json> {
  if (!isObject(body) || !isObject(body.data)) return refused(klaviyoErrors.invalidAt('/data', "'data' is a required field."));
  const data = body.data;
  if (data.type !== type) {
    return refused(klaviyoErrors.invalidAt('/data/type', data.type === undefined ? "'type' is a required field." : `'${String(data.type)}' is not a valid resource type for this endpoint; expected '${type}'.`));
  }
  return ok(data);
}

export function requireObject(value: unknown, pointer: string, name: string): Result<Json> {
  if (!isObject(value)) return refused(klaviyoErrors.invalidAt(pointer, value === undefined ? `'${name}' is a required field.` : `'${name}' must be an object.`));
  return ok(value);
}

export interface ProfileFieldsOptions {
  /** Extra attribute names accepted (and ignored): `_kx`, `anonymous_id`. */
  ignored?: readonly string[];
  /** Attribute names handled by the caller (e.g. `subscriptions`). */
  extra?: readonly string[];
}

/** A profile's attributes → the write they ask for. */
export function readProfileAttributes(attributes: Json, pointer: string, options: ProfileFieldsOptions = {}): Result<ProfileInput> {
  const input: ProfileInput = {};
  const known = new Set<string>([...TEXT_FIELDS, 'location', 'properties', ...(options.ignored ?? []), ...(options.extra ?? [])]);
  for (const [key, value] of Object.entries(attributes)) {
    if (!known.has(key)) return refused(klaviyoErrors.invalidAt(`${pointer}/${key}`, `'${key}' is not a valid field for the resource 'profile'.`));
    if ((TEXT_FIELDS as readonly string[]).includes(key)) {
      if (value !== null && typeof value !== 'string') return refused(klaviyoErrors.invalidAt(`${pointer}/${key}`, `'${key}' must be a string or null.`));
      const failure = value === null ? undefined : checkIdentifier(key, value, `${pointer}/${key}`);
      if (failure) return refused(failure);
      input[key as (typeof TEXT_FIELDS)[number]] = value;
    }
  }
  if ('location' in attributes) {
    const location = attributes.location;
    if (location === null) input.location = null;
    else if (!isObject(location)) return refused(klaviyoErrors.invalidAt(`${pointer}/location`, "'location' must be an object or null."));
    else {
      const parsed: Partial<ProfileLocation> = {};
      for (const [key, value] of Object.entries(location)) {
        if (!(LOCATION_FIELDS as readonly string[]).includes(key)) return refused(klaviyoErrors.invalidAt(`${pointer}/location/${key}`, `'${key}' is not a valid field for 'location'.`));
        const numeric = key === 'latitude' || key === 'longitude';
        if (value !== null && typeof value !== 'string' && !(numeric && typeof value === 'number')) {
          return refused(klaviyoErrors.invalidAt(`${pointer}/location/${key}`, `'${key}' must be a ${numeric ? 'number, a string' : 'string'} or null.`));
        }
        parsed[key as LocationField] = value as string | number | null;
      }
      input.location = parsed;
    }
  }
  if ('properties' in attributes) {
    const properties = attributes.properties;
    if (properties !== null && !isObject(properties)) return refused(klaviyoErrors.invalidAt(`${pointer}/properties`, "'properties' must be an object or null."));
    input.properties = properties;
  }
  return ok(input);
}

function checkIdentifier(key: string, value: string, pointer: string): KlaviyoFailure | undefined {
  if (key === 'phone_number' && !validPhone(value)) return klaviyoErrors.invalidAt(pointer, PHONE_FORMAT);
  if (key === 'email' && !validEmail(value)) return klaviyoErrors.invalidAt(pointer, `Invalid email address: '${value}'.`);
  return undefined;
}

/** `data.meta.patch_properties` (profileMetaPatchProperties.d.ts: append, unappend, unset). */
export function readPatchMeta(meta: unknown, pointer: string): Result<ProfileInput['patch'] | undefined> {
  if (meta === undefined || meta === null) return ok(undefined);
  if (!isObject(meta)) return refused(klaviyoErrors.invalidAt(pointer, "'meta' must be an object."));
  const patch = meta.patch_properties;
  if (patch === undefined || patch === null) return ok(undefined);
  if (!isObject(patch)) return refused(klaviyoErrors.invalidAt(`${pointer}/patch_properties`, "'patch_properties' must be an object."));
  const unset = patch.unset;
  const result: NonNullable<ProfileInput['patch']> = {};
  if (typeof unset === 'string') result.unset = [unset];
  else if (Array.isArray(unset) && unset.every((each) => typeof each === 'string')) result.unset = unset as string[];
  else if (unset !== undefined && unset !== null) return refused(klaviyoErrors.invalidAt(`${pointer}/patch_properties/unset`, "'unset' must be a string or a list of strings."));
  for (const key of ['append', 'unappend'] as const) {
    const value = patch[key];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) return refused(klaviyoErrors.invalidAt(`${pointer}/patch_properties/${key}`, `'${key}' must be an object.`));
    result[key] = value;
  }
  return ok(result);
}

/** A list query parameter (`additional-fields[profile]`, `include`, `fields[…]`): comma-separated, each one of `allowed`. */
export function readChoices(query: URLSearchParams, parameter: string, allowed: readonly string[]): Result<string[]> {
  const raw = query.get(parameter);
  if (raw === null || raw === '') return ok([]);
  const values = raw.split(',').map((value) => value.trim());
  for (const value of values) {
    if (!allowed.includes(value)) return refused(klaviyoErrors.invalidParameter(parameter, `'${value}' is not a valid choice for '${parameter}'. Allowed: ${allowed.join(', ')}.`));
  }
  return ok(values);
}

/** A JSON:API sparse fieldset applied to attributes: top-level names and dotted paths ("location.city"). */
export function pickFields(attributes: Json, fields: string[]): Json {
  if (fields.length === 0) return attributes;
  const picked: Json = {};
  for (const path of fields) {
    const parts = path.split('.');
    let source: unknown = attributes;
    for (const part of parts) source = isObject(source) ? source[part] : undefined;
    if (source === undefined) continue;
    let target = picked;
    parts.slice(0, -1).forEach((part) => {
      if (!isObject(target[part])) target[part] = {};
      target = target[part] as Json;
    });
    target[parts[parts.length - 1]!] = structuredClone(source);
  }
  return picked;
}
