import { requestUsageSince, type ListRequest, type RecordPage, type RecordSource } from '../../core/backfill/record-source';
import { ConnectorError } from '../../core/errors';
import type { ClientOptions } from '../connector';
import { SQUARE_ASSUMED_CEILING } from './api';
import { squareApi, type SquareTuning } from './client';

export { SQUARE_ASSUMED_CEILING } from './api';
import type { SquareConfig, SquareSecret } from './manifest';
import { toObservation } from './mapping';
import { SquareCustomerPageSchema } from './schemas';

/**
 * Every customer of the seller, page by page, for the first sync and reconciliation.
 * - Full read: ListCustomers, 100 a page (its maximum), oldest first by created_at so a customer
 *   created meanwhile lands on a later page rather than shifting the ones read.
 *   https://developer.squareup.com/reference/square/customers-api/list-customers
 * - Since an instant: SearchCustomers with `filter.updated_at.start_at`, 100 a page. Square sorts
 *   search results by DEFAULT (names) or CREATED_AT only, not by updated_at; the cursor belongs to
 *   the query, so each page repeats it unchanged.
 *   https://developer.squareup.com/reference/square/customers-api/search-customers
 * Both are served from an index that lags writes ("well under 30 seconds", occasionally a minute
 * or more): reconciliation's five-minute overlap (docs/identity.md §8) covers it.
 * Profiles without a name, company, email or phone are never listed by Square.
 */
export const SQUARE_PAGE_SIZE = 100;


export function createSquareReader(options: ClientOptions<SquareConfig, SquareSecret>, tuning: SquareTuning = {}): RecordSource {
  const api = squareApi(options, tuning);

  async function page(request: ListRequest) {
    if (request.since === undefined) {
      const listed = await api.call('list', (sdk) => sdk.customers.list({ limit: SQUARE_PAGE_SIZE, sortField: 'CREATED_AT', sortOrder: 'ASC', ...(request.cursor ? { cursor: request.cursor } : {}) }));
      return listed.response;
    }
    return api.call('search', (sdk) =>
      sdk.customers.search({
        limit: BigInt(SQUARE_PAGE_SIZE),
        query: { filter: { updatedAt: { startAt: request.since } }, sort: { field: 'CREATED_AT', order: 'ASC' } },
        ...(request.cursor ? { cursor: request.cursor } : {}),
      }),
    );
  }

  return {
    async list(request) {
      const before = { ...api.usage };
      const answer = SquareCustomerPageSchema.safeParse(await page(request));
      if (!answer.success) {
        throw new ConnectorError('square', 200, `Square ${request.since ? 'search' : 'list'}: the response did not have the expected shape`, { retryable: false });
      }
      const observations = (answer.data.customers ?? []).map((customer) => toObservation(customer, options.mapping));
      const unusable = observations.filter((observation) => observation.unusable).length;
      if (unusable > 0) options.log.warn('Square customers hold values that cannot be normalized', { count: unusable });
      const result: RecordPage = {
        observations,
        ...(answer.data.cursor ? { next: answer.data.cursor } : {}),
        usage: requestUsageSince(before, api.usage),
        ceiling: SQUARE_ASSUMED_CEILING,
      };
      return result;
    },
    async count(since) {
      const answer = since
        ? await api.call('search', (sdk) => sdk.customers.search({ limit: 1n, count: true, query: { filter: { updatedAt: { startAt: since } } } }))
        : (await api.call('list', (sdk) => sdk.customers.list({ limit: 1, count: true }))).response;
      const parsed = SquareCustomerPageSchema.safeParse(answer);
      return parsed.success && parsed.data.count !== undefined ? Number(parsed.data.count) : undefined;
    },
  };
}
