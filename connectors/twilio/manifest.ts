import * as z from '../../core/schema';
import type { ConnectorManifest } from '../connector';

/**
 * cdk.json `context.omnihub.connectors.twilio` (`enabled` is added by infra/config.ts, as for
 * every connector). The shop sends from a number, a Messaging Service, or both (the service then
 * picks the sender, sticky per person), and may have a WhatsApp sender.
 */
const E164 = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164, such as "+15005550006"'));

export const TwilioConfigSchema = z
  .strictObject({
    /** The shop's SMS number, E.164: what customers text, and what SMS notices are sent from. */
    smsFrom: z.optional(E164),
    /** The shop's WhatsApp sender, E.164 (sent as `whatsapp:+…`). */
    whatsappFrom: z.optional(E164),
    /** A Messaging Service (`MG` + 32 hex) to send through instead of a number. */
    messagingServiceSid: z.optional(z.string().check(z.regex(/^MG[0-9a-f]{32}$/, 'a Messaging Service SID, "MG" and 32 hex digits (Messaging → Services)'))),
  })
  .check(
    z.refine((config) => config.smsFrom !== undefined || config.whatsappFrom !== undefined || config.messagingServiceSid !== undefined, {
      message: 'set smsFrom, whatsappFrom or messagingServiceSid: the number or service omnihub sends from',
    }),
  );
export type TwilioConfig = z.infer<typeof TwilioConfigSchema>;

/** JSON of Secrets Manager secret `omnihub/twilio`: the account's REST credentials. */
export const TwilioSecretSchema = z.object({
  accountSid: z.string().check(z.regex(/^AC[0-9a-f]{32}$/, 'the Account SID, "AC" and 32 hex digits (Console → Account info)')),
  authToken: z.string().check(z.regex(/^[0-9a-f]{32}$/, 'the Auth Token, 32 hex digits (Console → Account info)')),
});
export type TwilioSecret = z.infer<typeof TwilioSecretSchema>;

/** Twilio signs its webhooks with the account's Auth Token (X-Twilio-Signature). */
export const TwilioWebhookSecretSchema = z.object({
  authToken: z.string().check(z.regex(/^[0-9a-f]{32}$/, 'the Auth Token, 32 hex digits: Twilio signs webhooks with it')),
});
export type TwilioWebhookSecret = z.infer<typeof TwilioWebhookSecretSchema>;

export const twilioManifest = {
  id: 'twilio',
  displayName: 'Twilio',
  configSchema: TwilioConfigSchema,
  secretSchema: TwilioSecretSchema,
  webhookSecretSchema: TwilioWebhookSecretSchema,
  // Twilio holds no customer profile, only the phone a message came from (docs/identity.md §11):
  // nothing is written to it as a customer, and its opt-out list is Twilio's and the carriers'.
  writableFields: [],
  customerRecords: false,
  hydrates: false,
  // Inbound messages arrive here; their copies go to the CRM and the email tool.
  messages: { observe: true, project: false },
  // Twilio retries a webhook only when the URL asks (#rc=, up to 5 times) and then tries the
  // fallback URL; a day of delivery keys covers both. The message's own key is kept for good.
  dedupeTtlSeconds: 24 * 3600,
  localEnv: {
    secret: { accountSid: 'TWILIO_ACCOUNT_SID', authToken: 'TWILIO_AUTH_TOKEN' },
    webhookSecret: { authToken: 'TWILIO_AUTH_TOKEN' },
    config: { smsFrom: 'TWILIO_SMS_FROM', whatsappFrom: 'TWILIO_WHATSAPP_FROM', messagingServiceSid: 'TWILIO_MESSAGING_SERVICE_SID' },
  },
  exampleConfig: { enabled: true, smsFrom: '+15005550006' },
} as const satisfies ConnectorManifest<typeof TwilioConfigSchema, typeof TwilioSecretSchema, typeof TwilioWebhookSecretSchema>;
