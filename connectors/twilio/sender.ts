import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { ConnectorError } from '../../core/errors';
import type { LogSink } from '../../core/log';
import type { MessageChannel, MessageStatus } from '../../core/model/message';
import { MessageStatusSchema } from '../../core/model/message';
import type { TwilioConfig, TwilioSecret } from './manifest';
import { redirectedHttpClient } from './redirect';

const SYSTEM = 'twilio';

/**
 * Sends the shop's messages (pickup notices) through twilio@6.2.0's Messages API, and finds a
 * message already sent (after a crash between the send and our record of it: there is no
 * idempotency key on Create Message, so the message list is the only witness).
 * https://www.twilio.com/docs/messaging/api/message-resource
 */
import type { NoticeSender, SendOutcome, SendRequest, SentMessage } from '../../core/notices/ports';
export type { SendOutcome, SendRequest, SentMessage } from '../../core/notices/ports';

export interface TwilioSenderOptions {
  config: TwilioConfig;
  secret: TwilioSecret;
  /** Where the status callbacks go (the hub's /webhooks/twilio). */
  statusCallback?: string;
  /** Point the SDK at a local fake (tests, sandbox). */
  baseUrl?: string;
  log: LogSink;
}

/** Twilio's codes for a recipient or content it will never take as sent (orders-messages-facts.md §5.5). */
const REFUSED_FOR_RECIPIENT = new Set([21211, 21408, 21606, 21608, 21612, 21614, 21635, 63016, 63024]);

export function createTwilioSender(options: TwilioSenderOptions): NoticeSender {
  const { config, secret, log } = options;
  const clientOptions: { httpClient?: RequestClient; autoRetry: boolean; maxRetries: number } = {
    // The SDK's own retry waits out a 429 (code 20429) with backoff; a 5xx is ours to retry (SQS).
    autoRetry: true,
    maxRetries: 3,
    ...(options.baseUrl ? { httpClient: redirectedHttpClient(options.baseUrl, { autoRetry: true, maxRetries: 3 }) } : {}),
  };
  const client = twilio(secret.accountSid, secret.authToken, clientOptions);

  const address = (channel: MessageChannel, phone: string) => (channel === 'whatsapp' ? `whatsapp:${phone}` : phone);
  function sender(channel: MessageChannel): { from: string } | { messagingServiceSid: string } {
    const number = channel === 'whatsapp' ? config.whatsappFrom : config.smsFrom;
    if (number) return { from: address(channel, number) };
    if (config.messagingServiceSid) return { messagingServiceSid: config.messagingServiceSid };
    throw new ConnectorError(SYSTEM, undefined, `Twilio: no ${channel === 'whatsapp' ? 'whatsappFrom' : 'smsFrom'} or messagingServiceSid in connectors.twilio to send a ${channel} message from`, { retryable: false });
  }

  return {
    shopAddress: (channel) => (channel === 'whatsapp' ? config.whatsappFrom : config.smsFrom),

    async send(request: SendRequest): Promise<SendOutcome> {
      try {
        const message = await client.messages.create({
          to: address(request.channel, request.to),
          body: request.body,
          ...sender(request.channel),
          ...(options.statusCallback ? { statusCallback: options.statusCallback } : {}),
        });
        log.info('Twilio message accepted', { sid: message.sid, channel: request.channel, status: message.status });
        // A Messaging Service picks the sender: the answer's `from` says which (it may be null while queued).
        const from = message.from?.replace(/^whatsapp:/, '');
        return { kind: 'accepted', sid: message.sid, status: statusOf(message.status), at: message.dateCreated.toISOString(), ...(from ? { from } : {}) };
      } catch (error) {
        const failure = readRestException(error);
        if (failure?.code === 21610) return { kind: 'opted-out', code: 21610, reason: failure.message };
        if (failure?.code !== undefined && REFUSED_FOR_RECIPIENT.has(failure.code)) return { kind: 'refused', code: failure.code, reason: failure.message };
        throw toConnectorError(failure, error, 'send');
      }
    },

    /**
     * The message of ours to `to` with this body created at or after `since`, if Twilio has one.
     * Read newest first (the list's order) and stopped at the first older one; Twilio's date
     * filters go by the day a message was sent, and a queued one has none, so times are compared here.
     */
    async findSent(request: SendRequest, since: string): Promise<SentMessage | undefined> {
      const from = sender(request.channel);
      // Twilio's date_created is whole seconds: a message created in the claim's second counts.
      const after = Math.floor(Date.parse(since) / 1000) * 1000;
      let found: SentMessage | undefined;
      try {
        await client.messages.each({ to: address(request.channel, request.to), ...('from' in from ? { from: from.from } : {}), pageSize: 50 }, (message, done) => {
          if (message.dateCreated.getTime() < after) return done();
          if (message.direction === 'outbound-api' && message.body === request.body) {
            found = { sid: message.sid, status: statusOf(message.status), at: message.dateCreated.toISOString(), ...(message.from ? { from: message.from.replace(/^whatsapp:/, '') } : {}) };
            return done();
          }
        });
      } catch (error) {
        throw toConnectorError(readRestException(error), error, 'find a sent message');
      }
      return found;
    },
  };
}

export type TwilioSender = ReturnType<typeof createTwilioSender>;

/** Twilio's statuses this model keeps; `accepted` and `scheduled` (before queued) count as queued. */
function statusOf(status: string): MessageStatus {
  const parsed = MessageStatusSchema.safeParse(status);
  return parsed.success ? parsed.data : 'queued';
}

interface RestFailure {
  status: number;
  code: number | undefined;
  message: string;
}

function readRestException(error: unknown): RestFailure | undefined {
  if (!(error instanceof Error) || typeof (error as { status?: unknown }).status !== 'number') return undefined;
  const { status, code } = error as unknown as { status: number; code?: unknown };
  return { status, code: typeof code === 'number' ? code : undefined, message: error.message };
}

function toConnectorError(failure: RestFailure | undefined, cause: unknown, operation: string): ConnectorError {
  if (!failure) return new ConnectorError(SYSTEM, undefined, `Twilio ${operation}: could not reach Twilio (no answer); it will be retried`, { retryable: true, cause });
  if (failure.status === 401 || failure.code === 20003) {
    return new ConnectorError(SYSTEM, 401, 'Twilio returned 401 (20003): the Account SID or Auth Token is wrong; update secret omnihub/twilio', { retryable: false, cause });
  }
  const retryable = failure.status === 429 || failure.status >= 500;
  return new ConnectorError(SYSTEM, failure.status, `Twilio ${operation}: ${failure.status}${failure.code ? ` (code ${failure.code})` : ''}: ${failure.message}`, { retryable, cause });
}
