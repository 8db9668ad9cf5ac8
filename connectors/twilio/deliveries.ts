import { consentStatedBy, MessageStatusSchema, type MessageChannel, type MessageStatus } from '../../core/model/message';

/**
 * What one Twilio webhook says (form parameters, already verified: signature.ts). Twilio posts
 * two kinds to the hub's URL (twilio.com/docs/messaging/guides/webhook-request and
 * …/outbound-message-status-in-status-callbacks):
 * - an inbound message: `MessageSid`, `From`, `To`, `Body`, `NumMedia`, `SmsStatus=received`
 *   (WhatsApp adds `WaId` and `ProfileName`; Advanced Opt-Out adds `OptOutType`);
 * - a status callback of a message we sent: `MessageSid`, `MessageStatus`, `ErrorCode` when it
 *   failed, `To`, `From`.
 * Twilio adds parameters without notice: the ones not named here are ignored, never refused.
 * A reason names the parameter, never its value (it may be a phone number).
 */
export type TwilioDelivery =
  | {
      kind: 'inbound';
      sid: string;
      channel: MessageChannel;
      /** The person, E.164 (WhatsApp's prefix taken off). */
      from: string;
      /** The shop's number, E.164. */
      to: string;
      body: string;
      mediaCount: number;
      /** WhatsApp's profile name, when the person has one (a name the shop may not have). */
      profileName?: string;
      /** STOP / START on SMS (docs/identity.md §11); WhatsApp keywords block notices, not SMS consent. */
      smsConsent?: 'subscribed' | 'unsubscribed';
    }
  | { kind: 'status'; sid: string; channel: MessageChannel; status: MessageStatus; errorCode: number | null; to: string };

export type DeliveryParse = { ok: true; delivery: TwilioDelivery } | { ok: false; reason: string };

const SID = /^(SM|MM)[0-9a-f]{32}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * `accountSid`, when given, must be the delivery's. The receiver gives none: it holds only the Auth
 * Token (the API secret is not its to read), and a valid signature already proves the account.
 */
export function parseTwilioDelivery(params: ReadonlyMap<string, readonly string[]>, accountSid?: string): DeliveryParse {
  const one = (name: string) => params.get(name)?.[0];
  const account = one('AccountSid');
  if (account === undefined || !/^AC[0-9a-f]{32}$/.test(account)) return { ok: false, reason: account === undefined ? 'AccountSid is missing' : 'AccountSid is not an Account SID' };
  if (accountSid !== undefined && account !== accountSid) return { ok: false, reason: 'AccountSid is not this account' };
  const sid = one('MessageSid');
  if (!sid || !SID.test(sid)) return { ok: false, reason: 'MessageSid is missing or not a message SID (SM/MM and 32 hex digits)' };
  const to = address(one('To'));
  if (!to.ok) return { ok: false, reason: `To ${to.reason}` };

  const reported = one('MessageStatus');
  if (reported !== undefined) {
    const status = MessageStatusSchema.safeParse(reported === 'accepted' || reported === 'scheduled' ? 'queued' : reported);
    if (!status.success) return { ok: false, reason: 'MessageStatus is not a status Twilio documents' };
    const code = one('ErrorCode');
    const errorCode = code === undefined || code === '' ? null : Number(code);
    if (errorCode !== null && !Number.isInteger(errorCode)) return { ok: false, reason: 'ErrorCode is not a number' };
    return { ok: true, delivery: { kind: 'status', sid, channel: to.channel, status: status.data, errorCode, to: to.phone } };
  }

  const from = address(one('From'));
  if (!from.ok) return { ok: false, reason: `From ${from.reason}` };
  if (from.channel !== to.channel) return { ok: false, reason: 'From and To are on different channels' };
  const body = one('Body') ?? '';
  const media = Number(one('NumMedia') ?? '0');
  if (!Number.isInteger(media) || media < 0) return { ok: false, reason: 'NumMedia is not a count' };
  const profileName = one('ProfileName')?.trim();
  const consent = from.channel === 'sms' ? consentStatedBy(body, one('OptOutType')) : undefined;
  return {
    ok: true,
    delivery: {
      kind: 'inbound',
      sid,
      channel: from.channel,
      from: from.phone,
      to: to.phone,
      body,
      mediaCount: media,
      ...(profileName ? { profileName } : {}),
      ...(consent ? { smsConsent: consent } : {}),
    },
  };
}

function address(raw: string | undefined): { ok: true; phone: string; channel: MessageChannel } | { ok: false; reason: string } {
  if (raw === undefined || raw === '') return { ok: false, reason: 'is missing' };
  const whatsapp = raw.startsWith('whatsapp:');
  const phone = whatsapp ? raw.slice('whatsapp:'.length) : raw;
  if (!E164.test(phone)) return { ok: false, reason: 'is not a phone number in E.164 (or whatsapp:+E164)' };
  return { ok: true, phone, channel: whatsapp ? 'whatsapp' : 'sms' };
}
