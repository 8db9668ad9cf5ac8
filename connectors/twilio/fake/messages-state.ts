import type { Channel } from './addresses';
import { rfc2822 } from './clock';

/**
 * The account's messages, sent and received, in memory, and the Message resource exactly as the
 * v2010 API answers it (twilio@6.2.0 lib/rest/api/v2010/account/message.js MessageInstance,
 * whose fields follow the API's own order): snake_case, strings for counts (num_segments,
 * num_media), RFC 2822 dates, price as a negative decimal string once known, `from` null and
 * `num_segments` "0" while a Messaging Service has not yet picked a sender ("For messages sent
 * via a Messaging Service, num_segments is initially 0, since a sender hasn't yet been
 * assigned", message.d.ts), `subresource_uris` with the media list.
 * Statuses (MessageStatus in message.d.ts): outbound ones move accepted (with a service) →
 * queued → sending → sent → delivered | undelivered, or to failed; inbound ones are received.
 * Prices are chosen (Twilio's US list prices): 0.0083 USD an SMS segment, 0.005 a WhatsApp
 * message; set when a message is sent or received, left null on failed ones (not charged).
 */
export type MessageStatus = 'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';
export type Direction = 'inbound' | 'outbound-api' | 'outbound-reply';
export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set(['delivered', 'undelivered', 'failed', 'received']);

/** A status a message will move to, with the error it carries (failed / undelivered). */
export interface Step {
  status: MessageStatus;
  errorCode: number | null;
}

export interface StoredMessage {
  sid: string;
  direction: Direction;
  channel: Channel;
  from: string;
  to: string;
  body: string;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  /** Epoch ms on the fake's clock. */
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
  segments: number;
  numMedia: number;
  /** The Messaging Service the message went through (sent with MessagingServiceSid, or received on one of its numbers). */
  messagingServiceSid: string | null;
  /** False while a Messaging Service has not yet assigned a sender (status accepted). */
  senderAssigned: boolean;
  statusCallback: string | null;
  price: string | null;
  /** The statuses still to come, in order (outbound messages); kept on disk so a restart carries on. */
  pending: Step[];
}

export type MessagesSnapshot = StoredMessage[];

export function priceOf(message: Pick<StoredMessage, 'channel' | 'segments'>): string {
  const amount = message.channel === 'whatsapp' ? 0.005 : 0.0083 * message.segments;
  return (-amount).toFixed(5);
}

export class MessagesState {
  private readonly bySid = new Map<string, StoredMessage>();
  private readonly ordered: StoredMessage[] = [];
  private listeners: Array<(message: StoredMessage) => void> = [];

  onChange(listener: (message: StoredMessage) => void): void {
    this.listeners.push(listener);
  }

  add(message: StoredMessage): StoredMessage {
    this.bySid.set(message.sid, message);
    this.ordered.push(message);
    this.emit(message);
    return message;
  }

  get(sid: string): StoredMessage | undefined {
    return this.bySid.get(sid);
  }

  /** Changes a message in place and tells the listeners. */
  update(sid: string, change: (message: StoredMessage) => void): StoredMessage | undefined {
    const message = this.bySid.get(sid);
    if (!message) return undefined;
    change(message);
    this.emit(message);
    return message;
  }

  /** Every message, oldest first. */
  list(): StoredMessage[] {
    return [...this.ordered];
  }

  /** The latest message exchanged between `party` and one of `senders` (either direction), on `channel`. */
  lastExchange(party: string, senders: ReadonlySet<string>, channel: Channel): StoredMessage | undefined {
    for (let index = this.ordered.length - 1; index >= 0; index -= 1) {
      const message = this.ordered[index]!;
      if (message.channel !== channel) continue;
      if ((message.to === party && senders.has(message.from)) || (message.from === party && senders.has(message.to))) return message;
    }
    return undefined;
  }

  /** The latest message `from` sent to `to` (the WhatsApp window opens on it). */
  lastInbound(from: string, to: string): StoredMessage | undefined {
    for (let index = this.ordered.length - 1; index >= 0; index -= 1) {
      const message = this.ordered[index]!;
      if (message.direction === 'inbound' && message.from === from && message.to === to) return message;
    }
    return undefined;
  }

  snapshot(): MessagesSnapshot {
    return structuredClone(this.ordered);
  }

  load(snapshot: MessagesSnapshot): void {
    for (const message of structuredClone(snapshot)) {
      this.bySid.set(message.sid, message);
      this.ordered.push(message);
    }
  }

