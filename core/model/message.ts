import * as z from '../schema';
import { ExternalIdSchema, SystemIdSchema, TimestampSchema } from './system';

/**
 * The canonical message (docs/identity.md §11): an SMS or WhatsApp message between the shop and a
 * customer. Append-only and keyed by the vendor's id: recorded once, never edited or merged.
 */

export const MessageChannelSchema = z.enum(['sms', 'whatsapp']);
export type MessageChannel = z.infer<typeof MessageChannelSchema>;

export const MessageDirectionSchema = z.enum(['inbound', 'outbound']);
export type MessageDirection = z.infer<typeof MessageDirectionSchema>;

/** Where a message omnihub sent stands; it only moves forward (messageStatusAfter). */
export const MessageStatusSchema = z.enum(['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'undelivered', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

const E164 = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164'));

export const MessageSchema = z.object({
  /** The system that carried it and its id there (Twilio's MessageSid): the message's key everywhere. */
  origin: z.object({ system: SystemIdSchema, externalId: ExternalIdSchema }),
  channel: MessageChannelSchema,
  direction: MessageDirectionSchema,
  /** The customer's address and the shop's, in E.164 (WhatsApp's `whatsapp:` prefix taken off). */
  customerAddress: E164,
  shopAddress: E164,
  body: z.string(),
  mediaCount: z.number().check(z.int(), z.nonnegative()),
  /** When it happened: for an inbound message (its webhook carries no time), when omnihub first accepted it. */
  at: TimestampSchema,
  status: MessageStatusSchema,
  /** A notice omnihub sent (docs/identity.md §12): which, and for which order (the email flow skips whom it reached). */
  notice: z.optional(z.object({ kind: z.literal('ready_for_pickup'), orderKey: z.string(), orderName: z.string() })),
});
export type Message = z.infer<typeof MessageSchema>;

/** The stable key of a message: `twilio:SM…`. */
export function messageKey(origin: Message['origin']): string {
  return `${origin.system}:${origin.externalId}`;
}

/** The origin a message key names (the inverse of messageKey). */
export function parseMessageKey(key: string): Message['origin'] {
  const at = key.indexOf(':');
  if (at <= 0 || at === key.length - 1) throw new RangeError(`not a message key: ${key.slice(0, 60)}`);
  return { system: key.slice(0, at), externalId: key.slice(at + 1) };
}

/**
 * How far each status is along the way. `undelivered` and `failed` are final: nothing moves a
 * message out of them, and a late `sent` after `delivered` is no news.
 */
const STATUS_RANK: Record<MessageStatus, number> = { received: 0, queued: 1, sending: 2, sent: 3, delivered: 4, read: 5, undelivered: 6, failed: 6 };

/** The status a message holds after `reported` arrives while it holds `held` (§11: the furthest status wins). */
export function messageStatusAfter(held: MessageStatus, reported: MessageStatus): MessageStatus {
  if (held === 'undelivered' || held === 'failed') return held;
  return STATUS_RANK[reported] > STATUS_RANK[held] ? reported : held;
}

/** SMS keywords carriers and Twilio act on, as a whole message (docs/identity.md §11). */
const OPT_OUT_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN_WORDS = new Set(['START', 'YES', 'UNSTOP']);

/**
 * The consent an inbound message states, if any: its whole body (trimmed, any case) a STOP or
 * START keyword, or the `OptOutType` Twilio's Advanced Opt-Out adds, which decides over the body.
 * "Stop please" is a message, not a keyword.
 */
export function consentStatedBy(body: string, optOutType?: string): 'subscribed' | 'unsubscribed' | undefined {
  const type = optOutType?.trim().toUpperCase();
  if (type === 'STOP') return 'unsubscribed';
  if (type === 'START') return 'subscribed';
  if (type === 'HELP') return undefined;
  const word = body.trim().toUpperCase();
  if (OPT_OUT_WORDS.has(word)) return 'unsubscribed';
  if (OPT_IN_WORDS.has(word)) return 'subscribed';
  return undefined;
}
