import * as z from '../schema';
import { AddressPartSchema, FieldNameSchema, PartialFieldValuesSchema } from './customer';
import { ExternalIdSchema, SystemIdSchema, TimestampSchema } from './system';

/**
 * What one system told us about one person: its record id, the values it holds and the
 * time the system itself gives for that state (updated_at / lastmodifieddate).
 *
 * `fieldTimes` carries a finer clock where the vendor has one (HubSpot's per-property
 * history): a field listed there is timed by it, the others by `observedAt`.
 * `unusable` names fields the record holds a value for that could not be normalized (a phone
 * that is not a number): they are left out of `values` (never a match key, never a clear) and
 * the resolver logs and counts them. Names only, never the values.
 */
export const ObservationSchema = z.object({
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  observedAt: TimestampSchema,
  values: PartialFieldValuesSchema,
  fieldTimes: z.optional(z.partialRecord(FieldNameSchema, TimestampSchema)),
  /**
   * The address parts' own times, where the vendor keeps one per part (HubSpot: one property
   * each): a part is timed by it, the others by the address's time.
   */
  partTimes: z.optional(z.partialRecord(AddressPartSchema, TimestampSchema)),
  unusable: z.optional(z.array(FieldNameSchema)),
  /**
   * How the system says a consent it holds was given or withdrawn (a STOP reply, Klaviyo's
   * `method`): the evidence the golden field keeps beside its source and time (docs/identity.md §10).
   */
  consentHow: z.optional(z.partialRecord(z.enum(['emailConsent', 'smsConsent']), z.string())),
  /** Records the vendor merged into this one: their old ids now read as it (HubSpot `hs_merged_object_ids`). */
  mergedIds: z.optional(z.array(ExternalIdSchema)),
  /**
   * A statement about some fields of a record we should already know (a HubSpot propertyChange
   * event's value): applied only to a linked record, never the basis of a new customer or link.
   */
  linkedOnly: z.optional(z.boolean()),
  /**
   * What sync's read showed just before a write (docs/identity.md §2): the record's present state
   * at that moment, not a delivery that can be late. It settles a value left unsure in its second,
   * as long as the link is still at the version sync planned from: a write of ours recorded after
   * the read (or any other change of the link) makes it one more delivery of that second.
   */
  readBack: z.optional(z.object({ linkVersion: z.int().check(z.nonnegative()) })),
});
export type Observation = z.infer<typeof ObservationSchema>;

/** The source time of one field of an observation: its own time where the vendor gives one. */
export function fieldTime(observation: Observation, field: z.infer<typeof FieldNameSchema>): string {
  return observation.fieldTimes?.[field] ?? observation.observedAt;
}
