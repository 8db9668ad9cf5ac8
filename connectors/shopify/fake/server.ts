import { createHmac, randomUUID } from 'node:crypto';
import { stringify } from 'lossless-json';
import type { CountryCode } from '../../../core/model/normalize';
import { FakeHttpServer, WebhookSender, type FakeRequest, type FakeResponse, type RecordedRequest } from '../../testing/fake-http';
import { exponentialBackoff, type RetrySchedule } from '../../testing/webhook-sender';
import { createRootValue } from './graphql';
import { ApiFaultInjector } from '../../testing/api-faults';
import { CostBucket, createGraphqlEndpoint, type ForcedFailure, type ShopifyApiCall } from './graphql-endpoint';
import { loadState, persistState } from './persist';
import { toRestCustomer, type SandboxCustomer } from './rest';
import { SandboxRequestBodySchema, sandboxFields, toAddressInput, toConsent, toCreateInput, toFieldsInput, type SandboxCustomerFields, type SandboxCustomerInput, SandboxCustomerInputSchema } from './sandbox';
import { SHOPIFY_SEED_CUSTOMERS } from './seed';
import { ShopifyFakeState, type CustomerChange, type FakeCustomer, type FakeUserError, type StateResult } from './state';
import { mergeBody, messagesFor, redactBody, type ShopifyWebhookTopic } from './webhook-payloads';
import { MetafieldsState } from './metafields-state';
import { createOrdersExtensions } from './orders-graphql';
import { orderMessages, type OrderAction, type OrderWebhookTopic } from './order-webhooks';
import { handleOrdersSandbox } from './orders-sandbox';
import { loadOrders, ordersPath, persistOrders } from './orders-persist';
import { FAKE_LOCATIONS, SHOP_PRIMARY_LOCALE, ShopifyOrdersState, type CancelReason, type FakeLocation, type OrderChange } from './orders-state';

export type { ForcedFailure, ShopifyApiCall } from './graphql-endpoint';

/**
 * A local Shopify at Admin API 2025-10: the GraphQL Admin API subset the connector uses (token
 * check, Shopify's error bodies, calculated query cost with refunds and the 1,000-point cap,
 * HTTP 429 on demand, pagination, unique email/phone, search that lags writes), signed webhooks
 * after every change with the bodies and topics Shopify sends, and a sandbox admin API that
 * plays the merchant in the Shopify admin.
 */

/** A realistic search-index lag for the local sandbox (`npm start`): Shopify's search is eventually consistent. */
export const SANDBOX_SEARCH_LAG_MS = 1500;

export interface ShopifyFakeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The Admin API access token requests must carry in X-Shopify-Access-Token. */
  accessToken: string;
  /** The app's API secret key: webhooks are signed with it. */
  webhookSecret: string;
  /** Where webhooks go; none are sent without it. */
  webhookUrl?: string;
  /** Sent as X-Shopify-API-Version on webhooks. Default "2025-10". */
  apiVersion?: string;
  /** The shop subdomain (X-Shopify-Shop-Domain is `<shop>.myshopify.com`). Default "omnihub-sandbox". */
  shop?: string;
  /** The calculated-cost bucket. Default { maximumAvailable: 2000, restoreRate: 100 } (Standard plan). */
  throttle?: { maximumAvailable: number; restoreRate: number };
  /**
   * The app was granted read_all_orders. Default false, as for an app that did not ask for it:
   * orders created more than 60 days ago are then not readable (null by id, left out of lists).
   */
  readAllOrders?: boolean;
  /** Clock for createdAt/updatedAt (truncated to the second). The cost bucket always refills in real time. */
  now?: () => Date;
  /** Start with the sandbox customers of seed.ts (no webhooks are sent for them). Ignored when persistPath holds a saved shop. */
  seed?: boolean;
  /** How the shop reads phone numbers without a country code. Default "US". */
  defaultCountry?: CountryCode;
  /**
   * Wall-clock ms before a write shows in customer search (`customers(query:)`). Default 0
   * (read-your-writes, for tests); the local sandbox uses SANDBOX_SEARCH_LAG_MS.
   */
  searchLagMs?: number;
  /** Keep the shop in this JSON file: loaded at start if present, saved after changes and on close. Orders and metafields go to `<name>.orders.json` beside it. */
  persistPath?: string;
  /** The shop's numeric id (customers/redact carries it). Default 548380009, Shopify's sample shop. */
  shopId?: bigint;
  /**
   * How many more orders/updated deliveries follow each one, with the same body (Shopify fires
   * orders/updated several times per change, "can't guarantee that they will always carry new
   * information"). Default 1.
   */
  ordersUpdatedEchoes?: number;
}

