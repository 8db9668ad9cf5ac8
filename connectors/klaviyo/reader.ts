import { requestUsageSince, type ListRequest, type RecordPage, type RecordSource } from '../../core/backfill/record-source';
import { ConnectorError } from '../../core/errors';
import type { Observation } from '../../core/model/observation';
import type { ClientOptions } from '../connector';
import { consentEventsPage, consentMetricIds, type ConsentPosition } from './consent-changes';
import { readProfiles } from './profile-reads';
import { KLAVIYO_PROFILES_CEILING, klaviyoApi, type KlaviyoTuning } from './api';
import type { KlaviyoConfig, KlaviyoSecret } from './manifest';
import { toObservation } from './mapping';
import { KlaviyoProfilePageSchema } from './schemas';

/**
 * Every profile of the account, page by page: the first sync (`npx omnihub backfill klaviyo`)
 * and, with `since`, the poll that stands in for the webhooks Klaviyo does not send an ordinary
 * integration (every `pollMinutes`, from the checkpoint). Get Profiles, 100 a page (its maximum),
 * with `subscriptions` (consent is not returned unless asked for), following `links.next` (the
 * SDK takes the full URL as the cursor).
 * - Full read: sorted by `created`, so a profile created meanwhile lands on a later page.
 * - Since an instant: `greater-than(updated,…)` sorted by `updated` (`updated` takes only
 *   greater-than and less-than); the five-minute overlap of reconciliation (docs/identity.md §8)
 *   covers the lag of the index Get Profiles is served from. Then the consent phase: a consent
 *   change may not move `updated`, so the profiles named by Klaviyo's consent events since the
 *   same instant are read again (consent-changes.ts).
 * https://developers.klaviyo.com/en/v2026-07-15/reference/get_profiles
 */
export const KLAVIYO_PAGE_SIZE = 100;

/** A poll's `next` once its profile pages are read: the consent phase (consent-changes.ts), as JSON after this prefix. */
const CONSENT_PHASE = 'consent:';

export function createKlaviyoReader(options: ClientOptions<KlaviyoConfig, KlaviyoSecret>, tuning: KlaviyoTuning = {}): RecordSource {
  const api = klaviyoApi(options, tuning);

  /** A page of profiles: every one (by created), or those updated since an instant (by updated). */
  async function profilePage(request: ListRequest): Promise<{ observations: Observation[]; next?: string }> {
    const answer = await api.call(request.since ? 'poll' : 'list', ({ profilesApi }) =>
      profilesApi.getProfiles({
        additionalFieldsProfile: ['subscriptions'],
        pageSize: KLAVIYO_PAGE_SIZE,
        ...(request.since ? { filter: `greater-than(updated,${new Date(request.since).toISOString()})`, sort: 'updated' as const } : { sort: 'created' as const }),
        ...(request.cursor ? { pageCursor: request.cursor } : {}),
      }),
    );
    const page = KlaviyoProfilePageSchema.safeParse(answer.body);
    if (!page.success) {
      throw new ConnectorError('klaviyo', 200, `Klaviyo ${request.since ? 'poll' : 'list'}: the response did not have the expected shape`, { retryable: false });
    }
    const observations = page.data.data.map((profile) => toObservation(profile, options.mapping));
    const unusable = observations.filter((observation) => observation.unusable).length;
    if (unusable > 0) options.log.warn('Klaviyo profiles hold values that cannot be normalized', { count: unusable });
    const next = page.data.links?.next;
    return { observations, ...(next ? { next } : {}) };
  }

  /** A page of the consent phase: the profiles one consent metric's events since `since` name, read again. */
  async function consentPage(since: string, position: ConsentPosition): Promise<{ observations: Observation[]; next?: string }> {
    const metricIds = position.metricIds ?? (await consentMetricIds(api));
    const metricId = metricIds[position.metric];
    if (metricId === undefined) return { observations: [] };
    const events = await consentEventsPage(api, metricId, since, position.cursor);
    const observations = await readProfiles(api, events.profileIds, options.mapping, options.log);
    const after: ConsentPosition = events.next ? { metricIds, metric: position.metric, cursor: events.next } : { metricIds, metric: position.metric + 1 };
    return { observations, ...(after.metric < metricIds.length ? { next: CONSENT_PHASE + JSON.stringify(after) } : {}) };
  }

  return {
    async list(request: ListRequest) {
      const before = { ...api.usage };
      let page: { observations: Observation[]; next?: string };
      if (request.since && request.cursor?.startsWith(CONSENT_PHASE)) {
        page = await consentPage(request.since, JSON.parse(request.cursor.slice(CONSENT_PHASE.length)) as ConsentPosition);
      } else {
        page = await profilePage(request);
        // A poll goes on with the consent changes once the updated profiles are read.
        if (request.since && !page.next) page = { ...page, next: CONSENT_PHASE + JSON.stringify({ metric: 0 } satisfies ConsentPosition) };
      }
      const result: RecordPage = {
        observations: page.observations,
        ...(page.next ? { next: page.next } : {}),
        usage: requestUsageSince(before, api.usage),
        ceiling: KLAVIYO_PROFILES_CEILING,
      };
      return result;
    },
  };
}
