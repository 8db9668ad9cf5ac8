import { between, seededRandom, type Random } from './seeded-random';

/**
 * Webhooks the way vendors deliver them: at least once. Every delivery may be delayed, held
 * back so later ones overtake it, sent twice, and is retried on failure on the vendor's own
 * schedule (time-compressed for tests). The vendor-specific parts come from the fake: the
 * retry schedule and, for vendors that change a retry (HubSpot re-signs it and counts
 * `attemptNumber`), a `prepare(attempt)` hook.
 */

export interface WebhookPayload {
  body: string;
  headers: Record<string, string>;
}

/** What one attempt got back: the HTTP status, or no answer. */
export type DeliveryOutcome = number | 'network_error' | 'timeout';

export interface RetrySchedule {
  /** How many times a failed delivery is sent again after its first attempt. */
  retries: number;
  /** Vendor time in ms to wait before retry `retry` (1 = the first retry). */
  delayMs(retry: number, random: Random): number;
  /** Whether the vendor tries again after this answer. */
  retriesOn(outcome: DeliveryOutcome): boolean;
  /** How long the vendor waits for an answer (real ms, not compressed); later is a timeout. */
  timeoutMs?: number;
}

/**
 * Delays doubling from retry to retry so that all `retries` add up to `overMs`, each moved by
 * up to ±`jitter` of itself (vendors randomize so failures do not retry in lockstep).
 */
export function exponentialBackoff(options: { retries: number; overMs: number; jitter?: number }): RetrySchedule['delayMs'] {
  const base = options.overMs / (2 ** options.retries - 1);
  const jitter = options.jitter ?? 0;
  return (retry, random) => base * 2 ** (retry - 1) * (1 + jitter * (random() * 2 - 1));
}

export interface DeliveryChaos {
  /** Reseeds the decisions (same seed, same decisions in the same order). */
  seed?: number;
  /** Share of deliveries sent a second time, 0..1. */
  duplicate?: number;
  /** Share of deliveries held back (holdMs) so that later ones overtake them, 0..1. */
  reorder?: number;
  /** Share of deliveries the vendor never sends at all (an outage, a lost subscription), 0..1: only a reconciliation catches them. */
  drop?: number;
  /** Every delivery waits this long (real ms) before its first attempt. Default [0, 0]. */
  delayMs?: readonly [number, number];
  /** How long a held-back delivery waits (real ms). Default [100, 1000]. */
  holdMs?: readonly [number, number];
  /** Gap between a delivery and its duplicate (real ms). Default [0, 200]. */
  duplicateGapMs?: readonly [number, number];
}

export interface WebhookSenderOptions {
  retrySchedule?: RetrySchedule;
  /**
   * Builds attempt `attempt` (0 = first) of a delivery from what `send` was given. Absent: every
   * attempt resends the original body and headers (Shopify: "the original payload from the time
   * they were triggered").
   */
  prepare?: (attempt: number, original: WebhookPayload) => WebhookPayload;
  /** Real ms per vendor ms for retry delays. Default 1e-5 (4 hours → 144 ms, 24 hours → 864 ms). */
  timeScale?: number;
  chaos?: DeliveryChaos;
}

export interface WebhookDeliveryRecord {
  url: string;
  status: DeliveryOutcome;
  body: string;
  /** 0 for the first attempt, n for the n-th retry. */
  attempt: number;
  /** A duplicate is the vendor sending the same delivery a second time. */
  copy: 'original' | 'duplicate';
  at: number;
}

export interface WebhookSenderStats {
  /** Deliveries the fake asked for (send calls with a target). */
  triggered: number;
  /** HTTP attempts made, duplicates and retries included. */
  sent: number;
  duplicated: number;
  reordered: number;
  /** Retry attempts made. */
  retried: number;
  /** Deliveries (or duplicates) that ended without a 2xx: not retryable or out of retries. */
  failed: number;
  /** Deliveries never sent (chaos `drop`). */
  dropped: number;
}

const DEFAULT_TIME_SCALE = 1e-5;

