import * as z from '../../../core/schema';
import { requestUsageSince, type ListRequest, type RecordPage, type RecordSource } from '../../../core/backfill/record-source';
import type { Order } from '../../../core/model/order';
import type { ClientOptions } from '../../connector';
import { SQUARE_ASSUMED_CEILING, type SquareTuning } from '../api';
import type { SquareConfig, SquareSecret } from '../manifest';
import type { SquareOrder } from './schemas';
import { parseOrder, squareOrderReads, unreadable } from './source';
import { UnusableOrder } from '../../../core/orders/ports';

/**
 * Every order of the seller's locations, page by page, for the order backfill and
 * reconciliation (`npx omnihub backfill square --orders`), over SearchOrders: at most 10
 * location ids a search, so the locations are read in groups of 10, one after the other
 * (`config.locationIds`, or every location ListLocations names, read without the SDK's
 * serializers: api.ts `getJson`). A full read sorts by
 * created_at; a read since an instant filters and sorts by updated_at ("a date_time_filter
 * field must match the sort_field"), oldest first, so an order changed meanwhile comes on a
 * later page or the next run. Each page's cursor belongs to its query, which is rebuilt
 * unchanged from the run's `since`. The orders go through the same mapping as those webhooks
 * name (source.ts): a refund's return order stands for its sale.
 * https://developer.squareup.com/reference/square/orders-api/search-orders
 */
export const SQUARE_ORDER_PAGE_SIZE = 100;
const LOCATIONS_PER_SEARCH = 10;

const SearchAnswerSchema = z.object({ orders: z.optional(z.array(z.unknown())), cursor: z.optional(z.string()) });
const LocationsSchema = z.object({ locations: z.optional(z.array(z.looseObject({ id: z.string() }))) });

export function createSquareOrderHistory(options: ClientOptions<SquareConfig, SquareSecret>, tuning: SquareTuning = {}): RecordSource<Order> {
  const reads = squareOrderReads(options, tuning);
  const { api } = reads;
  let groups: string[][] | undefined;

  async function locationGroups(): Promise<string[][]> {
    if (groups) return groups;
    let ids: string[];
    if (options.config.locationIds === 'all') {
      // https://developer.squareup.com/reference/square/locations-api/list-locations
      const answer = LocationsSchema.safeParse(await api.getJson('list locations', '/v2/locations'));
      if (!answer.success) throw unreadable(answer.error.issues);
      ids = (answer.data.locations ?? []).map((location) => location.id).sort();
    } else {
      ids = [...options.config.locationIds];
    }
    groups = [];
    for (let start = 0; start < ids.length; start += LOCATIONS_PER_SEARCH) groups.push(ids.slice(start, start + LOCATIONS_PER_SEARCH));
    return groups;
  }

  return {
    async list(request: ListRequest): Promise<RecordPage<Order>> {
      const before = { ...api.usage };
      const all = await locationGroups();
      const position = decodeCursor(request.cursor);
      const group = all[position.group];
      let orders: Order[] = [];
      let skipped = 0;
      let next: string | undefined;
      if (group) {
        const answer = await api.call('search orders', (sdk) =>
          sdk.orders.search({
            locationIds: group,
            query: request.since
              ? { filter: { dateTimeFilter: { updatedAt: { startAt: request.since } } }, sort: { sortField: 'UPDATED_AT', sortOrder: 'ASC' } }
              : { sort: { sortField: 'CREATED_AT', sortOrder: 'ASC' } },
            limit: SQUARE_ORDER_PAGE_SIZE,
            ...(position.square ? { cursor: position.square } : {}),
          }),
        );
        const parsed = SearchAnswerSchema.safeParse(answer);
        if (!parsed.success) throw unreadable(parsed.error.issues);
        const read = new Map<string, SquareOrder>();
        for (const raw of parsed.data.orders ?? []) {
          try {
            read.set(...parseOrder(raw));
          } catch (error) {
            if (!(error instanceof UnusableOrder)) throw error;
            skipped += 1;
            options.log.warn('backfill: order left out', { externalId: error.externalId, reason: error.reason });
          }
        }
        orders = await reads.assemble([...read.keys()], read, (error) => {
          skipped += 1;
          options.log.warn('backfill: order left out', { externalId: error.externalId, reason: error.reason });
        });
        if (parsed.data.cursor) next = encodeCursor({ group: position.group, square: parsed.data.cursor });
        else if (position.group + 1 < all.length) next = encodeCursor({ group: position.group + 1 });
      }
      return {
        observations: orders,
        ...(next ? { next } : {}),
        usage: requestUsageSince(before, api.usage),
        ceiling: SQUARE_ASSUMED_CEILING,
        ...(skipped > 0 ? { skipped } : {}),
      };
    },
  };
}

/** Our cursor: the group of locations being read, and Square's cursor within its search. */
function encodeCursor(position: { group: number; square?: string }): string {
  return `${position.group}:${position.square ?? ''}`;
}

function decodeCursor(cursor: string | undefined): { group: number; square?: string } {
  if (!cursor) return { group: 0 };
  const match = /^(\d{1,4}):(.*)$/s.exec(cursor);
  if (!match) throw new Error('Not a Square order history cursor; start the run again with --full');
  return { group: Number(match[1]), ...(match[2] ? { square: match[2] } : {}) };
}
