import * as z from '../../core/schema';

/**
 * HubSpot payloads as they reach us: webhook deliveries (raw JSON) and contacts as
 * @hubspot/api-client returns them. Vendor shapes only; the canonical model is core/model.
 */

const IdNumberSchema = z.int().check(z.nonnegative());

/**
 * Just enough of an event to route it: its type (`subscriptionType`; some pages and samples say
 * `eventType`, so either is accepted) and, for the generic `object.*` events, its object type.
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 * https://developers.hubspot.com/changelog/public-beta-generic-webhook-subscriptions
 */
export const HubspotEventEnvelopeSchema = z.pipe(
  z
    .object({
      subscriptionType: z.optional(z.string().check(z.minLength(1))),
      eventType: z.optional(z.string().check(z.minLength(1))),
      objectTypeId: z.optional(z.string()),
      eventId: z.optional(z.unknown()),
    })
    .check(
      z.refine((event) => event.subscriptionType !== undefined || event.eventType !== undefined, {
        message: 'an event needs subscriptionType (or eventType)',
        path: ['subscriptionType'],
      }),
    ),
  z.transform(({ subscriptionType, eventType, ...event }) => ({ ...event, type: subscriptionType ?? eventType ?? '' })),
);

/**
 * One contact event (legacy `contact.*` or generic `object.*` with objectTypeId "0-1"), with the
 * fields HubSpot sends: eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType,
 * attemptNumber, objectId, changeSource, changeFlag?, propertyName?, propertyValue?, sourceId?,
 * objectTypeId (generic). Unknown keys are dropped (HubSpot adds fields without notice).
 */
export const HubspotContactEventSchema = z.object({
  objectId: IdNumberSchema,
  /** Epoch milliseconds of the change in HubSpot. */
  occurredAt: IdNumberSchema,
  propertyName: z.optional(z.string()),
  /** A string in practice; kept lenient because we never act on it (we re-read the contact). */
  propertyValue: z.optional(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  changeSource: z.optional(z.string()),
  changeFlag: z.optional(z.string()),
  sourceId: z.optional(z.string()),
  /** Documented as "not guaranteed to be unique": only part of the dedupe key. */
  eventId: IdNumberSchema,
  subscriptionId: IdNumberSchema,
  attemptNumber: IdNumberSchema,
  appId: IdNumberSchema,
  portalId: IdNumberSchema,
  /**
   * Merge events only. https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks
   * primaryObjectId: the record given priority; mergedObjectIds: the secondary records;
   * newObjectId: the record the merge created (since 2023 contacts merge into a new id:
   * https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies).
   */
  primaryObjectId: z.optional(IdNumberSchema),
  mergedObjectIds: z.optional(z.array(IdNumberSchema)),
  newObjectId: z.optional(IdNumberSchema),
  numberOfPropertiesMoved: z.optional(z.int().check(z.nonnegative())),
});
export type HubspotContactEvent = z.infer<typeof HubspotContactEventSchema>;

/** The SDK deserializes timestamps to Date; raw JSON (fixtures, the fake) has ISO strings. */
const HubspotDateSchema = z.pipe(
  z.union([z.date(), z.iso.datetime({ offset: true })]),
  z.transform((value) => new Date(value)),
);

/**
 * A contact (SimplePublicObject) as @hubspot/api-client returns it. Every property value is a
 * string; an empty property is null (or '' on some endpoints).
 */
/**
 * One entry of a property's history (ValueWithTimestamp). HubSpot lists them newest first.
 * https://developers.hubspot.com/docs/api/crm/contacts (propertiesWithHistory)
 */
export const HubspotHistoryEntrySchema = z.object({
  value: z.string(),
  timestamp: HubspotDateSchema,
  sourceType: z.string(),
  sourceId: z.optional(z.string()),
  sourceLabel: z.optional(z.string()),
  updatedByUserId: z.optional(z.number()),
});
export type HubspotHistoryEntry = z.infer<typeof HubspotHistoryEntrySchema>;

export const HubspotContactSchema = z.object({
  id: z.string().check(z.regex(/^\d+$/, 'a HubSpot record id is numeric')),
  properties: z.record(z.string(), z.nullable(z.string())),
  /** Only when asked for (batch read `propertiesWithHistory`). */
  propertiesWithHistory: z.optional(z.record(z.string(), z.array(HubspotHistoryEntrySchema))),
  createdAt: HubspotDateSchema,
  updatedAt: HubspotDateSchema,
  archived: z.optional(z.boolean()),
});
export type HubspotContact = z.infer<typeof HubspotContactSchema>;

/** Batch read answers 200 (all found) or 207 (some ids missing, listed in `errors`). */
export const HubspotBatchReadResponseSchema = z.object({
  results: z.array(HubspotContactSchema),
});

/**
 * HubSpot's error body. https://developers.hubspot.com/docs/api/error-handling
 * 429s add `policyName` (TEN_SECONDLY_ROLLING, SECONDLY, DAILY) and `errorType: RATE_LIMIT`.
 */
export const HubspotErrorBodySchema = z.object({
  status: z.optional(z.string()),
  message: z.optional(z.string()),
  category: z.optional(z.string()),
  correlationId: z.optional(z.string()),
  policyName: z.optional(z.string()),
  errorType: z.optional(z.string()),
  errors: z.optional(
    z.array(
      z.object({
        message: z.optional(z.string()),
        code: z.optional(z.string()),
        context: z.optional(z.record(z.string(), z.array(z.string()))),
      }),
    ),
  ),
});
export type HubspotErrorBody = z.infer<typeof HubspotErrorBodySchema>;

/**
 * What the SDK throws for a non-2xx answer (ApiException): the status as `code`, the parsed
 * JSON body and the response headers. Read structurally: each generated API module has its own
 * ApiException class, so instanceof would tie us to one of them.
 */
export const HubspotApiExceptionSchema = z.object({
  code: z.int(),
  body: z.unknown(),
  headers: z.optional(z.record(z.string(), z.string())),
});

/** The items of the 400 message "Property values were not valid: [...]" (JSON inside the message). */
export const HubspotPropertyErrorListSchema = z.array(
  z.object({ name: z.optional(z.string()), error: z.optional(z.string()) }),
);

/**
 * A batch upsert's answer as the SDK deserializes it (the JSON `new` becomes `_new`): each
 * record's id, whether it was created, and the properties it holds (the unique key among them).
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-upsert
 */
export const HubspotUpsertResponseSchema = z.object({
  results: z.array(z.object({ id: z.string(), _new: z.boolean(), properties: z.record(z.string(), z.nullable(z.string())) })),
});

/** GET /crm/v4/objects/{from}/{id}/associations/{to}: `toObjectId` is a number on the wire (the SDK types it as a string). */
export const HubspotAssociationsPageSchema = z.object({
  results: z.array(z.object({ toObjectId: z.union([z.string(), z.number()]) })),
  paging: z.optional(z.object({ next: z.optional(z.object({ after: z.string() })) })),
});

/** A record as a create or read answers it (SimplePublicObject): only its id is read. */
export const HubspotObjectIdSchema = z.object({ id: z.string().check(z.regex(/^\d+$/, 'a HubSpot record id is numeric')) });