/** A merchant's order as the admin API places it. Prices are decimal strings ("19.99"). */
export interface AdminOrderInput {
  /** `web` (default): online checkout; `pos`: a Shopify POS sale. */
  source?: 'web' | 'pos';
  /** The buyer; absent or null: a guest checkout. */
  customerId?: string | null;
  /** Default: the customer's email (checkout copies it). */
  email?: string | null;
  phone?: string | null;
  /**
   * The language the buyer checked out in (Order.customerLocale: "fr", "en-CA"). Default: the
   * shop's primary locale ("en"), as Shopify records for an order placed without one; null: an
   * order Shopify holds none for (the field is nullable).
   */
  customerLocale?: string | null;
  /** Default "USD". */
  currency?: string;
  lines: { title: string; variantTitle?: string | null; sku?: string | null; quantity: number; price: string }[];
  /** Click & collect at this location id (see `locations`). */
  pickupAt?: string;
  /** The POS location of a POS sale. Default: the first store. */
  soldAt?: string;
  shipping?: { title: string; price: string };
  /** Default true (checkout captures payment at once); false: a pending payment (bank transfer, COD). */
  paid?: boolean;
}

/** What placing an order returns: its ids as digit strings. */
export interface AdminOrder {
  id: string;
  name: string;
  lineItemIds: string[];
  fulfillmentOrderIds: string[];
}

