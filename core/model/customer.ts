import * as z from '../schema';
import { SystemIdSchema, TimestampSchema, ExternalIdSchema } from './system';

/**
 * The canonical customer: what omnihub keeps as the single truth about one person.
 * Every field remembers which system said it and when (the source's own clock), so a
 * late or repeated delivery can never overwrite something newer.
 */

/**
 * A postal address. A system lists every part it can hold: null when it holds nothing there.
 * A part it cannot hold at all (HubSpot has no second street line) is absent, so merging its
 * address never clears what another system keeps in that part.
 */
export const AddressSchema = z.object({
  line1: z.optional(z.nullable(z.string())),
  line2: z.optional(z.nullable(z.string())),
  city: z.optional(z.nullable(z.string())),
  region: z.optional(z.nullable(z.string())), // province / state code when the source has one
  postalCode: z.optional(z.nullable(z.string())),
  country: z.optional(z.nullable(z.string())), // ISO 3166-1 alpha-2 when the source has one
});
export type Address = z.infer<typeof AddressSchema>;
export const ADDRESS_PARTS = Object.keys(AddressSchema.shape) as Array<keyof Address>;
export const AddressPartSchema = z.enum(['line1', 'line2', 'city', 'region', 'postalCode', 'country']);

export const ConsentStateSchema = z.enum(['subscribed', 'not_subscribed', 'unsubscribed']);
export type ConsentState = z.infer<typeof ConsentStateSchema>;

/**
 * The canonical field values. Each field is optional: a system only tells us what it holds.
 * `null` means "the system holds no value" (a cleared field), undefined means "not said".
 */
export const FieldValuesSchema = z.object({
  email: z.nullable(z.string()), // normalized (lower-case)
  phone: z.nullable(z.string()), // E.164
  firstName: z.nullable(z.string()),
  lastName: z.nullable(z.string()),
  address: z.nullable(AddressSchema), // the default postal address
  emailConsent: z.nullable(ConsentStateSchema),
  smsConsent: z.nullable(ConsentStateSchema),
  tags: z.nullable(z.array(z.string())), // sorted, de-duplicated
});
export type FieldValues = z.infer<typeof FieldValuesSchema>;
export const PartialFieldValuesSchema = z.partial(FieldValuesSchema);
export type PartialFieldValues = z.infer<typeof PartialFieldValuesSchema>;

export const FIELD_NAMES = Object.keys(FieldValuesSchema.shape) as FieldName[];
export type FieldName = keyof FieldValues;
export const FieldNameSchema = z.enum(FIELD_NAMES as [FieldName, ...FieldName[]]);

/** A field value with its provenance. */
export const SourcedSchema = <T extends z.AnySchema>(value: T) =>
  z.object({
    value,
    source: SystemIdSchema,
    at: TimestampSchema, // the source's own timestamp for this value
  });

export const GoldenFieldsSchema = z.object({
  email: z.optional(SourcedSchema(FieldValuesSchema.shape.email)),
  phone: z.optional(SourcedSchema(FieldValuesSchema.shape.phone)),
  firstName: z.optional(SourcedSchema(FieldValuesSchema.shape.firstName)),
  lastName: z.optional(SourcedSchema(FieldValuesSchema.shape.lastName)),
  /** Parts merge one by one (docs/identity.md §5): each part keeps its own source and time. */
  address: z.optional(
    z.extend(SourcedSchema(FieldValuesSchema.shape.address), {
      parts: z.optional(z.record(z.string(), z.object({ source: SystemIdSchema, at: TimestampSchema }))),
    }),
  ),
  /** A choice, with how the system that said it says it was made, where it says (docs/identity.md §10). */
  emailConsent: z.optional(z.extend(SourcedSchema(FieldValuesSchema.shape.emailConsent), { how: z.optional(z.string()) })),
  smsConsent: z.optional(z.extend(SourcedSchema(FieldValuesSchema.shape.smsConsent), { how: z.optional(z.string()) })),
  tags: z.optional(SourcedSchema(FieldValuesSchema.shape.tags)),
});
export type GoldenFields = z.infer<typeof GoldenFieldsSchema>;
export type SourcedValue = { value: unknown; source: string; at: string; parts?: Record<string, { source: string; at: string }>; how?: string };

/**
 * What one linked record in one system holds, field by field, as of the system's own time.
 * Written when we observe the record and when we write to it: it is how an echo of our
 * own write is recognised (its timestamp is not newer) and how sync knows a target
 * already holds the golden values.
 */
