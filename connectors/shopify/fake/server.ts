import { createHmac, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kind, execute, parse, validate, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { stringify } from 'lossless-json';
import { z } from 'zod';
import type { CountryCode } from '../../../core/model/normalize';
import { FakeHttpServer, WebhookSender, type FakeRequest, type FakeResponse, type RecordedRequest } from '../../testing/fake-http';
import { createRootValue, fieldNames, requestedQueryCost, shopifyAdminSchema, type ExecutionContext, type WebhookTopic } from './graphql';
import { toRestCustomer, toRestCustomerJson, type SandboxCustomer } from './rest';
import { SandboxRequestBodySchema, sandboxFields, toAddressInput, toConsent, toCreateInput, toFieldsInput, type SandboxCustomerFields, type SandboxCustomerInput, SandboxCustomerInputSchema } from './sandbox';
import { SHOPIFY_SEED_CUSTOMERS } from './seed';
import { ShopifyFakeState, type FakeCustomer, type FakeUserError, type StateResult } from './state';

/**
 * A local Shopify: the GraphQL Admin API subset the connector uses (token check, real error
 * bodies, calculated-cost throttling, HTTP 429 on demand, pagination, unique email/phone),
 * signed customers/* webhooks after every change, and a sandbox admin API that plays the
 * merchant editing customers in the Shopify admin.
 */

export interface ShopifyFakeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The Admin API access token requests must carry in X-Shopify-Access-Token. */
  accessToken: string;
  /** The app's API secret key: webhooks are signed with it. */
  webhookSecret: string;
  /** Where customers/create and customers/update webhooks go; none are sent without it. */
  webhookUrl?: string;
  /** Sent as X-Shopify-API-Version on webhooks. Default "2025-10". */
  apiVersion?: string;
  /** The shop subdomain (X-Shopify-Shop-Domain is `<shop>.myshopify.com`). Default "omnihub-sandbox". */
  shop?: string;
  /** The calculated-cost bucket. Default { maximumAvailable: 2000, restoreRate: 100 } (Standard plan). */
  throttle?: { maximumAvailable: number; restoreRate: number };
  /** Clock for createdAt/updatedAt (truncated to the second). The cost bucket always refills in real time. */
  now?: () => Date;
  /** Start with the sandbox customers of seed.ts (no webhooks are sent for them). */
  seed?: boolean;
  /** How the shop reads phone numbers without a country code. Default "US". */
  defaultCountry?: CountryCode;
}

/** What one forced failure answers (see failNext). */
export interface ForcedFailure {
  status: number;
  /** Retry-After header value in seconds, e.g. "0.2". */
  retryAfter?: string;
  body?: unknown;
}

/** One request to the GraphQL endpoint, classified: what tests count. */
export interface ShopifyApiCall {
  kind: 'query' | 'mutation' | 'unknown';
  /** Root fields of the operation, e.g. ["customerCreate"]. */
  fields: string[];
  outcome: 'executed' | 'throttled' | 'unauthorized' | 'forced_failure' | 'invalid';
  status: number;
  at: number;
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
  /** The merchant in the Shopify admin: edits that fire webhooks. Ids are digit strings. */
  admin: {
    createCustomer(input: SandboxCustomerInput): SandboxCustomer;
    updateCustomer(id: string, input: SandboxCustomerInput): SandboxCustomer;
    getCustomer(id: string): SandboxCustomer | undefined;
    listCustomers(): SandboxCustomer[];
  };
  /** The next `count` GraphQL requests fail with `failure` (default HTTP 429, Retry-After "0.2"). */
  failNext(count: number, failure?: ForcedFailure): void;
  setWebhookUrl(url: string | undefined): void;
  close(): Promise<void>;
}

const GraphqlRequestSchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

