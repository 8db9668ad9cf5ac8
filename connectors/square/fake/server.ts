import { z } from 'zod';
import { ApiFaultInjector } from '../../testing/api-faults';
import { FakeHttpServer, WebhookSender, type FakeRequest, type FakeResponse, type RecordedRequest } from '../../testing/fake-http';
import { IdSource } from './clock';
import { serveCustomers } from './customers-api';
import { CustomersState, type CustomerInput, type FakeCustomer } from './customers-state';
import { respond, squareErrors, type SquareFailure } from './errors';
import { serveOrders } from './orders-api';
import { OrdersState, FULFILLMENT_STATES, type FakeOrder, type FakePayment, type FakeRefund, type FulfillmentState, type OrderInput, type SaleInput } from './orders-state';
import { LaggingIndex } from '../../testing/lagging-index';
import { loadSeller, persistSeller } from './persist';
import { SQUARE_SANDBOX_LOCATION, seedSquareSandbox } from './seed';
import { SQUARE_RETRY_SCHEDULE, SquareWebhooks } from './webhooks';
import { RollingWindow } from '../../testing/rolling-window';

/**
 * A local Square seller at Square-Version 2026-09-16 (what square@46.0.0 sends), never kinder
 * than Square: the Customers API (idempotent create, versioned update, sparse updates that clear
 * only with X-Clear-Null, list and search from an index that lags writes, 100 a page, no unique
 * email or phone), the Orders and Payments endpoints a sandbox needs, Square's error envelope and
 * statuses, 429 RATE_LIMITED on a rolling window or on demand, and signed, at-least-once event
 * notifications for every change. Tests point the real SDK at `baseUrl`; `/_sandbox/*` plays the
 * seller in the Square Dashboard and lists every request answered.
 */

/** A realistic index lag for a local sandbox: Square's is "well under 30 seconds". */
export const SANDBOX_SEARCH_LAG_MS = 2000;
const DEFAULT_SEARCH_LAG_MS = 1000;
/** Square publishes no limits; the fake's default window is generous, tests set a tight one. */
const DEFAULT_RATE_LIMIT = { max: 50, intervalMs: 1000 };

export interface SquareFakeOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** The token requests must carry as `Authorization: Bearer <token>`. */
  accessToken: string;
  /** The webhook subscription's signature key. */
  signatureKey: string;
  /** Where notifications go (the hub's /webhooks/square). Without it none are sent. */
  webhookUrl?: string;
  /** The subscription's notification URL, if it differs from where deliveries land (a proxy): what is signed. */
  notificationUrl?: string;
  /** Seller locations (orders must name one). Default: the sandbox location. */
  locations?: string[];
  /** A rolling window: more than `max` API calls in `intervalMs` answer 429 RATE_LIMITED. Retry-After is sent only when set (Square documents none). */
  rateLimit?: { max: number; intervalMs: number; retryAfterSeconds?: number };
  /** Wall-clock ms before a write shows in ListCustomers / SearchCustomers. Default 1000. */
  searchLagMs?: number;
  /** Clock for created_at / updated_at and event created_at. */
  now?: () => Date;
  /** Start with the sandbox seller of seed.ts (no webhooks are sent for it). Ignored when persistPath holds a saved seller. */
  seed?: boolean;
  merchantId?: string;
  /** Seeds the ids (same seed, same ids). Ignored when persistPath holds a saved seller: its id stream continues. */
  idSeed?: number;
  /**
   * Keep the seller in this JSON file (`npm start`: `.omnihub/sandboxes/square.json`): loaded at
   * start when it exists, saved shortly after each change and on close. See persist.ts.
   */
  persistPath?: string;
}

/** A failure forced on the next API calls (after the token check). */
export interface ForcedFailure {
  status: 429 | 500 | 502 | 503 | 504;
  /** For 429: a Retry-After header in seconds (Square documents none; the SDK honours it). */
  retryAfterSeconds?: number;
}

