import type { MappingContext, MessageSendError, ParseResult, VerifyResult, WebhookItem, WebhookRequest } from '../connector';
import type { TwilioWebhookSecret } from './manifest';
import { parseTwilioDelivery } from './deliveries';
import { formParams, verifyTwilioRequest } from './signature';

/**
 * What the webhook receiver does with Twilio's deliveries to `/webhooks/twilio` (the shop's
 * number's "A message comes in" URL, and the StatusCallback of the notices omnihub sends):
 * verify X-Twilio-Signature (signature.ts), read the form (deliveries.ts), and answer with empty
 * TwiML at once: Twilio reads the answer to an inbound message as instructions, and `<Response/>`
 * says "send no reply" (omnihub replies through the shop's tools, never automatically).
 * https://www.twilio.com/docs/messaging/twiml#a-note-about-empty-responses
 */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export function verify(request: WebhookRequest, secret: TwilioWebhookSecret, _now: Date): VerifyResult {
  // No timestamp in Twilio's signature: a replay is a repeated MessageSid, dropped by the receiver's dedupe and the message's key.
  return verifyTwilioRequest(request, secret.authToken);
}

export function parse(request: WebhookRequest, _mapping: MappingContext): ParseResult {
  // A JSON delivery (bodySHA256) is another Twilio product's webhook: verified, but nothing omnihub acts on.
  if (!isForm(request.headers['content-type'])) return { ok: true, items: [], ignored: 1 };
  const read = parseTwilioDelivery(formParams(request.rawBody));
  if (!read.ok) return read;
  const { delivery } = read;
  const origin = { system: 'twilio', externalId: delivery.sid };
  const item: WebhookItem =
    delivery.kind === 'inbound'
      ? {
          dedupeKey: `message:${delivery.sid}`,
          kind: 'message-received',
          message: {
            origin,
            channel: delivery.channel,
            direction: 'inbound',
            customerAddress: delivery.from,
            shopAddress: delivery.to,
            body: delivery.body,
            mediaCount: delivery.mediaCount,
            status: 'received',
          },
          ...(delivery.smsConsent ? { smsConsent: delivery.smsConsent } : {}),
        }
      : // One key per status: Twilio sends each status once (and again on a retry), in any order.
        { dedupeKey: `status:${delivery.sid}:${delivery.status}`, kind: 'message-status', origin, status: delivery.status, error: sendError(delivery.errorCode) };
  return { ok: true, items: [item], ignored: 0 };
}

/**
 * Twilio's words for the send failures a shop meets most (twilio.com/docs/api/errors); the others
 * are named by their code, which the error dictionary explains.
 */
const SEND_ERRORS: Record<number, string> = {
  21610: 'the recipient replied STOP to this sender',
  30003: 'unreachable destination handset',
  30005: 'unknown destination handset',
  30006: 'landline or unreachable carrier',
  30007: 'message filtered by the carrier',
  63016: 'outside the WhatsApp 24-hour window: a template is needed',
};

function sendError(code: number | null): MessageSendError | null {
  if (code === null) return null;
  return { code, reason: `Twilio error ${code}${SEND_ERRORS[code] ? `: ${SEND_ERRORS[code]}` : ''}`, optedOut: code === 21610 };
}

function isForm(contentType: string | undefined): boolean {
  return (contentType ?? 'application/x-www-form-urlencoded').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export const acceptedReply = { contentType: 'text/xml', body: EMPTY_TWIML };
