import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FakeHttpServer, type FakeRequest, type FakeResponse, type RecordedRequest } from '../../testing/fake-http';
import { RollingWindow } from '../../testing/rolling-window';
import { WebhookSender } from '../../testing/webhook-sender';
import { parseAddress, type Address } from './addresses';
import { derivedSid, IdSource, rfc2822 } from './clock';
import { respond, twilioErrors, type TwilioError } from './errors';
import { receive, type InboundContext } from './inbound';
import { createMessage, fetchMessage, listMessages, type DeliveryOutcome } from './messages-api';
import { MessagesState, type StoredMessage } from './messages-state';
import { OptOuts } from './opt-out';
import { loadAccount, persistAccount, type AccountSnapshot } from './persist';
import { seedTwilioSandbox } from './seed';
import { StatusProgression } from './status-callbacks';
import { TWILIO_RETRY_SCHEDULE, TwilioWebhooks } from './webhooks';

/**
 * A local Twilio account's Programmable Messaging (SMS and WhatsApp) at API version 2010-04-01,
 * as twilio@6.2.0 calls it, never kinder than Twilio: HTTP Basic auth with the Account SID and
 * Auth Token (401 / 20003 otherwise), the Message resource and its list exactly as the API
 * answers them (messages-state.ts), Twilio's error bodies and codes (errors.ts), sends that
 * fail later rather than at once (63016 outside WhatsApp's 24-hour window, 21610 through a
 * Messaging Service, carrier errors), statuses moving on a clock with signed status callbacks
 * that may arrive out of order (status-callbacks.ts), signed inbound-message webhooks delivered
 * at least once (inbound.ts, webhooks.ts), STOP/START handling with Twilio's auto-replies
 * (opt-out.ts), a rolling rate limit answered 429 / 20429, and failures on demand.
 * Tests point the real SDK at `baseUrl` through its own HTTP-client hook
 * (connectors/twilio/redirect.ts); `/_sandbox/*` plays the people texting the shop and lists
 * every request answered.
 *
 * Twilio publishes no request-rate limit for the Messages API, only a per-account concurrency
 * limit (100 requests in flight) answered 429 / 20429; the fake's default window, 100 requests a
 * second, stands in for it (chosen; tests set a tight one).
 */
const DEFAULT_RATE_LIMIT = { max: 100, intervalMs: 1000 };
const DEFAULT_STATUS_STEP_MS = 200;

export interface TwilioFakeOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** 'AC' + 32 hex; REST calls must use HTTP Basic auth accountSid:authToken (else 401 code 20003, Twilio's body). */
  accountSid: string;
  /** Also the webhook signing key (X-Twilio-Signature, HMAC-SHA1 base64 over URL + sorted params). */
  authToken: string;
  /** The shop's senders: E.164 SMS numbers and/or 'whatsapp:+E164' WhatsApp senders. */
  senders: string[];
  /** 'MG' + 32 hex; sends may name it instead of From (it uses the senders above). */
  messagingServiceSid?: string;
  /** Where inbound messages are POSTed (the hub's /webhooks/twilio), form-encoded and signed. Without it none are sent. */
  webhookUrl?: string;
  /** The URL Twilio signs, if it differs from where deliveries land (a proxy, API Gateway). Default: webhookUrl. */
  signedWebhookUrl?: string;
  /** Clock for date_created / date_updated / date_sent and the WhatsApp window. */
  now?: () => Date;
  /** Same seed, same SM… sids. Ignored when persistPath holds a saved account: its stream continues. */
  idSeed?: number;
  /** Adds OptOutType=STOP|START|HELP to inbound webhooks (only with a messaging service and AOO, per the facts). */
  advancedOptOut?: boolean;
  /** REST rolling window → 429 code 20429. Default 100 a second. */
  rateLimit?: { max: number; intervalMs: number };
  /** Delay between status steps of a sent message (queued→sent→delivered …); default 200 ms. */
  statusStepMs?: number;
  /** Start with the sandbox history of seed.ts (no webhooks). Ignored when persistPath holds a saved account. */
  seed?: boolean;
  /** Keep the account in this JSON file across restarts (persist.ts). */
  persistPath?: string;
}

