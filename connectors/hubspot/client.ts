import { setTimeout as sleep } from 'node:timers/promises';
// The contacts API alone, not the SDK's `Client`: `Client` reaches every HubSpot API through
// require() calls esbuild cannot leave out (~4.5 MB minified); the contacts codegen alone is ~90 KB.
// `.../index.js` rather than the directory: Node's ESM loader does not resolve directory imports.
import {
  BasicApi,
  BatchApi,
  SearchApi,
  Observable,
  ServerConfiguration,
  createConfiguration,
  type ObservableMiddleware,
} from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { VERSION as SDK_VERSION } from '@hubspot/api-client/lib/src/configuration/version.js';
import type { PartialFieldValues } from '../../core/model/customer';
import type { Observation } from '../../core/model/observation';
import { MAX_RETRIES, rateLimited, readFailure, retryWait, toConnectorError, unreadable, type Failure } from './failures';
import type { UpdateOptions } from '../../core/sync/customer-target';
import type { ClientOptions, CustomerTarget, WriteOutcome } from '../connector';
import { createConsentWriter, type ConsentWritten } from './consent';
import { createCaller } from './calls';
import { CUSTOMER_KEY_PROPERTIES, CUSTOMER_KEY_PROPERTY } from './customer-key';
import { ensureProperties, once } from './property-setup';
import { propertiesApis } from './properties-sdk';
import type { HubspotConfig, HubspotSecret } from './manifest';
import { historyProperties, hubspotMapping, readProperties, toCanonicalValues, toHubspotProperties, toObservation, writtenFields, type HubspotMapping } from './mapping';
import { HubspotBatchReadResponseSchema, HubspotContactSchema, type HubspotContact } from './schemas';

// Kept importable from here: the reader and older code import them from the client.
export { MAX_RETRIES, readFailure, retryWait, toConnectorError, unreadable, type Failure } from './failures';

/**
 * Batch read with propertiesWithHistory takes at most 50 inputs (HubSpot answers more with 400
 * "The maximum number of inputs supported in a batch request for property histories is 50");
 * without history the batch endpoints take 100. https://developers.hubspot.com/docs/api/crm/contacts
 */
export const MAX_HISTORY_BATCH = 50;
/** A stated wait longer than this is better spent by SQS redelivery than by a running Lambda. */
const MAX_WAIT_MS = 30_000;
/** The customer key property is made once per instance (connectors/hubspot/customer-key.ts). */
const KEY_SCOPES = 'crm.objects.contacts.write, crm.schemas.contacts.write';

type Attempt<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/**
 * The HubSpot CustomerTarget over @hubspot/api-client's CRM v3 contacts API.
 *
 * 429 handling: we use the contacts APIs without the SDK's RetryDecorator and retry ourselves.
 * The SDK's retry waits a fixed 10 s × attempt for TEN_SECONDLY_ROLLING whatever the response says
 * (RetryDecorator), and cannot wait less or more. We wait what the 429 states — `Retry-After`
 * (seconds) when present, else `X-HubSpot-RateLimit-Interval-Milliseconds` (the window length,
 * after which the window has certainly rolled), else 10 s — then send the same call again, so
 * nothing is lost. A DAILY 429 is not waited out: it becomes a retryable ConnectorError.
 */
