import { seededRandom, type Random } from './seeded-random';

/**
 * Vendor-neutral API fault injection for the fakes' request handlers: a seeded share of API
 * requests is answered with a rate limit or a server error instead of being served. The
 * generic part is only the decision; each fake answers with its vendor's own 429 / 5xx body
 * and headers.
 */
export type ApiFault = 'ok' | 'rate_limited' | 'server_error';

export interface ApiFaultRates {
  /** Share of requests answered 429, 0..1. */
  rateLimited: number;
  /** Share of requests answered 5xx, 0..1. */
  serverError: number;
}

export class ApiFaultInjector {
  readonly counts = { decided: 0, rateLimited: 0, serverError: 0 };
  private rates: ApiFaultRates = { rateLimited: 0, serverError: 0 };
  private random: Random;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  /** Sets the shares (and optionally a new seed) at run time; all zero turns injection off. */
  configure(rates: Partial<ApiFaultRates> & { seed?: number }): void {
    if (rates.seed !== undefined) this.random = seededRandom(rates.seed);
    this.rates = { ...this.rates, ...rates };
    if (this.rates.rateLimited + this.rates.serverError > 1) throw new Error('API fault shares add up to more than 1');
  }

  get current(): ApiFaultRates {
    return { ...this.rates };
  }

  /** One decision per API request: call it once per request, after the credentials check. */
  decide(): ApiFault {
    if (this.rates.rateLimited === 0 && this.rates.serverError === 0) return 'ok';
    this.counts.decided += 1;
    const draw = this.random();
    if (draw < this.rates.rateLimited) {
      this.counts.rateLimited += 1;
      return 'rate_limited';
    }
    if (draw < this.rates.rateLimited + this.rates.serverError) {
      this.counts.serverError += 1;
      return 'server_error';
    }
    return 'ok';
  }
}
