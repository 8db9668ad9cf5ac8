import * as z from '../schema';

/**
 * The id of a connected system (a connector id: "shopify", "hubspot"...).
 * Core never names a vendor: the list of systems lives in connectors/index.ts.
 */
export const SystemIdSchema = z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/, 'a connector id is lower-case letters, digits and dashes'));
export type SystemId = z.infer<typeof SystemIdSchema>;

/**
 * An id in a SaaS system. Always a string: Shopify ids exceed 2^53 and would lose
 * digits as JavaScript numbers.
 */
export const ExternalIdSchema = z.string().check(z.minLength(1), z.maxLength(200));
export type ExternalId = z.infer<typeof ExternalIdSchema>;

/** ISO-8601 timestamp with offset, as the sources send it. Compared as instants, never as text. */
export const TimestampSchema = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof TimestampSchema>;

export function toMillis(ts: Timestamp): number {
  return Date.parse(ts);
}
