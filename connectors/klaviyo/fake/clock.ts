import { ResumableRandom } from '../../testing/seeded-random';

/**
 * Klaviyo's clocks and ids as its answers show them.
 * - Date-times on the wire (profile `created`/`updated`, consent timestamps, event `datetime`)
 *   are ISO 8601 to the second with an explicit `+00:00` offset ("2023-02-21T20:07:38+00:00"),
 *   as in the JSON samples on developers.klaviyo.com; the SDK parses them into `Date`s
 *   (klaviyo-api/dist/model/models.js ObjectSerializer.deserialize). The fake filters and sorts on
 *   exactly what it shows (the second), so two writes in one second are not ordered: a poll with
 *   `greater-than(updated,<last seen>)` can miss a profile written later in that same second.
 * - Profile ids are 26-character ULIDs in Crockford base32 ("01GDDKASAP8TKDDA2GRZDSVP4H",
 *   saas-api-facts.md §3.1): 10 characters of creation time (ms, from the fake's clock, kept
 *   increasing) then 16 random ones, so sorting by id is sorting by creation, as against Klaviyo. Metric and list ids are 6 characters of [A-Za-z0-9] ("Y6Hmxn").
 *   Event ids are not documented beyond "The Event ID" (eventResponseObjectResource.d.ts): the fake
 *   makes 12 characters of [A-Za-z0-9] (chosen), and a UUID for the event's `uuid` attribute.
 * Ids come from a seeded stream (same seed and same clock, same ids), persisted with the account
 * so a restart continues it.
 */
export function klaviyoStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** An instant truncated to the second, as Klaviyo keeps event times ("The time is truncated to the second"). */
export function truncateToSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

/** Where an id stream stands: its seed and how many draws it has made. */
export interface IdSourceState {
  seed: number;
  draws: number;
  /** The time part of the last profile id (ms), so ids keep increasing across a restart. */
  lastTime?: number;
}

export class IdSource {
  private readonly stream: ResumableRandom;
  private lastTime: number;

  /** `resumeAt`: continue a stream after that many draws. */
  constructor(seed = 23, resumeAt = 0, lastTime = 0) {
    this.stream = new ResumableRandom(seed, resumeAt);
    this.lastTime = lastTime;
  }

  /** A profile id: a ULID made at `at`. */
  profileId(at: Date): string {
    this.lastTime = Math.max(at.getTime(), this.lastTime + 1);
    let time = '';
    for (let rest = this.lastTime, index = 0; index < 10; index += 1, rest = Math.floor(rest / 32)) time = CROCKFORD[rest % 32] + time;
    return `${time}${this.stream.pick(CROCKFORD, 16)}`;
  }

  metricId(): string {
    return this.stream.pick(BASE62, 6);
  }

  eventId(): string {
    return this.stream.pick(BASE62, 12);
  }

  /** A v4-shaped UUID. */
  uuid(): string {
    const hex = this.stream.pick(HEX, 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  state(): IdSourceState {
    return { ...this.stream.state(), lastTime: this.lastTime };
  }
}
