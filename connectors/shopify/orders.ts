import * as z from '../../core/schema';
import { OrderSchema, type Order } from '../../core/model/order';
import { UnusableOrder, type OrderSource } from '../../core/orders/ports';
import type { ClientOptions } from '../connector';
import { MAX_QUERY_COST, shopifyApi } from './client';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { idFromGid, toCanonicalOrder } from './order-mapping';
import {
  ShopifyFulfillmentOrderGidSchema,
  ShopifyFulfillmentOrderOwnerSchema,
  ShopifyFulfillmentOrderPageSchema,
  ShopifyLineItemPageSchema,
  ShopifyOrderNodeSchema,
  type ShopifyFulfillmentOrderNode,
  type ShopifyLineItemNode,
  type ShopifyOrderNode,
} from './order-schemas';
import { ShopifyNumericIdSchema } from './schemas';

/**
 * Shopify as an origin of orders (docs/identity.md §9): the orders its webhooks name, read
 * through the GraphQL Admin API in batches of `nodes(ids:)` sized to the calculated query cost.
 * Ids are order ids (digits, from orders/*, refunds/*, fulfillments/*) or fulfillment-order gids
 * (fulfillment_orders/* name only the fulfillment order): those are read for their order first.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/nodes
 */

const LINE_ITEMS_FIRST = 25;
const FULFILLMENT_ORDERS_FIRST = 5;
const MORE_LINE_ITEMS = 100;
const MORE_FULFILLMENT_ORDERS = 50;

const LINE_ITEM_FIELDS = 'id name sku currentQuantity originalUnitPriceSet { shopMoney { amount currencyCode } }';
const FULFILLMENT_ORDER_FIELDS = 'id status updatedAt deliveryMethod { methodType } assignedLocation { name location { id name } }';

// https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Order
export const ORDER_FIELDS = /* GraphQL */ `
  fragment OrderFields on Order {
    id
    legacyResourceId
    name
    email
    phone
    sourceName
    processedAt
    updatedAt
    cancelledAt
    displayFinancialStatus
    displayFulfillmentStatus
    currentTotalPriceSet { shopMoney { amount currencyCode } }
    currentSubtotalPriceSet { shopMoney { amount currencyCode } }
    customer { id }
    customerLocale
    lineItems(first: ${LINE_ITEMS_FIRST}) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
    fulfillmentOrders(first: ${FULFILLMENT_ORDERS_FIRST}) { nodes { ${FULFILLMENT_ORDER_FIELDS} } pageInfo { hasNextPage endCursor } }
  }
`;

/**
 * Calculated cost of one order in OrderFields (scalars such as customerLocale cost nothing): the
 * Order (1), two MoneyBags with their MoneyV2 (2 each), the customer (1), the line items connection (2 + 25 × (LineItem 1 + MoneyBag 2)) and
 * the fulfillment orders connection (2 + 5 × (FulfillmentOrder, deliveryMethod,
 * assignedLocation, location: 4)). https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation
 */
export const ORDER_FIELDS_COST = 1 + 2 + 2 + 1 + (2 + LINE_ITEMS_FIRST * 3) + (2 + FULFILLMENT_ORDERS_FIRST * 4);
const ORDER_BATCH = Math.floor(MAX_QUERY_COST / ORDER_FIELDS_COST);
/** A FulfillmentOrder and its order: 2 points each; an input array holds at most 250 ids. */
const OWNER_BATCH = Math.min(250, Math.floor(MAX_QUERY_COST / 2));

const READ_ORDERS = /* GraphQL */ `
  query OmnihubReadOrders($ids: [ID!]!) {
    nodes(ids: $ids) { ... on Order { ...OrderFields } }
  }
  ${ORDER_FIELDS}
`;

const READ_FULFILLMENT_ORDER_OWNERS = /* GraphQL */ `
  query OmnihubFulfillmentOrderOwners($ids: [ID!]!) {
    nodes(ids: $ids) { ... on FulfillmentOrder { id order { id } } }
  }
`;

const READ_MORE_LINE_ITEMS = /* GraphQL */ `
  query OmnihubOrderLineItems($id: ID!, $after: String) {
    order(id: $id) { lineItems(first: ${MORE_LINE_ITEMS}, after: $after) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } } }
  }
`;

const READ_MORE_FULFILLMENT_ORDERS = /* GraphQL */ `
  query OmnihubOrderFulfillmentOrders($id: ID!, $after: String) {
    order(id: $id) { fulfillmentOrders(first: ${MORE_FULFILLMENT_ORDERS}, after: $after) { nodes { ${FULFILLMENT_ORDER_FIELDS} } pageInfo { hasNextPage endCursor } } }
  }
`;

// Unknown (deleted) ids answer null: left out. Each order is checked on its own (orderNode), so
// one order of a shape we do not know is unusable alone, named by its id.
const ReadOrdersResponseSchema = z.object({ nodes: z.array(z.nullable(z.looseObject({ id: z.string() }))) });
const OwnersResponseSchema = z.object({ nodes: z.array(z.nullable(ShopifyFulfillmentOrderOwnerSchema)) });
const MoreLineItemsResponseSchema = z.object({ order: z.nullable(z.object({ lineItems: ShopifyLineItemPageSchema })) });
const MoreFulfillmentOrdersResponseSchema = z.object({ order: z.nullable(z.object({ fulfillmentOrders: ShopifyFulfillmentOrderPageSchema })) });

