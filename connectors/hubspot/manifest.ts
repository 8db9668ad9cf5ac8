import * as z from '../../core/schema';
import type { FieldName } from '../../core/model/customer';
import type { ConnectorManifest } from '../connector';

/** cdk.json `context.omnihub.connectors.hubspot`. */
export const HubspotConfigSchema = z.strictObject({
  /** Contacts per batch-read call (HubSpot allows 100, but 50 with property history: the client reads at most 50). */
  batchSize: z._default(z.int().check(z.gte(1), z.lte(100)), 100),
  /**
   * The id of the shop's marketing email subscription type in HubSpot (Settings → Marketing →
   * Email → Subscription types, or GET /communication-preferences/v3/definitions). With it,
   * email marketing consent is read from that subscription (`hs_email_optout_<id>`) and written
   * through the communication preferences API; without it, only the global opt-out is read.
   */
  marketingSubscriptionId: z.optional(
    z.string().check(
      z.regex(
        /^\d{1,20}$/,
        'the numeric id of the marketing email subscription type, e.g. "7300411" (GET /communication-preferences/v3/definitions lists them; or leave the key out to keep consent read only)',
      ),
    ),
  ),
});
export type HubspotConfig = z.infer<typeof HubspotConfigSchema>;

/** JSON of Secrets Manager secret `omnihub/hubspot` (or env vars locally): read by the sync function only. */
export const HubspotSecretSchema = z.object({
  /**
   * Private app access token (pat-...), scopes crm.objects.contacts.read and .write, and with
   * `marketingSubscriptionId` communication_preferences.read_write.
   */
  accessToken: z.string().check(z.minLength(1)),
});
export type HubspotSecret = z.infer<typeof HubspotSecretSchema>;

/** JSON of `omnihub/hubspot/webhook`: read by the webhook receiver only. */
export const HubspotWebhookSecretSchema = z.object({
  /** The app's client secret: HubSpot signs webhooks with it (X-HubSpot-Signature-v3). */
  clientSecret: z.string().check(z.minLength(1)),
});
export type HubspotWebhookSecret = z.infer<typeof HubspotWebhookSecretSchema>;

const hubspotWritableFields: readonly FieldName[] = ['email', 'phone', 'firstName', 'lastName', 'address', 'emailConsent'];

export const hubspotManifest = {
  id: 'hubspot',
  displayName: 'HubSpot',
  configSchema: HubspotConfigSchema,
  secretSchema: HubspotSecretSchema,
  webhookSecretSchema: HubspotWebhookSecretSchema,
  // Email consent goes through the communication preferences API (consent.ts), so sync writes it
  // only with `marketingSubscriptionId` set (writableFieldsFor). No SMS consent in HubSpot's
  // contacts; tags have no standard property.
  writableFields: ['email', 'phone', 'firstName', 'lastName', 'address', 'emailConsent'],
  writableFieldsFor(config: HubspotConfig): readonly FieldName[] {
    return config.marketingSubscriptionId ? hubspotWritableFields : hubspotWritableFields.filter((name) => name !== 'emailConsent');
  },
  // One street line: no line2 (see mapping.ts).
  addressParts: ['line1', 'city', 'region', 'postalCode', 'country'],
  // Orders are projected here (commerce orders with line items); stats go to contact properties.
  orders: { observe: false, project: true },
  // Messages shown on the customer's timeline (docs/identity.md §11), by its activity function.
  messages: { observe: false, project: true },
  stats: true,
  hydrates: true,
  // HubSpot retries up to 10 times over about 24 hours.
  dedupeTtlSeconds: 48 * 3600,
  localEnv: {
    secret: { accessToken: 'HUBSPOT_ACCESS_TOKEN' },
    webhookSecret: { clientSecret: 'HUBSPOT_CLIENT_SECRET' },
    config: { marketingSubscriptionId: 'HUBSPOT_MARKETING_SUBSCRIPTION_ID' },
  },
  exampleConfig: { enabled: true, batchSize: 100, marketingSubscriptionId: '7300411' },
} as const satisfies ConnectorManifest<typeof HubspotConfigSchema, typeof HubspotSecretSchema, typeof HubspotWebhookSecretSchema>;
