import { setTimeout as sleep } from 'node:timers/promises';
import { Square, SquareClient, SquareEnvironment } from 'square';
import { ConnectorError } from '../../core/errors';
import { FIELD_NAMES, PartialFieldValuesSchema, type PartialFieldValues } from '../../core/model/customer';
import { fieldsChangedSince, RecordChangedSinceRead, type UpdateOptions } from '../../core/sync/customer-target';
import type { Observation } from '../../core/model/observation';
import type { ClientOptions, CreateOutcome, CustomerTarget, WriteOutcome } from '../connector';
import { createIdempotencyKey } from './idempotency';
import { squareManifest, type SquareConfig, type SquareSecret } from './manifest';
import { fromSquareCustomer, toObservation, toSquareCreate, toSquareUpdate, type SquareAddressInput } from './mapping';
import {
  SquareBulkRetrieveResponseSchema,
  SquareCustomerPageSchema,
  SquareCustomerResponseSchema,
  SquareIdSchema,
  SquareSdkErrorSchema,
  type SquareCustomer,
} from './schemas';

const SYSTEM = 'square';

/**
 * How hard the client tries. Square publishes no rate limits: a 429 RATE_LIMITED says "back off
 * exponentially with jitter". The SDK already retries 408, 429 and 5xx twice (Retry-After, else
 * X-RateLimit-Reset, else 1 s × 2^n); after that, a 429 is waited out here a few more rounds with
 * full jitter, then given back to SQS as retryable. Tests shorten the waits.
 * https://developer.squareup.com/docs/build-basics/general-considerations/handling-errors
 */
export interface SquareTuning {
  /** The SDK's own retries per request (its default is 2). */
  sdkRetries?: number;
  /** Rounds of our backoff after the SDK gave up on a 429. */
  rateLimitRounds?: number;
  /** First backoff ceiling; doubles each round (full jitter: a wait is random in [0, ceiling]). */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** UpdateCustomer attempts after a version conflict (each re-reads the version first). */
  versionConflictRetries?: number;
  random?: () => number;
  now?: () => Date;
}

const DEFAULT_TUNING: Required<SquareTuning> = {
  sdkRetries: 2,
  rateLimitRounds: 3,
  backoffBaseMs: 2_000,
  maxBackoffMs: 20_000,
  versionConflictRetries: 3,
  random: Math.random,
  now: () => new Date(),
};

/** BulkRetrieveCustomers takes 1 to 100 ids. */
export const BULK_RETRIEVE_LIMIT = 100;
/** A created customer older than this came from an idempotent replay of an earlier create. */
const REPLAY_AGE_MS = 5 * 60_000;

/** What an API call cost, for the reader's usage report: every HTTP attempt, the SDK's retries included. */
export interface ApiUsage {
  requests: number;
  throttled: number;
  waitedMs: number;
}

/** A Square answer we did not absorb, read from the SDK's SquareError (or a network failure: no status). */
interface Failure {
  status: number | undefined;
  codes: string[];
  fields: string[];
}

/**
 * The SDK set up for one seller (redirected to a fake with `baseUrl`), and `call`, which runs one
 * SDK call with our 429 backoff and turns what is left into a ConnectorError. Shared by the client
 * (sync) and the reader (backfill).
 */
export function squareApi(options: ClientOptions<SquareConfig, SquareSecret>, tuningOverrides: SquareTuning = {}) {
  const tuning = { ...DEFAULT_TUNING, ...tuningOverrides };
  const usage: ApiUsage = { requests: 0, throttled: 0, waitedMs: 0 };
  let throttledAt: number | undefined;
  // Every HTTP attempt goes through here, the SDK's own retries too: that is what the quota sees.
  const countingFetch: typeof fetch = async (input, init) => {
    if (throttledAt !== undefined) usage.waitedMs += performance.now() - throttledAt;
    throttledAt = undefined;
    usage.requests += 1;
    const response = await fetch(input, init);
    if (response.status === 429) {
      usage.throttled += 1;
      throttledAt = performance.now();
    }
    return response;
  };
  const sdk = new SquareClient({
    token: options.secret.accessToken,
    baseUrl: options.baseUrl ?? (options.config.environment === 'sandbox' ? SquareEnvironment.Sandbox : SquareEnvironment.Production),
    maxRetries: tuning.sdkRetries,
    timeoutInSeconds: 20,
    fetch: countingFetch,
  });

  async function call<T>(operation: string, run: (client: SquareClient) => Promise<T>): Promise<T> {
    for (let round = 0; ; round += 1) {
      try {
        return await run(sdk);
      } catch (error) {
        const failure = readFailure(error);
        if (failure.status !== 429 || round >= tuning.rateLimitRounds) throw toConnectorError(failure, operation, error);
        const ceiling = Math.min(tuning.maxBackoffMs, tuning.backoffBaseMs * 2 ** round);
        const waitMs = Math.round(tuning.random() * ceiling);
        options.log.warn('Square rate limited the call; backing off', { operation, round: round + 1, waitMs });
        await sleep(waitMs);
      }
    }
  }
  return { sdk, call, usage, tuning };
}

