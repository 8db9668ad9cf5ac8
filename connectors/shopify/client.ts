import Shopify from 'shopify-api-node';
import { compact } from '../../core/model/compact';
import * as z from '../../core/schema';
import { ConnectorError } from '../../core/errors';
import { FIELD_NAMES, PartialFieldValuesSchema, type Address, type FieldName, type PartialFieldValues } from '../../core/model/customer';
import { sameValue } from '../../core/model/same-value';
import type { Observation } from '../../core/model/observation';
import type { ClientOptions, CustomerTarget, WriteOutcome } from '../connector';
import { fieldsChangedSince, RecordChangedSinceRead, type UpdateOptions } from '../../core/sync/customer-target';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { customerGid, customerIdFromGid, fromShopifyCustomerNode, mapGraphqlAddress, nodeToObservation, toShopifyCustomerInput, type ShopifyWrite } from './mapping';
import {
  ShopifyAddressPayloadSchema,
  ShopifyCustomerNodeSchema,
  ShopifyCustomerPayloadSchema,
  ShopifyNumericIdSchema,
  type ShopifyCustomerNode,
  type ShopifyMailingAddressNode,
  type ShopifyUserError,
} from './schemas';

/**
 * The Shopify side of sync, over the real shopify-api-node SDK and the GraphQL Admin API
 * (REST is legacy since 2024-10). Rate limits are the SDK's job: with `maxRetries` it waits
 * out HTTP 200 THROTTLED answers ((requestedQueryCost - currentlyAvailable) / restoreRate
 * seconds), HTTP 429 (Retry-After seconds, 2 s when absent), 5xx and network errors (1 s).
 * https://github.com/MONEI/Shopify-api-node#shopify-limits
 */

/** Retries of one request for 429 / 5xx / network errors (THROTTLED is waited out regardless). */
const MAX_RETRIES = 4;
const TIMEOUT_MS = 20_000;

type SdkHooks = NonNullable<Shopify.IPublicShopifyConfig['hooks']>;
type BeforeRequestHook = NonNullable<SdkHooks['beforeRequest']>[number];
type BeforeRetryHook = NonNullable<SdkHooks['beforeRetry']>[number];

// https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Customer
export const CUSTOMER_FIELDS = /* GraphQL */ `
  fragment CustomerFields on Customer {
    id
    updatedAt
    firstName
    lastName
    defaultEmailAddress { emailAddress marketingState }
    defaultPhoneNumber { phoneNumber marketingState }
    defaultAddress { id address1 address2 city provinceCode zip countryCodeV2 }
    tags
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerCreate
const CUSTOMER_CREATE = /* GraphQL */ `
  mutation OmnihubCustomerCreate($input: CustomerInput!) {
    customerCreate(input: $input) {
      customer { ...CustomerFields }
      userErrors { field message }
    }
  }
  ${CUSTOMER_FIELDS}
`;

// https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customers (search syntax: email:, phone:)
const FIND_CUSTOMER = /* GraphQL */ `
  query OmnihubFindCustomer($query: String!) {
    customers(first: 1, query: $query) { nodes { ...CustomerFields } }
  }
  ${CUSTOMER_FIELDS}
`;

// https://shopify.dev/docs/api/admin-graphql/2025-10/queries/nodes
const READ_CUSTOMERS = /* GraphQL */ `
  query OmnihubReadCustomers($ids: [ID!]!) {
    nodes(ids: $ids) { ... on Customer { ...CustomerFields } }
  }
  ${CUSTOMER_FIELDS}
`;

/**
 * Calculated cost of one customer in CustomerFields: the Customer object and its three object
 * fields (defaultEmailAddress, defaultPhoneNumber, defaultAddress), scalars free.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation
 */
export const CUSTOMER_FIELDS_COST = 4;
/** A single query may cost at most 1,000 points; an input array holds at most 250 ids. */
export const MAX_QUERY_COST = 1000;
const READ_BATCH = Math.min(250, Math.floor(MAX_QUERY_COST / CUSTOMER_FIELDS_COST));

// https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customer
const READ_CUSTOMER = /* GraphQL */ `
  query OmnihubReadCustomer($id: ID!) {
    customer(id: $id) { ...CustomerFields }
  }
  ${CUSTOMER_FIELDS}
