import type { Observation } from '../model/observation';
import type { Timestamp } from '../model/system';

/**
 * The read side a backfill needs of a connector: every record of one entity of its system,
 * page by page, in the shape its webhooks' path hands on. Customers come as observations with
 * the finest clock the vendor gives (the same shape `read` answers); orders as the canonical
 * order its origin holds now (what the order function reads for OrderObserved). Each connector
 * implements it over its vendor's paged list API.
 */

/** What a backfill run reads: a connector's customers, or the orders placed in it. */
export type BackfillEntity = 'customers' | 'orders';

/** A vendor's published rate ceiling for the calls a reader makes (what "at the ceiling" is measured against). */
export interface RateCeiling {
  /** Shopify meters GraphQL by calculated query cost; HubSpot by requests. */
  unit: 'points' | 'requests';
  /** The sustained rate: Shopify's restore rate, HubSpot's burst limit over its window. */
  perSecond: number;
  /** What can be spent at once: Shopify's bucket size, HubSpot's requests per window. */
  burst: number;
}

/** What one page cost the vendor's quota. */
export interface ReadUsage {
  /** API calls made (retries included). */
  requests: number;
  /** In the ceiling's unit: Shopify's actual query cost, HubSpot's requests. */
  spent: number;
  /** Time spent waiting for the quota (pacing and 429s as the vendor asks). */
  waitedMs: number;
  /** Answers that said "slow down" (THROTTLED, 429). */
  throttled: number;
}

/** A connector's running count of its calls to a vendor metered by requests (Square, Klaviyo). */
export interface RequestCounter {
  requests: number;
  throttled: number;
  waitedMs: number;
}

/** What one page cost such a vendor, from the counter before it (`before`, a copy) and now: every request is spent. */
export function requestUsageSince(before: RequestCounter, now: RequestCounter): ReadUsage {
  const requests = now.requests - before.requests;
  return { requests, spent: requests, waitedMs: Math.round(now.waitedMs - before.waitedMs), throttled: now.throttled - before.throttled };
}

export interface RecordPage<R = Observation> {
  observations: R[];
  /** Opaque position of the next page; absent on the last page. */
  next?: string;
  usage: ReadUsage;
  ceiling: RateCeiling;
  /** Records on the page that could not be used (each logged by id with its reason, never a value). */
  skipped?: number;
}

export interface ListRequest {
  /** From the previous page's `next` (or a checkpoint); absent for the first page. */
  cursor?: string;
  /** Only records updated at or after this instant (reconciliation, `--since`). */
  since?: Timestamp;
  /**
   * Also replay each record's history from this instant, where the vendor keeps one (HubSpot):
   * a first reconciliation reads every record, and replays the last day (docs/identity.md §2).
   * A `since` read replays from `since` anyway.
   */
  historySince?: Timestamp;
}

export interface RecordSource<R = Observation> {
  list(request: ListRequest): Promise<RecordPage<R>>;
  /** How many records a full read (or one since an instant) will bring, for the ETA; undefined when the vendor cannot say cheaply. */
  count?(since?: Timestamp): Promise<number | undefined>;
}
