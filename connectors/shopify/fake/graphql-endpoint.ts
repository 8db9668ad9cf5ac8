import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kind, execute, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';
import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import type { ApiFaultInjector } from '../../testing/api-faults';
import { MAX_SINGLE_QUERY_COST, actualCost, requestedCost } from './cost';
import { documentErrors, variableErrors } from './errors';
import { fieldNames, shopifyAdminSchema } from './graphql';

/**
 * POST /admin/api/<version>/graphql.json as Shopify answers it: token check, Shopify's error
 * bodies, the calculated query cost charged to a leaky bucket (refund of requested − actual),
 * the single-query cap refused before running, and `extensions.cost` on every executed answer.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */

/** What one forced failure answers (see ShopifyFake.failNext). */
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
  /** Calculated cost (requested / actual), when the query got that far. */
  requestedQueryCost?: number;
  actualQueryCost?: number;
  at: number;
}

const GraphqlRequestSchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

// Shopify's own bodies for these answers.
const UNAUTHORIZED_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const RATE_LIMITED_BODY = { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' };
const RATE_LIMIT_DOCS = 'https://shopify.dev/api/usage/limits#rate-limits';

function maxCostMessage(cost: number, max: number): string {
  return (
    `Query cost is ${cost}, which exceeds the single query max cost limit (${max}).\n\n` +
    'See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\n' +
    'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
    'See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n'
  );
}

export interface GraphqlEndpoint {
  handle(request: FakeRequest, version: string): Promise<FakeResponse>;
  calls: ShopifyApiCall[];
  failNext(count: number, failure: ForcedFailure): void;
}

export function createGraphqlEndpoint(options: {
  accessToken: string;
  bucket: CostBucket;
  rootValue: Record<string, unknown>;
  /** After a request ran: send the webhooks its changes caused. */
  afterExecute: () => void;
  /** A seeded share of requests throttled or failed (chaos runs, tests). */
  faults: ApiFaultInjector;
}): GraphqlEndpoint {
  const calls: ShopifyApiCall[] = [];
  const failures: ForcedFailure[] = [];
  const { bucket } = options;
  const record = (call: Omit<ShopifyApiCall, 'at'>) => void calls.push({ ...call, at: Date.now() });

  async function handle(request: FakeRequest, version: string): Promise<FakeResponse> {
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

    const fault = options.faults.decide();
    if (fault === 'server_error') {
      record({ kind, fields, outcome: 'forced_failure', status: 503 });
      return { status: 503, headers, body: { errors: 'Service Unavailable' } };
    }

    if (!operation) {
      record({ kind, fields, outcome: 'invalid', status: 200 });
      return { status: 200, headers, body: { errors: [{ message: 'An operation name is required' }] } };
    }
    const invalid = documentErrors(shopifyAdminSchema, document, operation);
    const badVariables = invalid.length === 0 ? variableErrors(shopifyAdminSchema, operation, variables) : [];
    if (invalid.length > 0 || badVariables.length > 0) {
      record({ kind, fields, outcome: 'invalid', status: 200 });
      return { status: 200, headers, body: { errors: [...invalid, ...badVariables] } };
    }

    const costContext = { schema: shopifyAdminSchema, fragments, variables };
    const requested = requestedCost(costContext, operation);
    // The single-query cap is checked before anything runs (and no bucket can hold more).
    const maxCost = Math.min(MAX_SINGLE_QUERY_COST, bucket.maximumAvailable);
    if (requested > maxCost) {
      record({ kind, fields, outcome: 'invalid', status: 200, requestedQueryCost: requested });
      return {
        status: 200,
        headers,
        body: {
          errors: [{ message: maxCostMessage(requested, maxCost), extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost, documentation: RATE_LIMIT_DOCS } }],
        },
      };
    }
    // Shopify answers THROTTLED over HTTP 200, never 429, on GraphQL, with this query's calculated cost.
    const throttled = (throttleStatus: ReturnType<typeof bucket.status>) => {
      record({ kind, fields, outcome: 'throttled', status: 200, requestedQueryCost: requested });
      return {
        status: 200,
        headers,
        body: {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMIT_DOCS } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus } },
        },
      };
    };
    // As when another app drained the shop's bucket: an empty bucket.
    if (fault === 'rate_limited') return throttled({ ...bucket.status(), currentlyAvailable: 0 });
    if (!bucket.take(requested)) return throttled(bucket.status());

    const result = await execute({ schema: shopifyAdminSchema, document, rootValue: options.rootValue, variableValues: variables, operationName: body.data.operationName ?? undefined });
    const actual = Math.min(requested, actualCost(costContext, operation, result.data));
    bucket.refund(requested - actual);
    options.afterExecute();
    record({ kind, fields, outcome: 'executed', status: 200, requestedQueryCost: requested, actualQueryCost: actual });
    return {
      status: 200,
      headers,
      body: {
        ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
        ...(result.data !== undefined ? { data: result.data } : {}),
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() } },
      },
    };
  }

  return {
    handle,
    calls,
    failNext(count, failure) {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    },
  };
}

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** Shopify's leaky bucket of query-cost points, refilled in real time. */
export class CostBucket {
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

  /** After execution: give back what the query did not use (requested − actual). */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
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