`;

const CreateResponseSchema = z.object({ customerCreate: z.nullable(ShopifyCustomerPayloadSchema) });
const FindResponseSchema = z.object({ customers: z.object({ nodes: z.array(ShopifyCustomerNodeSchema) }) });
const ReadResponseSchema = z.object({ customer: z.nullable(ShopifyCustomerNodeSchema) });
// Unknown (deleted) ids answer null: left out.
const ReadManyResponseSchema = z.object({ nodes: z.array(z.nullable(ShopifyCustomerNodeSchema)) });
const UpdateResponseSchema = z.object({
  address: z.nullish(ShopifyAddressPayloadSchema),
  update: z.nullish(ShopifyCustomerPayloadSchema),
  emailConsent: z.nullish(ShopifyCustomerPayloadSchema),
  smsConsent: z.nullish(ShopifyCustomerPayloadSchema),
});

/** What the SDK (got) rejects with; read through zod, never cast. */
const SdkErrorSchema = z.object({
  message: z.optional(z.string()),
  code: z.optional(z.string()),
  response: z.optional(z.object({ statusCode: z.number() })),
  extensions: z.nullish(z.object({ code: z.optional(z.string()) })),
});

/**
 * The SDK set up for one shop (retries, timeout, redirect to a fake), and a GraphQL call that
 * validates the answer's shape. Shared by the client (sync) and the reader (backfill).
 */
export function shopifyApi(
  options: ClientOptions<ShopifyConfig, ShopifySecret>,
  hooks: {
    onRetry?: () => void;
    /** Runs after the wait, just before a request is sent again; a rejection stops the retry (the request fails). */
    beforeRetry?: () => Promise<void>;
  } = {},
) {
  const { config, secret, baseUrl, log } = options;
  const logRetry: BeforeRetryHook = async (_options, error, retryCount) => {
    const failure = SdkErrorSchema.safeParse(error);
    const status = failure.success ? (failure.data.response?.statusCode ?? failure.data.code ?? 'unknown') : 'unknown';
    hooks.onRetry?.();
    log.warn('Shopify asked us to wait; retrying', { status, retryCount });
    await hooks.beforeRetry?.();
  };
  const sdk = new Shopify({
    shopName: config.shop,
    accessToken: secret.accessToken,
    apiVersion: config.apiVersion,
    // maxRetries (not autoLimit: the two are exclusive) makes the SDK honour THROTTLED and Retry-After.
    maxRetries: MAX_RETRIES,
    timeout: TIMEOUT_MS,
    hooks: { beforeRetry: [logRetry], ...(baseUrl ? { beforeRequest: [redirectTo(baseUrl)] } : {}) },
  });

  async function graphql<T>(operation: string, query: string, variables: Record<string, unknown>, schema: z.AnySchema<T>): Promise<T> {
    let data: unknown;
    try {
      data = await sdk.graphql(query, variables);
    } catch (error) {
      throw toConnectorError(error, operation, config);
    }
    const parsed = z.safeParse(schema, data);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
      throw new ConnectorError('shopify', 200, `Shopify answered ${operation} with an unexpected shape (${paths}); check apiVersion ${config.apiVersion}`, {
        retryable: false,
        metadata: { operation },
      });
    }
    return parsed.data;
  }
  return { sdk, graphql };
}

export function createShopifyClient(options: ClientOptions<ShopifyConfig, ShopifySecret>): CustomerTarget {
  const { mapping, log } = options;
  const { graphql } = shopifyApi(options);

  /** `wrote`: values a mutation answered it wrote, over what the customer node shows (a read made after). */
  function outcome(node: ShopifyCustomerNode, written: PartialFieldValues, wrote: PartialFieldValues = {}): WriteOutcome {
    const now = { ...fromShopifyCustomerNode(node, mapping), ...wrote };
    const holds = PartialFieldValuesSchema.parse(
      Object.fromEntries(FIELD_NAMES.filter((name) => written[name] !== undefined && now[name] !== undefined).map((name) => [name, now[name]])),
    );
    return { externalId: customerIdFromGid(node.id), at: node.updatedAt, holds };
  }

  /** The customer holding `email` (or `phone`), through Shopify's customer search. */
  async function findBy(key: 'email' | 'phone', value: string): Promise<ShopifyCustomerNode | undefined> {
    const query = `${key}:"${value.replace(/["\\]/g, '\\$&')}"`;
    const found = await graphql('customers', FIND_CUSTOMER, { query }, FindResponseSchema);
    return found.customers.nodes[0];
  }

  /**
   * Sends an update's mutation. A write the SDK sends again after a refusal (a 5xx, a 429, THROTTLED)
   * waited for that long, so just before each retry the record is read again, as before an address
   * write: an edit made meanwhile is not written over (docs/identity.md §2). A field that holds what
   * we are writing was written by the refused attempt itself.
   */
  async function mutate(externalId: string, plan: { document: string; variables: Record<string, unknown> }, values: PartialFieldValues, read: Observation | undefined) {
    if (!read) return graphql('customerUpdate', plan.document, plan.variables, UpdateResponseSchema);
    let edited: Observation | undefined;
    const guarded = shopifyApi(options, {
      beforeRetry: async () => {
        const current = await graphql('customer', READ_CUSTOMER, { id: customerGid(externalId) }, ReadResponseSchema);
        if (!current.customer) return; // deleted meanwhile: the retry says so
        const now = nodeToObservation(current.customer, mapping);
        const changed = fieldsChangedSince(read, now, values).filter((name) => !sameValue(now.values[name] ?? null, values[name] ?? null));
        if (changed.length === 0) return;
        log.info('Shopify customer changed while our write waited to be sent again; not writing', { externalId, fields: changed.join(',') });
        edited = now;
        throw new Error('the Shopify customer changed while our write waited to be sent again');
      },
    });
    try {
      return await guarded.graphql('customerUpdate', plan.document, plan.variables, UpdateResponseSchema);
    } catch (error) {
      if (edited) throw new RecordChangedSinceRead('shopify', edited);
      throw error;
    }
  }

  async function update(externalId: string, values: PartialFieldValues, options: UpdateOptions = {}): Promise<WriteOutcome> {
    if (!ShopifyNumericIdSchema.safeParse(externalId).success) {
      throw new ConnectorError('shopify', undefined, 'not a Shopify customer id (expected its numeric id)', { retryable: false });
    }
    const id = customerGid(externalId);
    const write = toShopifyCustomerInput(values);

    // customerAddressUpdate/Delete need the default address id; only then do we read first.
    let defaultAddressId: string | null = null;
    if (write.address !== undefined) {
      const current = await graphql('customer', READ_CUSTOMER, { id }, ReadResponseSchema);
      if (!current.customer) throw missingCustomer(externalId);
      // This read is newer than sync's: an edit it shows in a field we would write is not ours to overwrite (§2).
      if (options.read) {
        const now = nodeToObservation(current.customer, mapping);
        const changed = fieldsChangedSince(options.read, now, values);
        if (changed.length > 0) {
          log.info('Shopify customer changed since sync read it; not writing', { externalId, fields: changed.join(',') });
          throw new RecordChangedSinceRead('shopify', now);
        }
      }
      defaultAddressId = current.customer.defaultAddress?.id ?? null;
    }

    // Consent Shopify cannot be told: "not subscribed" (no consent input sets it) is withheld, so
    // sync does not send it again until the golden value changes (docs/identity.md §3).
    const withheld: PartialFieldValues = {};
    for (const name of ['emailConsent', 'smsConsent'] as const) {
      if (values[name] !== undefined && write[name] === undefined) Object.assign(withheld, { [name]: values[name] });
    }
    const plan = planUpdate(id, write, defaultAddressId);
    let latest: ShopifyCustomerNode | null | undefined;
    /** What the address mutation answered it wrote (null: deleted). */
    let writtenAddress: ShopifyMailingAddressNode | null | undefined;
    if (plan) {
      const result = await mutate(externalId, plan, values, options.read);
      if (result.address) writtenAddress = result.address.address ?? null;
      // Mutations run in document order; report the first refusal.
      for (const [operation, payload] of [
        ['customerAddress', result.address],
        ['customerUpdate', result.update],
        ['customerEmailMarketingConsentUpdate', result.emailConsent],
        ['customerSmsMarketingConsentUpdate', result.smsConsent],
      ] as const) {
        if (payload && payload.userErrors.length > 0) {
          // A family phone another Shopify customer holds (Shopify keeps phones unique): the rest
          // is written without it, and sync withholds it (docs/identity.md §3), as for a create.
          if (operation === 'customerUpdate' && takenKey(payload.userErrors) === 'phone' && values.phone) {
            const { phone, ...rest } = values;
            log.info('Shopify has this phone on another customer; updating without it', { externalId });
            const retried = await update(externalId, rest);
            return { ...retried, withheld: { ...retried.withheld, phone } };
          }
          // SMS consent lives on the phone: a customer without one cannot hold any (withheld, as above).
          if (operation === 'customerSmsMarketingConsentUpdate' && payload.userErrors.every((error) => error.code === 'MISSING_ARGUMENT')) {
            withheld.smsConsent = values.smsConsent;
            continue;
          }
          throw refused(operation, payload.userErrors, externalId);
        }
      }
      latest = result.smsConsent?.customer ?? result.emailConsent?.customer ?? result.update?.customer;
    }
    let wroteAddress: { address: Address | null } | undefined;
    let changedSince: FieldName[] | undefined;
    if (!latest) {
      // Nothing returned the customer after the last change (address only, or no change): read it
      // for its clock. What the address mutation wrote is what our write left: a person's edit
      // right after it may already show in this read, and is not ours (docs/identity.md §2).
      const read = await graphql('customer', READ_CUSTOMER, { id }, ReadResponseSchema);
      latest = read.customer;
      if (writtenAddress !== undefined) {
        wroteAddress = { address: writtenAddress ? mapGraphqlAddress(writtenAddress) : null };
        const now = latest?.defaultAddress ? mapGraphqlAddress(latest.defaultAddress) : null;
        if (!sameValue(now, wroteAddress.address)) {
          log.info('Shopify customer changed right after our write', { externalId, fields: 'address' });
          changedSince = ['address'];
        }
      }
    }
    if (!latest) throw missingCustomer(externalId);
    log.info('Shopify customer updated', { externalId });
    return { ...outcome(latest, values, wroteAddress), ...(Object.keys(withheld).length > 0 ? { withheld } : {}), ...(changedSince ? { changedSince } : {}) };
  }

  return {
    async create(values) {
      const write = toShopifyCustomerInput(values);
      const input = compact({
        ...write.input,
        addresses: write.address ? [write.address] : undefined,
        emailMarketingConsent: write.emailConsent,
        smsMarketingConsent: write.smsConsent,
      });
      const result = await graphql('customerCreate', CUSTOMER_CREATE, { input }, CreateResponseSchema);
      const payload = result.customerCreate;
      if (payload?.customer && payload.userErrors.length === 0) {
        log.info('Shopify customer created', { externalId: customerIdFromGid(payload.customer.id) });
        return { kind: 'created', ...outcome(payload.customer, values) };
      }
      const errors = payload?.userErrors ?? [];
      // Email and phone are unique per shop: the person is already there. Update that record
      // instead of creating a duplicate. https://shopify.dev/docs/api/admin-graphql/2025-10/input-objects/CustomerInput
      const taken = takenKey(errors);
      const value = taken ? write.input[taken] : undefined;
      if (!taken || !value) throw refused('customerCreate', errors);
      const existing = await findBy(taken, value);
      if (!existing) {
        // Shopify's search index lags behind writes: the holder will be found on a later attempt.
        throw new ConnectorError('shopify', 200, `Shopify says the ${taken} is taken but search does not find its customer yet; will retry`, {
          retryable: true,
          metadata: { operation: 'customers', field: taken },
        });
      }
      // Nothing is written: sync checks whose record it is and observes it first.
      const externalId = customerIdFromGid(existing.id);
      log.info('Shopify already has a customer with this key', { externalId, matchedOn: taken });
      return { kind: 'exists', externalId, matchedOn: taken };
    },
    update,
    async read(externalIds) {
      const ids = [...new Set(externalIds)].filter((externalId) => ShopifyNumericIdSchema.safeParse(externalId).success);
      const observations: Observation[] = [];
      for (let start = 0; start < ids.length; start += READ_BATCH) {
        const batch = ids.slice(start, start + READ_BATCH).map(customerGid);
        const read = await graphql('nodes', READ_CUSTOMERS, { ids: batch }, ReadManyResponseSchema);
        for (const node of read.nodes) {
          if (node) observations.push(nodeToObservation(node, mapping));
        }
      }
      return observations;
    },
  };
}

