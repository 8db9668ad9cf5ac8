import { z } from 'zod';

/**
 * HubSpot payloads as they reach us: webhook deliveries (raw JSON) and contacts as
 * @hubspot/api-client returns them. Vendor shapes only; the canonical model is core/model.
 */

/**
 * One event of a Webhooks API delivery.
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 * Newer docs name the type `subscriptionType`, some pages and samples `eventType`: either is accepted
 * and exposed as `type`. Unknown keys are dropped (HubSpot adds fields without notice).
 */
export const HubspotWebhookEventSchema = z
  .object({
    subscriptionType: z.string().min(1).optional(),
    eventType: z.string().min(1).optional(),
    objectId: z.number().int().nonnegative(),
    /** Epoch milliseconds of the change in HubSpot. */
    occurredAt: z.number().int().nonnegative(),
    propertyName: z.string().optional(),
    /** A string in practice; kept lenient because we never act on it (we re-read the contact). */
    propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    changeSource: z.string().optional(),
    changeFlag: z.string().optional(),
    /** Documented as "not guaranteed to be unique": only part of the dedupe key. */
    eventId: z.number().int().nonnegative(),
    subscriptionId: z.number().int().nonnegative(),
    attemptNumber: z.number().int().nonnegative(),
    appId: z.number().int().nonnegative(),
    portalId: z.number().int().nonnegative(),
    /** contact.merge only: https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks */
    primaryObjectId: z.number().int().nonnegative().optional(),
    mergedObjectIds: z.array(z.number().int().nonnegative()).optional(),
    newObjectId: z.number().int().nonnegative().optional(),
  })
  .refine((event) => event.subscriptionType !== undefined || event.eventType !== undefined, {
    message: 'an event needs subscriptionType (or eventType)',
    path: ['subscriptionType'],
  })
  .transform(({ subscriptionType, eventType, ...event }) => ({
    ...event,
    type: subscriptionType ?? eventType ?? '',
  }));
export type HubspotWebhookEvent = z.infer<typeof HubspotWebhookEventSchema>;

/** A delivery is a JSON array of events (fewer than 100 per request). */
export const HubspotWebhookPayloadSchema = z.array(HubspotWebhookEventSchema);
export type HubspotWebhookPayload = z.infer<typeof HubspotWebhookPayloadSchema>;

/** The SDK deserializes timestamps to Date; raw JSON (fixtures, the fake) has ISO strings. */
const HubspotDateSchema = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value));

/**
 * A contact (SimplePublicObject) as @hubspot/api-client returns it. Every property value is a
 * string; an empty property is null (or '' on some endpoints).
 */
export const HubspotContactSchema = z.object({
  id: z.string().regex(/^\d+$/, 'a HubSpot record id is numeric'),
  properties: z.record(z.string(), z.string().nullable()),
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
