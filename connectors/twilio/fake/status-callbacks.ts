import { bareNumber } from './addresses';
import { derivedSid, dlrDoneDate } from './clock';
import { errorTitle } from './errors';
import { FINAL_STATUSES, priceOf, type MessagesState, type Step, type StoredMessage } from './messages-state';
import type { FormParams, TwilioWebhooks } from './webhooks';

/**
 * A sent message's life after the API answered, and the status callbacks it makes
 * (twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks):
 * - The initial status (queued; accepted with a Messaging Service) gets no callback; every later
 *   change does, to the message's StatusCallback, each `statusStepMs` after the previous one.
 * - Paths: [accepted →] queued → sending → sent → delivered | undelivered (carrier error), or
 *   [accepted →] queued → failed (failed: "could not be sent", so never after sent; chosen for
 *   setDeliveryOutcome 'failed' and for WhatsApp's 63016). A service send to an opted-out person
 *   goes accepted → failed 21610 (twilio/twilio-python#478).
 * - Parameters (saas-api-facts.md §6.3), in the order Twilio's requests show them
 *   (department-of-veterans-affairs/notification-api#1376 quotes one): ErrorCode (failed /
 *   undelivered), SmsSid, SmsStatus, MessageStatus, To, MessagingServiceSid (when the message
 *   went through a service), MessageSid, AccountSid, From, ApiVersion, and RawDlrDoneDate
 *   (YYMMDDhhmm) on delivered / undelivered SMS. WhatsApp callbacks carry ChannelPrefix
 *   "whatsapp", ChannelInstallSid (XE…, one per sender; derived, chosen) and ChannelToAddress
 *   (the person's +E164) instead of RawDlrDoneDate.
 * - They go through the WebhookSender, so chaos reorders them: `delivered` can arrive before
 *   `sent`, and a copy can arrive twice. Receivers keep the furthest status.
 */
export class StatusProgression {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private waiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly options: {
      state: MessagesState;
      stepMs: number;
      now: () => Date;
      accountSid: string;
      webhooks: TwilioWebhooks;
    },
  ) {}

  /** Starts (or resumes) a message's remaining steps. */
  schedule(sid: string): void {
    if (this.stopped || this.timers.has(sid)) return;
    const message = this.options.state.get(sid);
    if (!message || message.pending.length === 0) return;
    const timer = setTimeout(() => this.step(sid), this.options.stepMs);
    this.timers.set(sid, timer);
  }

  /** Resolves when no message has a step left to make. */
  async idle(): Promise<void> {
    while (this.timers.size > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  get busy(): boolean {
    return this.timers.size > 0;
  }

  /** Stops every progression where it stands (a fake closing); what is left stays pending, for a restart. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.release();
  }

  private step(sid: string): void {
    this.timers.delete(sid);
    const now = this.options.now().getTime();
    const message = this.options.state.update(sid, (stored) => {
      const next = stored.pending.shift();
      if (next) apply(stored, next, now);
    });
    if (message?.statusCallback) this.callback(message, now);
    if (message && message.pending.length > 0) this.schedule(sid);
    if (this.timers.size === 0) this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private callback(message: StoredMessage, now: number): void {
    this.options.webhooks.post(message.statusCallback!, statusCallbackParams(message, this.options.accountSid, now));
  }
}

function apply(message: StoredMessage, step: Step, now: number): void {
  message.status = step.status;
  message.updatedAt = now;
  if (step.status !== 'accepted') message.senderAssigned = true;
  if (step.status === 'sent') {
    message.sentAt = now;
    message.price = priceOf(message);
  }
  if (step.status === 'failed' || step.status === 'undelivered') {
    message.errorCode = step.errorCode;
    message.errorMessage = errorTitle(step.errorCode);
  }
  if (step.status === 'failed') message.price = null;
  if (FINAL_STATUSES.has(step.status)) message.pending = [];
}

export function statusCallbackParams(message: StoredMessage, accountSid: string, now: number): FormParams {
  const params: FormParams = [];
  const failed = message.status === 'failed' || message.status === 'undelivered';
  if (message.channel === 'whatsapp') {
    params.push(['ChannelPrefix', 'whatsapp'], ['ApiVersion', '2010-04-01'], ['MessageStatus', message.status], ['SmsSid', message.sid], ['SmsStatus', message.status]);
    params.push(['ChannelInstallSid', derivedSid('XE', message.from)], ['To', message.to], ['From', message.from], ['MessageSid', message.sid]);
    if (message.messagingServiceSid) params.push(['MessagingServiceSid', message.messagingServiceSid]);
    params.push(['AccountSid', accountSid], ['ChannelToAddress', bareNumber(message.to)]);
    if (failed && message.errorCode !== null) params.push(['ErrorCode', String(message.errorCode)]);
    return params;
  }
  if (failed && message.errorCode !== null) params.push(['ErrorCode', String(message.errorCode)]);
  params.push(['SmsSid', message.sid], ['SmsStatus', message.status], ['MessageStatus', message.status], ['To', message.to]);
  if (message.messagingServiceSid) params.push(['MessagingServiceSid', message.messagingServiceSid]);
  params.push(['MessageSid', message.sid], ['AccountSid', accountSid], ['From', message.from], ['ApiVersion', '2010-04-01']);
  if (message.status === 'delivered' || message.status === 'undelivered') params.push(['RawDlrDoneDate', dlrDoneDate(now)]);
  return params;
}
