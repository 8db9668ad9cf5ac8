import { GraphQLError } from 'graphql';
import type { FakeCustomer, ShopifyFakeState } from './state';
import { dateTime, parseGid, type RootExtensions } from './graphql';
import { digestOf, type FakeMetafield, type MetafieldsSetInput, type MetafieldsState } from './metafields-state';
import {
  currentQuantity,
  currentSubtotal,
  currentTotal,
  displayFulfillmentStatus,
  graphqlDecimal,
  subtotal,
  totalPrice,
  type FakeFulfillmentOrder,
  type FakeLineItem,
  type FakeLocation,
  type FakeOrder,
  type ShopifyOrdersState,
} from './orders-state';

/**
 * Resolvers for orders-sdl.ts: `order`, `orders`, `fulfillmentOrder`, Order and FulfillmentOrder
 * nodes in `nodes(ids:)`, Customer `metafields` / `metafield`, and `metafieldsSet`. Connections
 * need `first` or `last` (at most 250) and page by keyset cursors, as Shopify's do.
 * https://shopify.dev/docs/api/usage/pagination-graphql
 */

const MAX_PAGE_SIZE = 250;

interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

/**
 * "Only the last 60 days' worth of orders from a store are accessible from the Order object by
 * default. If you want to access older records, then you need to request access to all
 * orders" (the read_all_orders scope). https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Order
 */
export const DEFAULT_ORDER_WINDOW_DAYS = 60;

/** The scopes the fake's token was granted (what omnihub's setup asks for), and read_all_orders when given. */
export function grantedScopes(readAllOrders: boolean): string[] {
  return ['read_customers', 'write_customers', 'read_orders', 'read_merchant_managed_fulfillment_orders', ...(readAllOrders ? ['read_all_orders'] : [])];
}

