/**
 * A small deterministic RNG (mulberry32) for the fakes' chaos: the same seed gives the same
 * stream of decisions, so a failing chaos seed can be replayed.
 * https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform draw in [min, max]. */
export function between(random: Random, [min, max]: readonly [number, number]): number {
  return min + random() * (max - min);
}

/** A stable number for a label, to derive independent streams from one seed ("shopify", "hubspot"). */
export function streamSeed(seed: number, label: string): number {
  let hash = seed >>> 0;
  for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/**
 * A seeded stream a fake saves and resumes (its ids survive `npm start` restarts): where it stands
 * is its seed and how many draws it has made, and a resumed stream replays that many, so the ids
 * that follow are the ones it would have made.
 */
export class ResumableRandom {
  private readonly random: Random;
  private drawn = 0;

  constructor(
    readonly seed: number,
    resumeAt = 0,
  ) {
    this.random = seededRandom(seed);
    while (this.drawn < resumeAt) this.draw();
  }

  draw(): number {
    this.drawn += 1;
    return this.random();
  }

  /** `length` characters of `alphabet`, one draw each. */
  pick(alphabet: string, length: number): string {
    let out = '';
    for (let index = 0; index < length; index += 1) out += alphabet[Math.floor(this.draw() * alphabet.length)];
    return out;
  }

  state(): { seed: number; draws: number } {
    return { seed: this.seed, draws: this.drawn };
  }
}
