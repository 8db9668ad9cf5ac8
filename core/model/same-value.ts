/**
 * Structural equality for field values (strings, null, address objects, tag arrays).
 * Keys are compared sorted and undefined properties are ignored, so two mappings of the
 * same address compare equal whatever order they build it in.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value ?? null));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** A value made of parts (an address), as opposed to a string, a list or nothing. */
export function isParts(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** null, an empty list or an address without any part: the record holds no value (docs/identity.md §5). */
export function isNothing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isParts(value)) return Object.values(value).every(isNothing);
  return false;
}
