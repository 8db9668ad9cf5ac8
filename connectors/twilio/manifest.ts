import { TWILIO_CONNECTION_OVERRIDES } from './connection-overrides';
import * as z from '../../core/schema';
import type { ConnectorManifest } from '../connector';

/**
 * cdk.json `context.omnihub.connectors.twilio` (`enabled` is added by infra/config.ts, as for
 * every connector). The shop sends from a number, a Messaging Service, or both (the service then
 * picks the sender, sticky per person), and may have a WhatsApp sender.
 */
const E164 = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164, such as "+15005550006"'));

/** The placeholders a notice template may use (core/notices/pickup-notice.ts fills them). */
export const NOTICE_PLACEHOLDERS = ['storeName', 'orderName', 'location', 'firstName'] as const;

const TemplateSchema = z.string().check(
  z.minLength(1),
  z.maxLength(640, 'at most 640 characters (4 SMS segments)'),
  z.refine((text) => [...text.matchAll(/\{(\w+)\}/g)].every(([, name]) => (NOTICE_PLACEHOLDERS as readonly string[]).includes(name!)), {
    message: `a placeholder that is not one of ${NOTICE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
  }),
);

/**
 * The pickup notice (docs/identity.md §12): sent when an order becomes ready for pickup, by SMS
 * (or WhatsApp) to a customer who has a phone that has not opted out.
 */
export const NoticesConfigSchema = z.strictObject({
  /** The shop's name as the customer knows it: the notice's {storeName}. */
  storeName: z.string().check(z.minLength(1), z.maxLength(60)),
  /** `sms` (default) or `whatsapp` (a WhatsApp notice outside the 24-hour window needs an approved template: Twilio refuses it with 63016). */
  channel: z._default(z.enum(['sms', 'whatsapp']), 'sms'),
  /**
   * The text by the locale the order was placed in ("fr", "en-CA"; a language alone matches its
   * regions), with `default` for every other: {storeName}, {orderName}, {location}, {firstName}.
   */
  readyForPickup: z._default(
    z.record(z.string().check(z.regex(/^(default|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$/, 'a locale such as "fr" or "en-CA", or "default"')), TemplateSchema).check(
      z.refine((templates) => 'default' in templates, { message: 'needs a "default" template, for orders in any other locale' }),
    ),
    { default: '{storeName}: your order {orderName} is ready for pickup at {location}. Reply STOP to opt out.' },
  ),
});
export type NoticesConfig = z.infer<typeof NoticesConfigSchema>;

export const TwilioConfigSchema = z
  .strictObject({
    /** Pickup notices; without it, none are sent (Klaviyo's `Ready for Pickup` event remains). */
    notices: z.optional(NoticesConfigSchema),
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
  // Pickup notices by SMS or WhatsApp (connectors.twilio.notices; docs/identity.md §12).
  notices: true,
  // Twilio retries a webhook only when the URL asks (#rc=, up to 5 times) and then tries the
  // fallback URL; a day of delivery keys covers both. The message's own key is kept for good.
  dedupeTtlSeconds: 24 * 3600,
  webhookUrlFragment: TWILIO_CONNECTION_OVERRIDES,
  localEnv: {
    secret: { accountSid: 'TWILIO_ACCOUNT_SID', authToken: 'TWILIO_AUTH_TOKEN' },
    webhookSecret: { authToken: 'TWILIO_AUTH_TOKEN' },
    config: { smsFrom: 'TWILIO_SMS_FROM', whatsappFrom: 'TWILIO_WHATSAPP_FROM', messagingServiceSid: 'TWILIO_MESSAGING_SERVICE_SID' },
  },
  exampleConfig: { enabled: true, smsFrom: '+15005550006', notices: { storeName: 'Main Street Goods' } },
} as const satisfies ConnectorManifest<typeof TwilioConfigSchema, typeof TwilioSecretSchema, typeof TwilioWebhookSecretSchema>;
