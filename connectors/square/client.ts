import { Square } from 'square';
import { ConnectorError } from '../../core/errors';
import { FIELD_NAMES, PartialFieldValuesSchema, type PartialFieldValues } from '../../core/model/customer';
import { fieldsChangedSince, RecordChangedSinceRead, type UpdateOptions } from '../../core/sync/customer-target';
import type { Observation } from '../../core/model/observation';
import type { ClientOptions, CreateOutcome, CustomerTarget, WriteOutcome } from '../connector';
import { squareApi, type SquareTuning } from './api';
import { createIdempotencyKey } from './idempotency';
import { squareManifest, type SquareConfig, type SquareSecret } from './manifest';
import { fromSquareCustomer, toObservation, toSquareCreate, toSquareUpdate, type SquareAddressInput } from './mapping';
import {
  SquareBulkRetrieveResponseSchema,
  SquareCustomerPageSchema,
  SquareCustomerResponseSchema,
  SquareIdSchema,
  type SquareCustomer,
} from './schemas';

const SYSTEM = 'square';

export { squareApi, type ApiUsage, type SquareTuning } from './api';

/** BulkRetrieveCustomers takes 1 to 100 ids. */
export const BULK_RETRIEVE_LIMIT = 100;
/** A created customer older than this came from an idempotent replay of an earlier create. */
const REPLAY_AGE_MS = 5 * 60_000;

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
