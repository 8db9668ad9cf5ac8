import { z } from 'zod';

/**
 * HubSpot payloads as they reach us: webhook deliveries (raw JSON) and contacts as
 * @hubspot/api-client returns them. Vendor shapes only; the canonical model is core/model.
 */

const IdNumberSchema = z.number().int().nonnegative();

/**
 * Just enough of an event to route it: its type (`subscriptionType`; some pages and samples say
 * `eventType`, so either is accepted) and, for the generic `object.*` events, its object type.
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 * https://developers.hubspot.com/changelog/public-beta-generic-webhook-subscriptions
 */
export const HubspotEventEnvelopeSchema = z
  .object({
    subscriptionType: z.string().min(1).optional(),
    eventType: z.string().min(1).optional(),
    objectTypeId: z.string().optional(),
    eventId: z.unknown().optional(),
  })
  .refine((event) => event.subscriptionType !== undefined || event.eventType !== undefined, {
    message: 'an event needs subscriptionType (or eventType)',
    path: ['subscriptionType'],
  })
  .transform(({ subscriptionType, eventType, ...event }) => ({ ...event, type: subscriptionType ?? eventType ?? '' }));

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
  propertyName: z.string().optional(),
  /** A string in practice; kept lenient because we never act on it (we re-read the contact). */
  propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  changeSource: z.string().optional(),
  changeFlag: z.string().optional(),
  sourceId: z.string().optional(),
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
  primaryObjectId: IdNumberSchema.optional(),
  mergedObjectIds: z.array(IdNumberSchema).optional(),
  newObjectId: IdNumberSchema.optional(),
  numberOfPropertiesMoved: z.number().int().nonnegative().optional(),
});
export type HubspotContactEvent = z.infer<typeof HubspotContactEventSchema>;

/** The SDK deserializes timestamps to Date; raw JSON (fixtures, the fake) has ISO strings. */
const HubspotDateSchema = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value));

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
  sourceId: z.string().optional(),
  sourceLabel: z.string().optional(),
  updatedByUserId: z.number().optional(),
});
export type HubspotHistoryEntry = z.infer<typeof HubspotHistoryEntrySchema>;

export const HubspotContactSchema = z.object({
  id: z.string().regex(/^\d+$/, 'a HubSpot record id is numeric'),
  properties: z.record(z.string(), z.string().nullable()),
  /** Only when asked for (batch read `propertiesWithHistory`). */
  propertiesWithHistory: z.record(z.string(), z.array(HubspotHistoryEntrySchema)).optional(),
  createdAt: HubspotDateSchema,
  updatedAt: HubspotDateSchema,
  archived: z.boolean().optional(),
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
  status: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  correlationId: z.string().optional(),
  policyName: z.string().optional(),
  errorType: z.string().optional(),
  errors: z
    .array(
      z.object({
        message: z.string().optional(),
        code: z.string().optional(),
        context: z.record(z.string(), z.array(z.string())).optional(),
      }),
    )
    .optional(),
});
export type HubspotErrorBody = z.infer<typeof HubspotErrorBodySchema>;

/**
 * What the SDK throws for a non-2xx answer (ApiException): the status as `code`, the parsed
 * JSON body and the response headers. Read structurally: each generated API module has its own
 * ApiException class, so instanceof would tie us to one of them.
 */
export const HubspotApiExceptionSchema = z.object({
  code: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** The items of the 400 message "Property values were not valid: [...]" (JSON inside the message). */
export const HubspotPropertyErrorListSchema = z.array(
  z.object({ name: z.string().optional(), error: z.string().optional() }),
);
