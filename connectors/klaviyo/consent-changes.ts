import { ConnectorError } from '../../core/errors';
import type { klaviyoApi } from './api';
import { KlaviyoEventPageSchema, KlaviyoMetricPageSchema } from './schemas';

/**
 * Consent changed in Klaviyo (a preference-page unsubscribe, a form sign-up, an SMS STOP) may not
 * move a profile's `updated`: Klaviyo does not say that it does (orders-messages-facts.md §4.5),
 * so a poll of `greater-than(updated,…)` alone could miss an unsubscribe. Klaviyo records every
 * consent change as an event of one of its own metrics, though: the poll also reads those events
 * since its checkpoint and re-reads the profiles they name (with their `subscriptions`).
 * https://developers.klaviyo.com/en/v2026-07-15/reference/get_events
 */
export const CONSENT_METRICS = ['Subscribed to Email Marketing', 'Unsubscribed from Email Marketing', 'Subscribed to SMS Marketing', 'Unsubscribed from SMS Marketing'] as const;

/** Events per page (Get Events allows up to 1000; 200 is its default). */
const EVENT_PAGE_SIZE = 200;
/** Pages of Get Metrics read to find the consent metrics (an account has a few dozen metrics). */
const MAX_METRIC_PAGES = 10;

/** Where the consent phase of a poll stands: which metric, and the cursor in its events. */
export interface ConsentPosition {
  /** The consent metrics' ids in this account (found on the phase's first page; absent until then). */
  metricIds?: string[];
  metric: number;
  cursor?: string;
}

type Api = ReturnType<typeof klaviyoApi>;

/** The ids of the consent metrics the account has (a metric exists once something was recorded under it). */
export async function consentMetricIds(api: Api): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_METRIC_PAGES; page += 1) {
    const answer = await api.call('poll consent metrics', ({ metricsApi }) => metricsApi.getMetrics(cursor ? { pageCursor: cursor } : {}));
    const parsed = KlaviyoMetricPageSchema.safeParse(answer.body);
    if (!parsed.success) throw new ConnectorError('klaviyo', 200, 'Klaviyo get metrics: the response did not have the expected shape', { retryable: false });
    for (const metric of parsed.data.data) if ((CONSENT_METRICS as readonly string[]).includes(metric.attributes.name ?? '')) ids.push(metric.id);
    cursor = parsed.data.links?.next ?? undefined;
    if (!cursor) break;
  }
  return ids;
}

/** One page of one consent metric's events since `since`: the profiles they name, and the next cursor. */
export async function consentEventsPage(api: Api, metricId: string, since: string, cursor: string | undefined): Promise<{ profileIds: string[]; next?: string }> {
  const answer = await api.call('poll consent events', ({ eventsApi }) =>
    eventsApi.getEvents({
      filter: `and(equals(metric_id,"${metricId}"),greater-than(datetime,${new Date(since).toISOString()}))`,
      pageSize: EVENT_PAGE_SIZE,
      sort: 'datetime',
      ...(cursor ? { pageCursor: cursor } : {}),
    }),
  );
  const parsed = KlaviyoEventPageSchema.safeParse(answer.body);
  if (!parsed.success) throw new ConnectorError('klaviyo', 200, 'Klaviyo get events: the response did not have the expected shape', { retryable: false });
  const profileIds = [...new Set(parsed.data.data.flatMap((event) => (event.relationships?.profile?.data?.id ? [event.relationships.profile.data.id] : [])))];
  const next = parsed.data.links?.next ?? undefined;
  return { profileIds, ...(next ? { next } : {}) };
}
