import { setTimeout as sleep } from 'node:timers/promises';
import type { RateCeiling } from '../../core/backfill/record-source';
import type Shopify from 'shopify-api-node';

/**
 * A backfill reader's pacing against Shopify's calculated-cost bucket, shared by the customer
 * and the order readers. Before each page we wait until the bucket holds the page's requested
 * cost, computed from the last answer's throttleStatus (currentlyAvailable + restoreRate × time
 * since). Shopify refunds requested − actual, so the bucket drains at the actual cost: a reader
 * spends the restore rate, and a THROTTLED answer (which the SDK still waits out) is rare.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
export interface QueryPacing {
  /** Waits until the bucket can pay `cost`, as far as the last answer tells; the ms waited. */
  paceFor(cost: number): Promise<number>;
  /** What was spent so far: calls answered, their actual cost, and THROTTLED retries. */
  totals(): { calls: number; actualCost: number; throttled: number };
  ceiling(): RateCeiling;
  /** For the SDK's retry hook. */
  onRetry(): void;
}

interface Throttle {
  currentlyAvailable: number;
  maximumAvailable: number;
  restoreRate: number;
  /** performance.now() of the answer that reported it. */
  at: number;
}

export function queryPacing(): QueryPacing & { watch(sdk: Shopify): void } {
  let throttle: Throttle | undefined;
  let actualCost = 0;
  let calls = 0;
  let throttled = 0;
  return {
    watch(sdk) {
      sdk.on('callGraphqlLimits', (limits) => {
        calls += 1;
        actualCost += Number(limits.actualQueryCost ?? 0);
        throttle = { currentlyAvailable: limits.remaining, maximumAvailable: limits.max, restoreRate: limits.restoreRate, at: performance.now() };
      });
    },
    async paceFor(cost) {
      if (!throttle || throttle.restoreRate <= 0) return 0;
      const available = Math.min(throttle.maximumAvailable, throttle.currentlyAvailable + ((performance.now() - throttle.at) / 1000) * throttle.restoreRate);
      const waitMs = available >= cost ? 0 : Math.ceil(((cost - available) / throttle.restoreRate) * 1000);
      if (waitMs > 0) await sleep(waitMs);
      return waitMs;
    },
    totals: () => ({ calls, actualCost, throttled }),
    // Until the first answer: Standard plan (100 points/s, 2,000-point bucket).
    ceiling: () => ({ unit: 'points', perSecond: throttle?.restoreRate ?? 100, burst: throttle?.maximumAvailable ?? 2000 }),
    onRetry: () => void (throttled += 1),
  };
}

/** Shopify search syntax: `updated_at:>='2025-01-31T12:00:00Z'` (https://shopify.dev/docs/api/usage/search-syntax). */
export function updatedSinceQuery(since: string | undefined): string | null {
  return since ? `updated_at:>='${new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z')}'` : null;
}