export interface FakeMessage {
  sid: string;
  /** Twilio's own STOP/START/HELP auto-replies are 'outbound-reply'. */
  direction: 'inbound' | 'outbound-api' | 'outbound-reply';
  from: string;
  to: string;
  body: string;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: string;
  dateUpdated: string;
  numSegments: string;
  messagingServiceSid: string | null;
  statusCallback: string | null;
}

export interface ForcedFailure {
  status: 429 | 500 | 503;
}

export interface TwilioFake {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Every message (sent and received), in order. */
  messages(): FakeMessage[];
  /**
   * Plays a person texting (or WhatsApp-ing) the shop: records the inbound message, applies
   * STOP/START-family keywords to the opt-out set (whole-message, case-insensitive; on WhatsApp
   * only with a messaging service and advancedOptOut), opens the WhatsApp 24-hour window, and
   * delivers the signed inbound webhook at least once. Returns the MessageSid.
   */
  receive(input: { from: string; to?: string; body: string; profileName?: string }): string;
  /** (from, sender) pairs that replied STOP and have not opted back in; `sender` is the messaging service when there is one. */
  optedOut(): Array<{ address: string; sender: string }>;
  /** How the next sends to `to` end: delivered (default), or undelivered/failed with a carrier error code (30003, 30005, 30006, 30007, 63016 ...). */
  setDeliveryOutcome(to: string, outcome: { status: 'delivered' | 'undelivered' | 'failed'; errorCode?: number }): void;
  setWebhookUrl(url: string | undefined): void;
  /** Inbound and status-callback deliveries (its stats, chaos, retry schedule). */
  webhooks: WebhookSender;
  /** The next `times` (default 1) API calls, after the auth check, answer this failure. */
  forceFailure(failure: ForcedFailure, times?: number): void;
  /** Every webhook answered and every status progression done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export { twilioSignature } from './signature';

export async function startTwilioFake(options: TwilioFakeOptions): Promise<TwilioFake> {
  const { accountSid, authToken } = options;
  if (!/^AC[0-9a-f]{32}$/i.test(accountSid)) throw new Error(`Twilio fake: accountSid must be 'AC' + 32 hex digits, got ${accountSid}`);
  if (options.messagingServiceSid !== undefined && !/^MG[0-9a-f]{32}$/i.test(options.messagingServiceSid)) {
    throw new Error(`Twilio fake: messagingServiceSid must be 'MG' + 32 hex digits, got ${options.messagingServiceSid}`);
  }
  const senders: Address[] = options.senders.map((raw) => {
    const sender = parseAddress(raw);
    if (!sender) throw new Error(`Twilio fake: sender ${raw} is not an E.164 number or whatsapp:+E164`);
    return sender;
  });
  const now = options.now ?? (() => new Date());
  const serviceSid = options.messagingServiceSid;

  const saved = options.persistPath ? loadAccount(options.persistPath) : undefined;
  const ids = saved ? new IdSource(saved.ids.seed, saved.ids.draws) : new IdSource(options.idSeed ?? 2010);
  const state = new MessagesState();
  const optOuts = new OptOuts();
  const outcomes = new Map<string, DeliveryOutcome>();
  if (saved) {
    state.load(saved.messages);
    optOuts.load(saved.optOuts);
    for (const { to, outcome } of saved.outcomes) outcomes.set(to, outcome);
  } else if (options.seed) seedTwilioSandbox({ state, optOuts, ids, senders, serviceSid, now });

  let inboundUrl = options.webhookUrl;
  const sender = new WebhookSender(options.webhookUrl, { retrySchedule: TWILIO_RETRY_SCHEDULE });
  const webhooks = new TwilioWebhooks(sender, authToken);
  const progression = new StatusProgression({ state, stepMs: options.statusStepMs ?? DEFAULT_STATUS_STEP_MS, now, accountSid, webhooks });
  const context: InboundContext = {
    accountSid,
    defaultServiceSid: derivedSid('MG', accountSid),
    serviceSid,
    senders,
    state,
    ids,
    now,
    optOuts,
    outcomes,
    progression,
    webhooks,
    inboundUrl: () => inboundUrl,
    signedUrl: () => options.signedWebhookUrl,
    advancedOptOut: options.advancedOptOut ?? false,
  };

  const snapshot = (): AccountSnapshot => ({
    ids: ids.state(),
    messages: state.snapshot(),
    optOuts: optOuts.list(),
    outcomes: [...outcomes].map(([to, outcome]) => ({ to, outcome })),
  });
  const persistence = options.persistPath ? persistAccount(snapshot, options.persistPath) : undefined;
  state.onChange(() => persistence?.schedule());
  optOuts.onChange(() => persistence?.schedule());
  // A restart carries on with what was still on its way.
  for (const message of state.list()) progression.schedule(message.sid);

  const limit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const window = new RollingWindow(limit.max, limit.intervalMs);
  const forced: ForcedFailure[] = [];

  function authorized(header: string | undefined): boolean {
    const encoded = /^Basic\s+(.+)$/i.exec(header ?? '')?.[1];
    if (!encoded) return false;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon !== -1 && decoded.slice(0, colon) === accountSid && decoded.slice(colon + 1) === authToken;
  }

  function forcedAnswer(failure: ForcedFailure): TwilioError {
    if (failure.status === 429) return twilioErrors.tooManyRequests();
    return failure.status === 500 ? twilioErrors.internal() : twilioErrors.unavailable();
  }

  function handleApi(request: FakeRequest): FakeResponse {
    const { method, path } = request;
    if (!path.startsWith('/2010-04-01/Accounts')) return respond(twilioErrors.notFound(path));
    if (!authorized(request.headers.authorization)) return respond(twilioErrors.authenticate(), { 'www-authenticate': 'Basic realm="Twilio API"' });
    const failure = forced.shift();
    if (failure) return respond(forcedAnswer(failure));
    if (window.take(performance.now()) !== undefined) return respond(twilioErrors.tooManyRequests());
    const route = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/]+))?\.json$/.exec(path);
    if (!route || route[1] !== accountSid) return respond(twilioErrors.notFound(path));
    const sid = route[2];
    if (sid === undefined) {
      if (method === 'POST') return createMessage(new URLSearchParams(request.rawBody), context);
      if (method === 'GET') return listMessages(request.query, context);
      return respond(methodNotAllowed());
    }
    if (method === 'GET') return fetchMessage(sid, path, context);
    // Updating (redacting, cancelling) and deleting messages are not served by the fake.
    return respond(methodNotAllowed());
  }

  const fake: Omit<TwilioFake, 'baseUrl' | 'requests'> = {
    messages: () => state.list().map(toFakeMessage),
    receive: (input) => receive(input, context),
    optedOut: () => optOuts.list(),
    setDeliveryOutcome(to, outcome) {
      const address = parseAddress(to)?.address ?? to;
      if (outcome.status === 'delivered') outcomes.delete(address);
      else outcomes.set(address, outcome.errorCode === undefined ? { status: outcome.status } : { status: outcome.status, errorCode: outcome.errorCode });
      persistence?.schedule();
    },
    setWebhookUrl(url) {
      inboundUrl = url;
      sender.targetUrl = url;
    },
    webhooks: sender,
    forceFailure(failure, times = 1) {
      for (let each = 0; each < times; each += 1) forced.push(failure);
    },
    async idle() {
      do {
        await progression.idle();
        await sender.idle();
      } while (progression.busy);
    },
    async close() {
      progression.stop();
      sender.cancel();
      persistence?.flush();
      await server.close();
    },
  };

  const server: FakeHttpServer = new FakeHttpServer((request) => {
    if (request.path.startsWith('/_sandbox/')) return serveSandbox(request, fake, () => server.requests);
    const response = handleApi(request);
    return { ...response, headers: { 'twilio-request-id': `RQ${randomBytes(16).toString('hex')}`, ...response.headers } };
  });
  const baseUrl = await server.listen(options.port ?? 0);
  return { baseUrl, requests: server.requests, ...fake };
}

function methodNotAllowed(): TwilioError {
  return { status: 405, code: 20004, message: 'Method not allowed' };
}

function toFakeMessage(message: StoredMessage): FakeMessage {
  return {
    sid: message.sid,
    direction: message.direction,
    from: message.from,
    to: message.to,
    body: message.body,
    status: message.status,
    errorCode: message.errorCode,
    errorMessage: message.errorMessage,
    dateCreated: rfc2822(message.createdAt),
    dateUpdated: rfc2822(message.updatedAt),
    numSegments: String(message.segments),
    messagingServiceSid: message.messagingServiceSid,
    statusCallback: message.statusCallback,
  };
}

const InboundSchema = z.object({ from: z.string().min(1), body: z.string(), to: z.string().min(1).optional(), profileName: z.string().optional() }).strict();
const OutcomeSchema = z
  .object({ to: z.string().min(1), status: z.enum(['delivered', 'undelivered', 'failed']), errorCode: z.number().int().positive().optional() })
  .strict();

/**
 * The sandbox, playing the people on the other end (JSON, no auth):
 *   POST /_sandbox/inbound            {from, body, to?, profileName?}: a person texts the shop (fake.receive)
 *   GET  /_sandbox/messages           every message, sent and received
 *   GET  /_sandbox/opt-outs           who replied STOP, to which sender or service
 *   POST /_sandbox/delivery-outcome   {to, status, errorCode?}: how the next sends to `to` end
 *   GET  /_sandbox/requests           the request log (methods, paths, statuses)
 */
function serveSandbox(request: FakeRequest, fake: Omit<TwilioFake, 'baseUrl' | 'requests'>, requests: () => RecordedRequest[]): FakeResponse {
  const { method, path } = request;
  try {
    if (path === '/_sandbox/requests' && method === 'GET') {
      return { status: 200, body: { requests: requests().map(({ method: m, path: p, status, at }) => ({ method: m, path: p, status, at })) } };
    }
    if (path === '/_sandbox/messages' && method === 'GET') return { status: 200, body: { messages: fake.messages() } };
    if (path === '/_sandbox/opt-outs' && method === 'GET') return { status: 200, body: { opt_outs: fake.optedOut() } };
    if (path === '/_sandbox/inbound' && method === 'POST') {
      const input = InboundSchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => issue.path.join('.') || '(body)') } };
      const { from, body, to, profileName } = input.data;
      const sid = fake.receive({ from, body, ...(to === undefined ? {} : { to }), ...(profileName === undefined ? {} : { profileName }) });
      return { status: 200, body: { sid } };
    }
    if (path === '/_sandbox/delivery-outcome' && method === 'POST') {
      const input = OutcomeSchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => issue.path.join('.') || '(body)') } };
      const { to, status, errorCode } = input.data;
      fake.setDeliveryOutcome(to, errorCode === undefined ? { status } : { status, errorCode });
      return { status: 200, body: { to, status, ...(errorCode === undefined ? {} : { errorCode }) } };
    }
  } catch (error) {
    return { status: 422, body: { errors: [error instanceof Error ? error.message : String(error)] } };
  }
  return { status: 404, body: { errors: [`No sandbox route for ${method} ${path}`] } };
}
