import { setTimeout as sleep } from 'node:timers/promises';
import { SquareClient, SquareEnvironment } from 'square';
import type { RateCeiling, RequestCounter } from '../../core/backfill/record-source';
import { ConnectorError } from '../../core/errors';
import type { ClientOptions } from '../connector';
import type { SquareConfig, SquareSecret } from './manifest';
import { SquareSdkErrorSchema } from './schemas';

/**
 * The square SDK set up for one seller, shared by the customer side (client.ts, reader.ts) and
 * the order side (orders/). No SDK call is made here: functions/prune-square-sdk.ts keeps the
 * SDK code of the `sdk.<api>.<method>(` calls in the files a bundle holds, so each bundle
 * carries only its own entity's calls.
 */
const SYSTEM = 'square';

/** The scopes a 403 names: the customer side's by default, the order side names its own. */
export interface SquareApiScope {
  scopes?: string;
}

/**
 * How hard the client tries. Square publishes no rate limits: a 429 RATE_LIMITED says "back off
 * exponentially with jitter". The SDK already retries 408, 429 and 5xx twice (Retry-After, else
 * X-RateLimit-Reset, else 1 s × 2^n); after that, a 429 is waited out here a few more rounds with
 * full jitter, then given back to SQS as retryable. Tests shorten the waits.
 * https://developer.squareup.com/docs/build-basics/general-considerations/handling-errors
 */
export interface SquareTuning {
  /** The SDK's own retries per request (its default is 2). */
  sdkRetries?: number;
  /** Rounds of our backoff after the SDK gave up on a 429. */
  rateLimitRounds?: number;
  /** First backoff ceiling; doubles each round (full jitter: a wait is random in [0, ceiling]). */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** UpdateCustomer attempts after a version conflict (each re-reads the version first). */
  versionConflictRetries?: number;
  random?: () => number;
  now?: () => Date;
}

const DEFAULT_TUNING: Required<SquareTuning> = {
  sdkRetries: 2,
  rateLimitRounds: 3,
  backoffBaseMs: 2_000,
  maxBackoffMs: 20_000,
  versionConflictRetries: 3,
  random: Math.random,
  now: () => new Date(),
};

/**
 * Square publishes no rate limits. This is what the readers aim at, not a documented ceiling: a
 * 429 RATE_LIMITED is backed off exponentially with jitter (below).
 */
export const SQUARE_ASSUMED_CEILING: RateCeiling = { unit: 'requests', perSecond: 10, burst: 20 };

/** What an API call cost, for the reader's usage report: every HTTP attempt, the SDK's retries included. */
export type ApiUsage = RequestCounter;

/** A Square answer we did not absorb, read from the SDK's SquareError (or a network failure: no status). */
export interface Failure {
  status: number | undefined;
  codes: string[];
  fields: string[];
}

/**
 * The SDK set up for one seller (redirected to a fake with `baseUrl`), and `call`, which runs one
 * SDK call with our 429 backoff and turns what is left into a ConnectorError. Shared by the client
 * (sync) and the reader (backfill).
 */