export function createHubspotClient(options: ClientOptions<HubspotConfig, HubspotSecret>): CustomerTarget {
  const { config, secret, log } = options;
  const mapping = hubspotMapping(options.mapping, config);
  const contacts = contactsApis(secret.accessToken, options.baseUrl);
  const consent = createConsentWriter({ accessToken: secret.accessToken, baseUrl: options.baseUrl, subscriptionId: config.marketingSubscriptionId, log });
  const batchSize = Math.min(config.batchSize, MAX_HISTORY_BATCH);

  async function attempt<T>(operation: string, call: () => Promise<T>): Promise<Attempt<T>> {
    for (let retry = 1; ; retry += 1) {
      try {
        return { ok: true, value: await call() };
      } catch (error) {
        const failure = readFailure(error, operation);
        const waitMs = retryWait(failure, retry);
        if (waitMs === undefined || retry > MAX_RETRIES) return { ok: false, failure };
        if (waitMs > MAX_WAIT_MS) throw rateLimited(failure, operation, `asks to wait ${waitMs} ms`);
        log.warn('HubSpot call refused for now; retrying after the wait', {
          operation,
          status: failure.status,
          policyName: failure.body.policyName,
          waitMs,
          retry,
        });
        await sleep(waitMs);
      }
    }
  }

  const keyApis = { properties: propertiesApis(secret.accessToken, options.baseUrl) };
  const ensureCustomerKey = once(() => ensureProperties(createCaller(log, KEY_SCOPES), keyApis, CUSTOMER_KEY_PROPERTIES, KEY_SCOPES, log));

  /** GET /crm/v3/objects/contacts/{customerId}?idProperty=omnihub_customer_id: the contact made for her, or undefined on a 404. */
  async function contactByCustomerKey(customerId: string): Promise<string | undefined> {
    const read = await attempt('read by customer id', () => contacts.basicApi.getById(customerId, [CUSTOMER_KEY_PROPERTY], undefined, undefined, false, CUSTOMER_KEY_PROPERTY));
    if (read.ok) return readContact(read.value, 'read by customer id').id;
    if (read.failure.status === 404) return undefined;
    throw toConnectorError(read.failure, 'read by customer id');
  }

  async function run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const result = await attempt(operation, call);
    if (!result.ok) throw toConnectorError(result.failure, operation);
    return result.value;
  }

  async function patch(externalId: string, values: PartialFieldValues): Promise<{ written: WriteOutcome; email: string | null | undefined }> {
    const properties = toHubspotProperties(values);
    // PATCH /crm/v3/objects/contacts/{contactId}: https://developers.hubspot.com/docs/api/crm/contacts
    const contact = readContact(await run('update', () => contacts.basicApi.update(externalId, { properties })), 'update');
    return { written: outcome(contact, values, properties, mapping), email: contact.properties.email };
  }

  /** The contact's email as HubSpot holds it (the subscription status belongs to the email address). */
  async function emailOf(externalId: string): Promise<string | null | undefined> {
    // GET /crm/v3/objects/contacts/{contactId}?properties=email
    const contact = readContact(await run('read', () => contacts.basicApi.getById(externalId, ['email'])), 'read');
    return contact.properties.email;
  }

  /**
   * The contact's properties through the contacts API, then email consent through the
   * communication preferences API (consent.ts), to the email the contact holds after the PATCH.
   * Consent alone patches nothing: the email comes from sync's read.
   */
  async function update(externalId: string, values: PartialFieldValues, { read }: UpdateOptions = {}): Promise<WriteOutcome> {
    const { emailConsent, ...others } = values;
    if (emailConsent === undefined) return (await patch(externalId, values)).written;
    const patched = Object.keys(toHubspotProperties(others)).length > 0 ? await patch(externalId, others) : undefined;
    const email = patched ? patched.email : read && read.values.email !== undefined ? read.values.email : await emailOf(externalId);
    const written = await consent.write(email, emailConsent, read?.fieldTimes?.emailConsent);
    const base = patched?.written ?? { externalId, at: written.at ?? read?.observedAt ?? new Date().toISOString(), holds: {} };
    return withConsent(base, written);
  }

  return {
    async create(values, scope = {}) {
      // Nothing to clear on a new contact: empty properties are left out.
      const properties = Object.fromEntries(Object.entries(toHubspotProperties(values)).filter(([, value]) => value !== ''));
      if (scope.customerId) await ensureCustomerKey();
      const sent = scope.customerId ? { ...properties, [CUSTOMER_KEY_PROPERTY]: scope.customerId } : properties;
      // POST /crm/v3/objects/contacts: https://developers.hubspot.com/docs/api/crm/contacts
      const result = await attempt('create', () => contacts.basicApi.create({ properties: sent, associations: [] }));
      if (result.ok) {
        const contact = readContact(result.value, 'create');
        const created = outcome(contact, values, properties, mapping);
        if (values.emailConsent === undefined) return { kind: 'created', ...created };
        return { kind: 'created', ...withConsent(created, await consent.write(contact.properties.email, values.emailConsent, undefined)) };
      }

      // 409 "Contact already exists. Existing ID: N": the email is taken, so the person is already
      // there. Nothing is written: sync checks whose contact it is and observes it first.
      const existingId = result.failure.status === 409 ? /Existing ID: (\d+)/.exec(result.failure.body.message ?? '')?.[1] : undefined;
      if (existingId) {
        log.info('HubSpot contact already exists for this email', { externalId: existingId });
        return { kind: 'exists', externalId: existingId, matchedOn: 'email' };
      }
      // A 400 may be our customer key held by the contact a crashed create of ours made (its
      // wording is not relied on): that contact, if it is there, is the answer.
      const mine = scope.customerId && result.failure.status === 400 ? await contactByCustomerKey(scope.customerId) : undefined;
      if (mine) {
        log.info('HubSpot contact found by its omnihub customer id (a create repeated after a crash)', { externalId: mine });
        return { kind: 'exists', externalId: mine, matchedOn: 'omnihub-id' };
      }
      throw toConnectorError(result.failure, 'create');
    },

    update,

    async read(externalIds) {
      // HubSpot ids are numeric: anything else cannot name a contact (and would fail the whole batch).
      const ids = [...new Set(externalIds)].filter((id) => /^\d+$/.test(id));
      // Keyed by the id HubSpot answers with: a merged-away id reads as the record it merged into.
      const observations = new Map<string, Observation>();
      for (let start = 0; start < ids.length; start += batchSize) {
        const chunk = ids.slice(start, start + batchSize);
        // POST /crm/v3/objects/contacts/batch/read: https://developers.hubspot.com/docs/api/crm/contacts
        // The history of the mapped properties times each field by HubSpot's own clock.
        // Ids that do not exist come back in `errors` (207), not in `results`: they are left out.
        const result = await attempt('read', () =>
          contacts.batchApi.read(
            { inputs: chunk.map((id) => ({ id })), properties: readProperties(mapping), propertiesWithHistory: historyProperties(mapping) },
            false,
          ),
        );
        if (!result.ok) {
          if (result.failure.status === 404) continue;
          throw toConnectorError(result.failure, 'read');
        }
        const parsed = HubspotBatchReadResponseSchema.safeParse(result.value);
        if (!parsed.success) throw unreadable('read', parsed.error.issues);
        for (const contact of parsed.data.results) {
          const observation = toObservation(contact, mapping);
          observations.set(observation.externalId, observation);
          if (observation.unusable) log.warn('HubSpot contact holds values that cannot be normalized', { externalId: contact.id, fields: observation.unusable.join(',') });
        }
      }
      const found = [...observations.values()];
      const renamed = found.filter((observation) => !ids.includes(observation.externalId)).map((observation) => observation.externalId);
      log.debug('HubSpot contacts read', { requested: ids.length, found: found.length, ...(renamed.length > 0 ? { mergedInto: renamed.join(',') } : {}) });
      return found;
    },
  };
}

