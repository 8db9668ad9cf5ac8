import { ResumableRandom } from '../../testing/seeded-random';

/**
 * Square's timestamps as its answers show them: `created_at` to the millisecond with trailing
 * zeros dropped ("2022-05-29T21:14:49.48Z"), `updated_at` to the whole second
 * ("2022-05-29T21:14:49Z") on customers; orders and payments carry milliseconds on both.
 */
export function millisStamp(at: Date): string {
  return at.toISOString().replace(/\.?0+Z$/, 'Z');
}

export function secondsStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Where an id stream stands: its seed and how many draws it has made (persisted, so a restart continues it). */
export interface IdSourceState {
  seed: number;
  draws: number;
}

/** Ids shaped like Square's (customers: 26 upper-case characters, orders: 29), from a seeded stream. */
export class IdSource {
  private readonly stream: ResumableRandom;

  /** `resumeAt`: continue a stream after that many draws. */
  constructor(seed = 7, resumeAt = 0) {
    this.stream = new ResumableRandom(seed, resumeAt);
  }

  next(length: number): string {
    return this.stream.pick(ALPHABET, length);
  }

  state(): IdSourceState {
    return this.stream.state();
  }
}