/**
 * One mutation document for everything an update writes, executed in order: address first,
 * then customerUpdate, then the consent mutations, which customerUpdate cannot do ("To set
 * marketing consent, use the customerEmailMarketingConsentUpdate or
 * customerSmsMarketingConsentUpdate mutations instead").
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerUpdate
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerAddressUpdate
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerSmsMarketingConsentUpdate
 */
function planUpdate(id: string, write: ShopifyWrite, defaultAddressId: string | null): { document: string; variables: Record<string, unknown> } | undefined {
  const declarations: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  const declare = (name: string, type: string, value: unknown) => {
    declarations.push(`$${name}: ${type}`);
    variables[name] = value;
  };
  const customerPayload = 'customer { ...CustomerFields } userErrors { field message }';
  // The address as this mutation wrote it: what our write left, whatever a later read shows (docs/identity.md §2).
  const addressPayload = 'address { id address1 address2 city provinceCode zip countryCodeV2 } userErrors { field message }';

  if (write.address && defaultAddressId) {
    declare('addressId', 'ID!', defaultAddressId);
    declare('address', 'MailingAddressInput!', write.address);
    fields.push(`address: customerAddressUpdate(customerId: $id, addressId: $addressId, address: $address, setAsDefault: true) { ${addressPayload} }`);
  } else if (write.address) {
    declare('address', 'MailingAddressInput!', write.address);
    fields.push(`address: customerAddressCreate(customerId: $id, address: $address, setAsDefault: true) { ${addressPayload} }`);
  } else if (write.address === null && defaultAddressId) {
    declare('addressId', 'ID!', defaultAddressId);
    fields.push('address: customerAddressDelete(customerId: $id, addressId: $addressId) { userErrors { field message } }');
  }
  if (Object.keys(write.input).length > 0) {
    declare('input', 'CustomerInput!', { ...write.input, id });
    fields.push(`update: customerUpdate(input: $input) { ${customerPayload} }`);
  }
  if (write.emailConsent) {
    declare('emailConsent', 'CustomerEmailMarketingConsentUpdateInput!', { customerId: id, emailMarketingConsent: write.emailConsent });
    fields.push('emailConsent: customerEmailMarketingConsentUpdate(input: $emailConsent) { customer { ...CustomerFields } userErrors { field message code } }');
  }
  if (write.smsConsent) {
    declare('smsConsent', 'CustomerSmsMarketingConsentUpdateInput!', { customerId: id, smsMarketingConsent: write.smsConsent });
    fields.push('smsConsent: customerSmsMarketingConsentUpdate(input: $smsConsent) { customer { ...CustomerFields } userErrors { field message code } }');
  }
  if (fields.length === 0) return undefined;
  const usesId = fields.some((field) => field.includes('$id'));
  if (usesId) {
    declarations.unshift('$id: ID!');
    variables['id'] = id;
  }
  const usesFragment = fields.some((field) => field.includes('...CustomerFields'));
  return {
    document: `mutation OmnihubCustomerWrite(${declarations.join(', ')}) {\n  ${fields.join('\n  ')}\n}\n${usesFragment ? CUSTOMER_FIELDS : ''}`,
    variables,
  };
}