// Shopify's own bodies for these answers.
const UNAUTHORIZED_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const RATE_LIMITED_BODY = { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' };
const RATE_LIMIT_DOCS = 'https://shopify.dev/api/usage/rate-limits';

export async function startShopifyFake(options: ShopifyFakeOptions): Promise<ShopifyFake> {
  const apiVersion = options.apiVersion ?? '2025-10';
  const shop = options.shop ?? 'omnihub-sandbox';
  const shopDomain = `${shop}.myshopify.com`;
  const clock = options.now ?? (() => new Date());
  const state = new ShopifyFakeState(clock, options.defaultCountry ?? 'US');
  const bucket = new CostBucket(options.throttle?.maximumAvailable ?? 2000, options.throttle?.restoreRate ?? 100);
  const rootValue = createRootValue(state);
  const webhooks = new WebhookSender(options.webhookUrl);
  const calls: ShopifyApiCall[] = [];
  const failures: ForcedFailure[] = [];

  if (options.seed) {
    for (const input of SHOPIFY_SEED_CUSTOMERS) unwrap(sandboxCreate(state, SandboxCustomerInputSchema.parse(input)));
  }

  /**
   * customers/create and customers/update, signed as Shopify signs them: HMAC-SHA256 of the
   * raw body with the app's secret, base64. https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
   */
  function sendWebhook(topic: WebhookTopic, customer: FakeCustomer): void {
    const body = toRestCustomerJson(customer);
    webhooks.send(body, {
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': createHmac('sha256', options.webhookSecret).update(body, 'utf8').digest('base64'),
      'X-Shopify-Shop-Domain': shopDomain,
      'X-Shopify-API-Version': apiVersion,
      'X-Shopify-Webhook-Id': randomUUID(),
      'X-Shopify-Event-Id': randomUUID(),
      'X-Shopify-Triggered-At': `${clock().toISOString().slice(0, 23)}000Z`,
    });
  }

  function record(call: Omit<ShopifyApiCall, 'at'>): void {
    calls.push({ ...call, at: Date.now() });
  }

  async function handleGraphql(request: FakeRequest, version: string): Promise<FakeResponse> {
    const headers = { 'x-shopify-api-version': version, 'x-request-id': randomUUID() };
    if (request.headers['x-shopify-access-token'] !== options.accessToken) {
      record({ kind: 'unknown', fields: [], outcome: 'unauthorized', status: 401 });
      return { status: 401, headers, body: UNAUTHORIZED_BODY };
    }
    const body = GraphqlRequestSchema.safeParse(request.json);
    if (!body.success) {
      record({ kind: 'unknown', fields: [], outcome: 'invalid', status: 400 });
      return { status: 400, headers, body: { errors: { query: 'Required parameter missing or invalid' } } };
    }
    const variables = body.data.variables ?? {};

    let document: DocumentNode;
    try {
      document = parse(body.data.query);
    } catch (error) {
      record({ kind: 'unknown', fields: [], outcome: 'invalid', status: 200 });
      return { status: 200, headers, body: { errors: [{ message: error instanceof Error ? error.message : String(error) }] } };
    }
    const operation = pickOperation(document, body.data.operationName);
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const kind = operation?.operation === 'mutation' ? 'mutation' : operation?.operation === 'query' ? 'query' : 'unknown';
    const fields = operation ? fieldNames(operation.selectionSet, fragments) : [];

    const failure = failures.shift();
    if (failure) {
      record({ kind, fields, outcome: 'forced_failure', status: failure.status });
      return {
        status: failure.status,
        headers: { ...headers, ...(failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {}) },
        body: failure.body ?? (failure.status === 429 ? RATE_LIMITED_BODY : { errors: 'Internal Server Error' }),
      };
    }

    const validationErrors = validate(shopifyAdminSchema, document);
    if (validationErrors.length > 0 || !operation) {
      record({ kind, fields, outcome: 'invalid', status: 200 });
      const errors = validationErrors.length > 0 ? validationErrors.map((error) => error.toJSON()) : [{ message: 'No operation named in the document' }];
      return { status: 200, headers, body: { errors } };
    }

    // Calculated query cost, charged to a leaky bucket; over the limit is HTTP 200 + THROTTLED.
    // https://shopify.dev/docs/api/usage/limits#rate-limiting-methods
    const requested = requestedQueryCost(document, operation, variables);
    if (requested > bucket.maximumAvailable) {
      record({ kind, fields, outcome: 'invalid', status: 200 });
      return {
        status: 200,
        headers,
        body: {
          errors: [
            {
              message: `Query cost is ${requested}, which exceeds the single query max cost limit (${bucket.maximumAvailable}).`,
              extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: bucket.maximumAvailable, documentation: RATE_LIMIT_DOCS },
            },
          ],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
        },
      };
    }
    if (!bucket.take(requested)) {
      record({ kind, fields, outcome: 'throttled', status: 200 });
      return {
        status: 200,
        headers,
        body: {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMIT_DOCS } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
        },
      };
    }

    const context: ExecutionContext = { touched: new Map() };
    const result = await execute({
      schema: shopifyAdminSchema,
      document,
      rootValue,
      contextValue: context,
      variableValues: variables,
      operationName: body.data.operationName ?? undefined,
    });
    // One webhook per changed customer, with its state after the whole request.
    for (const [id, topic] of context.touched) {
      const customer = state.get(id);
      if (customer) sendWebhook(topic, customer);
    }
    record({ kind, fields, outcome: 'executed', status: 200 });
    return {
      status: 200,
      headers,
      body: {
        ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
        ...(result.data !== undefined ? { data: result.data } : {}),
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: bucket.status() } },
      },
    };
  }

  function handleSandbox(request: FakeRequest): FakeResponse {
    const match = /^\/_sandbox\/customers(?:\/(\d{1,20}))?(?:\.json)?$/.exec(request.path);
    if (!match) return { status: 404, body: { errors: 'Not Found' } };
    const id = match[1] === undefined ? undefined : BigInt(match[1]);

    if (request.method === 'GET' && id === undefined) {
      return { status: 200, body: restJson({ customers: state.list().map((customer) => toRestCustomer(customer, (value) => value)) }) };
    }
    if (request.method === 'GET' && id !== undefined) {
      const customer = state.get(id);
      return customer ? { status: 200, body: restJson({ customer: toRestCustomer(customer, (value) => value) }) } : { status: 404, body: { errors: 'Not Found' } };
    }
    if ((request.method === 'POST' && id === undefined) || ((request.method === 'PATCH' || request.method === 'PUT') && id !== undefined)) {
      const input = SandboxRequestBodySchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) } };
      const fields = sandboxFields(input.data);
      const result = id === undefined ? sandboxCreate(state, fields) : sandboxUpdate(state, id, fields);
      if (!result.ok) {
        const notFound = result.userErrors.some((error) => error.message === 'Customer does not exist');
        return notFound ? { status: 404, body: { errors: 'Not Found' } } : { status: 422, body: { errors: restErrors(result.userErrors) } };
      }
      sendWebhook(id === undefined ? 'customers/create' : 'customers/update', result.value);
      return { status: id === undefined ? 201 : 200, body: restJson({ customer: toRestCustomer(result.value, (value) => value) }) };
    }
    return { status: 405, body: { errors: 'Method Not Allowed' } };
  }

  const server = new FakeHttpServer((request) => {
    const graphql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(request.path);
    if (graphql?.[1] && request.method === 'POST') return handleGraphql(request, graphql[1]);
    if (request.path.startsWith('/_sandbox/')) return handleSandbox(request);
    return { status: 404, body: { errors: 'Not Found' } };
  });
  const baseUrl = await server.listen(options.port ?? 0);

  const asSandboxCustomer = (customer: FakeCustomer): SandboxCustomer => toRestCustomer(customer, (id) => id.toString());

  return {
    baseUrl,
    shop,
    shopDomain,
    apiVersion,
    state,
    requests: server.requests,
    calls,
    writes: () => calls.filter((call) => call.outcome === 'executed' && call.kind === 'mutation'),
    reads: () => calls.filter((call) => call.outcome === 'executed' && call.kind === 'query'),
    webhooks,
    admin: {
      createCustomer(input) {
        const customer = unwrap(sandboxCreate(state, SandboxCustomerInputSchema.parse(input)));
        sendWebhook('customers/create', customer);
        return asSandboxCustomer(customer);
      },
      updateCustomer(id, input) {
        const customer = unwrap(sandboxUpdate(state, parseId(id), SandboxCustomerInputSchema.parse(input)));
        sendWebhook('customers/update', customer);
        return asSandboxCustomer(customer);
      },
      getCustomer(id) {
        const customer = state.get(parseId(id));
        return customer ? asSandboxCustomer(customer) : undefined;
      },
      listCustomers: () => state.list().map(asSandboxCustomer),
    },
    failNext(count, failure = { status: 429, retryAfter: '0.2' }) {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    },
    setWebhookUrl(url) {
      webhooks.targetUrl = url;
    },
    async close() {
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

function unwrap(result: StateResult<FakeCustomer>): FakeCustomer {
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

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** Shopify's leaky bucket of query-cost points, refilled in real time. */
class CostBucket {
  private available: number;
  private last = performance.now();

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
  ) {
    this.available = maximumAvailable;
  }

  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  status(): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } {
    this.refill();
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }

  private refill(): void {
    const now = performance.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((now - this.last) / 1000) * this.restoreRate);
    this.last = now;
  }
}
