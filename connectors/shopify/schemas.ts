import * as z from '../../core/schema';
import { TimestampSchema } from '../../core/model/system';

/**
 * Shopify payload shapes, kept apart from the canonical model. Shopify ids exceed 2^53, so
 * they are strings end to end: webhook bodies are parsed with every JSON number kept as its
 * digit string (see webhook.ts), and GraphQL ids are `gid://shopify/Customer/<digits>`.
 */

/** A numeric Shopify id as its exact decimal digits. */
export const ShopifyNumericIdSchema = z.string().check(z.regex(/^\d{1,20}$/, 'a Shopify numeric id'));

const nullableText = z.nullish(z.string());

/** `email_marketing_consent` / `sms_marketing_consent` in REST payloads (state is lower-case). */
export const ShopifyRestConsentSchema = z.object({
  state: z.string(),
  opt_in_level: nullableText,
  consent_updated_at: nullableText,
});

export const ShopifyRestAddressSchema = z.object({
  id: z.optional(ShopifyNumericIdSchema),
  address1: nullableText,
  address2: nullableText,
  city: nullableText,
  province: nullableText,
  province_code: nullableText,
  zip: nullableText,
  country: nullableText,
  country_code: nullableText,
});
export type ShopifyRestAddress = z.infer<typeof ShopifyRestAddressSchema>;

/**
 * Body of `customers/create` and `customers/update` (REST shape).
 * https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-customers/update
 * Since API 2025-01 this payload carries no `tags` and no consent objects (they have their own
 * topics); older versions did. Absent means "not said", never "cleared".
 */
export const ShopifyCustomerWebhookSchema = z.object({
  id: ShopifyNumericIdSchema,
  updated_at: TimestampSchema,
  created_at: z.nullish(TimestampSchema),
  email: nullableText,
  phone: nullableText,
  first_name: nullableText,
  last_name: nullableText,
  tags: nullableText,
  addresses: z.nullish(z.array(ShopifyRestAddressSchema)),
  default_address: z.nullish(ShopifyRestAddressSchema),
  email_marketing_consent: z.nullish(ShopifyRestConsentSchema),
  sms_marketing_consent: z.nullish(ShopifyRestConsentSchema),
  admin_graphql_api_id: nullableText,
});
export type ShopifyCustomerWebhook = z.infer<typeof ShopifyCustomerWebhookSchema>;


/**
 * `customers/delete`: the id only. https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-customers/delete
 */
export const ShopifyCustomerDeleteWebhookSchema = z.object({ id: ShopifyNumericIdSchema });

/**
 * `customers_email_marketing_consent/update`: the customer's email consent, nothing else.
 * `email_address` is null when the customer has no email (then there is no consent either).
 */
export const ShopifyEmailConsentWebhookSchema = z.object({
  customer_id: ShopifyNumericIdSchema,
  email_address: nullableText,
  email_marketing_consent: z.nullish(z.object({ state: nullableText, opt_in_level: nullableText, consent_updated_at: z.nullish(TimestampSchema) })),
});
export type ShopifyEmailConsentWebhook = z.infer<typeof ShopifyEmailConsentWebhookSchema>;

/** `customers_marketing_consent/update`: the customer's SMS consent (`state` may be null). */
export const ShopifySmsConsentWebhookSchema = z.object({
  id: ShopifyNumericIdSchema,
  phone: nullableText,
  sms_marketing_consent: z.nullish(z.object({ state: nullableText, opt_in_level: nullableText, consent_updated_at: z.nullish(TimestampSchema) })),
});
export type ShopifySmsConsentWebhook = z.infer<typeof ShopifySmsConsentWebhookSchema>;

export const ShopifyCustomerGidSchema = z.string().check(z.regex(/^gid:\/\/shopify\/Customer\/\d{1,20}$/, 'a Shopify Customer gid'));

/** `customer.tags_added` / `customer.tags_removed`: the delta only, never the customer's tags. */
export const ShopifyTagsWebhookSchema = z.object({
  customerId: ShopifyCustomerGidSchema,
  tags: z.array(z.string()),
  occurredAt: TimestampSchema,
});