/**
 * The SDK always calls https://<shop>.myshopify.com; send it to `baseUrl` (the local fake).
 * got also keeps the URL's parts as request options (what node's http.request reads), so
 * those are rewritten too, the way got itself derives them from a URL.
 */
function redirectTo(baseUrl: string): BeforeRequestHook {
  const base = baseUrl.replace(/\/+$/, '');
  return (options) => {
    const target = new URL(`${base}${options.url.pathname}${options.url.search}`);
    options.url = target;
    Object.assign(options, {
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
      host: target.host,
      port: target.port ? Number(target.port) : undefined,
      pathname: target.pathname,
      search: target.search,
      path: `${target.pathname}${target.search}`,
      href: target.href,
    });
  };
}

function takenKey(errors: ShopifyUserError[]): 'email' | 'phone' | undefined {
  for (const error of errors) {
    const field = error.field?.[error.field.length - 1];
    if ((field === 'email' || field === 'phone') && /taken/i.test(error.message)) return field;
  }
  return undefined;
}

function missingCustomer(externalId: string): ConnectorError {
  return new ConnectorError('shopify', 200, `Shopify customer ${externalId} does not exist (deleted in Shopify?); its link is stale`, {
    retryable: false,
    metadata: { externalId },
  });
}

/** userErrors we cannot resolve: name the field, never the value. */
function refused(operation: string, errors: ShopifyUserError[], externalId?: string): ConnectorError {
  if (externalId && errors.some((error) => /does not exist/i.test(error.message))) return missingCustomer(externalId);
  const detail = errors.map((error) => `${error.field?.join('.') ?? 'customer'}: ${redact(error.message)}`).join('; ');
  return new ConnectorError('shopify', 200, `Shopify refused ${operation}: ${detail || 'no reason given'}`, {
    retryable: false,
    metadata: { operation, fields: errors.map((error) => error.field?.join('.') ?? 'customer').join(',') },
  });
}

