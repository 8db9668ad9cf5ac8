import { ConnectorError } from '../../../core/errors';
import type { Order } from '../../../core/model/order';
import { UnusableOrder, type OrderSource } from '../../../core/orders/ports';
import type { ClientOptions } from '../../connector';
import { squareApi, type SquareTuning } from '../api';
import type { SquareConfig, SquareSecret } from '../manifest';
import { SquareIdSchema } from '../schemas';
import { refundedSaleOf, SYSTEM, toCanonicalOrder } from './mapping';
import { SquareBatchOrdersSchema, SquareOrderSchema, type SquareOrder } from './schemas';

/** BatchRetrieveOrders takes up to 100 ids. */
export const BATCH_RETRIEVE_LIMIT = 100;

/**
 * The OrderSource over BatchRetrieveOrders (`sdk.orders.batchGet`): the orders webhooks named,
 * as Square holds them now. Ids Square does not know are silently left out of its answer, and
 * so of ours. An id of a return order (what refund.* name) reads the sale it refunds instead.
 * Orders of locations outside `config.locationIds` are left out. The SDK retries 429 and 5xx;
 * squareApi backs off a 429 further and turns the rest into a ConnectorError.
 * https://developer.squareup.com/reference/square/orders-api/batch-retrieve-orders
 */
export function createSquareOrderSource(options: ClientOptions<SquareConfig, SquareSecret>, tuning: SquareTuning = {}): OrderSource {
  const reads = squareOrderReads(options, tuning);
  return {
    async readOrders(externalIds) {
      const ids = [...new Set(externalIds)].filter((id) => SquareIdSchema.safeParse(id).success);
      return reads.assemble(ids, await reads.retrieve(ids));
    },
  };
}

/**
 * Square's orders as omnihub reads them, shared by the webhook path (above) and the order
 * history (history.ts): BatchRetrieveOrders, and the step from orders Square answered to the
 * canonical orders, reading the sales refunds name.
 */
export function squareOrderReads(options: ClientOptions<SquareConfig, SquareSecret>, tuning: SquareTuning) {
  const api = squareApi(options, tuning, { scopes: 'ORDERS_READ' });
  const { locationIds } = options.config;

  async function retrieve(ids: string[]): Promise<Map<string, SquareOrder>> {
    const found = new Map<string, SquareOrder>();
    for (let start = 0; start < ids.length; start += BATCH_RETRIEVE_LIMIT) {
      const chunk = ids.slice(start, start + BATCH_RETRIEVE_LIMIT);
      const answer = await api.call('read orders', (sdk) => sdk.orders.batchGet({ orderIds: chunk }));
      const parsed = SquareBatchOrdersSchema.safeParse(answer);
      if (!parsed.success) throw unreadable(parsed.error.issues);
      for (const raw of parsed.data.orders ?? []) found.set(...parseOrder(raw));
    }
    return found;
  }

  /**
   * The canonical orders of `ids` from what Square answered (`read`): a refund's return order
   * stands for the sale it refunds (read here when it was not asked for), each sale once, and
   * orders of locations omnihub does not read are left out. `onUnusable`: an order we cannot
   * map is handed there instead of failing the rest (the history); by default it throws.
   */
  async function assemble(ids: string[], read: Map<string, SquareOrder>, onUnusable?: (error: UnusableOrder) => void): Promise<Order[]> {
    const sales = [...new Set([...read.values()].map(refundedSaleOf).filter((id): id is string => id !== undefined && !read.has(id)))];
    for (const [id, order] of await retrieve(sales)) read.set(id, order);

    const orders = new Map<string, Order>();
    for (const id of ids) {
      const asked = read.get(id);
      const saleId = asked && refundedSaleOf(asked);
      const order = saleId === undefined ? asked : read.get(saleId);
      if (!order || orders.has(order.id) || refundedSaleOf(order) !== undefined) continue;
      if (locationIds !== 'all' && !locationIds.includes(order.locationId)) {
        options.log.info('Square order is at a location omnihub does not read; leaving it out', { externalId: order.id });
        continue;
      }
      try {
        orders.set(order.id, toCanonicalOrder(order, options.mapping));
      } catch (error) {
        if (!(error instanceof UnusableOrder) || !onUnusable) throw error;
        onUnusable(error);
      }
    }
    return [...orders.values()];
  }

  return { api, retrieve, assemble };
}

/** One order as Square answered it, checked on its own: a shape we do not know is unusable alone, named by its id. */
export function parseOrder(raw: unknown): [string, SquareOrder] {
  const order = SquareOrderSchema.safeParse(raw);
  if (!order.success) throw new UnusableOrder(SYSTEM, idOf(raw), `the order does not have the expected shape (${describeIssues(order.error.issues)})`);
  return [order.data.id, order.data];
}

function idOf(raw: unknown): string {
  const id = SquareIdSchema.safeParse(raw && typeof raw === 'object' && 'id' in raw ? raw.id : undefined);
  return id.success ? id.data : '(no id)';
}

/** Paths and codes only: values could carry personal data. */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; code: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(order)'}: ${issue.code}`).join('; ');
}

export function unreadable(issues: ReadonlyArray<{ path: PropertyKey[]; code: string }>): ConnectorError {
  return new ConnectorError(SYSTEM, 200, `Square read orders: the response did not have the expected shape (${describeIssues(issues)})`, { retryable: false, metadata: { operation: 'read orders' } });
}