export interface ShopifyFake {
  /** e.g. http://127.0.0.1:4001 — pass as the client's baseUrl. */
  baseUrl: string;
  /** The value for cdk.json `shop` (the client builds `<shop>.myshopify.com`). */
  shop: string;
  shopDomain: string;
  apiVersion: string;
  state: ShopifyFakeState;
  /** Every HTTP request the fake answered (GraphQL and sandbox), from FakeHttpServer. */
  requests: RecordedRequest[];
  /** Every GraphQL request, classified. */
  calls: ShopifyApiCall[];
  /** GraphQL mutations that were executed (not throttled, rejected or forced to fail). */
  writes(): ShopifyApiCall[];
  /** GraphQL queries that were executed. */
  reads(): ShopifyApiCall[];
  webhooks: WebhookSender;
  /** The merchant in the Shopify admin: edits that fire the webhooks Shopify fires. Ids are digit strings. */
  admin: {
    createCustomer(input: SandboxCustomerInput): SandboxCustomer;
    updateCustomer(id: string, input: SandboxCustomerInput): SandboxCustomer;
    getCustomer(id: string): SandboxCustomer | undefined;
    listCustomers(): SandboxCustomer[];
    /** Fires customers/delete. */
    deleteCustomer(id: string): void;
    /** The shop erases the customer at their request: fires customers/redact (and the customer is gone). */
    redactCustomer(id: string): void;
    /** customerMerge: Shopify picks the kept customer (see state.mergeKeeps); fires customers/merge and customers/update of the kept one. */
    mergeCustomers(oneId: string, twoId: string, options?: { keep?: string }): { keptId: string; deletedId: string };
    /** Replaces the tags: fires customer.tags_added / customer.tags_removed (the deltas) and customers/update. */
    setTags(id: string, tags: string[]): SandboxCustomer;
    /** Fires customers_email_marketing_consent/update and customers/update. */
    setEmailConsent(id: string, state: 'subscribed' | 'not_subscribed' | 'pending' | 'unsubscribed'): SandboxCustomer;
    /** Fires customers_marketing_consent/update and customers/update. */
    setSmsConsent(id: string, state: 'subscribed' | 'not_subscribed' | 'pending' | 'unsubscribed'): SandboxCustomer;
  };
  /** The shop's orders (what the fake HOLDS: tests read it directly). */
  orders: ShopifyOrdersState;
  /** The shop's customer metafields. */
  metafields: MetafieldsState;
  /** The shop's locations (pickup points and POS stores). */
  locations: readonly FakeLocation[];
  /** The merchant's order actions, each firing the webhooks Shopify fires. Ids are digit strings. */
  orderAdmin: {
    /** Checkout or a POS sale: orders/create (+ orders/paid), fulfillment_orders/order_routing_complete (a POS counter sale: fulfillments/create). */
    placeOrder(input: AdminOrderInput): AdminOrder;
    /** orderMarkAsPaid: orders/paid, orders/updated. */
    markPaid(orderId: string): void;
    /** fulfillmentOrderLineItemsPreparedForPickup on the order's pickup fulfillment order: fulfillment_orders/line_items_prepared_for_pickup only. */
    markReadyForPickup(orderId: string): void;
    /** fulfillmentCreate for all that is left (handed over or shipped): fulfillments/create, orders/fulfilled, orders/updated. */
    fulfill(orderId: string): void;
    /** orderCancel: orders/cancelled, fulfillment_orders/cancelled, orders/updated. */
    cancel(orderId: string, reason?: CancelReason): void;
    /** refundCreate: refunds/create, orders/updated. */
    refund(orderId: string, lines: { lineItemId: string; quantity: number }[], note?: string): void;
    /** An edit that changes nothing visible: orders/updated. */
    touch(orderId: string): void;
  };
  /** The next `count` GraphQL requests fail with `failure` (default HTTP 429, Retry-After "0.2"). */
  failNext(count: number, failure?: ForcedFailure): void;
  /** A seeded share of GraphQL requests answered THROTTLED or 503, as Shopify answers them (`apiFaults.configure`). */
  apiFaults: ApiFaultInjector;
  setWebhookUrl(url: string | undefined): void;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

/**
 * Shopify's webhook retries: "retried a total of 8 times over 4 hours using an exponential
 * backoff schedule ... delivered with the original payload from the time they were triggered"
 * (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism, 2024-09-10). Any answer
 * other than 2xx, or none within 5 s, is a failure
 * (https://shopify.dev/docs/apps/build/webhooks/subscribe/https).
 */
export const SHOPIFY_RETRY_SCHEDULE: RetrySchedule = {
  retries: 8,
  delayMs: exponentialBackoff({ retries: 8, overMs: 4 * HOUR }),
  retriesOn: () => true,
  timeoutMs: 5_000,
};

export async function startShopifyFake(options: ShopifyFakeOptions): Promise<ShopifyFake> {
  const apiVersion = options.apiVersion ?? '2025-10';
  const shop = options.shop ?? 'omnihub-sandbox';
  const shopDomain = `${shop}.myshopify.com`;
  const shopId = options.shopId ?? 548380009n;
  const clock = options.now ?? (() => new Date());
  const state = new ShopifyFakeState(clock, options.defaultCountry ?? 'US', options.searchLagMs ?? 0);
  const orders = new ShopifyOrdersState(clock);
  const metafields = new MetafieldsState(clock);
  const echoes = options.ordersUpdatedEchoes ?? 1;
  const webhooks = new WebhookSender(options.webhookUrl, { retrySchedule: SHOPIFY_RETRY_SCHEDULE });

  const saved = options.persistPath ? loadState(options.persistPath) : undefined;
  if (saved) state.restore(saved);
  else if (options.seed) {
    for (const input of SHOPIFY_SEED_CUSTOMERS) unwrap(sandboxCreate(state, SandboxCustomerInputSchema.parse(input)));
  }
  const persistence = options.persistPath ? persistState(state, options.persistPath) : undefined;
  persistence?.flush();
  // Orders and metafields in their own file beside the customers (orders-persist.ts).
  if (options.persistPath) loadOrders(ordersPath(options.persistPath), orders, metafields);
  const ordersPersistence = options.persistPath ? persistOrders(ordersPath(options.persistPath), orders, metafields) : undefined;

  // Changes since the last flush, per customer: the state before the first and after the last.
  const pending = new Map<bigint, CustomerChange>();
  state.onChange(({ before, after }) => {
    const id = (after ?? before)!.id;
    const earlier = pending.get(id);
    pending.set(id, { before: earlier ? earlier.before : before, after });
  });

  /**
   * Signed as Shopify signs them: HMAC-SHA256 of the raw body with the app's secret, base64.
   * Headers as Shopify sends webhooks (the shopify-* names are Events deliveries only).
   * https://shopify.dev/docs/apps/build/webhooks/delivery-structure#headers
   */
  function sendWebhook(topic: ShopifyWebhookTopic | OrderWebhookTopic, body: string, eventId: string): void {
    webhooks.send(body, {
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': createHmac('sha256', options.webhookSecret).update(body, 'utf8').digest('base64'),
      'X-Shopify-Shop-Domain': shopDomain,
      'X-Shopify-API-Version': apiVersion,
      'X-Shopify-Webhook-Id': randomUUID(),
      'X-Shopify-Triggered-At': `${clock().toISOString().slice(0, 23)}000Z`,
      'X-Shopify-Event-Id': eventId,
    });
  }

  /** One merchant action or API request → its webhooks, sharing one X-Shopify-Event-Id. */
  function flush(extra: { topic: ShopifyWebhookTopic | OrderWebhookTopic; body: string }[] = []): void {
    const eventId = randomUUID();
    ordersPersistence?.changed();
    for (const message of extra) sendWebhook(message.topic, message.body, eventId);
    for (const change of pending.values()) {
      for (const message of messagesFor(change, clock())) sendWebhook(message.topic, message.body, eventId);
    }
    pending.clear();
  }

  const apiFaults = new ApiFaultInjector();
  const endpoint = createGraphqlEndpoint({
    faults: apiFaults,
    accessToken: options.accessToken,
    bucket: new CostBucket(options.throttle?.maximumAvailable ?? 2000, options.throttle?.restoreRate ?? 100),
    rootValue: createRootValue(state, createOrdersExtensions({ orders, metafields, customers: state, readAllOrders: options.readAllOrders ?? false })),
    afterExecute: () => flush(),
  });

  /** One order action → its webhooks (and those of any customer change it caused). */
  function orderAction(action: OrderAction, run: () => OrderChange): OrderChange {
    const change = run();
    const customer = change.order.customerId === null ? undefined : state.get(change.order.customerId);
    flush(orderMessages(action, change, customer, echoes));
    return change;
  }

  const location = (id: string | undefined): FakeLocation | undefined => {
    if (id === undefined) return undefined;
    const found = orders.location(parseId(id));
    if (!found) throw new Error(`the fake shop has no location ${id}`);
    return found;
  };

  const orderAdmin: ShopifyFake['orderAdmin'] = {
    placeOrder(input) {
      const customerId = input.customerId == null ? null : parseId(input.customerId);
      const customer = customerId === null ? undefined : state.get(customerId);
      if (customerId !== null && !customer) throw new Error('Customer does not exist');
      const pickupAt = location(input.pickupAt);
      const soldAt = location(input.soldAt);
      const { order } = orderAction('placed', () =>
        orders.placeOrder({
          source: input.source ?? 'web',
          customerId,
          email: input.email === undefined ? (customer?.email ?? null) : input.email,
          phone: input.phone ?? null,
          customerLocale: input.customerLocale === undefined ? SHOP_PRIMARY_LOCALE : input.customerLocale,
          currency: input.currency ?? 'USD',
          lines: input.lines,
          ...(pickupAt ? { pickupAt } : {}),
          ...(soldAt ? { soldAt } : {}),
          ...(input.shipping ? { shipping: input.shipping } : {}),
          paid: input.paid ?? true,
        }),
      );
      return {
        id: order.id.toString(),
        name: order.name,
        lineItemIds: order.lineItems.map((line) => line.id.toString()),
        fulfillmentOrderIds: order.fulfillmentOrders.map((fo) => fo.id.toString()),
      };
    },
    markPaid: (orderId) => void orderAction('paid', () => orders.markPaid(parseId(orderId))),
    markReadyForPickup(orderId) {
      const order = orders.get(parseId(orderId));
      const pickup = order?.fulfillmentOrders.find((fo) => fo.methodType === 'PICK_UP');
      if (!pickup) throw new Error('the order has no pickup fulfillment order');
      orderAction('prepared', () => orders.prepareForPickup(pickup.id));
    },
    fulfill: (orderId) => void orderAction('fulfilled', () => orders.fulfill(parseId(orderId))),
    cancel: (orderId, reason = 'CUSTOMER') => void orderAction('cancelled', () => orders.cancel(parseId(orderId), reason)),
    refund: (orderId, lines, note) =>
      void orderAction('refunded', () => orders.refund(parseId(orderId), lines.map((line) => ({ lineItemId: parseId(line.lineItemId), quantity: line.quantity })), note ?? null)),
    touch: (orderId) => void orderAction('touched', () => orders.touch(parseId(orderId))),
  };

  const asSandboxCustomer = (customer: FakeCustomer): SandboxCustomer => toRestCustomer(customer, (id) => id.toString());

  const admin: ShopifyFake['admin'] = {
    createCustomer(input) {
      const customer = unwrap(sandboxCreate(state, SandboxCustomerInputSchema.parse(input)));
      flush();
      return asSandboxCustomer(customer);
    },
    updateCustomer(id, input) {
      const result = sandboxUpdate(state, parseId(id), SandboxCustomerInputSchema.parse(input));
      flush();
      return asSandboxCustomer(unwrap(result));
    },
    getCustomer(id) {
      const customer = state.get(parseId(id));
      return customer ? asSandboxCustomer(customer) : undefined;
    },
    listCustomers: () => state.list().map(asSandboxCustomer),
    deleteCustomer(id) {
      // "You can't delete a customer who has placed an order": Shopify keeps their order history.
      if (orders.hasOrdersOf(parseId(id))) throw new Error('Shopify fake refused the change: Customer can’t be deleted because they have placed orders');
      unwrap(state.deleteCustomer(parseId(id)));
      metafields.forget(parseId(id));
      flush();
    },
    redactCustomer(id) {
      const customer = unwrap(state.deleteCustomer(parseId(id)));
      metafields.forget(customer.id);
      // The erasure is told by customers/redact alone.
      pending.delete(customer.id);
      flush([{ topic: 'customers/redact', body: redactBody(customer, shopId, shopDomain) }]);
    },
    mergeCustomers(oneId, twoId, mergeOptions) {
      const merged = unwrap(state.mergeCustomers(parseId(oneId), parseId(twoId), mergeOptions?.keep ? parseId(mergeOptions.keep) : undefined));
      // The absorbed customer's orders now belong to the kept one.
      orders.reassignCustomer(merged.deletedId, merged.kept.id);
      metafields.forget(merged.deletedId);
      // The absorbed customer is told by customers/merge, not customers/delete.
      pending.delete(merged.deletedId);
      flush([{ topic: 'customers/merge', body: mergeBody(merged.kept.id, merged.deletedId) }]);
      return { keptId: merged.kept.id.toString(), deletedId: merged.deletedId.toString() };
    },
    setTags(id, tags) {
      return admin.updateCustomer(id, { tags });
    },
    setEmailConsent(id, consentState) {
      return admin.updateCustomer(id, { email_marketing_consent: { state: consentState } });
    },
    setSmsConsent(id, consentState) {
      return admin.updateCustomer(id, { sms_marketing_consent: { state: consentState } });
    },
  };

  function handleSandbox(request: FakeRequest): FakeResponse {
    const ordersRoute = handleOrdersSandbox(request, { orderAdmin, orders, customers: state });
    if (ordersRoute) return ordersRoute;
    if (request.path === '/_sandbox/requests' && request.method === 'GET') {
      // Methods, paths, statuses and GraphQL classifications only: no bodies (they hold personal data).
      return {
        status: 200,
        body: { requests: server.requests.map(({ method, path, status, at }) => ({ method, path, status, at })), graphql: endpoint.calls },
      };
    }
    if (request.path === '/_sandbox/customers/merge' && request.method === 'POST') {
      const ids = request.json as { customer_one_id?: unknown; customer_two_id?: unknown } | undefined;
      const one = typeof ids?.customer_one_id === 'string' ? ids.customer_one_id : undefined;
      const two = typeof ids?.customer_two_id === 'string' ? ids.customer_two_id : undefined;
      if (!one || !two || !/^\d{1,20}$/.test(one) || !/^\d{1,20}$/.test(two)) {
        return { status: 400, body: { errors: 'customer_one_id and customer_two_id (digit strings) are required' } };
      }
      const merge = state.mergeKeeps(BigInt(one), BigInt(two));
      if (merge === undefined) return { status: 422, body: { errors: 'Customers cannot be merged' } };
      return { status: 200, body: admin.mergeCustomers(one, two) };
    }
    const match = /^\/_sandbox\/customers(?:\/(\d{1,20}))?(\/redact)?(?:\.json)?$/.exec(request.path);
    if (!match) return { status: 404, body: { errors: 'Not Found' } };
    const id = match[1] === undefined ? undefined : BigInt(match[1]);
    const customer = id === undefined ? undefined : state.get(id);

    if (match[2]) {
      if (request.method !== 'POST') return { status: 405, body: { errors: 'Method Not Allowed' } };
      if (!customer) return { status: 404, body: { errors: 'Not Found' } };
      admin.redactCustomer(customer.id.toString());
      return { status: 200, body: {} };
    }
    if (request.method === 'GET' && id === undefined) {
      return { status: 200, body: restJson({ customers: state.list().map((each) => toRestCustomer(each, (value) => value)) }) };
    }
    if (request.method === 'GET') {
      return customer ? { status: 200, body: restJson({ customer: toRestCustomer(customer, (value) => value) }) } : { status: 404, body: { errors: 'Not Found' } };
    }
    if (request.method === 'DELETE' && id !== undefined) {
      if (!customer) return { status: 404, body: { errors: 'Not Found' } };
      if (orders.hasOrdersOf(customer.id)) return { status: 422, body: { errors: { base: ['Customer can’t be deleted because they have placed orders'] } } };
      admin.deleteCustomer(customer.id.toString());
      return { status: 200, body: {} };
    }
    if ((request.method === 'POST' && id === undefined) || ((request.method === 'PATCH' || request.method === 'PUT') && id !== undefined)) {
      const input = SandboxRequestBodySchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) } };
      const fields = sandboxFields(input.data);
      const result = id === undefined ? sandboxCreate(state, fields) : sandboxUpdate(state, id, fields);
      flush();
      if (!result.ok) {
        const notFound = result.userErrors.some((error) => error.message === 'Customer does not exist');
        return notFound ? { status: 404, body: { errors: 'Not Found' } } : { status: 422, body: { errors: restErrors(result.userErrors) } };
      }
      return { status: id === undefined ? 201 : 200, body: restJson({ customer: toRestCustomer(result.value, (value) => value) }) };
    }
    return { status: 405, body: { errors: 'Method Not Allowed' } };
  }

  const server = new FakeHttpServer((request) => {
    const graphql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(request.path);
    if (graphql?.[1] && request.method === 'POST') return endpoint.handle(request, graphql[1]);
    if (request.path.startsWith('/_sandbox/')) return handleSandbox(request);
    return { status: 404, body: { errors: 'Not Found' } };
  });
  const baseUrl = await server.listen(options.port ?? 0);

  return {
    baseUrl,
    shop,
    shopDomain,
    apiVersion,
    state,
    requests: server.requests,
    calls: endpoint.calls,
    writes: () => endpoint.calls.filter((call) => call.outcome === 'executed' && call.kind === 'mutation'),
    reads: () => endpoint.calls.filter((call) => call.outcome === 'executed' && call.kind === 'query'),
    webhooks,
    admin,
    orders,
    metafields,
    locations: FAKE_LOCATIONS,
    orderAdmin,
    failNext(count, failure = { status: 429, retryAfter: '0.2' }) {
      endpoint.failNext(count, failure);
    },
    apiFaults,
    setWebhookUrl(url) {
      webhooks.targetUrl = url;
    },
    async close() {
      persistence?.flush();
      ordersPersistence?.flush();
      await webhooks.idle();
      await server.close();
    },
  };
}

