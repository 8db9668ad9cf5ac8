/**
 * Twilio's default opt-out handling ("SMS STOP filtering") on long codes, as its support
 * articles describe it (support.twilio.com 223134027 and 31560110671259, copied in
 * orders-messages-facts.md §5.4 and in help pages of Twilio customers):
 * - Keywords count only as the whole message, case-insensitive ("Stop" opts out, "Stop please"
 *   does not); the fake trims surrounding whitespace, nothing else (chosen: "STOP." is not a keyword).
 * - STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT (and REVOKE, OPTOUT, added for the 2025 FCC
 *   revocation rules) opt the sender out; START, YES, UNSTOP opt back in; HELP, INFO get help.
 * - Twilio answers each with its own auto-reply (no cost, no webhook, no status callback) and still
 *   forwards the inbound message to the webhook. An opted-out person gets no HELP reply.
 * - The block applies to the number the person replied to; when that number belongs to a
 *   Messaging Service, to every sender of the service ("When a user opts out of a phone number
 *   that belongs to a Messaging Service, the user is also opted out to receiving all messages
 *   sent from that particular Messaging Service"). Sends from a number to an opted-out person
 *   answer 400 / 21610; through the service they are accepted and then fail with 21610
 *   (twilio/twilio-python#478: "accepted", "later in the Twilio logs I can see that the message
 *   was not sent").
 * - WhatsApp has no default keyword handling: only Advanced Opt-Out settings of a Messaging
 *   Service "also apply to any WhatsApp senders in the Messaging Service" (support article
 *   360034798533), so WhatsApp keywords count only with a service and advancedOptOut.
 * - `OptOutType` (STOP | START | HELP) is added to the inbound webhook only with Advanced Opt-Out
 *   on a Messaging Service (support article 31560110671259).
 */
export type Keyword = 'STOP' | 'START' | 'HELP';

export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

/** Twilio's default replies (the support article's wording). */
export const AUTO_REPLIES: Record<Keyword, string> = {
  STOP: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  START: 'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  HELP: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

/** The keyword a whole message is, if any. */
export function keywordOf(body: string): Keyword | undefined {
  const word = body.trim().toUpperCase();
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return 'STOP';
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) return 'START';
  if ((HELP_KEYWORDS as readonly string[]).includes(word)) return 'HELP';
  return undefined;
}

export interface OptOutEntry {
  /** The person: +E164 or whatsapp:+E164. */
  address: string;
  /** What they opted out of: the shop's number, or the Messaging Service (MG…) it belongs to. */
  sender: string;
}

export class OptOuts {
  private readonly entries = new Map<string, OptOutEntry>();
  private listeners: Array<() => void> = [];

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  add(address: string, sender: string): void {
    this.entries.set(key(address, sender), { address, sender });
    this.emit();
  }

  remove(address: string, sender: string): void {
    if (this.entries.delete(key(address, sender))) this.emit();
  }

  has(address: string, sender: string): boolean {
    return this.entries.has(key(address, sender));
  }

  list(): OptOutEntry[] {
    return [...this.entries.values()].map((entry) => ({ ...entry }));
  }

  load(entries: OptOutEntry[]): void {
    for (const entry of entries) this.entries.set(key(entry.address, entry.sender), { ...entry });
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function key(address: string, sender: string): string {
  return `${address}\u0000${sender}`;
}