/** The CustomerTarget; sync names the omnihub customer on create, and the idempotency key is derived from it. */
export type SquareCustomerTarget = CustomerTarget;

/** The CustomerTarget over the Customers API. Square keeps no unique email or phone: a create looks for the person first. */
export function createSquareClient(options: ClientOptions<SquareConfig, SquareSecret>, tuning: SquareTuning = {}): SquareCustomerTarget {
  const { mapping, log } = options;
  const api = squareApi(options, tuning);
  /** The version of each customer as last seen (read, create, update): the first update attempt needs no extra read. */
  const versions = new Map<string, bigint>();

  function remember(customer: SquareCustomer): SquareCustomer {
    if (customer.version !== undefined) versions.set(customer.id, customer.version);
    return customer;
  }

  /** What the write left, for the fields we wrote, from Square's answer to that write (docs/identity.md §2). */
  function outcome(customer: SquareCustomer, written: PartialFieldValues): WriteOutcome {
    const now = fromSquareCustomer(customer, mapping);
    const writable = new Set<string>(squareManifest.writableFields);
    const holds = PartialFieldValuesSchema.parse(
      Object.fromEntries(FIELD_NAMES.filter((name) => writable.has(name) && written[name] !== undefined).map((name) => [name, now[name] ?? null])),
    );
    return { externalId: customer.id, at: customer.updatedAt, holds };
  }

  async function get(externalId: string): Promise<SquareCustomer | undefined> {
    try {
      const answer = await api.call('get', (sdk) => sdk.customers.get({ customerId: externalId }));
      return remember(parseCustomer(answer, 'get'));
    } catch (error) {
      if (error instanceof ConnectorError && error.status === 404) return undefined;
      throw error;
    }
  }

  async function createOnce(values: PartialFieldValues, key: string): Promise<SquareCustomer> {
    const fields = toSquareCreate(values);
    const answer = await api.call('create', (sdk) => sdk.customers.create({ idempotencyKey: key, ...fields, address: sdkAddress(fields.address) }));
    return remember(parseCustomer(answer, 'create'));
  }

  /**
   * Square keeps no unique emails, so it never answers "already exists": look first
   * (docs/identity.md §4). The email exactly, or with no email the phone among records with no
   * email (§3); the oldest match. Search lags writes: a record made a second ago can be missed.
   */
  async function existing(fields: ReturnType<typeof toSquareCreate>): Promise<{ externalId: string; matchedOn: 'email' | 'phone' } | undefined> {
    const filter = fields.emailAddress ? { emailAddress: { exact: fields.emailAddress } } : fields.phoneNumber ? { phoneNumber: { exact: fields.phoneNumber } } : undefined;
    if (!filter) return undefined;
    const answer = await api.call('search', (sdk) => sdk.customers.search({ limit: 10n, query: { filter, sort: { field: 'CREATED_AT', order: 'ASC' } } }));
    const parsed = SquareCustomerPageSchema.safeParse(answer);
    if (!parsed.success) throw new ConnectorError(SYSTEM, undefined, 'Square answered a customer search with an unexpected shape', { retryable: true, metadata: { operation: 'search' } });
    const matches = (parsed.data.customers ?? []).filter((customer) => fields.emailAddress || !customer.emailAddress);
    const [oldest] = matches;
    if (!oldest) return undefined;
    if (matches.length > 1) log.info('Square holds several customers with this email or phone; linking the oldest', { externalId: oldest.id, matches: matches.length });
    return { externalId: oldest.id, matchedOn: fields.emailAddress ? 'email' : 'phone' };
  }

  return {
    async create(values, scope = {}) {
      const fields = toSquareCreate(values);
      if (!fields.givenName && !fields.familyName && !fields.emailAddress && !fields.phoneNumber) {
        throw new ConnectorError(SYSTEM, undefined, 'Square needs a name, an email or a phone to create a customer; this customer has none of them', {
          retryable: false,
          metadata: { operation: 'create' },
        });
      }
      const found = await existing(fields);
      if (found) {
        log.info('Square already has this customer', { externalId: found.externalId, matchedOn: found.matchedOn });
        return { kind: 'exists', ...found };
      }
      let customer = await createOnce(values, createIdempotencyKey(values, scope));
      // An old created_at is Square replaying an earlier create with the same key: if that record
      // was deleted since, the replay would link a customer that is gone. Make a new one.
      if (customer.createdAt && api.tuning.now().getTime() - Date.parse(customer.createdAt) > REPLAY_AGE_MS && !(await get(customer.id))) {
        log.info('Square replayed a create whose customer is gone; creating it again', { externalId: customer.id });
        customer = await createOnce(values, createIdempotencyKey(values, { ...scope, generation: Date.parse(customer.createdAt) }));
      }
      log.info('Square customer created', { externalId: customer.id });
      return { kind: 'created', ...outcome(customer, values) };
    },

    async update(externalId, values, options: UpdateOptions = {}) {
      if (!SquareIdSchema.safeParse(externalId).success) {
        throw new ConnectorError(SYSTEM, undefined, 'not a Square customer id', { retryable: false, metadata: { operation: 'update' } });
      }
      const fields = toSquareUpdate(values);
      for (let attempt = 0; ; attempt += 1) {
        let version = attempt === 0 ? versions.get(externalId) : undefined;
        if (version === undefined) {
          const current = await get(externalId);
          if (!current) throw missingCustomer(externalId);
          // After a conflict: an edit of a field we would write is not ours to overwrite (§2).
          if (attempt > 0 && options.read) {
            const now = toObservation(current, mapping);
            const changed = fieldsChangedSince(options.read, now, values);
            if (changed.length > 0) {
              log.info('Square customer changed since sync read it; not writing', { externalId, fields: changed.join(',') });
              throw new RecordChangedSinceRead(SYSTEM, now);
            }
          }
          version = current.version;
        }
        try {
          // X-Clear-Null: without it Square ignores the nulls that clear a field.
          const answer = await api.call('update', (sdk) =>
            sdk.customers.update({ customerId: externalId, ...fields, address: sdkAddress(fields.address), ...(version === undefined ? {} : { version }) }, { headers: { 'X-Clear-Null': 'true' } }),
          );
          const customer = remember(parseCustomer(answer, 'update'));
          log.info('Square customer updated', { externalId });
          return outcome(customer, values);
        } catch (error) {
          if (error instanceof ConnectorError && error.status === 404) throw missingCustomer(externalId);
          if (!isVersionConflict(error) || attempt >= api.tuning.versionConflictRetries) throw error;
          // Someone changed the customer since we read it: read the new version; write again
          // only if the change left the fields we write alone (checked above, against sync's read).
          log.info('Square customer changed since our read (version conflict); reading it again', { externalId, attempt: attempt + 1 });
          versions.delete(externalId);
        }
      }
    },

    async read(externalIds) {
      const ids = [...new Set(externalIds)].filter((id) => SquareIdSchema.safeParse(id).success);
      const observations: Observation[] = [];
      for (let start = 0; start < ids.length; start += BULK_RETRIEVE_LIMIT) {
        const chunk = ids.slice(start, start + BULK_RETRIEVE_LIMIT);
        const answer = await api.call('read', (sdk) => sdk.customers.bulkRetrieveCustomers({ customerIds: chunk }));
        const parsed = SquareBulkRetrieveResponseSchema.safeParse(answer);
        if (!parsed.success) throw unreadable('read', parsed.error.issues);
        // Ids Square does not know (deleted, merged away) answer NOT_FOUND inside the 200: left out.
        for (const entry of Object.values(parsed.data.responses ?? {})) {
          if (!entry.customer) continue;
          const observation = toObservation(remember(entry.customer), mapping);
          if (observation.unusable) log.warn('Square customer holds values that cannot be normalized', { externalId: entry.customer.id, fields: observation.unusable.join(',') });
          observations.push(observation);
        }
      }
      log.debug('Square customers read', { requested: ids.length, found: observations.length });
      return observations;
    },
  };
}