export interface SquareFake {
  baseUrl: string;
  customers: CustomersState;
  orders: OrdersState;
  index: LaggingIndex<FakeCustomer>;
  /** Every request the fake answered (API and sandbox), in order. */
  requests: RecordedRequest[];
  webhooks: WebhookSender;
  merchantId: string;
  location: string;
  setWebhookUrl(url: string | undefined): void;
  close(): Promise<void>;
  admin: {
    /** Like the seller adding a customer in the Dashboard (creation_source DIRECTORY): fires customer.created. */
    createCustomer(input: CustomerInput): FakeCustomer;
    /** Like the seller editing a customer (null clears): fires customer.updated. */
    updateCustomer(id: string, input: CustomerInput): FakeCustomer;
    /** Fires customer.deleted. */
    deleteCustomer(id: string): void;
    /** Merges profiles into a NEW one: customer.created and one customer.deleted each, with event_context.merge. */
    mergeCustomers(ids: string[]): FakeCustomer;
    getCustomer(id: string): FakeCustomer | undefined;
    createOrder(input: OrderInput): FakeOrder;
    /** The Order Manager moving a pickup along: fires order.updated and order.fulfillment.updated. */
    setFulfillmentState(orderId: string, uid: string, state: FulfillmentState): FakeOrder;
    /** The buyer paying at the counter: fires payment.created and order.updated. */
    payOrder(orderId: string, sourceType?: FakePayment['source_type']): FakePayment;
    /** A sale rung up at the Point of Sale, with or without a customer: an order without a version, paid; fires payment.created and payment.updated only. */
    ringUpSale(input: SaleInput): { order: FakeOrder; payment: FakePayment };
    /** The seller cancels an unpaid order: fires order.updated (and order.fulfillment.updated for its pickup). */
    cancelOrder(orderId: string): FakeOrder;
    /** The seller refunds the order's payment (all that is left by default): a return order, refund.created / refund.updated, payment.updated. */
    refundOrder(orderId: string, amount?: number): { refund: FakeRefund; returnOrder: FakeOrder };
    getOrder(id: string): FakeOrder | undefined;
    /** Makes every write so far visible to list and search now. */
    flushSearchIndex(): void;
    /** The next `count` API calls answer with this failure. */
    failNext(count: number, failure: ForcedFailure): void;
    /** A seeded share of API calls answered 429 RATE_LIMITED or 503 SERVICE_UNAVAILABLE. */
    apiFaults: ApiFaultInjector;
    /** API calls that only read (GET, search, bulk-retrieve, batch-retrieve), whatever their status. */
    apiReads(): RecordedRequest[];
    /** API calls that write, whatever their status. */
    apiWrites(): RecordedRequest[];
  };
}

export function isApiRead(request: RecordedRequest): boolean {
  return request.path.startsWith('/v2/') && (request.method === 'GET' || /\/(search|bulk-retrieve|batch-retrieve)$/.test(request.path));
}

export function isApiWrite(request: RecordedRequest): boolean {
  return request.path.startsWith('/v2/') && !isApiRead(request);
}

