import { setTimeout as sleep } from 'node:timers/promises';
import * as z from '../../core/schema';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { ConnectorError } from '../../core/errors';
import type { ListRequest, RateCeiling, RecordPage, RecordSource } from '../../core/backfill/record-source';
import type { Observation } from '../../core/model/observation';
import type { ClientOptions } from '../connector';
import { contactsApis, MAX_HISTORY_BATCH, readFailure, retryWait, toConnectorError, unreadable } from './client';
import type { HubspotConfig, HubspotSecret } from './manifest';
import { historyObservations, historyProperties, hubspotMapping, readProperties, toObservation } from './mapping';
import { HubspotContactSchema } from './schemas';

/**
 * Every contact of the portal, page by page, for the first sync and reconciliation.
 * - Full read: the CRM v3 list, `GET /crm/v3/objects/contacts` with `after` paging and the
 *   mapped properties' history (which times each field by HubSpot's own clock, as `read` does);
 *   with propertiesWithHistory a page holds at most 50 contacts.
 *   https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/get-crm-v3-objects-contacts
 * - Since an instant: search on `lastmodifieddate` GTE, sorted by it (ids only, 200 a page), then
 *   batch read with history, 50 a call. Search has its own limit of 5 requests/s and answers at
 *   most 10,000 results per query: past that the next query starts at the last time seen.
 *   https://developers.hubspot.com/docs/api-reference/search/guide#limitations
 *
 * At the ceiling, never over it: the burst limit (`X-HubSpot-RateLimit-Max` requests per
 * `X-HubSpot-RateLimit-Interval-Milliseconds`, shared with the portal's other apps, whose use
 * `X-HubSpot-RateLimit-Remaining` shows) is paced here, so the reader sends the next call when
 * a slot frees instead of collecting 429s; a 429 still comes back now and then, and is waited out
 * as HubSpot states (Retry-After). https://developers.hubspot.com/docs/api/usage-details#rate-limits
 */

const LIST_PAGE_SIZE = MAX_HISTORY_BATCH;
const SEARCH_PAGE_SIZE = 200;
const SEARCH_RESULT_LIMIT = 10_000;
const SEARCH_PER_SECOND = 5;
/**
 * HubSpot counts a call when it arrives, which we do not see: a slot is counted from when its
 * answer came back (never earlier than HubSpot's count), plus a little for clock jitter.
 */
const SLOT_MARGIN_MS = 5;
/** A backfill outlives any burst: a 429 for the burst or the search limit is always waited out. */
const MAX_RATE_LIMIT_RETRIES = 20;

const PagingSchema = z.optional(z.object({ next: z.optional(z.object({ after: z.string() })) }));
const ListResponseSchema = z.object({ results: z.array(HubspotContactSchema), paging: PagingSchema });
const SearchResponseSchema = z.object({
  total: z.optional(z.int()),
  results: z.array(z.object({ id: z.string(), properties: z.record(z.string(), z.nullable(z.string())) })),
  paging: PagingSchema,
});
const BatchReadSchema = z.object({ results: z.array(HubspotContactSchema) });
/** Where a --since read stands: the lower time bound of the current query and the position in it. */
const SearchCursorSchema = z.object({ from: z.int(), after: z.int().check(z.minimum(0)) });

interface HttpInfo<T> {
  headers: Record<string, string>;
  data: T;
}

/** HubSpot's burst window (and search's own), paced from what HubSpot says about them. */
class BurstPacer {
  max = 100;
  intervalMs = 10_000;
  private remaining: number | undefined;
  private readonly sent: number[] = [];
  private readonly searches: number[] = [];