/** A node as Shopify answered it → the order, or UnusableOrder naming the paths that are not what we read. */
function orderNode(raw: { id: string }): ShopifyOrderNode {
  const parsed = z.safeParse(ShopifyOrderNodeSchema, raw);
  if (parsed.success) return parsed.data;
  const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(order)'))].join(', ');
  throw new UnusableOrder('shopify', idFromGid(raw.id), `the order is not what OrderFields reads (${paths})`);
}

/** The mapped order against the canonical schema: a value out of range is unusable, not stored. */
function checked(order: Order): Order {
  const parsed = z.safeParse(OrderSchema, order);
  if (parsed.success) return parsed.data;
  const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
  throw new UnusableOrder('shopify', order.origin.externalId, `the order does not map to the canonical order (${paths})`);
}

export function createShopifyOrderSource(options: ClientOptions<ShopifyConfig, ShopifySecret>): OrderSource {
  const { log } = options;
  const { graphql } = shopifyApi(options);
  const toOrder = orderMapper(graphql, options);

  /** Fulfillment-order gids → the gids of their orders (gone ones left out). */
  async function ordersOfFulfillmentOrders(gids: string[]): Promise<string[]> {
    const orders: string[] = [];
    for (let start = 0; start < gids.length; start += OWNER_BATCH) {
      const read = await graphql('nodes', READ_FULFILLMENT_ORDER_OWNERS, { ids: gids.slice(start, start + OWNER_BATCH) }, OwnersResponseSchema);
      for (const node of read.nodes) if (node) orders.push(node.order.id);
    }
    return orders;
  }

  return {
    async readOrders(externalIds) {
      const orderGids = externalIds.filter((id) => ShopifyNumericIdSchema.safeParse(id).success).map((id) => `gid://shopify/Order/${id}`);
      const fulfillmentOrderGids = [...new Set(externalIds.filter((id) => ShopifyFulfillmentOrderGidSchema.safeParse(id).success))];
      const skipped = externalIds.length - orderGids.length - externalIds.filter((id) => ShopifyFulfillmentOrderGidSchema.safeParse(id).success).length;
      if (skipped > 0) log.warn('Not a Shopify order id or fulfillment-order gid; skipped', { count: skipped });
      if (fulfillmentOrderGids.length > 0) orderGids.push(...(await ordersOfFulfillmentOrders(fulfillmentOrderGids)));

      const ids = [...new Set(orderGids)];
      const orders: Order[] = [];
      for (let start = 0; start < ids.length; start += ORDER_BATCH) {
        const read = await graphql('nodes', READ_ORDERS, { ids: ids.slice(start, start + ORDER_BATCH) }, ReadOrdersResponseSchema);
        for (const raw of read.nodes) if (raw) orders.push(await toOrder(raw));
      }
      return orders;
    },
  };
}

type Graphql = ReturnType<typeof shopifyApi>['graphql'];

/**
 * An Order node as OrderFields read it → the canonical order, with the line items and
 * fulfillment orders beyond the fragment's first page read too (large orders, split
 * fulfillments). Throws UnusableOrder naming the paths of a node we cannot use.
 */
export function orderMapper(graphql: Graphql, options: Pick<ClientOptions<ShopifyConfig, ShopifySecret>, 'mapping'>): (raw: { id: string }) => Promise<Order> {
  /** The order's line items and fulfillment orders beyond the first page (large orders, split fulfillments). */
  async function restOf(node: ShopifyOrderNode): Promise<{ lines: ShopifyLineItemNode[]; fulfillmentOrders: ShopifyFulfillmentOrderNode[] }> {
    const lines = [...node.lineItems.nodes];
    let linePage = node.lineItems.pageInfo;
    while (linePage.hasNextPage) {
      const read = await graphql('order', READ_MORE_LINE_ITEMS, { id: node.id, after: linePage.endCursor }, MoreLineItemsResponseSchema);
      if (!read.order) break;
      lines.push(...read.order.lineItems.nodes);
      linePage = read.order.lineItems.pageInfo;
    }
    const fulfillmentOrders = [...node.fulfillmentOrders.nodes];
    let foPage = node.fulfillmentOrders.pageInfo;
    while (foPage.hasNextPage) {
      const read = await graphql('order', READ_MORE_FULFILLMENT_ORDERS, { id: node.id, after: foPage.endCursor }, MoreFulfillmentOrdersResponseSchema);
      if (!read.order) break;
      fulfillmentOrders.push(...read.order.fulfillmentOrders.nodes);
      foPage = read.order.fulfillmentOrders.pageInfo;
    }
    return { lines, fulfillmentOrders };
  }

  return async (raw) => {
    const node = orderNode(raw);
    const { lines, fulfillmentOrders } = await restOf(node);
    return checked(toCanonicalOrder(node, lines, fulfillmentOrders, options.mapping));
  };
}