export async function startSquareFake(options: SquareFakeOptions): Promise<SquareFake> {
  const now = options.now ?? (() => new Date());
  const merchantId = options.merchantId ?? 'MLEFBHHSJGVHD';
  const saved = options.persistPath ? loadSeller(options.persistPath) : undefined;
  const ids = saved ? new IdSource(saved.ids.seed, saved.ids.draws) : new IdSource(options.idSeed ?? 7);
  const customers = new CustomersState(now, ids);
  const orders = new OrdersState(now, ids, options.locations ?? [SQUARE_SANDBOX_LOCATION]);
  // ListCustomers and SearchCustomers lag writes: "newly created or updated customer profiles become
  // available for the listing operation in well under 30 seconds. Occasionally ... closer to one
  // minute or longer" (square SDK docs of list and search). Reads by id do not go through it.
  const index = new LaggingIndex<FakeCustomer>(options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS);
  if (saved) {
    customers.load(saved.customers);
    orders.load(saved.orders);
  } else if (options.seed) seedSquareSandbox(customers, orders);
  for (const customer of customers.list()) index.seed(customer.id, customer);
  const persistence = options.persistPath ? persistSeller({ customers, orders, ids: () => ids.state() }, options.persistPath) : undefined;

  const sender = new WebhookSender(options.webhookUrl, { retrySchedule: SQUARE_RETRY_SCHEDULE });
  const webhooks = new SquareWebhooks({
    sender,
    signatureKey: options.signatureKey,
    merchantId,
    environment: 'Sandbox',
    now,
    ...(options.notificationUrl ? { notificationUrl: () => options.notificationUrl } : {}),
  });
  customers.onChange((change) => {
    index.record(change.customer.id, change.kind === 'deleted' ? undefined : change.customer);
    webhooks.customer(change);
  });
  orders.onChange((change) => webhooks.order(change));

  const limit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const window = new RollingWindow(limit.max, limit.intervalMs);
  const forced: ForcedFailure[] = [];
  const apiFaults = new ApiFaultInjector();

  function rateLimited(retryAfterSeconds: number | undefined): FakeResponse {
    return respond(squareErrors.rateLimited(), retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) });
  }

  function handleApi(request: FakeRequest): FakeResponse | Promise<FakeResponse> {
    // https://developer.squareup.com/docs/build-basics/access-tokens: Bearer tokens only.
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) return respond(squareErrors.unauthorized());
    const version = request.headers['square-version'];
    if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(version)) {
      return respond(squareErrors.invalid('INVALID_SQUARE_VERSION_FORMAT', `Invalid Square-Version format: ${version}.`));
    }
    const failure = forced.shift();
    if (failure) return failure.status === 429 ? rateLimited(failure.retryAfterSeconds) : respond(serverFailure(failure.status));
    const fault = apiFaults.decide();
    if (fault === 'rate_limited') return rateLimited(undefined);
    if (fault === 'server_error') return respond(squareErrors.unavailable());
    if (window.take(performance.now()) !== undefined) return rateLimited(limit.retryAfterSeconds);
    return serveCustomers(request, { state: customers, index }) ?? serveOrders(request, orders) ?? respond(squareErrors.noRoute(request.method, request.path));
  }

  function unwrap<T>(result: { ok: true; value: T } | { ok: false; failure: SquareFailure }): T {
    if (result.ok) return result.value;
    throw new Error(`Square fake refused: ${result.failure.errors.map((error) => `${error.code} ${error.detail}`).join('; ')}`);
  }

  function customerResult(result: ReturnType<CustomersState['create']>): FakeCustomer {
    return unwrap(result.ok ? { ok: true, value: result.customer } : result);
  }

  const admin: SquareFake['admin'] = {
    createCustomer: (input) => customerResult(customers.create(input, { source: 'DIRECTORY' })),
    updateCustomer: (id, input) => customerResult(customers.update(id, input, { clearNulls: true })),
    deleteCustomer: (id) => void customerResult(customers.delete(id)),
    mergeCustomers: (mergedIds) => customerResult(customers.merge(mergedIds)),
    getCustomer: (id) => structuredClone(customers.get(id)),
    createOrder: (input) => unwrap(orders.create(input)),
    setFulfillmentState: (orderId, uid, state) => unwrap(orders.setFulfillmentState(orderId, uid, state)),
    payOrder: (orderId, sourceType) => unwrap(orders.pay(orderId, sourceType)),
    ringUpSale: (input) => unwrap(orders.ringUpSale(input)),
    cancelOrder: (orderId) => unwrap(orders.cancel(orderId)),
    refundOrder: (orderId, amount) => unwrap(orders.refund(orderId, amount)),
    getOrder: (id) => structuredClone(orders.orders.get(id)),
    flushSearchIndex: () => index.flush(),
    failNext(count, failure) {
      for (let each = 0; each < count; each += 1) forced.push(failure);
    },
    apiFaults,
    apiReads: () => server.requests.filter(isApiRead),
    apiWrites: () => server.requests.filter(isApiWrite),
  };

  const server: FakeHttpServer = new FakeHttpServer((request): FakeResponse | Promise<FakeResponse> =>
    request.path.startsWith('/_sandbox/') ? serveSandbox(request, admin, { customers, orders, requests: (): RecordedRequest[] => server.requests }) : handleApi(request),
  );
  const baseUrl = await server.listen(options.port ?? 0);
  return {
    baseUrl,
    customers,
    orders,
    index,
    requests: server.requests,
    webhooks: sender,
    merchantId,
    location: orders.locations[0] ?? SQUARE_SANDBOX_LOCATION,
    setWebhookUrl(url) {
      sender.targetUrl = url;
    },
    async close() {
      persistence?.flush();
      sender.cancel();
      await server.close();
    },
    admin,
  };
}