  private emit(message: StoredMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}

/** The Message resource as the API answers it. */
export function messageResource(message: StoredMessage, accountSid: string, defaultServiceSid: string): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`;
  return {
    body: message.body,
    num_segments: message.senderAssigned ? String(message.segments) : '0',
    direction: message.direction,
    from: message.senderAssigned ? message.from : null,
    to: message.to,
    date_updated: rfc2822(message.updatedAt),
    price: message.price,
    error_message: message.errorMessage,
    uri,
    account_sid: accountSid,
    num_media: String(message.numMedia),
    status: message.status,
    messaging_service_sid: message.messagingServiceSid ?? defaultServiceSid,
    sid: message.sid,
    date_sent: message.sentAt === null ? null : rfc2822(message.sentAt),
    date_created: rfc2822(message.createdAt),
    error_code: message.errorCode,
    price_unit: 'USD',
    api_version: '2010-04-01',
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Media.json` },
  };
}

/**
 * Reading the list: `GET Messages.json` with To, From, DateSent, DateSent< and DateSent>
 * (the SDK's dateSent / dateSentBefore / dateSentAfter, sent as `YYYY-MM-DDThh:mm:ssZ`),
 * PageSize (default 50, at most 1000), Page and PageToken, newest first, in Twilio's v2010 page
 * envelope: {first_page_uri, end, previous_page_uri, messages, uri, page_size, start,
 * next_page_uri, page}. Twilio documents DateSent filters at day granularity ("YYYY-MM-DD ...
 * <=YYYY-MM-DD on and before ... >=YYYY-MM-DD on and after", message.d.ts): the fake compares
 * GMT days and ignores a time of day (chosen), and leaves out messages not sent yet. Page
 * tokens are Twilio's shape: `PA<sid>` (the page after that message) and `PB<sid>` (the page
 * before it). A PageSize over 1000 is served as 1000 (chosen; Twilio's answer is not known).
 */
export function listPage(messages: StoredMessage[], query: URLSearchParams, accountSid: string, defaultServiceSid: string): Record<string, unknown> {
  const base = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const filters = new URLSearchParams();
  for (const name of ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']) {
    const value = query.get(name);
    if (value !== null) filters.set(name, value);
  }
  const day = (value: string | null) => (value === null ? undefined : value.slice(0, 10));
  const on = day(filters.get('DateSent'));
  const before = day(filters.get('DateSent<'));
  const after = day(filters.get('DateSent>'));
  const matching = messages
    .filter((message) => {
      if (filters.has('To') && message.to !== filters.get('To')) return false;
      if (filters.has('From') && (message.from !== filters.get('From') || !message.senderAssigned)) return false;
      if (on === undefined && before === undefined && after === undefined) return true;
      if (message.sentAt === null) return false;
      const sent = new Date(message.sentAt).toISOString().slice(0, 10);
      return (on === undefined || sent === on) && (before === undefined || sent <= before) && (after === undefined || sent >= after);
    })
    .reverse();

  const requested = Number.parseInt(query.get('PageSize') ?? '50', 10);
  const pageSize = Math.min(Number.isFinite(requested) && requested > 0 ? requested : 50, 1000);
  const pageNumber = Math.max(0, Number.parseInt(query.get('Page') ?? '0', 10) || 0);
  const token = query.get('PageToken');
  let start = pageNumber * pageSize;
  const anchor = token ? matching.findIndex((message) => message.sid === token.slice(2)) : -1;
  if (token?.startsWith('PA') && anchor !== -1) start = anchor + 1;
  if (token?.startsWith('PB') && anchor !== -1) start = Math.max(0, anchor - pageSize);
  const items = matching.slice(start, start + pageSize);

  const uriOf = (page: number, pageToken?: string) => {
    const params = new URLSearchParams(filters);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(page));
    if (pageToken) params.set('PageToken', pageToken);
    return `${base}?${params.toString()}`;
  };
  const last = items[items.length - 1];
  const first = items[0];
  return {
    first_page_uri: uriOf(0),
    end: items.length === 0 ? start : start + items.length - 1,
    previous_page_uri: pageNumber > 0 && first ? uriOf(pageNumber - 1, `PB${first.sid}`) : null,
    messages: items.map((message) => messageResource(message, accountSid, defaultServiceSid)),
    uri: uriOf(pageNumber, token ?? undefined),
    page_size: pageSize,
    start,
    next_page_uri: last && start + items.length < matching.length ? uriOf(pageNumber + 1, `PA${last.sid}`) : null,
    page: pageNumber,
  };
}
