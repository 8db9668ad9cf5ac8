import { setTimeout as sleep } from 'node:timers/promises';
import * as z from '../../core/schema';
import type { ListRequest, RateCeiling, RecordPage, RecordSource } from '../../core/backfill/record-source';
import type { ClientOptions } from '../connector';
import { CUSTOMER_FIELDS, CUSTOMER_FIELDS_COST, MAX_QUERY_COST, shopifyApi } from './client';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { nodeToObservation } from './mapping';
import { ShopifyCustomerNodeSchema } from './schemas';

/**
 * Every customer of the shop, page by page, for the first sync and reconciliation, over the
 * GraphQL Admin API's `customers` connection (cursor pages, keyset by id so a customer created
 * or deleted meanwhile shifts nothing) with `updated_at:>=` for --since.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customers
 *
 * At the ceiling, never over it: a page is as large as the single-query cap allows (2 + 249 × 4
 * = 998 points requested), and before each page we wait until the bucket holds its requested
 * cost, computed from the last answer's throttleStatus (currentlyAvailable + restoreRate × time
 * since). Shopify refunds requested − actual, so the bucket drains at the actual cost: the
 * reader spends the restore rate, and a THROTTLED answer (which the SDK still waits out) is rare.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
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

interface Throttle {
  currentlyAvailable: number;
  maximumAvailable: number;
  restoreRate: number;
  /** performance.now() of the answer that reported it. */
  at: number;
}

export function createShopifyReader(options: ClientOptions<ShopifyConfig, ShopifySecret>): RecordSource {
  let throttled = 0;
  const { sdk, graphql } = shopifyApi(options, { onRetry: () => void (throttled += 1) });
  let throttle: Throttle | undefined;
  let actualCost = 0;
  let calls = 0;
  sdk.on('callGraphqlLimits', (limits) => {
    calls += 1;
    actualCost += Number(limits.actualQueryCost ?? 0);
    throttle = { currentlyAvailable: limits.remaining, maximumAvailable: limits.max, restoreRate: limits.restoreRate, at: performance.now() };
  });

  /** Waits until the bucket can pay `cost`, as far as the last answer tells. */
  async function paceFor(cost: number): Promise<number> {
    if (!throttle || throttle.restoreRate <= 0) return 0;
    const available = Math.min(throttle.maximumAvailable, throttle.currentlyAvailable + ((performance.now() - throttle.at) / 1000) * throttle.restoreRate);
    const waitMs = available >= cost ? 0 : Math.ceil(((cost - available) / throttle.restoreRate) * 1000);
    if (waitMs > 0) await sleep(waitMs);
    return waitMs;
  }

  function ceiling(): RateCeiling {
    // Until the first answer: Standard plan (100 points/s, 2,000-point bucket).
    return { unit: 'points', perSecond: throttle?.restoreRate ?? 100, burst: throttle?.maximumAvailable ?? 2000 };
  }

  return {
    async list(request: ListRequest): Promise<RecordPage> {
      const first = SHOPIFY_PAGE_SIZE;
      const before = { calls, actualCost, throttled };
      const waitedMs = await paceFor(CONNECTION_COST + first * CUSTOMER_FIELDS_COST);
      const page = await graphql('customers', LIST_CUSTOMERS, { first, after: request.cursor ?? null, query: sinceQuery(request.since) }, ListResponseSchema);
      const { nodes, pageInfo } = page.customers;
      return {
        observations: nodes.map((node) => nodeToObservation(node, options.mapping)),
        ...(pageInfo.hasNextPage && pageInfo.endCursor ? { next: pageInfo.endCursor } : {}),
        usage: { requests: calls - before.calls, spent: actualCost - before.actualCost, waitedMs, throttled: throttled - before.throttled },
        ceiling: ceiling(),
      };
    },
    async count(since) {
      const result = await graphql('customersCount', COUNT_CUSTOMERS, { query: sinceQuery(since) }, CountResponseSchema);
      return result.customersCount?.count;
    },
  };
}

/** Shopify search syntax: `updated_at:>='2025-01-31T12:00:00Z'` (https://shopify.dev/docs/api/usage/search-syntax). */
function sinceQuery(since: string | undefined): string | null {
  return since ? `updated_at:>='${new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z')}'` : null;
}