function serverFailure(status: ForcedFailure['status']): SquareFailure {
  if (status === 500) return squareErrors.internal();
  const failure = squareErrors.unavailable();
  return { ...failure, status, errors: failure.errors.map((error) => ({ ...error, code: status === 502 ? 'BAD_GATEWAY' : status === 504 ? 'GATEWAY_TIMEOUT' : 'SERVICE_UNAVAILABLE' })) };
}

const SandboxCustomerSchema = z
  .object({
    given_name: z.string().nullable().optional(),
    family_name: z.string().nullable().optional(),
    email_address: z.string().nullable().optional(),
    phone_number: z.string().nullable().optional(),
    note: z.string().nullable().optional(),
    address: z.record(z.string(), z.string().nullable()).nullable().optional(),
  })
  .strict();

/**
 * The sandbox, playing the seller in the Square Dashboard (webhooks as for any change):
 *   GET    /_sandbox/customers                       every customer (the directory, no lag)
 *   POST   /_sandbox/customers                       {given_name, phone_number, ...} adds one
 *   GET    /_sandbox/customers/:id                   one customer
 *   PATCH  /_sandbox/customers/:id                   edits one (null clears)
 *   DELETE /_sandbox/customers/:id                   deletes one
 *   POST   /_sandbox/customers/merge                 {customer_ids: [...]} merges into a new one
 *   GET    /_sandbox/orders                          every order
 *   POST   /_sandbox/sales                           {customer_id?, line_items: [{name, quantity, amount}], source_type?} rings up a POS sale
 *   POST   /_sandbox/orders                          {customer_id?, line_items, pickup: {display_name, phone_number?, email_address?}} a pickup order
 *   POST   /_sandbox/orders/:id/fulfillments/:uid    {state} moves a pickup along (PREPARED, COMPLETED ...)
 *   POST   /_sandbox/orders/:id/pay                  pays the order
 *   POST   /_sandbox/orders/:id/cancel               cancels an unpaid order
 *   POST   /_sandbox/orders/:id/refund               {amount?} refunds it (all that is left by default)
 *   GET    /_sandbox/requests                        the request log (methods, paths, statuses)
 */
