import type { FakeResponse } from '../../testing/fake-http';
import { parseAddress, type Address } from './addresses';
import type { IdSource } from './clock';
import { respond, twilioErrors, type TwilioError } from './errors';
import { listPage, messageResource, type MessagesState, type Step, type StoredMessage } from './messages-state';
import type { OptOuts } from './opt-out';
import { segmentCount } from './segments';
import type { StatusProgression } from './status-callbacks';

/**
 * The Messages endpoints of the v2010 API (twilio@6.2.0 lib/rest/api/v2010/account/message.js):
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json        create (form-encoded), 201
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages.json        list (listPage in messages-state.ts)
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json  fetch
 * The SDK checks only that `to` is given; everything else is the server's to refuse
 * (orders-messages-facts.md §5.1), in this order (Twilio reports a bad To before a bad From,
 * twilio/twilio-node#456): To, From / MessagingServiceSid, the pair, StatusCallback, content,
 * opt-out. Refusals are 400s with Twilio's codes (errors.ts). What Twilio only finds out while
 * sending is not refused here: the message is created (201) and fails later with a status
 * callback: 63016 for a free-form WhatsApp message outside the 24-hour window (facts §5.3),
 * 21610 for a send through the Messaging Service to someone who replied STOP (opt-out.ts), and
 * the carrier outcomes set with setDeliveryOutcome.
 * WhatsApp's window: a free-form message (Body / MediaUrl) to `whatsapp:+X` from sender S is
 * allowed within 24 hours of X's last message to S; a template (ContentSid, `HX` + 32 hex,
 * ContentVariables a JSON object) is allowed at any time. The fake has no Content API: a
 * template's `body` is left empty (chosen). Other parameters of messages.create are accepted and
 * ignored (ScheduleType/SendAt, ValidityPeriod, ...).
 */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;
const BODY_LIMIT = 1600;

export interface DeliveryOutcome {
  status: 'delivered' | 'undelivered' | 'failed';
  errorCode?: number;
}

export interface MessagesContext {
  accountSid: string;
  defaultServiceSid: string;
  serviceSid: string | undefined;
  senders: Address[];
  state: MessagesState;
  ids: IdSource;
  now: () => Date;
  optOuts: OptOuts;
  outcomes: Map<string, DeliveryOutcome>;
  progression: StatusProgression;
}

/** What an opt-out applies to: the service when the shop's numbers are in one, else the number. */
export function optOutScope(context: Pick<MessagesContext, 'serviceSid'>, sender: string): string {
  return context.serviceSid ?? sender;
}

type Refusal = { ok: false; error: TwilioError };
const refuse = (error: TwilioError): Refusal => ({ ok: false, error });

export function createMessage(form: URLSearchParams, context: MessagesContext): FakeResponse {
  const rawTo = form.get('To');
  if (rawTo === null || rawTo.trim() === '') return respond(twilioErrors.toRequired());
  const to = parseAddress(rawTo);
  if (!to) return respond(twilioErrors.invalidTo(rawTo));

  const sender = pickSender(form, to, context);
  if (!sender.ok) return respond(sender.error);
  const { from, viaService } = sender;
  if (from.channel !== to.channel) return respond(twilioErrors.channelMismatch(form.get('From') ?? from.address, rawTo));
  if (from.address === to.address) return respond(twilioErrors.sameToAndFrom());

  const statusCallback = form.get('StatusCallback');
  if (statusCallback !== null && !isHttpUrl(statusCallback)) return respond(twilioErrors.invalidStatusCallback(statusCallback));

  const content = readContent(form);
  if (!content.ok) return respond(content.error);

  const scope = optOutScope(context, from.address);
  const optedOut = context.optOuts.has(to.address, scope);
  if (optedOut && !viaService) return respond(twilioErrors.unsubscribed());

  const now = context.now().getTime();
  const outsideWindow = to.channel === 'whatsapp' && !content.contentSid && !withinWindow(context, to.address, from.address, now);
  const steps: Step[] = viaService ? [{ status: 'queued', errorCode: null }] : [];
  if (optedOut) steps.splice(0, steps.length, { status: 'failed', errorCode: 21610 });
  else if (outsideWindow) steps.push({ status: 'failed', errorCode: 63016 });
  else steps.push(...outcomeSteps(context.outcomes.get(to.address)));

  const message: StoredMessage = {
    sid: context.ids.messageSid(content.media.length > 0),
    direction: 'outbound-api',
    channel: to.channel,
    from: from.address,
    to: to.address,
    body: content.body,
    status: viaService ? 'accepted' : 'queued',
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
    segments: to.channel === 'whatsapp' || content.media.length > 0 ? 1 : segmentCount(content.body),
    numMedia: content.media.length,
    messagingServiceSid: viaService ? context.serviceSid! : null,
    senderAssigned: !viaService,
    statusCallback,
    price: null,
    pending: steps,
  };
  context.state.add(message);
  context.progression.schedule(message.sid);
  return { status: 201, body: messageResource(message, context.accountSid, context.defaultServiceSid) };
}