export function createOrdersExtensions(deps: {
  orders: ShopifyOrdersState;
  metafields: MetafieldsState;
  customers: ShopifyFakeState;
  /** The app holds read_all_orders: orders older than 60 days are readable too. */
  readAllOrders: boolean;
}): (viewCustomer: (customer: FakeCustomer) => Record<string, unknown>) => RootExtensions {
  const { orders, metafields, customers } = deps;
  const readable = (order: FakeOrder) => deps.readAllOrders || order.createdAt.getTime() >= orders.now().getTime() - DEFAULT_ORDER_WINDOW_DAYS * 86_400_000;
  return (viewCustomer) => {
    const money = (units: bigint, currency: string) => {
      const amount = { amount: graphqlDecimal(units, currency), currencyCode: currency };
      return { shopMoney: amount, presentmentMoney: amount };
    };

    const locationView = (location: FakeLocation) => ({ __typename: 'Location', id: `gid://shopify/Location/${location.id}`, legacyResourceId: location.id.toString(), name: location.name });

    const lineItemView = (order: FakeOrder, line: FakeLineItem) => {
      const unfulfilled = order.fulfillmentOrders.reduce((sum, fo) => sum + (fo.lineItems.find((each) => each.lineItemId === line.id)?.remainingQuantity ?? 0), 0);
      return {
        __typename: 'LineItem',
        id: `gid://shopify/LineItem/${line.id}`,
        name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
        title: line.title,
        variantTitle: line.variantTitle,
        sku: line.sku,
        quantity: line.quantity,
        currentQuantity: currentQuantity(line),
        refundableQuantity: currentQuantity(line),
        unfulfilledQuantity: unfulfilled,
        originalUnitPriceSet: money(line.price, order.currency),
        originalTotalSet: money(line.price * BigInt(line.quantity), order.currency),
        discountedUnitPriceSet: money(line.price, order.currency),
        discountedTotalSet: money(line.price * BigInt(line.quantity), order.currency),
      };
    };

    const fulfillmentOrderView = (order: FakeOrder, fo: FakeFulfillmentOrder): Record<string, unknown> => ({
      __typename: 'FulfillmentOrder',
      id: `gid://shopify/FulfillmentOrder/${fo.id}`,
      status: fo.status,
      deliveryMethod: { id: `gid://shopify/DeliveryMethod/${fo.id}`, methodType: fo.methodType },
      assignedLocation: { location: locationView(fo.location), name: fo.location.name },
      createdAt: dateTime(fo.createdAt),
      updatedAt: dateTime(fo.updatedAt),
      orderId: `gid://shopify/Order/${order.id}`,
      orderName: order.name,
      order: () => orderView(orders.get(order.id) ?? order),
      lineItems: (args: PageArgs) =>
        page(fo.lineItems, (line) => line.id, args, (line) => ({
          __typename: 'FulfillmentOrderLineItem',
          id: `gid://shopify/FulfillmentOrderLineItem/${line.id}`,
          totalQuantity: line.totalQuantity,
          remainingQuantity: line.remainingQuantity,
          lineItem: lineItemView(order, order.lineItems.find((each) => each.id === line.lineItemId)!),
        })),
    });

    const orderView = (order: FakeOrder): Record<string, unknown> => ({
      __typename: 'Order',
      id: `gid://shopify/Order/${order.id}`,
      legacyResourceId: order.id.toString(),
      name: order.name,
      email: order.email,
      phone: order.phone,
      sourceName: order.sourceName,
      createdAt: dateTime(order.createdAt),
      updatedAt: dateTime(order.updatedAt),
      processedAt: dateTime(order.processedAt),
      cancelledAt: order.cancelledAt ? dateTime(order.cancelledAt) : null,
      cancelReason: order.cancelReason,
      closed: false,
      closedAt: null,
      displayFinancialStatus: order.financialStatus,
      displayFulfillmentStatus: displayFulfillmentStatus(order),
      currencyCode: order.currency,
      totalPriceSet: money(totalPrice(order), order.currency),
      currentTotalPriceSet: money(currentTotal(order), order.currency),
      subtotalPriceSet: money(subtotal(order), order.currency),
      currentSubtotalPriceSet: money(currentSubtotal(order), order.currency),
      totalRefundedSet: money(order.refunds.reduce((sum, refund) => sum + refund.amount, 0n), order.currency),
      // A customer deleted since (or merged away) is no longer on the order.
      customer: () => {
        const customer = order.customerId === null ? undefined : customers.get(order.customerId);
        return customer ? viewCustomer(customer) : null;
      },
      customerLocale: order.customerLocale,
      lineItems: (args: PageArgs) => page(order.lineItems, (line) => line.id, args, (line) => lineItemView(order, line)),
      fulfillmentOrders: (args: PageArgs) => page(order.fulfillmentOrders, (fo) => fo.id, args, (fo) => fulfillmentOrderView(order, fo)),
      fulfillments: ({ first }: { first?: number | null }) =>
        order.fulfillments.slice(0, first ?? undefined).map((fulfillment) => ({
          __typename: 'Fulfillment',
          id: `gid://shopify/Fulfillment/${fulfillment.id}`,
          name: fulfillment.name,
          status: 'SUCCESS',
          createdAt: dateTime(fulfillment.createdAt),
          updatedAt: dateTime(fulfillment.updatedAt),
          location: orders.location(fulfillment.locationId) ? locationView(orders.location(fulfillment.locationId)!) : null,
        })),
      refunds: ({ first }: { first?: number | null }) =>
        order.refunds.slice(0, first ?? undefined).map((refund) => ({
          __typename: 'Refund',
          id: `gid://shopify/Refund/${refund.id}`,
          createdAt: dateTime(refund.createdAt),
          note: refund.note,
          totalRefundedSet: money(refund.amount, order.currency),
        })),
    });

    const metafieldView = (metafield: FakeMetafield) => ({
      __typename: 'Metafield',
      id: `gid://shopify/Metafield/${metafield.id}`,
      namespace: metafield.namespace,
      key: metafield.key,
      type: metafield.type,
      value: metafield.value,
      jsonValue: jsonValueOf(metafield),
      compareDigest: digestOf(metafield),
      ownerType: 'CUSTOMER',
      createdAt: dateTime(metafield.createdAt),
      updatedAt: dateTime(metafield.updatedAt),
    });

    const fulfillmentOrderNode = (id: bigint) => {
      const order = orders.orderOfFulfillmentOrder(id);
      const fo = order?.fulfillmentOrders.find((each) => each.id === id);
      return order && fo ? fulfillmentOrderView(order, fo) : null;
    };

    return {
      roots: {
        // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/order
        order: ({ id }: { id: string }) => {
          const order = orders.get(parseGid(id, 'Order'));
          return order && readable(order) ? orderView(order) : null;
        },
        // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/currentAppInstallation
        currentAppInstallation: () => ({
          id: 'gid://shopify/AppInstallation/1',
          accessScopes: grantedScopes(deps.readAllOrders).map((handle) => ({ handle, description: handle })),
        }),
        // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/fulfillmentOrder
        fulfillmentOrder: ({ id }: { id: string }) => fulfillmentOrderNode(parseGid(id, 'FulfillmentOrder')),
        // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/orders (search syntax: updated_at:>=…)
        orders: (args: PageArgs & { query?: string | null; sortKey?: string | null }) => {
          const matches = orderFilter(args.query);
          const sortKey = args.sortKey ?? 'PROCESSED_AT';
          const sortValue = (order: FakeOrder) =>
            sortKey === 'UPDATED_AT' ? BigInt(order.updatedAt.getTime()) : sortKey === 'ID' ? order.id : BigInt((sortKey === 'CREATED_AT' ? order.createdAt : order.processedAt).getTime());
          const sorted = orders.list().filter((order) => readable(order) && matches(order)).sort((a, b) => compare(sortValue(a), sortValue(b)) || compare(a.id, b.id));
          return page(sorted, (order) => order.id, args, orderView, sortValue);
        },
        // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/metafieldsSet
        metafieldsSet: ({ metafields: inputs }: { metafields: MetafieldsSetInput[] }) => {
          const result = metafields.set(inputs, (id) => customers.get(id) !== undefined);
          // Saving a customer's metafields saves the customer: its updatedAt moves and
          // customers/update fires (as for products/update on product metafields).
          const owners = new Set(result.metafields.map((metafield) => metafield.ownerId));
          for (const owner of owners) customers.updateCustomer(owner, {});
          return { metafields: result.userErrors.length > 0 ? null : result.metafields.map(metafieldView), userErrors: result.userErrors };
        },
      },
      node: (gid) => {
        const match = /^gid:\/\/shopify\/(Order|FulfillmentOrder)\/(\d{1,20})$/.exec(gid);
        if (!match) return undefined;
        if (match[1] === 'Order') {
          const order = orders.get(BigInt(match[2]!));
          return order && readable(order) ? orderView(order) : null;
        }
        return fulfillmentOrderNode(BigInt(match[2]!));
      },
      customerFields: (customer) => ({
        metafields: (args: PageArgs & { namespace?: string | null; keys?: string[] | null }) => {
          const wanted = args.keys?.map((key) => (key.includes('.') ? key : `${args.namespace ?? '$app'}.${key}`));
          const list = metafields.list(customer.id, wanted ? undefined : args.namespace).filter((metafield) => !wanted || wanted.includes(`${metafield.namespace}.${metafield.key}`));
          return page(list, (metafield) => metafield.id, args, metafieldView);
        },
        metafield: ({ namespace, key }: { namespace?: string | null; key: string }) => {
          const [space, name] = key.includes('.') ? [key.slice(0, key.lastIndexOf('.')), key.slice(key.lastIndexOf('.') + 1)] : [namespace ?? '$app', key];
          const metafield = metafields.get(customer.id, space, name);
          return metafield ? metafieldView(metafield) : null;
        },
      }),
    };
  };
}

