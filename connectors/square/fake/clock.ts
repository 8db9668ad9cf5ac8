import { seededRandom, type Random } from '../../testing/seeded-random';

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
  private readonly random: Random;
  private readonly seed: number;
  private draws = 0;

  /** `resumeAt`: continue a stream after that many draws (replayed, so the ids that follow are the ones it would have made). */
  constructor(seed = 7, resumeAt = 0) {
    this.seed = seed;
    this.random = seededRandom(seed);
    for (; this.draws < resumeAt; this.draws += 1) this.random();
  }

  next(length: number): string {
    let id = '';
    for (let index = 0; index < length; index += 1) id += ALPHABET[Math.floor(this.draw() * ALPHABET.length)];
    return id;
  }

  state(): IdSourceState {
    return { seed: this.seed, draws: this.draws };
  }

  private draw(): number {
    this.draws += 1;
    return this.random();
  }
}
