import * as z from '../../core/schema';
import { TimestampSchema } from '../../core/model/system';

/**
 * Square payload shapes, kept apart from the canonical model. Two spellings of one customer:
 * webhooks carry the wire JSON (snake_case), the SDK answers camelCase with `version` as a
 * bigint. Square omits a field it holds nothing in, in both: a customer object is the whole
 * record, so an absent name or address means "none".
 * https://developer.squareup.com/reference/square/objects/Customer
 */

/** Square ids are upper-case letters and digits (customers: 26 characters, orders: 29). */
export const SquareIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a Square object id'));

const text = z.nullish(z.string());

// --- wire (webhook bodies) -------------------------------------------------------------------

export const SquareWireAddressSchema = z.object({
  address_line_1: text,
  address_line_2: text,
  locality: text,
  administrative_district_level_1: text,
  postal_code: text,
  country: text,
});

/** `data.object.customer` of customer.created / updated / deleted (no cards, no segment_ids). */
export const SquareWireCustomerSchema = z.object({
  id: SquareIdSchema,
  created_at: z.optional(TimestampSchema),
  updated_at: TimestampSchema,
  given_name: text,
  family_name: text,
  email_address: text,
  phone_number: text,
  address: z.nullish(SquareWireAddressSchema),
  preferences: z.nullish(z.object({ email_unsubscribed: z.nullish(z.boolean()) })),
  version: z.optional(z.int().check(z.nonnegative())),
});
export type SquareWireCustomer = z.infer<typeof SquareWireCustomerSchema>;

/**
 * What every event notification has, whatever its type.
 * https://developer.squareup.com/docs/webhooks/step3validate (envelope), per-event pages under
 * https://developer.squareup.com/reference/square/webhooks
 */
export const SquareEventEnvelopeSchema = z.object({
  merchant_id: z.string(),
  type: z.string().check(z.minLength(1)),
  event_id: z.string().check(z.minLength(1)),
  created_at: TimestampSchema,
  data: z.object({ type: text, id: z.string(), object: z.optional(z.record(z.string(), z.unknown())) }),
});

/** `event_context.merge`: present only when a merge created (survivor) or deleted (merged-away) the customer. */
export const SquareMergeContextSchema = z.object({
  merge: z.object({ from_customer_ids: z.array(SquareIdSchema), to_customer_id: SquareIdSchema }),
});

/** customer.created / customer.updated / customer.deleted. */
export const SquareCustomerEventSchema = z.object({
  event_id: z.string(),
  type: z.string(),
  created_at: TimestampSchema,
  data: z.object({
    type: text,
    id: SquareIdSchema,
    object: z.object({ customer: SquareWireCustomerSchema, event_context: z.optional(SquareMergeContextSchema) }),
  }),
});
export type SquareCustomerEvent = z.infer<typeof SquareCustomerEventSchema>;

// --- SDK (camelCase) ---------------------------------------------------------------------------

export const SquareAddressSchema = z.object({
  addressLine1: text,
  addressLine2: text,
  locality: text,
  administrativeDistrictLevel1: text,
  postalCode: text,
  country: text,
});
export type SquareAddress = z.infer<typeof SquareAddressSchema>;

/** `Customer` as the SDK returns it (square/api/types/Customer.d.ts), the fields omnihub reads. */
export const SquareCustomerSchema = z.object({
  id: SquareIdSchema,
  createdAt: z.optional(TimestampSchema),
  updatedAt: TimestampSchema,
  givenName: text,
  familyName: text,
  emailAddress: text,
  phoneNumber: text,
  address: z.nullish(SquareAddressSchema),
  preferences: z.nullish(z.object({ emailUnsubscribed: z.nullish(z.boolean()) })),
  /** +1 per committed update (not for segment changes): what UpdateCustomer's optimistic concurrency compares. */
  version: z.optional(z.bigint()),
});
export type SquareCustomer = z.infer<typeof SquareCustomerSchema>;

/** One error of Square's envelope `{ errors: [{ category, code, detail?, field? }] }`. */
export const SquareErrorSchema = z.object({
  category: z.string(),
  code: z.string(),
  detail: z.optional(z.string()),
  field: z.optional(z.string()),
});
export type SquareApiError = z.infer<typeof SquareErrorSchema>;

/** What the SDK throws for a non-2xx answer (SquareError), read through zod, never cast. */
export const SquareSdkErrorSchema = z.object({
  statusCode: z.optional(z.number()),
  errors: z.optional(z.array(z.object({ category: z.optional(z.string()), code: z.optional(z.string()), field: z.optional(z.string()) }))),
  rawResponse: z.optional(z.object({ headers: z.optional(z.unknown()) })),
});

/** CreateCustomer / UpdateCustomer / RetrieveCustomer answers. */
export const SquareCustomerResponseSchema = z.object({ customer: SquareCustomerSchema });

/** BulkRetrieveCustomers: one entry per id asked, a customer or its errors (NOT_FOUND) inside a 200. */
export const SquareBulkRetrieveResponseSchema = z.object({
  responses: z.optional(z.record(z.string(), z.object({ customer: z.optional(SquareCustomerSchema), errors: z.optional(z.array(SquareErrorSchema)) }))),
});

/** ListCustomers / SearchCustomers: `{}` when nothing matches. */
export const SquareCustomerPageSchema = z.object({
  customers: z.optional(z.array(SquareCustomerSchema)),
  cursor: z.optional(z.string()),
  count: z.optional(z.bigint()),
});