/**
 * `customers/redact` (mandatory compliance topic). Only `customer.id` is needed; everything else
 * is optional because deliveries are known to omit fields (no email, no phone, no orders).
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 */
export const ShopifyRedactWebhookSchema = z.object({
  customer: z.object({ id: ShopifyNumericIdSchema }),
});

/**
 * `customers/merge`: one record absorbed into another, by gid. `status` is the merge request's
 * (completed | failed | in_progress | requested, lower-case); only a completed merge moved data.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/enums/CustomerMergeRequestStatus
 */
export const ShopifyMergeWebhookSchema = z.object({
  admin_graphql_api_customer_kept_id: ShopifyCustomerGidSchema,
  admin_graphql_api_customer_deleted_id: ShopifyCustomerGidSchema,
  admin_graphql_api_job_id: nullableText,
  status: z.string(),
});

/** `MailingAddress` as selected by the client (GraphQL Admin API). */
export const ShopifyMailingAddressNodeSchema = z.object({
  id: z.string(),
  address1: z.nullable(z.string()),
  address2: z.nullable(z.string()),
  city: z.nullable(z.string()),
  provinceCode: z.nullable(z.string()),
  zip: z.nullable(z.string()),
  countryCodeV2: z.nullable(z.string()),
});
export type ShopifyMailingAddressNode = z.infer<typeof ShopifyMailingAddressNodeSchema>;

/**
 * `Customer` as selected by the client's CustomerFields fragment.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Customer
 * `email`/`phone`/`emailMarketingConsent` are deprecated there in favour of
 * `defaultEmailAddress` and `defaultPhoneNumber` (API 2025-04+), which we use.
 */
export const ShopifyCustomerNodeSchema = z.object({
  id: ShopifyCustomerGidSchema,
  updatedAt: TimestampSchema,
  firstName: z.nullable(z.string()),
  lastName: z.nullable(z.string()),
  defaultEmailAddress: z.nullable(z.object({ emailAddress: z.nullable(z.string()), marketingState: z.string() })),
  defaultPhoneNumber: z.nullable(z.object({ phoneNumber: z.nullable(z.string()), marketingState: z.string() })),
  defaultAddress: z.nullable(ShopifyMailingAddressNodeSchema),
  tags: z.array(z.string()),
});
export type ShopifyCustomerNode = z.infer<typeof ShopifyCustomerNodeSchema>;

/** `UserError` and its typed variants (the consent mutations add a `code`). */
export const ShopifyUserErrorSchema = z.object({
  field: z.nullable(z.array(z.string())),
  message: z.string(),
  code: z.nullish(z.string()),
});
export type ShopifyUserError = z.infer<typeof ShopifyUserErrorSchema>;

/** Payload of customerCreate / customerUpdate / the consent mutations. */
export const ShopifyCustomerPayloadSchema = z.object({
  customer: z.nullable(ShopifyCustomerNodeSchema),
  userErrors: z.array(ShopifyUserErrorSchema),
});

/** Payload of customerAddressCreate / customerAddressUpdate (the address written) / customerAddressDelete. */
export const ShopifyAddressPayloadSchema = z.object({
  address: z.nullish(ShopifyMailingAddressNodeSchema),
  userErrors: z.array(ShopifyUserErrorSchema),
});

/** Input of customerCreate / customerUpdate (the fields omnihub writes). */
export interface ShopifyMailingAddressInput {
  address1?: string;
  address2?: string;
  city?: string;
  provinceCode?: string;
  zip?: string;
  countryCode?: string;
}

export interface ShopifyCustomerInput {
  id?: string;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  tags?: string[];
  addresses?: ShopifyMailingAddressInput[];
  emailMarketingConsent?: ShopifyMarketingConsentInput;
  smsMarketingConsent?: ShopifyMarketingConsentInput;
}

/** CustomerEmailMarketingConsentInput / CustomerSmsMarketingConsentInput. */
export interface ShopifyMarketingConsentInput {
  marketingState: 'SUBSCRIBED' | 'UNSUBSCRIBED';
  marketingOptInLevel?: 'SINGLE_OPT_IN';
}
