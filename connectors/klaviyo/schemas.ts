import * as z from '../../core/schema';

/**
 * What omnihub reads of Klaviyo's answers, as klaviyo-api@23 hands them over: the SDK turns the
 * JSON:API wire (snake_case) into camelCase and its date-times into `Date`s
 * (ObjectSerializer.deserialize). Everything else a profile holds is ignored.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/get_profile
 */

const text = z.optional(z.nullable(z.string()));
const instant = z.optional(z.nullable(z.date()));

/** `location`: Klaviyo keeps the country and region as free text. */
export const KlaviyoLocationSchema = z.object({
  address1: text,
  address2: text,
  city: text,
  region: text,
  zip: text,
  country: text,
});
export type KlaviyoLocation = z.infer<typeof KlaviyoLocationSchema>;

/** One channel's marketing consent: `consent` is SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED. */
const ChannelConsentSchema = z.object({
  consent: z.string(),
  lastUpdated: instant,
  consentTimestamp: instant,
  method: text,
});
export type KlaviyoChannelConsent = z.infer<typeof ChannelConsentSchema>;

export const KlaviyoSubscriptionsSchema = z.object({
  email: z.optional(z.object({ marketing: z.optional(ChannelConsentSchema) })),
  sms: z.optional(z.object({ marketing: z.optional(ChannelConsentSchema) })),
});

export const KlaviyoProfileSchema = z.object({
  id: z.string().check(z.minLength(1)),
  attributes: z.object({
    email: text,
    phoneNumber: text,
    externalId: text,
    firstName: text,
    lastName: text,
    created: instant,
    updated: instant,
    location: z.optional(z.nullable(KlaviyoLocationSchema)),
    properties: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    subscriptions: z.optional(KlaviyoSubscriptionsSchema),
  }),
});
export type KlaviyoProfile = z.infer<typeof KlaviyoProfileSchema>;

/** getProfile / createProfile / updateProfile answer `{ data: profile }`. */
export const KlaviyoProfileResponseSchema = z.object({ data: KlaviyoProfileSchema });

/** getProfiles answers a page: `links.next` is the full URL of the next one (absent on the last). */
export const KlaviyoProfilePageSchema = z.object({
  data: z.array(KlaviyoProfileSchema),
  links: z.optional(z.object({ next: text })),
});

/** A JSON:API error element (axios error `response.data.errors[]`). */
export const KlaviyoErrorBodySchema = z.object({
  errors: z.array(
    z.object({
      status: z.optional(z.union([z.number(), z.string()])),
      code: z.optional(z.string()),
      title: z.optional(z.string()),
      detail: z.optional(z.string()),
      source: z.optional(z.object({ pointer: z.optional(z.string()), parameter: z.optional(z.string()) })),
      meta: z.optional(z.object({ duplicate_profile_id: z.optional(z.string()) })),
    }),
  ),
});

/** What klaviyo-api throws for an HTTP failure: an axios error whose `response` holds the status, headers and JSON body. */
export const KlaviyoSdkErrorSchema = z.object({
  response: z.object({
    status: z.number(),
    // axios's AxiosHeaders (a class, not a plain record): read through readKlaviyoFailure.
    headers: z.optional(z.unknown()),
    data: z.optional(z.unknown()),
  }),
});

/** getMetrics: the account's metrics, by name (the consent metrics are Klaviyo's own). */
export const KlaviyoMetricPageSchema = z.object({
  data: z.array(z.object({ id: z.string(), attributes: z.object({ name: z.optional(z.nullable(z.string())) }) })),
  links: z.optional(z.object({ next: text })),
});

/** getEvents: each event names its profile in `relationships`. */
export const KlaviyoEventPageSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      relationships: z.optional(z.object({ profile: z.optional(z.object({ data: z.optional(z.nullable(z.object({ id: z.string() }))) })) })),
    }),
  ),
  links: z.optional(z.object({ next: text })),
});
