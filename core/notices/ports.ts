import type { MessageChannel, MessageStatus } from '../model/message';

/**
 * What a pickup notice needs of a messaging connector (docs/identity.md §12), implemented by
 * Twilio over its SDK (connectors/twilio/sender.ts), in the connector's notice bundle.
 */
export interface SendRequest {
  /** The customer, E.164. */
  to: string;
  channel: MessageChannel;
  body: string;
}

export type SendOutcome =
  /** The vendor took it: its id, first status and creation time. Delivery is told by status callbacks. */
  | { kind: 'accepted'; sid: string; status: MessageStatus; at: string; from?: string }
  /** The person opted out of messages from this sender (Twilio 21610): an explicit SMS unsubscribe. */
  | { kind: 'opted-out'; code: number; reason: string }
  /** Refused for this recipient or this content (an invalid or landline number, a template needed): not retried. */
  | { kind: 'refused'; code: number; reason: string };

export interface SentMessage {
  sid: string;
  status: MessageStatus;
  at: string;
  /** The address it went from (the shop's number or WhatsApp sender), E.164. */
  from?: string;
}

export interface NoticeSender {
  send(request: SendRequest): Promise<SendOutcome>;
  /**
   * The message of ours to `request.to` with this body created at or after `since`, if the vendor
   * holds one: after a crash between a send and its record, the vendor's message list is the only
   * witness (Twilio's Create Message has no idempotency key).
   */
  findSent(request: SendRequest, since: string): Promise<SentMessage | undefined>;
  /** The shop's address a message on this channel goes from (E.164), for the message's record. */
  shopAddress(channel: MessageChannel): string | undefined;
}