const COUNTRIES = new Set<string>(Object.values(Square.Country));

/**
 * The SDK's Address: its serializer refuses a country outside Square's Country enum (a JsonError
 * before any request), so one it does not know is left out. A null country clears it on the wire,
 * which the SDK's types do not spell (`country?: Country`) but its serializer sends.
 */
function sdkAddress(input: SquareAddressInput | undefined): Square.Address | undefined {
  if (input === undefined) return undefined;
  const { country, ...parts } = input;
  const address: Square.Address = { ...parts };
  if (country === null) Object.assign(address, { country: null });
  else if (country !== undefined && isCountry(country)) address.country = country;
  return address;
}

function isCountry(code: string): code is Square.Country {
  return COUNTRIES.has(code);
}

export function parseCustomer(answer: unknown, operation: string): SquareCustomer {
  const parsed = SquareCustomerResponseSchema.safeParse(answer);
  if (!parsed.success) throw unreadable(operation, parsed.error.issues);
  return parsed.data.customer;
}

/**
 * A stale `version`. Square documents a "version mismatch" error without its body for customers;
 * for orders it answers 400 VERSION_MISMATCH (field order.version). CONFLICT (409) is taken alike.
 */
function isVersionConflict(error: unknown): boolean {
  if (!(error instanceof ConnectorError)) return false;
  const codes = String(error.metadata.codes ?? '').split(',');
  return codes.includes('VERSION_MISMATCH') || (error.status === 409 && codes.includes('CONFLICT'));
}

