import { z } from 'zod';
import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { badInput, ok } from './customers-api';
import { respond, squareErrors } from './errors';
import { FULFILLMENT_STATES, type FakeOrder, type OrdersState } from './orders-state';
import { checkLimit, pageOf } from './paging';

/**
 * The Orders, Payments, Refunds and Locations endpoints a sandbox and an order reader need:
 * CreateOrder (the seed), UpdateOrder (fulfillment states, cancel; versioned), RetrieveOrder,
 * BatchRetrieveOrders (1 to 100 ids, unknown ones silently left out), SearchOrders, GetPayment,
 * ListPayments, GetPaymentRefund and ListLocations.
 * https://developer.squareup.com/reference/square/orders-api
 * https://developer.squareup.com/reference/square/payments-api
 */

// Money amounts are integers in minor units: 1.5 is refused, as Square refuses it.
const MoneySchema = z.object({ amount: z.number().int(), currency: z.string().regex(/^[A-Z]{3}$/) }).strict();
const CreateOrderSchema = z
  .object({
    idempotency_key: z.string().min(1).max(192).optional(),
    order: z
      .object({
        location_id: z.string().min(1),
        reference_id: z.string().max(40).optional(),
        customer_id: z.string().optional(),
        line_items: z
          .array(z.object({ uid: z.string().optional(), name: z.string().optional(), quantity: z.string().regex(/^\d+(\.\d{1,5})?$/), base_price_money: MoneySchema }).strict())
          .min(1),
        fulfillments: z
          .array(
            z
              .object({
                uid: z.string().optional(),
                type: z.literal('PICKUP'),
                state: z.enum(FULFILLMENT_STATES).optional(),
                pickup_details: z
                  .object({
                    recipient: z.object({ display_name: z.string(), phone_number: z.string().optional(), email_address: z.string().optional(), customer_id: z.string().optional() }).strict(),
                    schedule_type: z.enum(['SCHEDULED', 'ASAP']).optional(),
                    pickup_at: z.string().optional(),
                  })
                  .strict(),
              })
              .strict(),
          )
          .optional(),
      })
      .strict(),
  })
  // "If order is set, the only other top-level field that can be set is idempotency_key."
  .strict();
const UpdateOrderSchema = z
  .object({
    idempotency_key: z.string().min(1).max(192).optional(),
    fields_to_clear: z.array(z.string()).optional(),
    order: z
      .object({
        location_id: z.string().optional(),
        version: z.number().int().optional(),
        state: z.enum(['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT']).optional(),
        fulfillments: z.array(z.object({ uid: z.string().min(1), state: z.enum(FULFILLMENT_STATES).optional() }).strict()).optional(),
      })
      .strict(),
  })
  .strict();