/** The User-Agent `Client` sends (ApiClientConfigurator.getUserAgent). */
const USER_AGENT = `hubspot-api-client-nodejs; ${SDK_VERSION}`;

/**
 * The contacts APIs configured as `new Client({ accessToken, basePath, numberOfApiCallRetries: 0 })`
 * configures them (ContactsDiscovery → ApiClientConfigurator.getParams → createConfiguration):
 * - auth: the access token as the `oauth2` auth method, which sends `Authorization: Bearer <token>`;
 * - base server: `new ServerConfiguration(basePath, {})` when a base URL is given, else the
 *   codegen's default server (https://api.hubapi.com);
 * - middleware: the header middleware setting the SDK's User-agent (no defaultHeaders, httpAgent
 *   or custom middleware were configured). Kept to match `Client`, though the 13.5.0 codegen only
 *   runs middleware passed per call (ObservableAPI), so neither `Client` nor this sends it: the
 *   request carries node-fetch's default User-Agent either way;
 * - HTTP: the codegen's default library (node-fetch), as `Client` uses.
 * No decorators: with numberOfApiCallRetries 0 and no limiterOptions, `Client` installed neither
 * the RetryDecorator nor the Bottleneck LimiterDecorator, so there is nothing to reproduce (and
 * nothing goes through the SDK's process-wide ApiDecoratorService any more). Retries are ours.
 */
export function contactsApis(accessToken: string, baseUrl: string | undefined): { basicApi: BasicApi; batchApi: BatchApi; searchApi: SearchApi } {
  const userAgent: ObservableMiddleware = {
    pre(context) {
      context.setHeaderParam('User-agent', USER_AGENT);
      return new Observable(Promise.resolve(context));
    },
    post(context) {
      return new Observable(Promise.resolve(context));
    },
  };
  const configuration = createConfiguration({
    middleware: [userAgent],
    authMethods: { oauth2: { accessToken } },
    ...(baseUrl ? { baseServer: new ServerConfiguration(baseUrl, {}) } : {}),
  });
  return { basicApi: new BasicApi(configuration), batchApi: new BatchApi(configuration), searchApi: new SearchApi(configuration) };
}

/** A contact write's outcome with what the consent write left: consent is timed by its own answer (§10). */
function withConsent(base: WriteOutcome, consent: ConsentWritten): WriteOutcome {
  const withheld = { ...base.withheld, ...consent.withheld };
  const timed = consent.at !== undefined && consent.holds.emailConsent !== undefined;
  return {
    ...base,
    holds: { ...base.holds, ...consent.holds },
    ...(timed ? { fieldTimes: { ...base.fieldTimes, emailConsent: consent.at } } : {}),
    ...(Object.keys(withheld).length > 0 ? { withheld } : {}),
  };
}

/** What the write left in HubSpot, for the fields we wrote, in canonical form. */
function outcome(
  contact: HubspotContact,
  values: PartialFieldValues,
  sent: Record<string, string>,
  mapping: HubspotMapping,
): WriteOutcome {
  // Prefer what HubSpot answers it holds; a property it leaves out of the answer holds what we sent.
  const held = toCanonicalValues({ ...sent, ...pickSent(contact.properties, sent) }, mapping);
  const holds: PartialFieldValues = {};
  for (const field of writtenFields(values)) {
    const value = held[field];
    if (value !== undefined) Object.assign(holds, { [field]: value });
  }
  return { externalId: contact.id, at: contact.updatedAt.toISOString(), holds };
}

function pickSent(properties: HubspotContact['properties'], sent: Record<string, string>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(properties).filter(([name]) => Object.hasOwn(sent, name)));
}

function readContact(value: unknown, operation: string): HubspotContact {
  const parsed = HubspotContactSchema.safeParse(value);
  if (!parsed.success) throw unreadable(operation, parsed.error.issues);
  return parsed.data;
}
