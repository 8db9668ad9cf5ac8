import type { Message, MessageStatus } from '../model/message';

/**
 * Where omnihub keeps messages (docs/identity.md §11), as core needs it; the DynamoDB adapter is
 * functions/lib/adapters/dynamodb-message-store.ts. A message is written once under its key
 * (a repeat finds it there and changes nothing); its status only moves forward; each system's
 * copy is recorded beside it by that system's function.
 */
export interface HeldMessage {
  message: Message;
  customerId: string;
  /** Twilio's error code of a failed or undelivered send. */
  errorCode: number | null;
}

export interface MessageStore {
  /** 'recorded' the first time, 'repeat' when the key is already held (whatever it holds). */
  recordMessage(message: Message, customerId: string): Promise<'recorded' | 'repeat'>;
  getMessage(origin: Message['origin']): Promise<HeldMessage | undefined>;
  /**
   * A status callback: the furthest status wins (messageStatusAfter). 'moved' when it changed
   * the status, 'unchanged' for a repeat or a late one, 'unknown' for a message not held (a
   * callback of a send omnihub did not record, or that came before the record).
   */
  recordStatus(origin: Message['origin'], status: MessageStatus, errorCode: number | null): Promise<'moved' | 'unchanged' | 'unknown'>;
  /** The message's copy in a system (a HubSpot communication id, a Klaviyo event's unique id). */
  getCopy(origin: Message['origin'], system: string): Promise<string | undefined>;
  recordCopy(origin: Message['origin'], system: string, copyId: string): Promise<void>;
}
