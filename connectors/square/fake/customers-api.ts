import { z } from 'zod';
import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { isPublic, notFound, type CustomerInput, type CustomersState, type FakeCustomer } from './customers-state';
import { respond, squareErrors, type SquareFailure } from './errors';
import { checkLimit, pageOf } from './paging';
import type { LaggingIndex } from '../../testing/lagging-index';

/**
 * The Customers API endpoints the square SDK calls (api/resources/customers/client/Client.js), on
 * Square-Version 2026-09-16: create, retrieve, update, delete, list, search, bulk-retrieve.
 * https://developer.squareup.com/reference/square/customers-api
 */

const text = z.string().nullable().optional();
const AddressSchema = z
  .object({
    address_line_1: text,
    address_line_2: text,
    address_line_3: text,
    locality: text,
    sublocality: text,
    administrative_district_level_1: text,
    postal_code: text,
    country: text,
    first_name: text,
    last_name: text,
  })
  .strict();
const FieldsSchema = z
  .object({
    given_name: text,
    family_name: text,
    company_name: text,
    nickname: text,
    email_address: text,
    phone_number: text,
    reference_id: text,
    note: text,
    birthday: text,
    address: AddressSchema.nullable().optional(),
    tax_ids: z.unknown().optional(),
  })
  .strict();
