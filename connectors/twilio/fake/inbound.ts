import { parseAddress, waId, type Address } from './addresses';
import { outcomeSteps, optOutScope, type MessagesContext } from './messages-api';
import type { StoredMessage } from './messages-state';
import { priceOf } from './messages-state';
import { AUTO_REPLIES, keywordOf, type Keyword } from './opt-out';
import { segmentCount } from './segments';
import type { FormParams, TwilioWebhooks } from './webhooks';

/**
 * A person texting (or WhatsApp-ing) one of the shop's senders, and the webhook Twilio makes
 * for it (twilio.com/docs/messaging/guides/webhook-request; saas-api-facts.md §6.2):
 * - The message is recorded (direction inbound, status received, SM… sid), keywords are applied
 *   (opt-out.ts) with Twilio's auto-reply recorded as an outbound-reply message (no webhook, no
 *   status callback), a WhatsApp message opens the 24-hour window for its sender.
 * - Then, when a webhook URL is set, one POST (through the WebhookSender: at least once) with:
 *   SMS: ToCountry, SmsMessageSid, NumMedia "0", SmsSid, SmsStatus "received", Body,
 *   FromCountry, To, MessagingServiceSid (numbers in a service), NumSegments, MessageSid,
 *   AccountSid, From, ApiVersion "2010-04-01" (the order of Twilio's sample requests).
 *   Twilio sends FromCity/FromState/FromZip/ToCity/ToState/ToZip "when it can derive them"
 *   from its number database; the fake has none and leaves them out (chosen), keeping the
 *   countries it can tell from the number.
 *   WhatsApp: SmsMessageSid, NumMedia, ProfileName (as given, else empty: a WhatsApp profile
 *   name can be empty; chosen), MessageType "text", SmsSid, WaId (digits), SmsStatus, Body, To,
 *   MessagingServiceSid?, NumSegments "1", ReferralNumMedia "0" (seen in real WhatsApp
 *   requests; chosen), MessageSid, AccountSid, From, ApiVersion.
 *   OptOutType=STOP|START|HELP only with Advanced Opt-Out on a Messaging Service.
 * - Signed over `signedWebhookUrl` (what the hub configured in Twilio, e.g. its public API
 *   Gateway URL) while it lands on `webhookUrl`. Twilio expects TwiML back; any 2xx will do.
 */
export interface InboundInput {
  from: string;
  to?: string;
  body: string;
  profileName?: string;
}

export interface InboundContext extends MessagesContext {
  webhooks: TwilioWebhooks;
  inboundUrl: () => string | undefined;
  signedUrl: () => string | undefined;
  advancedOptOut: boolean;
}

export function receive(input: InboundInput, context: InboundContext): string {
  const from = parseAddress(input.from);
  if (!from) throw new Error(`Twilio fake: ${input.from} is not a phone number in E.164 (or whatsapp:+E164)`);
  const to = shopSender(input.to, from, context);
  const now = context.now().getTime();
  const message: StoredMessage = {
    sid: context.ids.messageSid(false),
    direction: 'inbound',
    channel: from.channel,
    from: from.address,
    to: to.address,
    body: input.body,
    status: 'received',
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
    sentAt: now,
    segments: from.channel === 'whatsapp' ? 1 : segmentCount(input.body),
    numMedia: 0,
    messagingServiceSid: context.serviceSid ?? null,
    senderAssigned: true,
    statusCallback: null,
    price: null,
    pending: [],
  };
  message.price = priceOf(message);
  context.state.add(message);

  const handlesKeywords = from.channel === 'sms' || (context.advancedOptOut && context.serviceSid !== undefined);
  const keyword = handlesKeywords ? keywordOf(input.body) : undefined;
  if (keyword) applyKeyword(keyword, from, to, context, now);

  const url = context.inboundUrl();
  if (url) {
    const params = inboundParams(message, from, to, input.profileName ?? '', context);
    if (keyword && context.advancedOptOut && context.serviceSid !== undefined) params.push(['OptOutType', keyword]);
    context.webhooks.post(url, params, context.signedUrl() ?? url);
  }
  return message.sid;
}

function shopSender(raw: string | undefined, from: Address, context: MessagesContext): Address {
  if (raw === undefined) {
    const first = context.senders.find((sender) => sender.channel === from.channel);
    if (!first) throw new Error(`Twilio fake: the shop has no ${from.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} sender to receive ${from.address}`);
    return first;
  }
  const to = parseAddress(raw);
  const owned = to && context.senders.find((sender) => sender.address === to.address);
  if (!owned) throw new Error(`Twilio fake: ${raw} is not one of the shop's senders (${context.senders.map((sender) => sender.address).join(', ')})`);
  if (owned.channel !== from.channel) throw new Error(`Twilio fake: ${from.address} cannot message ${owned.address} (another channel)`);
  return owned;
}

function applyKeyword(keyword: Keyword, from: Address, to: Address, context: MessagesContext, now: number): void {
  const scope = optOutScope(context, to.address);
  const wasOptedOut = context.optOuts.has(from.address, scope);
  if (keyword === 'STOP') context.optOuts.add(from.address, scope);
  if (keyword === 'START') context.optOuts.remove(from.address, scope);
  // An opted-out person gets no HELP reply (support article 360058144374).
  if (keyword === 'HELP' && wasOptedOut) return;
  const reply: StoredMessage = {
    sid: context.ids.messageSid(false),
    direction: 'outbound-reply',
    channel: from.channel,
    from: to.address,
    to: from.address,
    body: AUTO_REPLIES[keyword],
    status: 'queued',
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
    segments: from.channel === 'whatsapp' ? 1 : segmentCount(AUTO_REPLIES[keyword]),
    numMedia: 0,
    messagingServiceSid: context.serviceSid ?? null,
    senderAssigned: true,
    statusCallback: null,
    price: null,
    pending: outcomeSteps(undefined),
  };
  context.state.add(reply);
  context.progression.schedule(reply.sid);
}

function inboundParams(message: StoredMessage, from: Address, to: Address, profileName: string, context: InboundContext): FormParams {
  const service: FormParams = context.serviceSid ? [['MessagingServiceSid', context.serviceSid]] : [];
  if (from.channel === 'whatsapp') {
    return [
      ['SmsMessageSid', message.sid],
      ['NumMedia', '0'],
      ['ProfileName', profileName],
      ['MessageType', 'text'],
      ['SmsSid', message.sid],
      ['WaId', waId(from.e164)],
      ['SmsStatus', 'received'],
      ['Body', message.body],
      ['To', to.address],
      ...service,
      ['NumSegments', '1'],
      ['ReferralNumMedia', '0'],
      ['MessageSid', message.sid],
      ['AccountSid', context.accountSid],
      ['From', from.address],
      ['ApiVersion', '2010-04-01'],
    ];
  }
  return [
    ...(to.country ? ([['ToCountry', to.country]] as FormParams) : []),
    ['SmsMessageSid', message.sid],
    ['NumMedia', '0'],
    ['SmsSid', message.sid],
    ['SmsStatus', 'received'],
    ['Body', message.body],
    ...(from.country ? ([['FromCountry', from.country]] as FormParams) : []),
    ['To', to.address],
    ...service,
    ['NumSegments', String(message.segments)],
    ['MessageSid', message.sid],
    ['AccountSid', context.accountSid],
    ['From', from.address],
    ['ApiVersion', '2010-04-01'],
  ];
}