function serveSandbox(
  request: FakeRequest,
  admin: SquareFake['admin'],
  context: { customers: CustomersState; orders: OrdersState; requests: () => RecordedRequest[] },
): FakeResponse {
  const { method, path } = request;
  try {
    if (path === '/_sandbox/requests' && method === 'GET') {
      return { status: 200, body: { requests: context.requests().map(({ method: m, path: p, status, at }) => ({ method: m, path: p, status, at })) } };
    }
    if (path === '/_sandbox/customers' && method === 'GET') return { status: 200, body: { customers: context.customers.list() } };
    if (path === '/_sandbox/customers' && method === 'POST') {
      const input = SandboxCustomerSchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => issue.path.join('.') || '(body)') } };
      return { status: 200, body: { customer: admin.createCustomer(toInput(input.data)) } };
    }
    if (path === '/_sandbox/customers/merge' && method === 'POST') {
      const input = z.object({ customer_ids: z.array(z.string()).min(2) }).safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: ['customer_ids: two or more ids'] } };
      return { status: 200, body: { customer: admin.mergeCustomers(input.data.customer_ids) } };
    }
    const customerId = /^\/_sandbox\/customers\/([^/]+)$/.exec(path)?.[1];
    if (customerId !== undefined && method === 'GET') {
      const customer = admin.getCustomer(customerId);
      return customer ? { status: 200, body: { customer } } : { status: 404, body: { errors: ['no such customer'] } };
    }
    if (customerId !== undefined && method === 'PATCH') {
      const input = SandboxCustomerSchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => issue.path.join('.') || '(body)') } };
      return { status: 200, body: { customer: admin.updateCustomer(customerId, toInput(input.data)) } };
    }
    if (customerId !== undefined && method === 'DELETE') {
      admin.deleteCustomer(customerId);
      return { status: 200, body: {} };
    }
    if (path === '/_sandbox/orders' && method === 'GET') return { status: 200, body: { orders: [...context.orders.orders.values()] } };
    const fulfillment = /^\/_sandbox\/orders\/([^/]+)\/fulfillments\/([^/]+)$/.exec(path);
    if (fulfillment && method === 'POST') {
      const input = z.object({ state: z.enum(FULFILLMENT_STATES) }).safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: [`state: one of ${FULFILLMENT_STATES.join(', ')}`] } };
      return { status: 200, body: { order: admin.setFulfillmentState(fulfillment[1]!, fulfillment[2]!, input.data.state) } };
    }
    const pay = /^\/_sandbox\/orders\/([^/]+)\/pay$/.exec(path)?.[1];
    if (pay !== undefined && method === 'POST') return { status: 200, body: { payment: admin.payOrder(pay) } };
    if (path === '/_sandbox/sales' && method === 'POST') {
      const input = SandboxSaleSchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => issue.path.join('.') || '(body)') } };
      const { customer_id: customerId, source_type: sourceType, line_items: items } = input.data;
      return { status: 200, body: admin.ringUpSale({ ...(customerId ? { customer_id: customerId } : {}), ...(sourceType ? { source_type: sourceType } : {}), line_items: items.map(sandboxLine) }) };
    }
    if (path === '/_sandbox/orders' && method === 'POST') {
      const input = SandboxPickupSchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => issue.path.join('.') || '(body)') } };
      const { customer_id: customerId, line_items: items, pickup } = input.data;
      const order = admin.createOrder({
        location_id: context.orders.locations[0]!,
        ...(customerId ? { customer_id: customerId } : {}),
        line_items: items.map(sandboxLine),
        fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: pickup, schedule_type: 'ASAP' } }],
      });
      return { status: 200, body: { order } };
    }
    const cancel = /^\/_sandbox\/orders\/([^/]+)\/cancel$/.exec(path)?.[1];
    if (cancel !== undefined && method === 'POST') return { status: 200, body: { order: admin.cancelOrder(cancel) } };
    const refund = /^\/_sandbox\/orders\/([^/]+)\/refund$/.exec(path)?.[1];
    if (refund !== undefined && method === 'POST') {
      const input = z.object({ amount: z.number().int().positive().optional() }).strict().safeParse(request.json ?? {});
      if (!input.success) return { status: 400, body: { errors: ['amount: a positive integer in minor units'] } };
      return { status: 200, body: admin.refundOrder(refund, input.data.amount) };
    }
  } catch (error) {
    return { status: 422, body: { errors: [error instanceof Error ? error.message : String(error)] } };
  }
  return { status: 404, body: { errors: [`No sandbox route for ${method} ${path}`] } };
}

const SandboxLineSchema = z.object({ name: z.string().min(1), quantity: z.string().regex(/^\d+(\.\d{1,5})?$/).default('1'), amount: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/).default('USD') }).strict();
const SandboxSaleSchema = z.object({ customer_id: z.string().optional(), source_type: z.enum(['CARD', 'CASH', 'EXTERNAL']).optional(), line_items: z.array(SandboxLineSchema).min(1) }).strict();
const SandboxPickupSchema = z
  .object({
    customer_id: z.string().optional(),
    line_items: z.array(SandboxLineSchema).min(1),
    pickup: z.object({ display_name: z.string().min(1), phone_number: z.string().optional(), email_address: z.string().optional() }).strict(),
  })
  .strict();

function sandboxLine(line: z.infer<typeof SandboxLineSchema>): SaleInput['line_items'][number] {
  return { name: line.name, quantity: line.quantity, base_price_money: { amount: line.amount, currency: line.currency } };
}

function toInput(fields: z.infer<typeof SandboxCustomerSchema>): CustomerInput {
  const { address, ...text } = fields;
  return { ...text, ...(address === undefined ? {} : { address }) };
}
