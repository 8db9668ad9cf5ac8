/**
 * Drops the keys whose value is undefined: "not said" never travels as a key. The one way
 * mappings remove absent values (instead of chains of conditional spreads).
 */
export function compact<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out[key] = entry;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
