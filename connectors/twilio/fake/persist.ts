import { z } from 'zod';
import { debouncedSave, readSavedState, writeSavedState } from '../../testing/saved-state';
import type { IdSourceState } from './clock';
import type { DeliveryOutcome } from './messages-api';
import type { MessagesSnapshot } from './messages-state';
import type { OptOutEntry } from './opt-out';

/**
 * Keeps the fake account on disk for `npm start` (option `persistPath`), like the Square and
 * Klaviyo fakes' persist.ts: loaded once at start when the file exists, saved shortly after each
 * change (debounced; written to a temporary file, then renamed) and on close. Every message (so
 * the WhatsApp windows, which are the people's last messages, survive too), the statuses a sent
 * message has still to go through (a restart carries on with them and their callbacks, as Twilio
 * would not forget a queued message), the opt-out set, the delivery outcomes set for the sandbox,
 * and where the sid stream stands. Webhook deliveries in flight are not kept. Read back through
 * zod, never trusted.
 */

export interface AccountSnapshot {
  ids: IdSourceState;
  messages: MessagesSnapshot;
  optOuts: OptOutEntry[];
  outcomes: Array<{ to: string; outcome: DeliveryOutcome }>;
}

const count = z.number().int().nonnegative();
const STATUSES = ['accepted', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'received'] as const;
const StepSchema = z.object({ status: z.enum(STATUSES), errorCode: z.number().int().nullable() });

const MessageSchema = z.object({
  sid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/),
  direction: z.enum(['inbound', 'outbound-api', 'outbound-reply']),
  channel: z.enum(['sms', 'whatsapp']),
  from: z.string(),
  to: z.string(),
  body: z.string(),
  status: z.enum(STATUSES),
  errorCode: z.number().int().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  sentAt: z.number().nullable(),
  segments: count,
  numMedia: count,
  messagingServiceSid: z.string().nullable(),
  senderAssigned: z.boolean(),
  statusCallback: z.string().nullable(),
  price: z.string().nullable(),
  pending: z.array(StepSchema),
});

const OutcomeSchema = z.object({ status: z.enum(['delivered', 'undelivered', 'failed']), errorCode: z.number().int().optional() });

const PersistedAccountSchema = z.object({
  version: z.literal(1),
  ids: z.object({ seed: z.number().int(), draws: count }),
  messages: z.array(MessageSchema),
  optOuts: z.array(z.object({ address: z.string(), sender: z.string() })),
  outcomes: z.array(z.object({ to: z.string(), outcome: OutcomeSchema })),
});

/** The saved account at `path`, or undefined when there is none yet. A corrupt or unreadable file is an error naming it. */
export function loadAccount(path: string): AccountSnapshot | undefined {
  const saved = readSavedState(path, PersistedAccountSchema, 'Twilio');
  if (!saved) return undefined;
  const { ids, messages, optOuts, outcomes } = saved;
  return {
    ids,
    messages,
    optOuts,
    outcomes: outcomes.map(({ to, outcome }) => ({ to, outcome: outcome.errorCode === undefined ? { status: outcome.status } : { status: outcome.status, errorCode: outcome.errorCode } })),
  };
}

export function saveAccount(path: string, snapshot: AccountSnapshot): void {
  writeSavedState(path, { version: 1, ...snapshot });
}

/** Saves the account shortly after each change (`schedule`); `flush()` saves now. */
export function persistAccount(snapshot: () => AccountSnapshot, path: string): { schedule(): void; flush(): void } {
  const { schedule, saveNow } = debouncedSave(() => saveAccount(path, snapshot()));
  return { schedule, flush: saveNow };
}