  /** Waits for a slot; returns how long it waited. */
  async slot(search: boolean): Promise<number> {
    let waited = 0;
    for (;;) {
      const now = performance.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.intervalMs) this.sent.shift();
      while (this.searches.length > 0 && this.searches[0]! <= now - 1000) this.searches.shift();
      const burstFull = this.sent.length >= this.max || this.remaining === 0;
      const searchFull = search && this.searches.length >= SEARCH_PER_SECOND;
      if (!burstFull && !searchFull) {
        this.sent.push(now);
        if (search) this.searches.push(now);
        if (this.remaining !== undefined) this.remaining -= 1;
        return waited;
      }
      // Others' calls fill the window when ours do not: wait for the oldest of ours, or a second.
      const burstWait = burstFull ? (this.sent[0] !== undefined ? this.sent[0] + this.intervalMs - now : 1000) : 0;
      const searchWait = searchFull ? this.searches[0]! + 1000 - now : 0;
      const waitMs = Math.max(burstWait, searchWait, 0) + SLOT_MARGIN_MS;
      await sleep(waitMs);
      waited += waitMs;
      this.remaining = undefined;
    }
  }

  /** The call that took the last slot was answered now: count its slot from here (see SLOT_MARGIN_MS). */
  answered(search: boolean): void {
    const now = performance.now();
    if (this.sent.length > 0) this.sent[this.sent.length - 1] = now;
    if (search && this.searches.length > 0) this.searches[this.searches.length - 1] = now;
  }

  learn(headers: Record<string, string>): void {
    const number = (name: string) => {
      const value = Number(headers[name]);
      return headers[name] !== undefined && Number.isFinite(value) ? value : undefined;
    };
    this.max = number('x-hubspot-ratelimit-max') ?? this.max;
    this.intervalMs = number('x-hubspot-ratelimit-interval-milliseconds') ?? this.intervalMs;
    this.remaining = number('x-hubspot-ratelimit-remaining');
  }

  ceiling(): RateCeiling {
    return { unit: 'requests', perSecond: (this.max * 1000) / this.intervalMs, burst: this.max };
  }
}