/** A merchant creating a customer in the admin. */
function sandboxCreate(state: ShopifyFakeState, fields: SandboxCustomerFields): StateResult<FakeCustomer> {
  return state.createCustomer(toCreateInput(fields));
}

/** A merchant editing a customer in the admin: fields, then default address, then consent. */
function sandboxUpdate(state: ShopifyFakeState, id: bigint, fields: SandboxCustomerFields): StateResult<FakeCustomer> {
  let result = state.updateCustomer(id, toFieldsInput(fields));
  if (!result.ok) return result;
  const address = fields.default_address;
  const defaultAddressId = result.value.defaultAddressId;
  if (address === null && defaultAddressId !== null) {
    result = state.deleteAddress(id, defaultAddressId);
  } else if (address) {
    const written =
      defaultAddressId === null ? state.addAddress(id, toAddressInput(address), true) : state.updateAddress(id, defaultAddressId, toAddressInput(address), true);
    result = written.ok ? { ok: true, value: written.value.customer } : written;
  }
  if (result.ok && fields.email_marketing_consent) result = state.setEmailMarketing(id, toConsent(fields.email_marketing_consent));
  if (result.ok && fields.sms_marketing_consent) result = state.setSmsMarketing(id, toConsent(fields.sms_marketing_consent));
  return result;
}

function unwrap<T>(result: StateResult<T>): T {
  if (result.ok) return result.value;
  throw new Error(`Shopify fake refused the change: ${result.userErrors.map((error) => error.message).join('; ')}`);
}

function parseId(id: string): bigint {
  if (!/^\d{1,20}$/.test(id)) throw new Error(`not a Shopify customer id: ${id}`);
  return BigInt(id);
}

/** REST error body: { "errors": { "email": ["has already been taken"] } }. */
function restErrors(userErrors: FakeUserError[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const error of userErrors) {
    const field = error.field?.[error.field.length - 1] ?? 'base';
    const message = error.message.toLowerCase().startsWith(field.toLowerCase()) ? error.message.slice(field.length).trim() : error.message;
    (errors[field] ??= []).push(message);
  }
  return errors;
}

/** REST JSON with ids as bare integers, every digit kept. */
function restJson(value: unknown): string {
  return stringify(value) ?? 'null';
}