/** Sends signed webhooks to the hub, asynchronously (after the API call that caused them has answered). */
export class WebhookSender {
  /** One entry per HTTP attempt, in the order they were answered. */
  readonly deliveries: WebhookDeliveryRecord[] = [];
  readonly stats: WebhookSenderStats = { triggered: 0, sent: 0, duplicated: 0, reordered: 0, retried: 0, failed: 0, dropped: 0 };
  retrySchedule: RetrySchedule | undefined;
  prepare: WebhookSenderOptions['prepare'];
  timeScale: number;
  private settings: DeliveryChaos = {};
  private random: Random = seededRandom(1);
  private pending = new Set<Promise<void>>();
  private cancelled = false;

  constructor(
    public targetUrl: string | undefined,
    options: WebhookSenderOptions = {},
  ) {
    this.retrySchedule = options.retrySchedule;
    this.prepare = options.prepare;
    this.timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
    if (options.chaos) this.chaos = options.chaos;
  }

  /** The delivery chaos in force; assign to change it at run time (`{}` turns it off). */
  get chaos(): DeliveryChaos {
    return { ...this.settings };
  }

  set chaos(chaos: DeliveryChaos) {
    for (const share of [chaos.duplicate, chaos.reorder, chaos.drop]) {
      if (share !== undefined && (share < 0 || share > 1)) throw new Error(`a chaos share must be within 0..1, got ${share}`);
    }
    if (chaos.seed !== undefined) this.random = seededRandom(chaos.seed);
    this.settings = { ...chaos };
  }

  /**
   * `url`: where this delivery goes, when not to `targetUrl` (Twilio posts each message's status
   * callbacks to the URL given with that message). `schedule`: this delivery's own retries, when
   * not the sender's (Twilio reads them from each URL's connection overrides).
   */
  send(body: string, headers: Record<string, string>, url: string | undefined = this.targetUrl, schedule: RetrySchedule | undefined = this.retrySchedule): void {
    // Retries go to the address configured when the webhook was triggered (Shopify documents it).
    if (!url) return;
    this.cancelled = false;
    this.stats.triggered += 1;
    if (this.draw(this.settings.drop)) {
      this.stats.dropped += 1;
      return;
    }
    const original = { body, headers };
    const held = this.draw(this.settings.reorder);
    if (held) this.stats.reordered += 1;
    const firstWait = between(this.random, held ? (this.settings.holdMs ?? [100, 1000]) : (this.settings.delayMs ?? [0, 0]));
    this.track(this.lifecycle(url, original, firstWait, 'original', schedule));
    if (this.draw(this.settings.duplicate)) {
      this.stats.duplicated += 1;
      this.track(this.lifecycle(url, original, firstWait + between(this.random, this.settings.duplicateGapMs ?? [0, 200]), 'duplicate', schedule));
    }
  }

  /** Resolves when every delivery so far is done: answered, or out of retries (held-back and scheduled ones included). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Drops every scheduled retry and held-back delivery (a fake shutting down). */
  cancel(): void {
    this.cancelled = true;
  }

  private draw(share: number | undefined): boolean {
    return share !== undefined && share > 0 && this.random() < share;
  }

  private track(delivery: Promise<void>): void {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  private async lifecycle(url: string, original: WebhookPayload, firstWaitMs: number, copy: WebhookDeliveryRecord['copy'], schedule: RetrySchedule | undefined): Promise<void> {
    // Let the API response that caused this webhook reach the caller first, as in real life.
    await wait(firstWaitMs);
    for (let attempt = 0; ; attempt += 1) {
      if (this.cancelled) return;
      const payload = this.prepare ? this.prepare(attempt, original) : original;
      const outcome = await this.attempt(url, payload, attempt, copy, schedule?.timeoutMs);
      if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) return;
      if (!schedule || attempt >= schedule.retries || !schedule.retriesOn(outcome)) {
        this.stats.failed += 1;
        return;
      }
      this.stats.retried += 1;
      await wait(schedule.delayMs(attempt + 1, this.random) * this.timeScale);
    }
  }

  private async attempt(url: string, payload: WebhookPayload, attempt: number, copy: WebhookDeliveryRecord['copy'], timeoutMs: number | undefined): Promise<DeliveryOutcome> {
    this.stats.sent += 1;
    let status: DeliveryOutcome;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...payload.headers },
        body: payload.body,
        ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      status = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network_error';
    }
    this.deliveries.push({ url, status, body: payload.body, attempt, copy, at: Date.now() });
    return status;
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));
}