const CreateSchema = FieldsSchema.extend({ idempotency_key: z.string().min(1).max(45).optional() }).strict();
const UpdateSchema = FieldsSchema.extend({ version: z.number().int().nonnegative().optional() }).strict();
const TimeRangeSchema = z.object({ start_at: z.string().optional(), end_at: z.string().optional() }).strict();
const TextFilterSchema = z.object({ exact: z.string().optional(), fuzzy: z.string().optional() }).strict();
const SearchSchema = z
  .object({
    cursor: z.string().optional(),
    limit: z.number().int().optional(),
    count: z.boolean().optional(),
    query: z
      .object({
        filter: z
          .object({
            created_at: TimeRangeSchema.optional(),
            updated_at: TimeRangeSchema.optional(),
            email_address: TextFilterSchema.optional(),
            phone_number: TextFilterSchema.optional(),
            reference_id: TextFilterSchema.optional(),
          })
          .strict()
          .optional(),
        // CustomerSortField is DEFAULT or CREATED_AT: Square cannot sort customers by updated_at.
        sort: z.object({ field: z.enum(['DEFAULT', 'CREATED_AT']).optional(), order: z.enum(['ASC', 'DESC']).optional() }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
const BulkRetrieveSchema = z.object({ customer_ids: z.array(z.string()) }).strict();

/** ListCustomers and SearchCustomers: "If the specified limit is less than 1 or greater than 100, Square returns a 400". */
export const CUSTOMER_PAGE_LIMIT = 100;
/** BulkRetrieveCustomers: 1 to 100 ids. */
export const BULK_RETRIEVE_LIMIT = 100;

export interface CustomersApiContext {
  state: CustomersState;
  index: LaggingIndex<FakeCustomer>;
}

/** What webhooks and the API show of a customer: cards are never shown (deprecated), the rest is. */
export function renderCustomer(customer: FakeCustomer): FakeCustomer {
  return structuredClone(customer);
}

export function serveCustomers(request: FakeRequest, context: CustomersApiContext): FakeResponse | undefined {
  const { method, path } = request;
  const { state } = context;
  if (path === '/v2/customers' && method === 'POST') {
    const input = CreateSchema.safeParse(request.json);
    if (!input.success) return badInput(input.error);
    const { idempotency_key: idempotencyKey, tax_ids: _taxIds, ...fields } = input.data;
    const result = state.create(fields, { idempotencyKey, body: request.json });
    return result.ok ? ok({ customer: renderCustomer(result.customer) }) : respond(result.failure);
  }
  if (path === '/v2/customers' && method === 'GET') return list(request, context);
  if (path === '/v2/customers/search' && method === 'POST') return search(request, context);
  if (path === '/v2/customers/bulk-retrieve' && method === 'POST') {
    const input = BulkRetrieveSchema.safeParse(request.json);
    if (!input.success) return badInput(input.error);
    const ids = input.data.customer_ids;
    if (ids.length === 0) return respond(squareErrors.invalid('ARRAY_EMPTY', 'customer_ids must not be empty.', 'customer_ids'));
    if (ids.length > BULK_RETRIEVE_LIMIT) return respond(squareErrors.invalid('ARRAY_LENGTH_TOO_LONG', `customer_ids must not hold more than ${BULK_RETRIEVE_LIMIT} ids.`, 'customer_ids'));
    const responses: Record<string, unknown> = {};
    for (const id of ids) {
      const customer = state.get(id);
      responses[id] = customer ? { customer: renderCustomer(customer) } : { errors: notFound(id).errors.map(({ field: _field, ...error }) => error) };
    }
    return ok({ responses });
  }
  const single = /^\/v2\/customers\/([^/]+)$/.exec(path)?.[1];
  if (single === undefined) return undefined;
  const id = decodeURIComponent(single);
  if (method === 'GET') {
    const customer = state.get(id);
    return customer ? ok({ customer: renderCustomer(customer) }) : respond(notFound(id));
  }
  if (method === 'PUT') {
    const input = UpdateSchema.safeParse(request.json ?? {});
    if (!input.success) return badInput(input.error);
    const { version, tax_ids: _taxIds, ...fields } = input.data;
    const clearNulls = request.headers['x-clear-null']?.toLowerCase() === 'true';
    const result = state.update(id, fields satisfies CustomerInput, { ...(version === undefined ? {} : { version }), clearNulls });
    return result.ok ? ok({ customer: renderCustomer(result.customer) }) : respond(result.failure);
  }
  if (method === 'DELETE') {
    const raw = request.query.get('version');
    if (raw !== null && !/^\d+$/.test(raw)) return respond(squareErrors.invalid('EXPECTED_INTEGER', 'Expected version to be an integer.', 'version'));
    const result = state.delete(id, raw === null ? undefined : Number(raw));
    return result.ok ? ok({}) : respond(result.failure);
  }
  return undefined;
}

/** GET /v2/customers?cursor&limit&sort_field&sort_order&count, from the lagging index. */
function list(request: FakeRequest, { index }: CustomersApiContext): FakeResponse {
  const limit = request.query.has('limit') ? Number(request.query.get('limit')) : CUSTOMER_PAGE_LIMIT;
  if (!Number.isInteger(limit)) return respond(squareErrors.invalid('EXPECTED_INTEGER', 'Expected limit to be an integer.', 'limit'));
  const tooFar = checkLimit(limit, 1, CUSTOMER_PAGE_LIMIT);
  if (tooFar) return respond(tooFar);
  const sortField = request.query.get('sort_field') ?? 'DEFAULT';
  const sortOrder = request.query.get('sort_order') ?? 'ASC';
  if (!['DEFAULT', 'CREATED_AT'].includes(sortField)) return respond(squareErrors.invalid('INVALID_ENUM_VALUE', 'Expected sort_field to be one of DEFAULT, CREATED_AT.', 'sort_field'));
  if (!['ASC', 'DESC'].includes(sortOrder)) return respond(squareErrors.invalid('INVALID_SORT_ORDER', 'Expected sort_order to be ASC or DESC.', 'sort_order'));
  const found = sorted(index.list().filter(isPublic), sortField, sortOrder);
  return paged(found, limit, request.query.get('cursor') ?? undefined, { sortField, sortOrder }, request.query.get('count') === 'true');
}

/** POST /v2/customers/search: filters are AND-ed; emails match case-insensitively; served from the lagging index. */
function search(request: FakeRequest, { index }: CustomersApiContext): FakeResponse {
  const input = SearchSchema.safeParse(request.json ?? {});
  if (!input.success) return badInput(input.error);
  const limit = input.data.limit ?? CUSTOMER_PAGE_LIMIT;
  const tooFar = checkLimit(limit, 1, CUSTOMER_PAGE_LIMIT);
  if (tooFar) return respond(tooFar);
  const filter = input.data.query?.filter ?? {};
  for (const [name, range] of [['created_at', filter.created_at], ['updated_at', filter.updated_at]] as const) {
    for (const bound of [range?.start_at, range?.end_at]) {
      if (bound !== undefined && Number.isNaN(Date.parse(bound))) return respond(squareErrors.invalid('INVALID_TIME', `Expected ${name} to be an RFC 3339 timestamp.`, `query.filter.${name}`));
    }
  }
  if (filter.email_address?.fuzzy !== undefined || filter.phone_number?.fuzzy !== undefined) {
    return respond(squareErrors.invalid('BAD_REQUEST', 'The fake supports exact email, phone and reference id filters only.'));
  }
  const within = (stamp: string, range: { start_at?: string; end_at?: string } | undefined) =>
    !range || ((range.start_at === undefined || Date.parse(stamp) >= Date.parse(range.start_at)) && (range.end_at === undefined || Date.parse(stamp) < Date.parse(range.end_at)));
  const digits = (phone: string | undefined) => phone?.replace(/[^\d+]/g, '');
  // Square: the query is E.164, and "+14155551234 would match profiles whose phone_number is
  // 4155551234 or +14155551234" (CustomerFilter.phone_number): a number kept in national form
  // matches its E.164 form. https://developer.squareup.com/reference/square/objects/CustomerFilter
  const samePhone = (held: string | undefined, query: string) => {
    const [h, q] = [digits(held)?.replace(/^\+/, ''), digits(query)?.replace(/^\+/, '')];
    return !!h && !!q && (h === q || (held?.trim().startsWith('+') !== true && h.length >= 7 && q.endsWith(h) && q.length - h.length <= 3));
  };
  const found = index
    .list()
    .filter(isPublic)
    .filter((customer) => within(customer.created_at, filter.created_at) && within(customer.updated_at, filter.updated_at))
    .filter((customer) => filter.email_address?.exact === undefined || customer.email_address?.toLowerCase() === filter.email_address.exact.toLowerCase())
    .filter((customer) => filter.phone_number?.exact === undefined || samePhone(customer.phone_number, filter.phone_number.exact))
    .filter((customer) => filter.reference_id?.exact === undefined || customer.reference_id?.toLowerCase() === filter.reference_id.exact.toLowerCase());
  const sort = input.data.query?.sort;
  const { cursor: _cursor, limit: _limit, count: _count, ...query } = input.data;
  return paged(sorted(found, sort?.field ?? 'DEFAULT', sort?.order ?? 'ASC'), limit, input.data.cursor, query, input.data.count === true);
}

function paged(found: FakeCustomer[], limit: number, cursor: string | undefined, query: unknown, count: boolean): FakeResponse {
  const page = pageOf(found, limit, cursor, query);
  if ('failure' in page) return respond(page.failure);
  // "If no customers are found, the result is an empty object ({})."
  return ok({
    ...(page.page.length > 0 ? { customers: page.page.map(renderCustomer) } : {}),
    ...(page.cursor ? { cursor: page.cursor } : {}),
    ...(count ? { count: found.length } : {}),
  });
}

/** DEFAULT: alphabetically by given_name and family_name; CREATED_AT: by creation time. Ties by id. */
function sorted(customers: FakeCustomer[], field: string, order: string): FakeCustomer[] {
  const direction = order === 'DESC' ? -1 : 1;
  const key = (customer: FakeCustomer) => (field === 'CREATED_AT' ? String(Date.parse(customer.created_at)).padStart(16, '0') : `${customer.given_name ?? ''}\u0000${customer.family_name ?? ''}`.toLowerCase());
  return [...customers].sort((a, b) => direction * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) || (a.id < b.id ? -1 : 1));
}

export function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

/** A body the API cannot read: Square names the field, and the kind of problem. */
export function badInput(error: z.ZodError): FakeResponse {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || undefined;
  const failure: SquareFailure =
    issue?.code === 'unrecognized_keys'
      ? squareErrors.invalid('UNKNOWN_BODY_PARAMETER', `Unknown body parameter: ${issue.keys.join(', ')}.`, issue.keys[0])
      : issue?.code === 'invalid_value'
        ? squareErrors.invalid('INVALID_ENUM_VALUE', `Unexpected value for ${field ?? 'the body'}.`, field)
        : squareErrors.invalid('BAD_REQUEST', `Invalid value for ${field ?? 'the body'}.`, field);
  return respond(failure);
}