const BatchRetrieveSchema = z.object({ location_id: z.string().nullable().optional(), order_ids: z.array(z.string()).min(1).max(100) }).strict();
const TimeRangeSchema = z.object({ start_at: z.string().optional(), end_at: z.string().optional() }).strict();
const SearchOrdersSchema = z
  .object({
    location_ids: z.array(z.string()).max(10).optional(),
    cursor: z.string().optional(),
    limit: z.number().int().optional(),
    return_entries: z.boolean().optional(),
    query: z
      .object({
        filter: z
          .object({
            state_filter: z.object({ states: z.array(z.enum(['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'])) }).strict().optional(),
            date_time_filter: z.object({ created_at: TimeRangeSchema.optional(), updated_at: TimeRangeSchema.optional(), closed_at: TimeRangeSchema.optional() }).strict().optional(),
            customer_filter: z.object({ customer_ids: z.array(z.string()) }).strict().optional(),
          })
          .strict()
          .optional(),
        sort: z.object({ sort_field: z.enum(['CREATED_AT', 'UPDATED_AT', 'CLOSED_AT']), sort_order: z.enum(['ASC', 'DESC']).optional() }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export function serveOrders(request: FakeRequest, orders: OrdersState): FakeResponse | undefined {
  const { method, path } = request;
  if (path === '/v2/orders' && method === 'POST') {
    const input = CreateOrderSchema.safeParse(request.json);
    if (!input.success) return badInput(input.error);
    const result = orders.create(input.data.order, input.data.idempotency_key, request.json);
    return result.ok ? ok({ order: result.value }) : respond(result.failure);
  }
  if (path === '/v2/orders/batch-retrieve' && method === 'POST') {
    const input = BatchRetrieveSchema.safeParse(request.json);
    if (!input.success) return badInput(input.error);
    // Ids Square does not know are silently left out.
    const found = input.data.order_ids.map((id) => orders.orders.get(id)).filter((order): order is FakeOrder => order !== undefined);
    const located = input.data.location_id ? found.filter((order) => order.location_id === input.data.location_id) : found;
    return ok(located.length > 0 ? { orders: located } : {});
  }
  if (path === '/v2/orders/search' && method === 'POST') return searchOrders(request, orders);
  const orderId = /^\/v2\/orders\/([^/]+)$/.exec(path)?.[1];
  if (orderId !== undefined && method === 'GET') {
    const order = orders.orders.get(decodeURIComponent(orderId));
    return order ? ok({ order }) : respond(squareErrors.notFound(`Order \`${orderId}\` not found.`));
  }
  if (orderId !== undefined && method === 'PUT') {
    const input = UpdateOrderSchema.safeParse(request.json);
    if (!input.success) return badInput(input.error);
    const result = orders.update(decodeURIComponent(orderId), input.data.order);
    return result.ok ? ok({ order: result.value }) : respond(result.failure);
  }
  const refundId = /^\/v2\/refunds\/([^/]+)$/.exec(path)?.[1];
  if (refundId !== undefined && method === 'GET') {
    const refund = orders.refunds.get(decodeURIComponent(refundId));
    return refund ? ok({ refund }) : respond(squareErrors.notFound(`Refund \`${refundId}\` not found.`));
  }
  if (path === '/v2/locations' && method === 'GET') {
    return ok({ locations: orders.locations.map((id, index) => ({ id, name: locationName(index), status: 'ACTIVE', currency: 'USD', country: 'US' })) });
  }
  if (path === '/v2/payments' && method === 'GET') return listPayments(request, orders);
  const paymentId = /^\/v2\/payments\/([^/]+)$/.exec(path)?.[1];
  if (paymentId !== undefined && method === 'GET') {
    const payment = orders.payments.get(decodeURIComponent(paymentId));
    return payment ? ok({ payment }) : respond(squareErrors.notFound(`Payment \`${paymentId}\` not found.`));
  }
  return undefined;
}

/**
 * SearchOrders: location_ids is treated as required (the SDK types it optional; unconfirmed), a
 * date_time_filter field must be the sort_field, limit defaults to 500 and stops at 1,000.
 */
function searchOrders(request: FakeRequest, orders: OrdersState): FakeResponse {
  const input = SearchOrdersSchema.safeParse(request.json ?? {});
  if (!input.success) return badInput(input.error);
  const locations = input.data.location_ids ?? [];
  if (locations.length === 0) return respond(squareErrors.invalid('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: location_ids.', 'location_ids'));
  const limit = input.data.limit ?? 500;
  const tooFar = checkLimit(limit, 1, 1000);
  if (tooFar) return respond(tooFar);
  const filter = input.data.query?.filter;
  const sort = input.data.query?.sort ?? { sort_field: 'CREATED_AT' as const };
  const timeFields = Object.keys(filter?.date_time_filter ?? {});
  if (timeFields.some((field) => field !== sort.sort_field.toLowerCase())) {
    return respond(squareErrors.invalid('BAD_REQUEST', 'A date_time_filter field must match the sort_field.', 'query.filter.date_time_filter'));
  }
  const range = filter?.date_time_filter?.[sort.sort_field.toLowerCase() as 'created_at' | 'updated_at' | 'closed_at'];
  const timeOf = (order: FakeOrder) => (sort.sort_field === 'UPDATED_AT' ? order.updated_at : sort.sort_field === 'CLOSED_AT' ? order.closed_at : order.created_at);
  const found = [...orders.orders.values()]
    .filter((order) => locations.includes(order.location_id))
    .filter((order) => !filter?.state_filter || filter.state_filter.states.includes(order.state))
    .filter((order) => !filter?.customer_filter || (order.customer_id !== undefined && filter.customer_filter.customer_ids.includes(order.customer_id)))
    .filter((order) => {
      const stamp = timeOf(order);
      if (!range) return true;
      if (stamp === undefined) return false;
      return (range.start_at === undefined || Date.parse(stamp) >= Date.parse(range.start_at)) && (range.end_at === undefined || Date.parse(stamp) <= Date.parse(range.end_at));
    })
    .sort((a, b) => (sort.sort_order === 'ASC' ? 1 : -1) * (Date.parse(timeOf(a) ?? '') - Date.parse(timeOf(b) ?? '')));
  const { cursor, limit: _limit, ...query } = input.data;
  const page = pageOf(found, limit, cursor, query);
  if ('failure' in page) return respond(page.failure);
  return ok({ ...(page.page.length > 0 ? { orders: page.page } : {}), ...(page.cursor ? { cursor: page.cursor } : {}) });
}

/** ListPayments: newest first by default, 100 a page at most. */
function listPayments(request: FakeRequest, orders: OrdersState): FakeResponse {
  const limit = request.query.has('limit') ? Number(request.query.get('limit')) : 100;
  const tooFar = checkLimit(limit, 1, 100);
  if (tooFar) return respond(tooFar);
  const location = request.query.get('location_id');
  const begin = request.query.get('begin_time');
  const end = request.query.get('end_time');
  const ascending = request.query.get('sort_order') === 'ASC';
  const found = [...orders.payments.values()]
    .filter((payment) => !location || payment.location_id === location)
    .filter((payment) => !begin || Date.parse(payment.created_at) >= Date.parse(begin))
    .filter((payment) => !end || Date.parse(payment.created_at) < Date.parse(end))
    .sort((a, b) => (ascending ? 1 : -1) * (Date.parse(a.created_at) - Date.parse(b.created_at)));
  const query = { location, begin, end, ascending };
  const page = pageOf(found, limit, request.query.get('cursor') ?? undefined, query);
  if ('failure' in page) return respond(page.failure);
  return ok({ ...(page.page.length > 0 ? { payments: page.page } : {}), ...(page.cursor ? { cursor: page.cursor } : {}) });
}

/** The seller's location names: the sandbox's first is its café. */
export function locationName(index: number): string {
  return index === 0 ? 'omnihub Sandbox Café' : `omnihub Sandbox Location ${index + 1}`;
}
