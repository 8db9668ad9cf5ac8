import * as z from '../../core/schema';
import { TimestampSchema } from '../../core/model/system';
import { ShopifyCustomerGidSchema, ShopifyNumericIdSchema, ShopifyUserErrorSchema } from './schemas';

/**
 * Shopify's order shapes omnihub reads: the GraphQL `Order` as orders.ts selects it, and the
 * order webhooks' bodies (REST shape, numbers kept as digit strings by webhook.ts). Only the
 * fields omnihub uses are required; everything else Shopify sends passes through unread.
 */

export const ShopifyOrderGidSchema = z.string().check(z.regex(/^gid:\/\/shopify\/Order\/\d{1,20}$/, 'a Shopify Order gid'));
export const ShopifyFulfillmentOrderGidSchema = z.string().check(z.regex(/^gid:\/\/shopify\/FulfillmentOrder\/\d{1,20}$/, 'a Shopify FulfillmentOrder gid'));

// ── GraphQL (https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Order) ──

const MoneyBagSchema = z.object({ shopMoney: z.object({ amount: z.string(), currencyCode: z.string() }) });
export type ShopifyMoneyBag = z.infer<typeof MoneyBagSchema>;

const PageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.nullable(z.string()) });

export const ShopifyLineItemNodeSchema = z.object({
  id: z.string(),
  name: z.string(),
  sku: z.nullable(z.string()),
  currentQuantity: z.int(),
  originalUnitPriceSet: MoneyBagSchema,
});
export type ShopifyLineItemNode = z.infer<typeof ShopifyLineItemNodeSchema>;

export const ShopifyFulfillmentOrderNodeSchema = z.object({
  id: ShopifyFulfillmentOrderGidSchema,
  status: z.string(),
  updatedAt: TimestampSchema,
  deliveryMethod: z.nullable(z.object({ methodType: z.string() })),
  assignedLocation: z.object({ name: z.string(), location: z.nullable(z.object({ id: z.string(), name: z.string() })) }),
});
export type ShopifyFulfillmentOrderNode = z.infer<typeof ShopifyFulfillmentOrderNodeSchema>;

export const ShopifyLineItemPageSchema = z.object({ nodes: z.array(ShopifyLineItemNodeSchema), pageInfo: PageInfoSchema });
export const ShopifyFulfillmentOrderPageSchema = z.object({ nodes: z.array(ShopifyFulfillmentOrderNodeSchema), pageInfo: PageInfoSchema });

export const ShopifyOrderNodeSchema = z.object({
  id: ShopifyOrderGidSchema,
  legacyResourceId: ShopifyNumericIdSchema,
  name: z.string(),
  email: z.nullable(z.string()),
  phone: z.nullable(z.string()),
  sourceName: z.nullable(z.string()),
  processedAt: TimestampSchema,
  updatedAt: TimestampSchema,
  cancelledAt: z.nullable(TimestampSchema),
  displayFinancialStatus: z.nullable(z.string()),
  displayFulfillmentStatus: z.string(),
  currentTotalPriceSet: MoneyBagSchema,
  currentSubtotalPriceSet: MoneyBagSchema,
  customer: z.nullable(z.object({ id: ShopifyCustomerGidSchema })),
  /** "A two-letter or three-letter language code, optionally followed by a region modifier" ("en", "fr-CA"); nullable. */
  customerLocale: z.nullable(z.string()),
  lineItems: ShopifyLineItemPageSchema,
  fulfillmentOrders: ShopifyFulfillmentOrderPageSchema,
});
export type ShopifyOrderNode = z.infer<typeof ShopifyOrderNodeSchema>;

/** `nodes(ids:)` of fulfillment orders: the order each belongs to. */
export const ShopifyFulfillmentOrderOwnerSchema = z.object({ id: ShopifyFulfillmentOrderGidSchema, order: z.object({ id: ShopifyOrderGidSchema }) });

export const ShopifyMetafieldsSetPayloadSchema = z.object({
  metafields: z.nullable(z.array(z.object({ key: z.string() }))),
  userErrors: z.array(z.extend(ShopifyUserErrorSchema, { elementIndex: z.nullish(z.int()) })),
});

// ── Webhooks (REST shape) ──

/** orders/create, orders/updated, orders/paid, orders/fulfilled, orders/partially_fulfilled, orders/cancelled. */
export const ShopifyOrderWebhookSchema = z.object({ id: ShopifyNumericIdSchema, updated_at: TimestampSchema });

/** refunds/create: one refund of `order_id`. */
export const ShopifyRefundWebhookSchema = z.object({ id: ShopifyNumericIdSchema, order_id: ShopifyNumericIdSchema, created_at: TimestampSchema });

/** fulfillments/create, fulfillments/update: one fulfillment of `order_id`. */
export const ShopifyFulfillmentWebhookSchema = z.object({ id: ShopifyNumericIdSchema, order_id: ShopifyNumericIdSchema, updated_at: TimestampSchema });

/** fulfillment_orders/*: the fulfillment order by gid, nothing about its order. */
export const ShopifyFulfillmentOrderWebhookSchema = z.object({ fulfillment_order: z.object({ id: ShopifyFulfillmentOrderGidSchema }) });