/**
 * One page of a connection: `first`/`after` forwards, `last`/`before` backwards, cursors are
 * keyset positions (sort value and id) so they survive inserts and updates.
 */
function page<T>(
  items: readonly T[],
  idOf: (item: T) => bigint,
  args: PageArgs,
  view: (item: T) => unknown,
  sortValue: (item: T) => bigint = idOf,
): Record<string, unknown> {
  const size = args.first ?? args.last;
  if (size == null) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  if (size > MAX_PAGE_SIZE) throw new GraphQLError(`The page size may not exceed ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_REQUEST' } });
  const ordered = args.reverse ? [...items].reverse() : [...items];
  const key = (item: T): [bigint, bigint] => [sortValue(item), idOf(item)];
  const direction = args.reverse ? -1 : 1;
  const isAfter = (item: T, cursor: [bigint, bigint]) => direction * (compare(key(item)[0], cursor[0]) || compare(key(item)[1], cursor[1])) > 0;
  const after = args.after ? decodePageCursor(args.after) : undefined;
  const before = args.before ? decodePageCursor(args.before) : undefined;
  const window = ordered.filter((item) => (!after || isAfter(item, after)) && (!before || direction * (compare(key(item)[0], before[0]) || compare(key(item)[1], before[1])) < 0));
  const slice = args.first != null ? window.slice(0, size) : window.slice(Math.max(0, window.length - size));
  const first = slice[0];
  const last = slice[slice.length - 1];
  const cursor = (item: T) => Buffer.from(JSON.stringify({ last_id: idOf(item).toString(), last_value: sortValue(item).toString() })).toString('base64');
  return {
    edges: slice.map((item) => ({ cursor: cursor(item), node: view(item) })),
    nodes: slice.map(view),
    pageInfo: {
      hasNextPage: last !== undefined && ordered.indexOf(last) < ordered.length - 1,
      hasPreviousPage: first !== undefined && ordered.indexOf(first) > 0,
      startCursor: first ? cursor(first) : null,
      endCursor: last ? cursor(last) : null,
    },
  };
}

function decodePageCursor(cursor: string): [bigint, bigint] {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const id = /"last_id":"(\d+)"/.exec(text)?.[1];
  const value = /"last_value":"(\d+)"/.exec(text)?.[1];
  if (!id || !value) throw new GraphQLError('Invalid cursor for current pagination sort.', { extensions: { code: 'BAD_REQUEST' } });
  return [BigInt(value), BigInt(id)];
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The subset of Shopify's order search syntax the fake reads: `updated_at:` / `created_at:`
 * with >, >=, <, <= and an ISO date-time; other terms (`status:any`) filter nothing.
 * https://shopify.dev/docs/api/usage/search-syntax
 */
function orderFilter(query: string | null | undefined): (order: FakeOrder) => boolean {
  const terms = [...(query ?? '').matchAll(/(updated_at|created_at):(>=|<=|>|<)?['"]?([0-9T:.\-+Z]+)['"]?/g)];
  return (order) =>
    terms.every(([, field, operator, value]) => {
      const at = Date.parse(value!);
      if (Number.isNaN(at)) return true;
      const time = (field === 'updated_at' ? order.updatedAt : order.createdAt).getTime();
      switch (operator) {
        case '>':
          return time > at;
        case '>=':
          return time >= at;
        case '<':
          return time < at;
        case '<=':
          return time <= at;
        default:
          return time === at;
      }
    });
}

function jsonValueOf(metafield: FakeMetafield): unknown {
  if (metafield.type === 'json' || metafield.type.startsWith('list.')) return JSON.parse(metafield.value);
  if (metafield.type === 'number_integer') return Number(metafield.value);
  if (metafield.type === 'boolean') return metafield.value === 'true';
  return metafield.value;
}
