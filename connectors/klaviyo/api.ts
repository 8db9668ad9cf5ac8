import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeySession, EventsApi, MetricsApi, ProfilesApi, RetryWithExponentialBackoff } from 'klaviyo-api';
import type { RateCeiling, RequestCounter } from '../../core/backfill/record-source';
import { ConnectorError } from '../../core/errors';
import type { ClientOptions } from '../connector';
import type { KlaviyoConfig, KlaviyoSecret } from './manifest';
import { KlaviyoErrorBodySchema, KlaviyoSdkErrorSchema } from './schemas';

/**
 * klaviyo-api set up for one account, shared by the client (sync) and the reader (poll and
 * backfill). Every call goes through `call`, which waits out 429s as Klaviyo asks (`Retry-After`,
 * seconds) and turns what is left into a ConnectorError. The SDK's own retry is off (0 retries):
 * done here, each attempt and each wait is counted, which the reader reports against the ceiling.
 * https://developers.klaviyo.com/en/v2026-07-15/docs/rate_limits_and_error_handling
 */
const SYSTEM = 'klaviyo';

/** What klaviyo-api@23 sends as `revision`: the API version omnihub pins. */
export const KLAVIYO_REVISION = '2026-07-15';

/**
 * The published limits of the profile endpoints (Get Profiles, Create/Update Profile): burst 75/s,
 * steady 750/m (SDK doc comments, revision 2026-07-15). The steady window is what a long read meets.
 */
export const KLAVIYO_PROFILES_CEILING: RateCeiling = { unit: 'requests', perSecond: 750 / 60, burst: 75 };

export interface KlaviyoTuning {
  /** Rounds of waiting after a 429 (each waits Retry-After, else the backoff). */
  rateLimitRounds?: number;
  /** Rounds after a 5xx (Klaviyo asks to retry 503, 504 and 524 with backoff). */
  serverErrorRounds?: number;
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

const DEFAULT_TUNING: Required<KlaviyoTuning> = {
  rateLimitRounds: 4,
  serverErrorRounds: 2,
  backoffBaseMs: 1_000,
  maxBackoffMs: 30_000,
  random: Math.random,
};

/** A Klaviyo answer we did not absorb: status, error codes, and the duplicate's id on a 409. */
export interface KlaviyoFailure {
  status: number | undefined;
  codes: string[];
  /** JSON:API `source.pointer`s / `parameter`s: names, never values. */
  sources: string[];
  duplicateProfileId?: string;
  retryAfterSeconds?: number;
}

export function klaviyoApi(options: ClientOptions<KlaviyoConfig, KlaviyoSecret>, tuningOverrides: KlaviyoTuning = {}) {
  const tuning = { ...DEFAULT_TUNING, ...tuningOverrides };
  const usage: RequestCounter = { requests: 0, throttled: 0, waitedMs: 0 };
  const session = new ApiKeySession(options.secret.privateKey, new RetryWithExponentialBackoff({ numRetries: 0 }));
  const basePath = options.baseUrl ?? 'https://a.klaviyo.com';
  const profilesApi = new ProfilesApi(session);
  const eventsApi = new EventsApi(session);
  const metricsApi = new MetricsApi(session);
  for (const api of [profilesApi, eventsApi, metricsApi]) api.basePath = basePath;
  const sdk = { profilesApi, eventsApi, metricsApi };

  /**
   * `beforeRetry` runs after the wait and before the call is sent again: a write that was refused
   * (429, 5xx) checks there that the record still holds what sync read (docs/identity.md §2),
   * since the wait is long enough for a person's edit.
   */
  async function call<T>(operation: string, run: (apis: typeof sdk) => Promise<T>, { beforeRetry }: { beforeRetry?: () => Promise<void> } = {}): Promise<T> {
    for (let round = 0; ; round += 1) {
      if (round > 0) await beforeRetry?.();
      usage.requests += 1;
      try {
        return await run(sdk);
      } catch (error) {
        const failure = readKlaviyoFailure(error);
        const limited = failure.status === 429;
        const transient = failure.status === 503 || failure.status === 504 || failure.status === 524 || failure.status === 500;
        if (limited) usage.throttled += 1;
        if (!(limited && round < tuning.rateLimitRounds) && !(transient && round < tuning.serverErrorRounds)) throw toConnectorError(failure, operation, error);
        const backoff = Math.round(tuning.random() * Math.min(tuning.maxBackoffMs, tuning.backoffBaseMs * 2 ** round));
        // Klaviyo's Retry-After says when the window has room again: waiting less only spends a request.
        const waitMs = limited && failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 + Math.round(tuning.random() * 250) : backoff;
        options.log.warn(limited ? 'Klaviyo rate limited the call; waiting as it asks' : 'Klaviyo answered a server error; retrying', { operation, status: failure.status ?? 0, round: round + 1, waitMs });
        usage.waitedMs += waitMs;
        await sleep(waitMs);
      }
    }
  }
  return { ...sdk, call, usage, tuning };
}

export function readKlaviyoFailure(error: unknown): KlaviyoFailure {
  const parsed = KlaviyoSdkErrorSchema.safeParse(error);
  if (!parsed.success) return { status: undefined, codes: [], sources: [] };
  const { status, headers = {}, data } = parsed.data.response;
  const body = KlaviyoErrorBodySchema.safeParse(data);
  const errors = body.success ? body.data.errors : [];
  const retryAfter = Number(headers && typeof headers === 'object' ? Reflect.get(headers, 'retry-after') : undefined);
  const duplicateProfileId = errors.find((entry) => entry.meta?.duplicate_profile_id)?.meta?.duplicate_profile_id;
  return {
    status,
    codes: errors.map((entry) => entry.code ?? 'unknown'),
    sources: errors
      .map((entry) => entry.source?.pointer ?? entry.source?.parameter)
      .filter((source): source is string => typeof source === 'string' && /^[A-Za-z0-9_./[\]-]{1,100}$/.test(source)),
    ...(duplicateProfileId ? { duplicateProfileId } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
  };
}

/** The actionable error for a failure we did not absorb. Messages carry codes and field paths, never values. */
function toConnectorError(failure: KlaviyoFailure, operation: string, cause: unknown): ConnectorError {
  const { status, codes, sources } = failure;
  const metadata = { operation, codes: codes.join(','), sources: sources.join(',') };
  const make = (message: string, retryable: boolean) => new ConnectorError(SYSTEM, status, message, { cause, retryable, metadata });
  const said = `${codes.join(', ') || 'no code'}${sources.length > 0 ? ` at ${sources.join(', ')}` : ''}`;
  if (status === undefined) return make(`Klaviyo ${operation}: could not reach the Klaviyo API (no answer); the call will be retried`, true);
  if (status === 401) return make('Klaviyo returned 401: the private API key is invalid or revoked; update secret omnihub/klaviyo', false);
  if (status === 403) return make(`Klaviyo returned 403 on ${operation}: the private key lacks a scope (profiles:read/write, events:write, metrics:read, subscriptions:write); edit the key in Klaviyo`, false);
  if (status === 429) return make(`Klaviyo ${operation}: still rate limited (429) after waiting as asked; the call will be retried`, true);
  if (status >= 500) return make(`Klaviyo ${operation}: Klaviyo answered ${status} (${said}); the call will be retried`, true);
  if (status === 404) return make(`Klaviyo ${operation}: not found (${said})`, false);
  return make(`Klaviyo ${operation}: Klaviyo refused the request with ${status} (${said})`, false);
}
