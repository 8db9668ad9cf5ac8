import * as z from '../../core/schema';
import type { ConnectorManifest } from '../connector';

/**
 * cdk.json `context.omnihub.connectors.klaviyo` (`enabled` is added by infra/config.ts, as for
 * every connector).
 */
export const KlaviyoConfigSchema = z.strictObject({
  /**
   * The list a subscribe made elsewhere adds the profile to (its opt-in setting applies). Absent:
   * the account's default opt-in setting applies. An unsubscribe is always global.
   */
  listId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{6}$/, 'a Klaviyo list id such as "Y6nRLr" (Lists & segments → the list → Settings)'))),
  /**
   * Klaviyo gives an ordinary integration no profile-change webhooks: every so many minutes
   * omnihub reads the profiles updated since its last read. 0 turns the poll off (changes made in
   * Klaviyo then reach the other systems only through `npx omnihub backfill klaviyo`).
   */
  pollMinutes: z._default(z.int().check(z.minimum(0), z.maximum(1440)), 5),
});
export type KlaviyoConfig = z.infer<typeof KlaviyoConfigSchema>;

/** JSON of Secrets Manager secret `omnihub/klaviyo` (or env vars locally): read by the sync and poll functions only. */
export const KlaviyoSecretSchema = z.object({
  /**
   * A private API key (Settings → API keys → Create private API key) with profiles:read/write,
   * events:write, metrics:read, lists:write and subscriptions:write.
   */
  privateKey: z.string().check(z.regex(/^pk_[A-Za-z0-9]{20,}$/, 'a Klaviyo private API key, "pk_" and at least 20 letters or digits')),
});
export type KlaviyoSecret = z.infer<typeof KlaviyoSecretSchema>;

/** Klaviyo sends no webhooks to an ordinary integration (the poll reads changes): nothing to sign. */
export const KlaviyoWebhookSecretSchema = z.object({});

export const klaviyoManifest = {
  id: 'klaviyo',
  displayName: 'Klaviyo',
  configSchema: KlaviyoConfigSchema,
  secretSchema: KlaviyoSecretSchema,
  webhookSecretSchema: KlaviyoWebhookSecretSchema,
  // Consent through its subscription jobs (consent-writes.ts). Klaviyo keeps lists and segments, not tags, on a profile.
  writableFields: ['email', 'phone', 'firstName', 'lastName', 'address', 'emailConsent', 'smsConsent'],
  // `location` has two street lines, city, region, zip and country (free text: written as the code).
  addressParts: ['line1', 'line2', 'city', 'region', 'postalCode', 'country'],
  hydrates: false,
  inbound: 'poll',
  // Orders placed elsewhere as events on the buyer's profile (orders.ts); the stats as profile properties (stats.ts).
  orders: { observe: false, project: true },
  // Messages shown on the customer's timeline (docs/identity.md §11), by its activity function.
  messages: { observe: false, project: true },
  stats: true,
  // Nothing is delivered to us: no delivery ids to remember.
  dedupeTtlSeconds: 3600,
  localEnv: {
    secret: { privateKey: 'KLAVIYO_PRIVATE_KEY' },
    webhookSecret: {},
    config: { listId: 'KLAVIYO_LIST_ID' },
  },
  exampleConfig: { enabled: true, pollMinutes: 5, listId: 'Y6nRLr' },
} as const satisfies ConnectorManifest<typeof KlaviyoConfigSchema, typeof KlaviyoSecretSchema, typeof KlaviyoWebhookSecretSchema>;
