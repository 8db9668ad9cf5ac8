import * as z from '../../core/schema';
import type { ListRequest, RecordPage, RecordSource } from '../../core/backfill/record-source';
import type { ClientOptions } from '../connector';
import { CUSTOMER_FIELDS, CUSTOMER_FIELDS_COST, MAX_QUERY_COST, shopifyApi } from './client';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { nodeToObservation } from './mapping';
import { queryPacing, updatedSinceQuery } from './query-pacing';
import { ShopifyCustomerNodeSchema } from './schemas';

/**
 * Every customer of the shop, page by page, for the first sync and reconciliation, over the
 * GraphQL Admin API's `customers` connection (cursor pages, keyset by id so a customer created
 * or deleted meanwhile shifts nothing) with `updated_at:>=` for --since.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customers
 *
 * At the ceiling, never over it: a page is as large as the single-query cap allows (2 + 249 × 4
 * = 998 points requested), paced by the bucket (query-pacing.ts).
 */

/** "Connections: 2 + first × the cost of one node" (the node's object fields count one each). */
const CONNECTION_COST = 2;
/** Input arrays and page sizes are capped at 250 (https://shopify.dev/docs/api/usage/limits). */
const MAX_PAGE_SIZE = 250;
export const SHOPIFY_PAGE_SIZE = Math.min(MAX_PAGE_SIZE, Math.floor((MAX_QUERY_COST - CONNECTION_COST) / CUSTOMER_FIELDS_COST));

const LIST_CUSTOMERS = /* GraphQL */ `
  query OmnihubListCustomers($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: ID) {
      nodes { ...CustomerFields }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${CUSTOMER_FIELDS}
`;

// https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customersCount
const COUNT_CUSTOMERS = /* GraphQL */ `
  query OmnihubCountCustomers($query: String) {
    customersCount(query: $query) { count precision }
  }
`;

const ListResponseSchema = z.object({
  customers: z.object({
    nodes: z.array(ShopifyCustomerNodeSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.nullable(z.string()) }),
  }),
});
const CountResponseSchema = z.object({ customersCount: z.nullable(z.object({ count: z.int(), precision: z.string() })) });

export function createShopifyReader(options: ClientOptions<ShopifyConfig, ShopifySecret>): RecordSource {
  const pacing = queryPacing();
  const { sdk, graphql } = shopifyApi(options, { onRetry: pacing.onRetry });
  pacing.watch(sdk);

  return {
    async list(request: ListRequest): Promise<RecordPage> {
      const first = SHOPIFY_PAGE_SIZE;
      const before = pacing.totals();
      const waitedMs = await pacing.paceFor(CONNECTION_COST + first * CUSTOMER_FIELDS_COST);
      const page = await graphql('customers', LIST_CUSTOMERS, { first, after: request.cursor ?? null, query: updatedSinceQuery(request.since) }, ListResponseSchema);
      const { nodes, pageInfo } = page.customers;
      const after = pacing.totals();
      return {
        observations: nodes.map((node) => nodeToObservation(node, options.mapping)),
        ...(pageInfo.hasNextPage && pageInfo.endCursor ? { next: pageInfo.endCursor } : {}),
        usage: { requests: after.calls - before.calls, spent: after.actualCost - before.actualCost, waitedMs, throttled: after.throttled - before.throttled },
        ceiling: pacing.ceiling(),
      };
    },
    async count(since) {
      const result = await graphql('customersCount', COUNT_CUSTOMERS, { query: updatedSinceQuery(since) }, CountResponseSchema);
      return result.customersCount?.count;
    },
  };
}
