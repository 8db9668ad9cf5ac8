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

/** Ids shaped like Square's (customers: 26 upper-case characters, orders: 29), from a seeded stream. */
export class IdSource {
  private readonly random: Random;

  constructor(seed = 7) {
    this.random = seededRandom(seed);
  }

  next(length: number): string {
    let id = '';
    for (let index = 0; index < length; index += 1) id += ALPHABET[Math.floor(this.random() * ALPHABET.length)];
    return id;
  }
}
