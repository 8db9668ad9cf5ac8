import { createHash } from 'node:crypto';
import { ResumableRandom } from '../../testing/seeded-random';

/**
 * Twilio's clocks and ids as its answers show them.
 * - Timestamps on the Message resource are RFC 2822 in GMT, to the second:
 *   "Thu, 24 Aug 2023 05:01:45 +0000" (twilio@6.2.0 message.d.ts: "The RFC 2822 timestamp (in
 *   GMT)"; the SDK parses them with deserialize.rfc2822DateTime).
 * - Sids are two letters then 32 lower-case hex digits (34 characters): SM (a message), MM (a
 *   message with media), MG (a Messaging Service), XE (a WhatsApp channel install), RQ (a
 *   request, the Twilio-Request-Id header). Message sids come from a seeded stream (same seed,
 *   same SM… sids), persisted so a restart continues it.
 * - A message sent without a Messaging Service still shows a messaging_service_sid: "A unique
 *   default value is assigned if a Messaging Service is not used" (message.d.ts). The fake
 *   derives that default from the account sid (chosen: Twilio does not say how it makes it).
 * - RawDlrDoneDate (status callbacks of delivered/undelivered SMS) is the carrier's YYMMDDhhmm.
 */
export function rfc2822(at: Date | number): string {
  return new Date(at).toUTCString().replace(/GMT$/, '+0000');
}

/** The carrier's "done" stamp in delivery receipts: YYMMDDhhmm, GMT. */
export function dlrDoneDate(at: Date | number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

const HEX = '0123456789abcdef';

/** A sid that is always the same for the same input (the account's default service, a sender's channel install). */
export function derivedSid(prefix: string, input: string): string {
  return `${prefix}${createHash('sha256').update(input).digest('hex').slice(0, 32)}`;
}

/** Where an id stream stands: its seed and how many draws it has made. */
export interface IdSourceState {
  seed: number;
  draws: number;
}

export class IdSource {
  private readonly stream: ResumableRandom;

  /** `resumeAt`: continue a stream after that many draws. */
  constructor(seed = 2010, resumeAt = 0) {
    this.stream = new ResumableRandom(seed, resumeAt);
  }

  /** A message sid: SM…, or MM… when it carries media. */
  messageSid(withMedia = false): string {
    return `${withMedia ? 'MM' : 'SM'}${this.stream.pick(HEX, 32)}`;
  }

  state(): IdSourceState {
    return this.stream.state();
  }
}
