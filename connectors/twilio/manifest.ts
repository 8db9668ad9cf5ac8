import * as z from '../../core/schema';

/**
 * cdk.json `context.omnihub.connectors.twilio` (`enabled` is added by infra/config.ts, as for
 * every connector). The shop sends from a number, a Messaging Service, or both (the service then
 * picks the sender, sticky per person), and may have a WhatsApp sender.
 * (The connector is not registered yet: docs/identity.md §11 and issue 8 say what is to come.)
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