export const HeldFieldSchema = z.object({
  value: z.unknown(),
  /** The source time of the value: when it was set, by this record's system or by the one we copied it from. */
  at: TimestampSchema,
  /**
   * The record's own clock when it last said it holds this value (an observation, or our write's
   * updated time). Deliveries older than this are late; the echo of our write is not newer.
   */
  seenAt: z.optional(TimestampSchema),
  /**
   * For a value we wrote: the record's clock when we read it just before the write. A value the
   * record took after that and before our write landed (`raceFrom` < time < `seenAt`) is an edit
   * our write raced, not a late delivery: it still competes for the golden record.
   */
  raceFrom: z.optional(TimestampSchema),
  /** For a value we wrote and saw again later: the record's clock when our write landed (`seenAt` moved on; absent, it is `seenAt`). */
  wroteAt: z.optional(TimestampSchema),
  /** For a value we wrote: what that read showed the record holding (an edit in the read's own second is new only if it differs). */
  readValue: z.optional(z.unknown()),
  /**
   * The source time of `readValue` (the vendor's field time in that read). A value our write
   * overwrote still competes when the value we copied turns out older (docs/identity.md §1).
   */
  readAt: z.optional(TimestampSchema),
  /**
   * For an address that read showed with a time per part (HubSpot: one property each): each part's
   * time, never later than `readAt`. A part of the value our write overwrote competes with its own
   * time, not with the newest part's (docs/identity.md §1).
   */
  readPartTimes: z.optional(z.partialRecord(AddressPartSchema, TimestampSchema)),
  /**
   * The race windows of earlier writes of ours, newest first (docs/identity.md §2): from their read
   * (`from`, what it showed) to the write (`until`, what we wrote). An edit inside one, delivered
   * after a later write, was overwritten by that write and seen by no read since.
   */
  earlierRaces: z.optional(
    z.array(z.object({ from: TimestampSchema, until: TimestampSchema, readValue: z.unknown(), wrote: z.unknown(), wroteAt: z.optional(TimestampSchema) })),
  ),
  /**
   * Other values the record is known to have held, at the record time given: in our write's
   * second (values earlier writes of ours left) and in our read's second (what an earlier read
   * showed). With a one-second clock their late deliveries tie our write or our read: they are
   * states we already know, not raced edits.
   */
  knownStates: z.optional(z.array(z.object({ at: TimestampSchema, value: z.unknown() }))),
  /**
   * A delivery in this same record second said another value, and nothing orders the two: the
   * record may hold either. Sync writes the golden value again (docs/identity.md §2).
   */
  unsure: z.optional(z.boolean()),
  /**
   * An address told part by part (HubSpot property events, each timed by its own property): the
   * record time each part was last said. A part's event older than the address's `seenAt` (a later
   * edit of other parts came first) but newer than that part's own is news (docs/identity.md §1).
   */
  partsSeenAt: z.optional(z.partialRecord(AddressPartSchema, TimestampSchema)),
  /**
   * The address parts' own times as the record told them (HubSpot: one property each); a part
   * not listed has the address's `at`. What a part competes with when a value is dated back (§1).
   */
  partTimes: z.optional(z.partialRecord(AddressPartSchema, TimestampSchema)),
  /**
   * A late delivery showed the record holding another value at this record time, after the time we
   * knew this value by: the value was set again after it, and dates back no further (docs/identity.md §1).
   */
  setAfter: z.optional(TimestampSchema),
});
export type HeldField = z.infer<typeof HeldFieldSchema>;

export const LinkSchema = z.object({
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  linkedAt: TimestampSchema,
  held: z.partialRecord(FieldNameSchema, HeldFieldSchema),
  /** Optimistic-concurrency version of the link item (0 = not stored yet). */
  version: z._default(z.int().check(z.nonnegative()), 0),
  /** Fields the record held a value for that could not be normalized, at its last observation. */
  unusable: z.optional(z.array(FieldNameSchema)),
  /**
   * Values the system refused to hold for this record because another of its records holds
   * them (Shopify keeps phones unique; a shared family phone stays with its first owner).
   * Sync does not write a withheld value again until the golden value changes.
   */
  withheld: z.optional(z.partialRecord(FieldNameSchema, z.unknown())),
});
export type Link = z.infer<typeof LinkSchema>;

/**
 * A write sync announced just before making it (docs/identity.md §2): if the sync dies after the
 * vendor applied it and before the link recorded it, an observation of those values is still
 * known as our copy, timed by the source times we copied, not by the vendor's clock.
 */
export const PendingWriteSchema = z.object({
  system: SystemIdSchema,
  /** The record updated; absent for a create (its id is not known before the vendor answers). */
  externalId: z.optional(ExternalIdSchema),
  startedAt: TimestampSchema,
  values: z.partialRecord(FieldNameSchema, z.unknown()),
  sourceTimes: z.partialRecord(FieldNameSchema, TimestampSchema),
});
export type PendingWrite = z.infer<typeof PendingWriteSchema>;

export const OmnihubIdSchema = z.string().check(z.regex(/^oh_[0-9a-z]{26}$/, 'an omnihub id looks like oh_ followed by 26 characters'));
export type OmnihubId = z.infer<typeof OmnihubIdSchema>;

export const CustomerSchema = z.object({
  id: OmnihubIdSchema,
  version: z.int().check(z.nonnegative()),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  fields: GoldenFieldsSchema,
  /** Every normalized email and E.164 phone ever seen for this person: the match keys. */
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  links: z.array(LinkSchema),
  /** Writes of sync not recorded yet, from the lease items (never stored on the customer item). */
  pendingWrites: z.optional(z.array(PendingWriteSchema)),
});
export type Customer = z.infer<typeof CustomerSchema>;

/** The plain golden values, without provenance. */
export function goldenValues(customer: Pick<Customer, 'fields'>): PartialFieldValues {
  const values: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    const field = customer.fields[name];
    if (field) values[name] = field.value;
  }
  return PartialFieldValuesSchema.parse(values);
}
