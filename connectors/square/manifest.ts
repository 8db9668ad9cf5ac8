import * as z from '../../core/schema';
import type { ConnectorManifest } from '../connector';

/**
 * cdk.json `context.omnihub.connectors.square` (`enabled` is added by infra/config.ts, as for
 * every connector).
 */
export const SquareConfigSchema = z.strictObject({
  /**
   * The seller locations whose orders omnihub reads, or "all". Customers belong to the seller,
   * not to a location, so this does not narrow the customer sync.
   */
  locationIds: z._default(
    z.union([z.literal('all'), z.array(z.string().check(z.regex(/^[A-Z0-9]{1,32}$/, 'a Square location id such as "L88917AVBK2S5"'))).check(z.minLength(1))]),
    'all',
  ),
  /** Which Square the token belongs to: https://connect.squareupsandbox.com or https://connect.squareup.com. */
  environment: z._default(z.enum(['sandbox', 'production']), 'production'),
});
export type SquareConfig = z.infer<typeof SquareConfigSchema>;

/** JSON of Secrets Manager secret `omnihub/square` (or env vars locally): read by the sync function only. */
export const SquareSecretSchema = z.object({
  /** A personal access token (sandbox: EAAA…) or an OAuth access token with CUSTOMERS_READ/CUSTOMERS_WRITE (ORDERS_READ, PAYMENTS_READ for orders). */
  accessToken: z.string().check(z.minLength(1)),
});
export type SquareSecret = z.infer<typeof SquareSecretSchema>;

/** JSON of `omnihub/square/webhook`: read by the webhook receiver only. */
export const SquareWebhookSecretSchema = z.object({
  /** The subscription's signature key (Developer Dashboard → Webhooks → Subscriptions). */
  signatureKey: z.string().check(z.minLength(1)),
  /**
   * The notification URL exactly as configured in the subscription: Square signs it with the
   * body, and the URL our receiver sees (behind API Gateway, a proxy) may differ from it.
   */
  notificationUrl: z.url({ protocol: /^https?$/ }),
});
export type SquareWebhookSecret = z.infer<typeof SquareWebhookSecretSchema>;

export const squareManifest = {
  id: 'square',
  displayName: 'Square',
  configSchema: SquareConfigSchema,
  secretSchema: SquareSecretSchema,
  webhookSecretSchema: SquareWebhookSecretSchema,
  // Email marketing consent (preferences.email_unsubscribed) is read-only in the Customers API;
  // Square has no SMS consent and no tags on customers (groups are another API).
  writableFields: ['email', 'phone', 'firstName', 'lastName', 'address'],
  // address_line_3, sublocality and the other districts are not mapped.
  addressParts: ['line1', 'line2', 'city', 'region', 'postalCode', 'country'],
  // customer.* events carry the whole customer: nothing to read.
  // Counter and pickup sales are read here; Square has no place for our stats.
  orders: { observe: true, project: false },
  hydrates: false,
  // Square retries for up to 72 hours (older SLA page; the current one says 24 h): keep event ids 4 days.
  dedupeTtlSeconds: 96 * 3600,
  localEnv: {
    secret: { accessToken: 'SQUARE_ACCESS_TOKEN' },
    webhookSecret: { signatureKey: 'SQUARE_WEBHOOK_SIGNATURE_KEY', notificationUrl: 'SQUARE_WEBHOOK_NOTIFICATION_URL' },
    config: { environment: 'SQUARE_ENVIRONMENT' },
  },
  exampleConfig: { enabled: true, environment: 'production', locationIds: 'all' },
} as const satisfies ConnectorManifest<typeof SquareConfigSchema, typeof SquareSecretSchema, typeof SquareWebhookSecretSchema>;