export function createHubspotReader(options: ClientOptions<HubspotConfig, HubspotSecret>): RecordSource {
  const { log } = options;
  const mapping = hubspotMapping(options.mapping, options.config);
  const apis = contactsApis(options.secret.accessToken, options.baseUrl);
  const pacer = new BurstPacer();
  const usage = { requests: 0, waitedMs: 0, throttled: 0 };

  async function call<T>(operation: string, send: () => Promise<HttpInfo<T>>, search = false): Promise<T> {
    for (let retry = 1; ; retry += 1) {
      usage.waitedMs += await pacer.slot(search);
      usage.requests += 1;
      try {
        const info = await send();
        pacer.answered(search);
        pacer.learn(lowerCased(info.headers));
        return info.data;
      } catch (error) {
        pacer.answered(search);
        const failure = readFailure(error, operation);
        pacer.learn(failure.headers);
        const waitMs = retryWait(failure, retry);
        const limit = failure.status === 429 ? MAX_RATE_LIMIT_RETRIES : 5;
        if (waitMs === undefined || retry > limit) throw toConnectorError(failure, operation);
        if (failure.status === 429) usage.throttled += 1;
        log.warn('HubSpot asked us to wait; retrying', { operation, status: failure.status, policyName: failure.body.policyName, waitMs, retry });
        await sleep(waitMs);
        usage.waitedMs += waitMs;
      }
    }
  }

  function observe(results: z.infer<typeof HubspotContactSchema>[]): Observation[] {
    return results.map((contact) => {
      const observation = toObservation(contact, mapping);
      if (observation.unusable) log.warn('HubSpot contact holds values that cannot be normalized', { externalId: contact.id, fields: observation.unusable.join(',') });
      return observation;
    });
  }

  async function listAll(cursor: string | undefined, historySince: string | undefined): Promise<{ observations: Observation[]; next?: string }> {
    if (cursor !== undefined && !/^\d+$/.test(cursor)) throw badCursor();
    const data = await call('list', () =>
      apis.basicApi.getPageWithHttpInfo(LIST_PAGE_SIZE, cursor, readProperties(mapping), historyProperties(mapping), undefined, false),
    );
    const parsed = z.safeParse(ListResponseSchema, data);
    if (!parsed.success) throw unreadable('list', parsed.error.issues);
    const next = parsed.data.paging?.next?.after;
    // A first reconciliation: the day's history first, as a since read replays it (§2).
    const replayed = historySince ? parsed.data.results.flatMap((contact) => historyObservations(contact, historySince, mapping)) : [];
    return { observations: [...replayed, ...observe(parsed.data.results)], ...(next ? { next } : {}) };
  }

  function searchRequest(from: number, after: number, limit: number) {
    return {
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: FilterOperatorEnum.Gte, value: String(from) }] }],
      // The SDK types sorts as strings; the API takes { propertyName, direction } (passed through as is).
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' } as unknown as string],
      properties: ['lastmodifieddate'],
      limit,
      after: String(after),
    };
  }

  async function listSince(since: string, cursor: string | undefined): Promise<{ observations: Observation[]; next?: string }> {
    const position = cursor === undefined ? { from: Date.parse(since), after: 0 } : parseSearchCursor(cursor);
    const data = await call('search', () => apis.searchApi.doSearchWithHttpInfo(searchRequest(position.from, position.after, SEARCH_PAGE_SIZE)), true);
    const page = z.safeParse(SearchResponseSchema, data);
    if (!page.success) throw unreadable('search', page.error.issues);
    const ids = page.data.results.map((result) => result.id);

    const observations: Observation[] = [];
    for (let start = 0; start < ids.length; start += MAX_HISTORY_BATCH) {
      const inputs = ids.slice(start, start + MAX_HISTORY_BATCH).map((id) => ({ id }));
      // POST /crm/v3/objects/contacts/batch/read: ids gone since the search come back in `errors` (207), not results.
      const read = await call('read', () =>
        apis.batchApi.readWithHttpInfo({ inputs, properties: readProperties(mapping), propertiesWithHistory: historyProperties(mapping) }, false),
      );
      const parsed = z.safeParse(BatchReadSchema, read);
      if (!parsed.success) throw unreadable('read', parsed.error.issues);
      // The history since the run's start replays the changes whose webhooks may never have come.
      observations.push(...parsed.data.results.flatMap((contact) => historyObservations(contact, since, mapping)), ...observe(parsed.data.results));
    }

    const nextAfter = page.data.paging?.next?.after;
    if (nextAfter === undefined) return { observations };
    const after = Number(nextAfter);
    if (after + SEARCH_PAGE_SIZE <= SEARCH_RESULT_LIMIT) return { observations, next: JSON.stringify({ from: position.from, after }) };
    // The query would page past 10,000 results: a new query from the last time seen (records of
    // that same millisecond are read again, which is harmless).
    const last = Date.parse(page.data.results.at(-1)?.properties.lastmodifieddate ?? '');
    if (!Number.isFinite(last) || last <= position.from) {
      log.warn('HubSpot search: over 10,000 contacts share one lastmodifieddate; moving past it', { from: position.from });
      return { observations, next: JSON.stringify({ from: position.from + 1, after: 0 }) };
    }
    return { observations, next: JSON.stringify({ from: last, after: 0 }) };
  }

  return {
    async list(request: ListRequest): Promise<RecordPage> {
      const before = { ...usage };
      const page = request.since ? await listSince(request.since, request.cursor) : await listAll(request.cursor, request.historySince);
      const requests = usage.requests - before.requests;
      return {
        ...page,
        usage: { requests, spent: requests, waitedMs: usage.waitedMs - before.waitedMs, throttled: usage.throttled - before.throttled },
        ceiling: pacer.ceiling(),
      };
    },
    async count(since) {
      // A search's `total` counts without reading (one search call); a full read counts every contact.
      const filters = since ? [{ propertyName: 'lastmodifieddate', operator: FilterOperatorEnum.Gte, value: String(Date.parse(since)) }] : [];
      const data = await call('search', () => apis.searchApi.doSearchWithHttpInfo({ filterGroups: filters.length > 0 ? [{ filters }] : [], properties: ['lastmodifieddate'], limit: 1 }), true);
      return z.safeParse(SearchResponseSchema, data).data?.total;
    },
  };

  function parseSearchCursor(cursor: string): z.infer<typeof SearchCursorSchema> {
    try {
      return z.parse(SearchCursorSchema, JSON.parse(cursor));
    } catch {
      throw badCursor();
    }
  }
}

function badCursor(): ConnectorError {
  return new ConnectorError('hubspot', undefined, 'HubSpot backfill: the checkpoint cursor is not one this reader wrote; start the run again with --full', {
    retryable: false,
  });
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