/** SDK rejection → ConnectorError, with what to do about it. */
function toConnectorError(error: unknown, operation: string, config: ShopifyConfig): ConnectorError {
  const parsed = SdkErrorSchema.safeParse(error);
  const failure = parsed.success ? parsed.data : {};
  const status = failure.response?.statusCode;
  const metadata = { operation };
  const make = (message: string, retryable: boolean) => new ConnectorError('shopify', status, message, { cause: error, retryable, metadata });

  if (status === 401) return make('Shopify returned 401: the Admin API access token is invalid; update secret omnihub/shopify', false);
  if (status === 403) {
    return make(
      `Shopify returned 403 to ${operation}: the access token lacks a scope it needs (read_customers/write_customers; for orders read_orders and read_merchant_managed_fulfillment_orders) or protected customer data access; grant them to the app and update secret omnihub/shopify`,
      false,
    );
  }
  if (status === 404) {
    return make(
      `Shopify returned 404 for ${config.shop}.myshopify.com API ${config.apiVersion}; check omnihub.connectors.shopify.shop and apiVersion in cdk.json`,
      false,
    );
  }
  if (status === 402 || status === 423) return make(`Shopify returned ${status}: the shop is frozen or locked; it must be reactivated in Shopify`, false);
  if (status === 429) return make(`Shopify still answered 429 (rate limited) after ${MAX_RETRIES} retries; the message will be retried`, true);
  if (status !== undefined && status >= 500) return make(`Shopify returned ${status} after ${MAX_RETRIES} retries; the message will be retried`, true);
  if (status !== undefined && status !== 200) return make(`Shopify returned ${status} to ${operation}`, false);
  if (status === 200) {
    // GraphQL-level errors (HTTP 200 with `errors`): THROTTLED left over, or a query Shopify rejects.
    const code = failure.extensions?.code;
    if (code === 'THROTTLED') return make('Shopify kept throttling the request; the message will be retried', true);
    return make(
      `Shopify rejected the ${operation} request (${code ?? 'no code'}: ${redact(failure.message ?? '')}); the query does not fit API ${config.apiVersion}`,
      false,
    );
  }
  return make(`Shopify could not be reached (${failure.code ?? 'no response'}) after ${MAX_RETRIES} retries; the message will be retried`, true);
}

/** Shopify messages can echo input; strip anything that looks like an email or a phone number. */
function redact(message: string): string {
  return message.replace(/[^\s"'<>]+@[^\s"'<>]+/g, '<email>').replace(/\+?\d[\d\s().-]{5,}\d/g, '<number>');
}
