/**
 * Klaviyo's rate limits: "rate limited on a per-account basis, and use a fixed-window rate
 * limiting algorithm with two distinct windows: burst (1-second window) and steady (1-minute
 * window)" — either one answers 429 (https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling).
 * Each endpoint has its own published allowance (the `*Rate limits*` line of every method's doc
 * comment in klaviyo-api@23, revision 2026-07-15), counted per endpoint (chosen: the docs give the
 * limits per endpoint). Windows are aligned to the wall clock's seconds and minutes.
 * "All non-rate-limited (i.e., non 429) responses will contain ... RateLimit-Limit,
 * RateLimit-Remaining, RateLimit-Reset" for the steady window; a 429 carries `Retry-After` in
 * seconds (klaviyo-api@23's retry reads the lower-cased `retry-after`, dist/api/apis.js).
 * `{ scale }` multiplies every allowance (at least 1), so tests can reach a limit with a few calls.
 */
export interface Allowance {
  burst: number;
  steady: number;
}

export const KLAVIYO_RATE_LIMITS = {
  createOrUpdateProfile: { burst: 75, steady: 750 },
  createProfile: { burst: 75, steady: 750 },
  updateProfile: { burst: 75, steady: 750 },
  getProfile: { burst: 75, steady: 750 },
  getProfiles: { burst: 75, steady: 750 },
  /** getProfiles with `additional-fields[profile]=predictive_analytics`. */
  getProfilesPredictive: { burst: 10, steady: 150 },
  bulkSubscribeProfiles: { burst: 75, steady: 750 },
  bulkUnsubscribeProfiles: { burst: 75, steady: 750 },
  createEvent: { burst: 350, steady: 3500 },
  getEvents: { burst: 350, steady: 3500 },
  getEvent: { burst: 10, steady: 150 },
  getMetrics: { burst: 10, steady: 150 },
  getMetric: { burst: 10, steady: 150 },
} as const satisfies Record<string, Allowance>;

export type Endpoint = keyof typeof KLAVIYO_RATE_LIMITS;

export type RateDecision = { ok: true; headers: Record<string, string> } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly counts = new Map<string, { window: number; count: number }>();
  private readonly scale: number | undefined;

  /** `false`: no limits. `true`: Klaviyo's. `{scale}`: Klaviyo's times `scale`. */
  constructor(setting: boolean | { scale: number } = true) {
    this.scale = setting === false ? undefined : setting === true ? 1 : setting.scale;
  }

  allowance(endpoint: Endpoint): Allowance {
    const base = KLAVIYO_RATE_LIMITS[endpoint];
    const scale = this.scale ?? 1;
    return { burst: Math.max(1, Math.floor(base.burst * scale)), steady: Math.max(1, Math.floor(base.steady * scale)) };
  }

  /** Counts the call in both windows, or refuses it (a refused call is not counted). */
  take(endpoint: Endpoint, at: number = Date.now()): RateDecision {
    if (this.scale === undefined) return { ok: true, headers: {} };
    const { burst, steady } = this.allowance(endpoint);
    const burstWindow = Math.floor(at / 1000);
    const steadyWindow = Math.floor(at / 60_000);
    const burstUsed = this.used(`${endpoint}:s`, burstWindow);
    const steadyUsed = this.used(`${endpoint}:m`, steadyWindow);
    if (steadyUsed >= steady) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((steadyWindow + 1) * 60_000 - at) / 1000)) };
    if (burstUsed >= burst) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((burstWindow + 1) * 1000 - at) / 1000)) };
    this.counts.set(`${endpoint}:s`, { window: burstWindow, count: burstUsed + 1 });
    this.counts.set(`${endpoint}:m`, { window: steadyWindow, count: steadyUsed + 1 });
    return {
      ok: true,
      headers: {
        'RateLimit-Limit': String(steady),
        'RateLimit-Remaining': String(steady - steadyUsed - 1),
        'RateLimit-Reset': String(Math.max(0, Math.ceil(((steadyWindow + 1) * 60_000 - at) / 1000))),
      },
    };
  }

  private used(key: string, window: number): number {
    const entry = this.counts.get(key);
    return entry && entry.window === window ? entry.count : 0;
  }
}