export function squareApi(options: ClientOptions<SquareConfig, SquareSecret>, tuningOverrides: SquareTuning = {}, { scopes = 'CUSTOMERS_READ / CUSTOMERS_WRITE' }: SquareApiScope = {}) {
  const tuning = { ...DEFAULT_TUNING, ...tuningOverrides };
  const usage: ApiUsage = { requests: 0, throttled: 0, waitedMs: 0 };
  let throttledAt: number | undefined;
  // Every HTTP attempt goes through here, the SDK's own retries too: that is what the quota sees.
  const countingFetch: typeof fetch = async (input, init) => {
    if (throttledAt !== undefined) usage.waitedMs += performance.now() - throttledAt;
    throttledAt = undefined;
    usage.requests += 1;
    const response = await fetch(input, init);
    if (response.status === 429) {
      usage.throttled += 1;
      throttledAt = performance.now();
    }
    return response;
  };
  const sdk = new SquareClient({
    token: options.secret.accessToken,
    baseUrl: options.baseUrl ?? (options.config.environment === 'sandbox' ? SquareEnvironment.Sandbox : SquareEnvironment.Production),
    maxRetries: tuning.sdkRetries,
    timeoutInSeconds: 20,
    fetch: countingFetch,
  });

  async function call<T>(operation: string, run: (client: SquareClient) => Promise<T>): Promise<T> {
    for (let round = 0; ; round += 1) {
      try {
        return await run(sdk);
      } catch (error) {
        const failure = readFailure(error);
        if (failure.status !== 429 || round >= tuning.rateLimitRounds) throw toConnectorError(failure, operation, error, scopes);
        const ceiling = Math.min(tuning.maxBackoffMs, tuning.backoffBaseMs * 2 ** round);
        const waitMs = Math.round(tuning.random() * ceiling);
        options.log.warn('Square rate limited the call; backing off', { operation, round: round + 1, waitMs });
        await sleep(waitMs);
      }
    }
  }
  /**
   * A GET whose answer we read only a little of, without the SDK's serializers for it (ListLocations:
   * its Location type pulls in about 10 KB of them, for the ids we use), through the same counting
   * fetch, the SDK's Square-Version, and the same failure handling as `call`.
   */
  async function getJson(operation: string, path: string): Promise<unknown> {
    const base = options.baseUrl ?? (options.config.environment === 'sandbox' ? SquareEnvironment.Sandbox : SquareEnvironment.Production);
    return call(operation, async () => {
      const response = await countingFetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${options.secret.accessToken}`, 'square-version': SQUARE_VERSION, accept: 'application/json' },
      });
      const body: unknown = await response.json().catch(() => ({}));
      if (response.ok) return body;
      const errors = body && typeof body === 'object' && 'errors' in body ? body.errors : undefined;
      // The shape the SDK's SquareError has, so readFailure reads it the same way.
      throw Object.assign(new Error(`Square ${operation} answered ${response.status}`), { statusCode: response.status, errors });
    });
  }
  return { sdk, call, getJson, usage, tuning };
}

/** What square@46 sends as Square-Version (its BaseClient default): the API version omnihub pins. */
export const SQUARE_VERSION = '2026-09-16';

function readFailure(error: unknown): Failure {
  const parsed = SquareSdkErrorSchema.safeParse(error);
  const failure = parsed.success ? parsed.data : {};
  const errors = failure.errors ?? [];
  return {
    status: failure.statusCode,
    codes: errors.map((entry) => entry.code ?? 'UNKNOWN'),
    // Square names the request field an error is about (`email_address`): a name, never a value.
    fields: errors.map((entry) => entry.field).filter((field): field is string => typeof field === 'string' && /^[a-z0-9_.[\]]{1,100}$/.test(field)),
  };
}

/** The actionable error for a failure we did not absorb. Messages and metadata carry codes and field names, never values. */
function toConnectorError(failure: Failure, operation: string, cause: unknown, scopes: string): ConnectorError {
  const { status, codes, fields } = failure;
  const metadata = { operation, codes: codes.join(','), fields: fields.join(',') };
  const make = (message: string, retryable: boolean) => new ConnectorError(SYSTEM, status, message, { cause, retryable, metadata });
  if (status === undefined) return make(`Square ${operation}: could not reach the Square API (no answer); the call will be retried`, true);
  if (status === 401) return make('Square returned 401: the access token is invalid, expired or revoked; update secret omnihub/square', false);
  if (status === 403) return make(`Square returned 403: the token lacks ${scopes}; grant them and update secret omnihub/square`, false);
  if (status === 429) return make(`Square ${operation}: still rate limited (429 RATE_LIMITED) after our backoff; the call will be retried`, true);
  if (status >= 500) return make(`Square ${operation}: Square answered ${status} (${codes.join(', ') || 'no code'}) after the SDK's retries; the call will be retried`, true);
  if (status === 404) return make(`Square ${operation}: not found (${codes.join(', ') || 'NOT_FOUND'})`, false);
  if (codes.includes('IDEMPOTENCY_KEY_REUSED')) {
    return make(`Square ${operation}: the idempotency key was already used with other values (IDEMPOTENCY_KEY_REUSED); this is a bug in how omnihub derives keys`, false);
  }
  return make(`Square ${operation}: Square refused the request with ${status} (${codes.join(', ') || 'no code'}${fields.length > 0 ? ` on ${fields.join(', ')}` : ''})`, false);
}
