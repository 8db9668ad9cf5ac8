import * as z from '../../core/schema';
import type { ListRequest, RecordPage, RecordSource } from '../../core/backfill/record-source';
import type { Order } from '../../core/model/order';
import { UnusableOrder } from '../../core/orders/ports';
import type { ClientOptions } from '../connector';
import { MAX_QUERY_COST, shopifyApi } from './client';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { ORDER_FIELDS, ORDER_FIELDS_COST, orderMapper } from './orders';
import { queryPacing, updatedSinceQuery } from './query-pacing';

/**
 * Every order of the shop, page by page, for the order backfill and reconciliation
 * (`npx omnihub backfill shopify --orders`), over the GraphQL Admin API's `orders` connection:
 * keyset pages by id with `updated_at:>=` for --since, each order read with the same fragment
 * and mapping as the orders its webhooks name (orders.ts), paced by the cost bucket.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/orders
 *
 * Shopify shows an app only the orders of the last 60 days unless it was granted
 * read_all_orders; a read reaching further back says so once (a warning, not a failure: the
 * recent orders are still worth reading).
 */

const CONNECTION_COST = 2;
/** As many orders as the single-query cap allows: 2 + 9 × 105 = 947 points requested (refunded down to the actual cost). */
export const SHOPIFY_ORDER_PAGE_SIZE = Math.floor((MAX_QUERY_COST - CONNECTION_COST) / ORDER_FIELDS_COST);
const ORDER_WINDOW_MS = 60 * 86_400_000;

const LIST_ORDERS = /* GraphQL */ `
  query OmnihubListOrders($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: ID) {
      nodes { ...OrderFields }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${ORDER_FIELDS}
`;

// https://shopify.dev/docs/api/admin-graphql/2025-10/queries/currentAppInstallation
const ACCESS_SCOPES = /* GraphQL */ `
  query OmnihubAccessScopes { currentAppInstallation { accessScopes { handle } } }
`;

const ListResponseSchema = z.object({
  orders: z.object({
    nodes: z.array(z.looseObject({ id: z.string() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.nullable(z.string()) }),
  }),
});
const ScopesResponseSchema = z.object({ currentAppInstallation: z.object({ accessScopes: z.array(z.object({ handle: z.string() })) }) });

export function createShopifyOrderHistory(options: ClientOptions<ShopifyConfig, ShopifySecret>, now: () => Date = () => new Date()): RecordSource<Order> {
  const pacing = queryPacing();
  const { sdk, graphql } = shopifyApi(options, { onRetry: pacing.onRetry });
  pacing.watch(sdk);
  const toOrder = orderMapper(graphql, options);

  /** A read that reaches past Shopify's 60-day window without read_all_orders misses the older orders: say so. */
  async function warnOfWindow(since: string | undefined): Promise<void> {
    if (since !== undefined && Date.parse(since) >= now().getTime() - ORDER_WINDOW_MS) return;
    const { currentAppInstallation } = await graphql('currentAppInstallation', ACCESS_SCOPES, {}, ScopesResponseSchema);
    if (currentAppInstallation.accessScopes.some((scope) => scope.handle === 'read_all_orders')) return;
    options.log.warn('Shopify shows this app only the orders of the last 60 days: older orders need the read_all_orders scope (ask for it in the app settings, then run the backfill again with --full)', {
      scope: 'read_all_orders',
    });
  }

  return {
    async list(request: ListRequest): Promise<RecordPage<Order>> {
      const before = pacing.totals();
      if (request.cursor === undefined) await warnOfWindow(request.since);
      const first = SHOPIFY_ORDER_PAGE_SIZE;
      const waitedMs = await pacing.paceFor(CONNECTION_COST + first * ORDER_FIELDS_COST);
      const page = await graphql('orders', LIST_ORDERS, { first, after: request.cursor ?? null, query: updatedSinceQuery(request.since) }, ListResponseSchema);
      const orders: Order[] = [];
      let skipped = 0;
      for (const raw of page.orders.nodes) {
        try {
          orders.push(await toOrder(raw));
        } catch (error) {
          if (!(error instanceof UnusableOrder)) throw error;
          // One order we cannot map does not stop the history: logged by id and reason, counted.
          skipped += 1;
          options.log.warn('backfill: order left out', { externalId: error.externalId, reason: error.reason });
        }
      }
      const { pageInfo } = page.orders;
      const after = pacing.totals();
      return {
        observations: orders,
        ...(pageInfo.hasNextPage && pageInfo.endCursor ? { next: pageInfo.endCursor } : {}),
        usage: { requests: after.calls - before.calls, spent: after.actualCost - before.actualCost, waitedMs, throttled: after.throttled - before.throttled },
        ceiling: pacing.ceiling(),
        ...(skipped > 0 ? { skipped } : {}),
      };
    },
  };
}