function readFailure(error: unknown): Failure {
  const parsed = SquareSdkErrorSchema.safeParse(error);
  const failure = parsed.success ? parsed.data : {};
  const errors = failure.errors ?? [];
  return {
    status: failure.statusCode,
    codes: errors.map((entry) => entry.code ?? 'UNKNOWN'),
    // Square names the request field an error is about (`email_address`): a name, never a value.
    fields: errors.map((entry) => entry.field).filter((field): field is string => typeof field === 'string' && /^[a-z0-9_.[\]]{1,100}$/.test(field)),
  };
}

function unreadable(operation: string, issues: ReadonlyArray<{ path: PropertyKey[] }>): ConnectorError {
  const paths = issues.map((issue) => issue.path.map(String).join('.')).join(', ');
  return new ConnectorError(SYSTEM, 200, `Square ${operation}: the response did not have the expected shape (${paths})`, { retryable: false, metadata: { operation } });
}

function missingCustomer(externalId: string): ConnectorError {
  return new ConnectorError(SYSTEM, 404, `Square customer ${externalId} does not exist (deleted or merged in Square?); its link is stale`, {
    retryable: false,
    metadata: { externalId },
  });
}

/** The actionable error for a failure we did not absorb. Messages and metadata carry codes and field names, never values. */
function toConnectorError(failure: Failure, operation: string, cause: unknown): ConnectorError {
  const { status, codes, fields } = failure;
  const metadata = { operation, codes: codes.join(','), fields: fields.join(',') };
  const make = (message: string, retryable: boolean) => new ConnectorError(SYSTEM, status, message, { cause, retryable, metadata });
  if (status === undefined) return make(`Square ${operation}: could not reach the Square API (no answer); the call will be retried`, true);
  if (status === 401) return make('Square returned 401: the access token is invalid, expired or revoked; update secret omnihub/square', false);
  if (status === 403) return make('Square returned 403: the token lacks CUSTOMERS_READ / CUSTOMERS_WRITE; grant them and update secret omnihub/square', false);
  if (status === 429) return make(`Square ${operation}: still rate limited (429 RATE_LIMITED) after our backoff; the call will be retried`, true);
  if (status >= 500) return make(`Square ${operation}: Square answered ${status} (${codes.join(', ') || 'no code'}) after the SDK's retries; the call will be retried`, true);
  if (status === 404) return make(`Square ${operation}: not found (${codes.join(', ') || 'NOT_FOUND'})`, false);
  if (codes.includes('IDEMPOTENCY_KEY_REUSED')) {
    return make(`Square ${operation}: the idempotency key was already used with other values (IDEMPOTENCY_KEY_REUSED); this is a bug in how omnihub derives keys`, false);
  }
  return make(`Square ${operation}: Square refused the request with ${status} (${codes.join(', ') || 'no code'}${fields.length > 0 ? ` on ${fields.join(', ')}` : ''})`, false);
}
