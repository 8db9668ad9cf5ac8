import * as z from '../../core/schema';
import type { ConnectorManifest } from '../connector';

/** cdk.json `context.omnihub.connectors.shopify`. */
export const ShopifyConfigSchema = z.strictObject({
  /** The shop's myshopify.com subdomain: "my-shop" for my-shop.myshopify.com. */
  shop: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'the subdomain of <shop>.myshopify.com, e.g. "my-shop"')),
  /** Admin API version (GraphQL), e.g. "2025-10". */
  apiVersion: z._default(z.string().check(z.regex(/^\d{4}-(01|04|07|10)$/, 'a Shopify API version such as "2025-10"')), '2025-10'),
});
export type ShopifyConfig = z.infer<typeof ShopifyConfigSchema>;

/** JSON of Secrets Manager secret `omnihub/shopify` (or env vars locally): read by the sync function only. */
export const ShopifySecretSchema = z.object({
  /** Admin API access token of the custom app (shpat_...). */
  accessToken: z.string().check(z.minLength(1)),
});
export type ShopifySecret = z.infer<typeof ShopifySecretSchema>;

/** JSON of `omnihub/shopify/webhook`: read by the webhook receiver only. */
export const ShopifyWebhookSecretSchema = z.object({
  /** The app's API secret key: Shopify signs webhooks with it (X-Shopify-Hmac-Sha256). */
  webhookSecret: z.string().check(z.minLength(1)),
});
export type ShopifyWebhookSecret = z.infer<typeof ShopifyWebhookSecretSchema>;

export const shopifyManifest = {
  id: 'shopify',
  displayName: 'Shopify',
  configSchema: ShopifyConfigSchema,
  secretSchema: ShopifySecretSchema,
  webhookSecretSchema: ShopifyWebhookSecretSchema,
  writableFields: ['email', 'phone', 'firstName', 'lastName', 'address', 'tags', 'emailConsent', 'smsConsent'],
  // customer.tags_added / tags_removed carry a delta, not the tags: the connector reads the customer.
  // Orders are read here (web, POS, pickup); each customer's stats go to omnihub metafields.
  orders: { observe: true, project: false },
  stats: true,
  hydrates: true,
  // Shopify retries a delivery 8 times over 4 hours; keep delivery ids a day.
  dedupeTtlSeconds: 24 * 3600,
  localEnv: {
    secret: { accessToken: 'SHOPIFY_ACCESS_TOKEN' },
    webhookSecret: { webhookSecret: 'SHOPIFY_WEBHOOK_SECRET' },
    config: { shop: 'SHOPIFY_SHOP' },
  },
  exampleConfig: { enabled: true, shop: 'my-shop', apiVersion: '2025-10' },
} as const satisfies ConnectorManifest<typeof ShopifyConfigSchema, typeof ShopifySecretSchema, typeof ShopifyWebhookSecretSchema>;