export function fetchMessage(sid: string, path: string, context: MessagesContext): FakeResponse {
  const message = context.state.get(sid);
  if (!message) return respond(twilioErrors.notFound(path));
  return { status: 200, body: messageResource(message, context.accountSid, context.defaultServiceSid) };
}

export function listMessages(query: URLSearchParams, context: MessagesContext): FakeResponse {
  return { status: 200, body: listPage(context.state.list(), query, context.accountSid, context.defaultServiceSid) };
}

/** The steps after queued for a send to someone, per setDeliveryOutcome (default: delivered). */
export function outcomeSteps(outcome: DeliveryOutcome | undefined): Step[] {
  if (!outcome || outcome.status === 'delivered') return [step('sending'), step('sent'), step('delivered')];
  if (outcome.status === 'undelivered') return [step('sending'), step('sent'), { status: 'undelivered', errorCode: outcome.errorCode ?? 30003 }];
  return [{ status: 'failed', errorCode: outcome.errorCode ?? 30008 }];
}

function step(status: Step['status']): Step {
  return { status, errorCode: null };
}

function withinWindow(context: MessagesContext, person: string, sender: string, now: number): boolean {
  const last = context.state.lastInbound(person, sender);
  return last !== undefined && now - last.createdAt <= WHATSAPP_WINDOW_MS;
}

function pickSender(form: URLSearchParams, to: Address, context: MessagesContext): { ok: true; from: Address; viaService: boolean } | Refusal {
  const rawFrom = form.get('From');
  const service = form.get('MessagingServiceSid');
  if ((rawFrom === null || rawFrom.trim() === '') && (service === null || service.trim() === '')) return refuse(twilioErrors.fromRequired());
  if (service !== null && service.trim() !== '' && service !== context.serviceSid) return refuse(twilioErrors.unknownService(service));
  if (rawFrom !== null && rawFrom.trim() !== '') {
    const whatsapp = rawFrom.trim().startsWith('whatsapp:');
    const from = parseAddress(rawFrom);
    if (!from) return refuse(whatsapp ? twilioErrors.noWhatsAppChannel() : twilioErrors.invalidFrom(rawFrom));
    const owned = context.senders.find((sender) => sender.address === from.address);
    if (!owned) return refuse(from.channel === 'whatsapp' ? twilioErrors.noWhatsAppChannel() : twilioErrors.fromNotOwned(rawFrom));
    // From and MessagingServiceSid together: Twilio sends from that number and attaches the service.
    return { ok: true, from: owned, viaService: service !== null && service.trim() !== '' };
  }
  // A Messaging Service picks the sender: the one this person last exchanged messages with on
  // the channel (sticky sender), else the first of the channel (Twilio's sender-pool features
  // are not modelled further).
  const pool = context.senders.filter((sender) => sender.channel === to.channel);
  if (pool.length === 0) return refuse(twilioErrors.serviceWithoutSender());
  const last = context.state.lastExchange(to.address, new Set(pool.map((sender) => sender.address)), to.channel);
  const sticky = last ? pool.find((sender) => sender.address === (last.from === to.address ? last.to : last.from)) : undefined;
  return { ok: true, from: sticky ?? pool[0]!, viaService: true };
}

function readContent(form: URLSearchParams): { ok: true; body: string; media: string[]; contentSid: string | undefined } | Refusal {
  const body = form.get('Body');
  const media = form.getAll('MediaUrl');
  const contentSid = form.get('ContentSid') ?? undefined;
  const variables = form.get('ContentVariables');
  if (variables !== null && contentSid === undefined) return refuse(twilioErrors.contentSidRequired());
  if (contentSid !== undefined && !/^HX[0-9a-f]{32}$/.test(contentSid)) return refuse(twilioErrors.invalidContentSid());
  if (variables !== null && !isJsonObject(variables)) return refuse(twilioErrors.invalidContentVariables());
  const badMedia = media.filter((url) => !isHttpUrl(url));
  if (badMedia.length > 0) return refuse(twilioErrors.invalidMediaUrl(badMedia.join(', ')));
  if (contentSid === undefined && media.length === 0) {
    if (body === null) return refuse(twilioErrors.contentRequired());
    if (body === '') return refuse(twilioErrors.bodyRequired());
  }
  if ([...(body ?? '')].length > BODY_LIMIT) return refuse(twilioErrors.bodyTooLong());
  return { ok: true, body: body ?? '', media, contentSid };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isJsonObject(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
