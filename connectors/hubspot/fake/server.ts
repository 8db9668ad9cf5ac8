import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { FakeHttpServer, WebhookSender, type FakeRequest, type FakeResponse, type RecordedRequest } from '../../testing/fake-http';
import { ApiFaultInjector } from '../../testing/api-faults';
import { loadPortal, PortalWriter } from './persist';
import { SearchIndex } from './search-index';
import { seedHubspotContacts } from './seed';
import {
  HubspotFakeState,
  renderContact,
  renderWritten,
  type ContactJson,
  type FakeContact,
  type MergeResult,
  type WriteFailure,
  type WriteResult,
  type WriteSource,
} from './state';
import { SUBSCRIBED_PROPERTIES } from '../mapping';
import { HUBSPOT_RETRY_SCHEDULE, hubspotPrepare, WebhookEmitter, type ContactEventInput, type WebhookFormat } from './webhooks';
import { RollingWindow } from '../../testing/rolling-window';
import { serveAssociations } from './associations-api';
import { MARKETING_OPT_OUT_PROPERTY, MARKETING_SUBSCRIPTION_ID, nonUniqueIdPropertyMessage, PropertyCatalog } from './catalog';
import { CommunicationPreferences, serveCommunicationPreferences, type SubscriptionState } from './communication-preferences';
import { CrmPortal, type ApiContext } from './crm';
import { renderFull, type CrmObject, type CrmObjectJson } from './objects';
import { serveObjects } from './objects-api';
import { serveProperties } from './properties-api';

/**
 * A local HubSpot portal serving the CRM v3 contacts endpoints @hubspot/api-client calls, with
 * HubSpot's error bodies, rate-limit headers and 429s, and v3-signed webhooks for every change.
 * Tests point the real SDK at `baseUrl`; `npm start` uses it as the sandbox, where
 * `/_sandbox/contacts` plays a person editing contacts in the HubSpot UI and
 * `/_sandbox/requests` lists every request the fake answered.
 */

export interface HubspotFakeOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** The private app token the fake accepts as `Authorization: Bearer <token>`. */
  accessToken: string;
  /** The app's client secret: webhooks are signed with it. */
  clientSecret: string;
  /** Where webhooks go (the hub's /webhooks/hubspot). Without it no webhook is sent. */
  webhookUrl?: string;
  /**
   * The properties the app's `contact.propertyChange` subscriptions name. Default: those the
   * connector's setup subscribes to (SUBSCRIBED_PROPERTIES), with the marketing subscription's
   * `hs_email_optout_<id>` (the setup for `marketingSubscriptionId`).
   */
  propertyChangeSubscriptions?: readonly string[];
  /** Burst limit as a rolling window (HubSpot: 100-250 per 10 s) and an optional daily quota. */
  rateLimit?: { max: number; intervalMs: number; daily?: number };
  /** Clock for createdAt/updatedAt, webhook occurredAt and the signature timestamp. */
  now?: () => Date;
  /** Add the sandbox contacts (ids 51-53), unless `persistPath` already holds a portal. */
  seed?: boolean;
  appId?: number;
  portalId?: number;
  /** The subscriptions' format: legacy `contact.*` (default) or generic `object.*` with objectTypeId. */
  webhookFormat?: WebhookFormat;
  /** How long a write takes to reach the search index (HubSpot: a few seconds). Default 1000 ms. */
  searchLagMs?: number;
  /**
   * A JSON file holding the portal (contacts with history, id counters, merges): loaded on
   * start when present, saved after changes (debounced) and on close.
   */
  persistPath?: string;
}

/** A failure forced on the next API calls (after the token check), e.g. `{ status: 429 }`. */
export interface ForcedFailure {
  status: number;
  /** For 429: TEN_SECONDLY_ROLLING (default), SECONDLY or DAILY. */
  policyName?: string;
  /** For 429: the Retry-After header in seconds; null sends none. Default: the window length, rounded up. */
  retryAfterSeconds?: number | null;
  /** Replaces the default error body. */
  body?: unknown;
}

/** An order as the sandbox shows it: every property, its line items and the contacts it is associated with. */
export interface SandboxOrder extends CrmObjectJson {
  lineItems: CrmObjectJson[];
  contactIds: string[];
}

/** A communication as the contact's timeline shows it: every property, and the contacts it is on. */
export interface SandboxCommunication extends CrmObjectJson {
  contactIds: string[];
}

export interface HubspotFake {
  baseUrl: string;
  state: HubspotFakeState;
  /** Property definitions, orders, line items, communications and associations. */
  crm: CrmPortal;
  /** Every request the fake answered (API and sandbox), in order. */
  requests: RecordedRequest[];
  webhooks: WebhookSender;
  close(): Promise<void>;
  admin: {
    /** Like a person creating a contact in the HubSpot UI: fires webhooks with changeSource CRM_UI. */
    createContact(properties: Record<string, string>): ContactJson;
    /**
     * Like a person editing a contact in the HubSpot UI ('' clears a property); `source:
     * 'integration'` plays another installed app writing it (history sourceType INTEGRATION).
     */
    updateContact(id: string, properties: Record<string, string>, options?: { source?: 'ui' | 'integration' }): ContactJson;
    /** Like a person deleting a contact (archived, restorable): fires contact.deletion. */
    deleteContact(id: string): boolean;
    /** Like a person restoring a deleted contact: fires contact.restore. */
    restoreContact(id: string): ContactJson | undefined;
    /**
     * Like a person merging two contacts in the UI: a NEW contact with a new id, the old ids
     * read as it; fires contact.merge. Throws on a merge HubSpot refuses (e.g. into itself).
     */
    mergeContacts(primaryObjectId: string, objectIdToMerge: string): ContactJson;
    /** A GDPR delete from the UI: fires contact.privacyDeletion and contact.deletion. */
    gdprDeleteContact(id: string): boolean;
    /** Switches the subscriptions between legacy `contact.*` and generic `object.*` events. */
    setWebhookFormat(format: WebhookFormat): void;
    /** Makes every write so far visible to search now (search lags writes by `searchLagMs`). */
    flushSearchIndex(): void;
    /** Every live order with its line items and associated contact ids (GET /_sandbox/orders). */
    listOrders(): SandboxOrder[];
    getOrder(id: string): SandboxOrder | undefined;
    /** Every live line item, whatever its parent. */
    listLineItems(): CrmObjectJson[];
    /** Every live communication (SMS, WhatsApp, LinkedIn message) with its associated contact ids (GET /_sandbox/communications). */
    listCommunications(): SandboxCommunication[];
    getCommunication(id: string): SandboxCommunication | undefined;
    getContact(id: string): ContactJson | undefined;
    findContactByEmail(email: string): ContactJson | undefined;
    listContacts(): ContactJson[];
    /** The next `count` API calls answer with this failure instead of being served. */
    failNext(count: number, failure: ForcedFailure): void;
    /** A seeded share of API calls answered 429 (TEN_SECONDLY_ROLLING) or 502, as HubSpot answers them (`configure`). */
    apiFaults: ApiFaultInjector;
    /** API calls that only read (GET, batch/read, search), whatever their status. */
    apiReads(): RecordedRequest[];
    /** API calls that write (create, update, batch create/update, archive), whatever their status. */
    apiWrites(): RecordedRequest[];
    /**
     * A person's own choice, as HubSpot records it (a preferences page, an unsubscribe link, a
     * user in the UI): the marketing subscription by default. Unlike the v3 API, a person may
     * subscribe again after an opt-out. Fires the property's propertyChange webhook.
     */
    setSubscription(email: string, state: 'SUBSCRIBED' | 'UNSUBSCRIBED', subscriptionId?: string): void;
    /** A person's "unsubscribe from all email": `hs_email_optout` 'true'. */
    unsubscribeFromAll(email: string): void;
    /** The subscription's state for an email (the marketing subscription by default). */
    subscriptionState(email: string, subscriptionId?: string): SubscriptionState;
    /** Whether the email opted out of all email. */
    optedOutOfAll(email: string): boolean;
  };
}

const CONTACTS = '/crm/v3/objects/contacts';
const BATCH_LIMIT = 100;
/**
 * With propertiesWithHistory a batch read takes at most 50 inputs; HubSpot answers more with
 * this 400 (the SDK's OpenAPI text only says it "will reduce the maximum number of objects").
 */
const HISTORY_BATCH_LIMIT = 50;
const HISTORY_BATCH_LIMIT_MESSAGE = `The maximum number of inputs supported in a batch request for property histories is ${HISTORY_BATCH_LIMIT}. Please reduce the number of items and try again`;
const DEFAULT_SEARCH_LAG_MS = 1000;
const SEARCH_RESULT_LIMIT = 10_000;
/** "The search endpoints are rate limited to five requests per second per account" (on top of the burst limit). */
const SEARCH_PER_SECOND = 5;
const DEFAULT_RATE_LIMIT = { max: 190, intervalMs: 10_000, daily: 650_000 };

const PropertiesInputSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .transform((properties) =>
    Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, value === null ? '' : String(value)])),
  );
const CreateInputSchema = z.object({ properties: PropertiesInputSchema, associations: z.array(z.unknown()).optional() });
const UpdateInputSchema = z.object({ properties: PropertiesInputSchema });
const BatchReadInputSchema = z.object({
  inputs: z.array(z.object({ id: z.string() })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const SandboxPreferenceSchema = z.object({ emailAddress: z.string().min(1), subscriptionId: z.string().regex(/^\d+$/).optional() });
/** https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/post-crm-v3-objects-contacts-merge */
const MergeInputSchema = z.object({ primaryObjectId: z.string().min(1), objectIdToMerge: z.string().min(1) });
/** https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/gdpr/post-crm-v3-objects-contacts-gdpr-delete */
const GdprDeleteInputSchema = z.object({ objectId: z.string().min(1), idProperty: z.string().optional() });
const BatchCreateInputSchema = z.object({ inputs: z.array(CreateInputSchema) });
const BatchUpdateInputSchema = z.object({ inputs: z.array(z.object({ id: z.string(), properties: PropertiesInputSchema })) });
const SearchInputSchema = z.object({
  filterGroups: z
    .array(
      z.object({
        filters: z.array(
          z.object({
            propertyName: z.string(),
            operator: z.string(),
            value: z.union([z.string(), z.number(), z.boolean()]).optional(),
          }),
        ),
      }),
    )
    .default([]),
  sorts: z.array(z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') })).max(1).default([]),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(1).max(200).default(10),
  after: z.union([z.string(), z.number()]).optional(),
});

export function isApiRead(request: RecordedRequest): boolean {
  return request.path.startsWith('/crm/') && (request.method === 'GET' || /\/(batch\/read|search)$/.test(request.path));
}

export function isApiWrite(request: RecordedRequest): boolean {
  return request.path.startsWith('/crm/') && !isApiRead(request);
}

/** Starts the fake on loopback and resolves when it listens. */
export async function startHubspotFake(options: HubspotFakeOptions): Promise<HubspotFake> {
  const now = options.now ?? (() => new Date());
  const portalId = options.portalId ?? 62515;
  const appId = options.appId ?? 54321;
  const limit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const catalog = new PropertyCatalog(now);
  const state = new HubspotFakeState(now, catalog);
  const crm = new CrmPortal(now, catalog, state, options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS);
  const saved = options.persistPath ? loadPortal(options.persistPath) : undefined;
  if (saved) {
    state.load(saved);
    // Files saved before orders existed have no `crm`: the portal starts with the default properties.
    if (saved.crm) crm.load(saved.crm);
  } else if (options.seed) seedHubspotContacts(state);

  let webhookFormat: WebhookFormat = options.webhookFormat ?? 'legacy';
  const webhooks: WebhookSender = new WebhookSender(options.webhookUrl, {
    retrySchedule: HUBSPOT_RETRY_SCHEDULE,
    prepare: hubspotPrepare(options.clientSecret, () => webhooks.targetUrl),
  });
  const subscribed = new Set(options.propertyChangeSubscriptions ?? [...SUBSCRIBED_PROPERTIES, MARKETING_OPT_OUT_PROPERTY]);
  const emitter = new WebhookEmitter({
    sender: webhooks,
    clientSecret: options.clientSecret,
    portalId,
    appId,
    format: () => webhookFormat,
    now,
    firstEventId: saved?.nextEventId,
  });
  const searchIndex = new SearchIndex(state, options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS);
  searchIndex.rebuild();
  state.onChange((id) => searchIndex.record(id));
  const writer = options.persistPath ? new PortalWriter(options.persistPath, state, () => emitter.eventIdCounter, undefined, () => crm.snapshot()) : undefined;
  if (writer) {
    state.onChange(() => writer.schedule());
    crm.objects.onChange(() => writer.schedule());
    crm.associations.onChange(() => writer.schedule());
  }

  const forced: ForcedFailure[] = [];
  const apiFaults = new ApiFaultInjector();
  const window = new RollingWindow(limit.max, limit.intervalMs);
  const searchWindow = new RollingWindow(SEARCH_PER_SECOND, 1000);
  let dailyUsed = 0;

  // --- responses -------------------------------------------------------------------------

  function errorBody(message: string, category: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
  }

  /** https://developers.hubspot.com/docs/api/usage-details: these headers come with every API answer. */
  function rateHeaders(): Record<string, string> {
    const at = performance.now();
    const secondly = Math.max(1, Math.round((limit.max * 1000) / limit.intervalMs));
    return {
      'x-hubspot-ratelimit-max': String(limit.max),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, limit.max - window.used(at))),
      'x-hubspot-ratelimit-interval-milliseconds': String(limit.intervalMs),
      'x-hubspot-ratelimit-secondly': String(secondly),
      'x-hubspot-ratelimit-secondly-remaining': String(Math.max(0, secondly - window.usedWithin(at, 1000))),
      'x-hubspot-ratelimit-daily': String(limit.daily),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, limit.daily - dailyUsed)),
    };
  }

  function api(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
    return { status, body, headers: { ...rateHeaders(), ...headers } };
  }

  function tooManyRequests(policyName: string, retryAfterSeconds: number | null): FakeResponse {
    const message =
      policyName === 'DAILY'
        ? 'You have reached your daily limit.'
        : policyName === 'SECONDLY'
          ? 'You have reached your secondly limit.'
          : `You have reached your ${policyName.toLowerCase()} limit.`;
    const body = { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName, requestId: randomUUID() };
    return api(429, body, retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) });
  }

  /** HubSpot's bodies for a refused write. */
  function writeFailure(failure: WriteFailure): FakeResponse {
    switch (failure.kind) {
      case 'conflict':
        return api(409, errorBody(`Contact already exists. Existing ID: ${failure.existingId}`, 'CONFLICT'));
      case 'not_found':
        return api(404, errorBody('resource not found', 'OBJECT_NOT_FOUND'));
      case 'merge_into_itself':
        return api(400, errorBody(describe(failure), 'VALIDATION_ERROR'));
      case 'invalid': {
        const listed = failure.problems.map((problem) => ({ isValid: false, message: problem.message, error: problem.error, name: problem.name }));
        return api(
          400,
          errorBody(`Property values were not valid: ${JSON.stringify(listed)}`, 'VALIDATION_ERROR', {
            errors: failure.problems.map((problem) => ({
              message: problem.message,
              code: problem.error,
              context: { propertyName: [problem.name] },
            })),
          }),
        );
      }
    }
  }

  function invalidInput(error: z.ZodError): FakeResponse {
    const paths = error.issues.map((issue) => issue.path.join('.') || '(body)').join(', ');
    return api(400, errorBody(`Invalid input JSON: check ${paths}`, 'VALIDATION_ERROR'));
  }

  // --- webhooks --------------------------------------------------------------------------

  /** Events of one API call go out together (a batch call's events share deliveries of up to 100). */
  let collecting: ContactEventInput[] | undefined;

  function deliver(events: ContactEventInput[]): void {
    if (collecting) collecting.push(...events);
    else emitter.deliver(events);
  }

  function inOneDelivery<T>(run: () => T): T {
    collecting = [];
    try {
      return run();
    } finally {
      const events = collecting;
      collecting = undefined;
      emitter.deliver(events);
    }
  }

  /**
   * A creation (changeFlag NEW) and one propertyChange per property the write changed that the
   * app subscribed to: HubSpot's propertyChange subscriptions are per property.
   */
  function notify(result: Extract<WriteResult, { ok: true }>, source: WriteSource): void {
    const { contact } = result;
    const base = { objectId: contact.id, occurredAt: contact.updatedAt, source };
    const events: ContactEventInput[] = result.created ? [{ ...base, action: 'creation', changeFlag: 'NEW' }] : [];
    for (const change of result.changes) {
      if (subscribed.has(change.name)) events.push({ ...base, action: 'propertyChange', propertyName: change.name, propertyValue: change.value });
    }
    deliver(events);
  }

  function mergeEvent(result: Extract<MergeResult, { ok: true }>, source: WriteSource): void {
    const { contact } = result;
    crm.associations.move('contacts', [result.primaryId, result.mergedId], contact.id);
    deliver([
      {
        action: 'merge',
        objectId: contact.id,
        occurredAt: contact.updatedAt,
        source,
        merge: { primaryObjectId: result.primaryId, mergedObjectIds: [result.mergedId], newObjectId: contact.id, numberOfPropertiesMoved: result.propertiesMoved },
      },
    ]);
  }

  function deleteContact(id: string, source: WriteSource): FakeContact | undefined {
    const contact = state.archive(id);
    if (contact) crm.associations.forget('contacts', contact.id);
    if (contact) deliver([{ action: 'deletion', objectId: contact.id, occurredAt: contact.updatedAt, source }]);
    return contact;
  }

  /** GDPR delete: HubSpot fires contact.privacyDeletion and the normal deletion. */
  function gdprDelete(id: string, source: WriteSource): FakeContact | undefined {
    const contact = state.gdprDelete(id);
    if (!contact) return undefined;
    crm.associations.forget('contacts', contact.id);
    const at = now();
    deliver([
      { action: 'privacyDeletion', objectId: contact.id, occurredAt: at, source },
      { action: 'deletion', objectId: contact.id, occurredAt: at, source },
    ]);
    return contact;
  }

  function write(result: WriteResult, source: WriteSource): WriteResult {
    if (result.ok) notify(result, source);
    return result;
  }

  // --- API routes --------------------------------------------------------------------------

  function requestedProperties(request: FakeRequest, parameter = 'properties'): string[] | undefined {
    const names = request.query.getAll(parameter).flatMap((value) => value.split(',')).filter(Boolean);
    return names.length > 0 ? names : undefined;
  }

  /** By id, by email, or by the value of a unique property (`idProperty`); another property is refused (nonUniqueIdProperty). */
  function lookup(idOrEmail: string, idProperty: string | null): FakeContact | undefined {
    if (idProperty === 'email') return state.findByEmail(idOrEmail);
    if (idProperty && idProperty !== 'hs_object_id') return state.list().find((contact) => contact.properties.get(idProperty) === idOrEmail);
    return state.get(idOrEmail);
  }

  /** HubSpot's 400 for an idProperty that is not a unique property (as objects-api.ts answers for the other objects). */
  function nonUniqueIdProperty(idProperty: string | null): FakeResponse | undefined {
    if (!idProperty || idProperty === 'email' || idProperty === 'hs_object_id' || catalog.isUnique('contacts', idProperty)) return undefined;
    return api(400, errorBody(nonUniqueIdPropertyMessage('contacts', idProperty, portalId), 'VALIDATION_ERROR'));
  }

  function batchTimes(): Record<string, string> {
    const at = now().toISOString();
    return { requestedAt: at, startedAt: at, completedAt: at };
  }

  const context: ApiContext = { crm, portalId, now, api, errorBody, invalidInput };
  const preferences = new CommunicationPreferences(state, (result, source) => write(result, source));

  function serveApi(request: FakeRequest): FakeResponse {
    const routed =
      serveCommunicationPreferences(request, context, preferences) ?? serveProperties(request, context) ?? serveAssociations(request, context) ?? serveObjects(request, context);
    if (routed) return routed;
    const { method, path } = request;
    const single = new RegExp(`^${CONTACTS}/([^/]+)$`).exec(path)?.[1];

    // POST /crm/v3/objects/contacts
    if (path === CONTACTS && method === 'POST') {
      const input = CreateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.create(input.data.properties, 'api'), 'api');
      return result.ok ? api(201, renderWritten(result.contact, Object.keys(input.data.properties), state.knows)) : writeFailure(result.failure);
    }
    // GET /crm/v3/objects/contacts?limit&after&properties&propertiesWithHistory
    // https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/get-crm-v3-objects-contacts
    // Pages of at most 100 (50 with propertiesWithHistory, which "will reduce the maximum number of
    // objects that can be read by a single request"), in id order; `after` is the id to start at.
    if (path === CONTACTS && method === 'GET') {
      const history = requestedProperties(request, 'propertiesWithHistory');
      const cap = history ? HISTORY_BATCH_LIMIT : BATCH_LIMIT;
      const pageSize = Math.min(Number(request.query.get('limit') ?? 10) || 10, cap);
      const after = request.query.get('after');
      if (after !== null && !/^\d+$/.test(after)) return api(400, errorBody(`Invalid after value: ${after.slice(0, 40)}`, 'VALIDATION_ERROR'));
      // Contact ids are numbers well below 2^53.
      const from = after === null ? 0 : Number(after);
      const window = state
        .list()
        .filter((contact) => Number(contact.id) >= from)
        .sort((a, b) => Number(a.id) - Number(b.id));
      const page = window.slice(0, pageSize);
      const results = page.map((contact) => renderContact(contact, requestedProperties(request), history, state.knows));
      const nextId = window[pageSize] ? window[pageSize]!.id : undefined;
      const paging = nextId ? { next: { after: nextId, link: `${baseUrl}${CONTACTS}?after=${nextId}` } } : undefined;
      return api(200, { results, ...(paging ? { paging } : {}) });
    }
    // POST /crm/v3/objects/contacts/batch/read
    if (path === `${CONTACTS}/batch/read` && method === 'POST') {
      const input = BatchReadInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const historyNames = input.data.propertiesWithHistory;
      const withHistory = historyNames !== undefined && historyNames.length > 0;
      if (withHistory && input.data.inputs.length > HISTORY_BATCH_LIMIT) return api(400, errorBody(HISTORY_BATCH_LIMIT_MESSAGE, 'VALIDATION_ERROR'));
      if (input.data.inputs.length > BATCH_LIMIT) return api(400, errorBody(`Too many inputs: at most ${BATCH_LIMIT} per batch`, 'VALIDATION_ERROR'));
      const results: ContactJson[] = [];
      const seen = new Set<string>();
      const missing: string[] = [];
      for (const { id } of input.data.inputs) {
        // A merged-away id reads as the record it was merged into, under that record's id.
        const contact = lookup(id, input.data.idProperty ?? null);
        if (!contact) missing.push(id);
        else if (!seen.has(contact.id)) {
          seen.add(contact.id);
          results.push(renderContact(contact, input.data.properties, withHistory ? historyNames : undefined, state.knows));
        }
      }
      if (missing.length === 0) return api(200, { status: 'COMPLETE', results, ...batchTimes() });
      const errors = [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
          context: { ids: missing },
          errors: [],
          links: {},
        },
      ];
      return api(207, { status: 'COMPLETE', results, numErrors: errors.length, errors, ...batchTimes() });
    }
    // POST /crm/v3/objects/contacts/merge {primaryObjectId, objectIdToMerge}: 200 with the new record
    if (path === `${CONTACTS}/merge` && method === 'POST') {
      const input = MergeInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = state.merge(input.data.primaryObjectId, input.data.objectIdToMerge, 'api');
      if (!result.ok) return writeFailure(result.failure);
      mergeEvent(result, 'api');
      return api(200, renderContact(result.contact, undefined, undefined, state.knows));
    }
    // POST /crm/v3/objects/contacts/gdpr-delete {objectId, idProperty?}: 204
    if (path === `${CONTACTS}/gdpr-delete` && method === 'POST') {
      const input = GdprDeleteInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const contact = input.data.idProperty === 'email' ? state.findByEmail(input.data.objectId) : state.contacts.get(state.resolve(input.data.objectId));
      if (!contact) return writeFailure({ kind: 'not_found', id: input.data.objectId });
      gdprDelete(contact.id, 'api');
      return api(204, undefined);
    }
    // POST /crm/v3/objects/contacts/batch/create (all or nothing, like HubSpot)
    if (path === `${CONTACTS}/batch/create` && method === 'POST') {
      const input = BatchCreateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      if (input.data.inputs.length > BATCH_LIMIT) return api(400, errorBody(`Too many inputs: at most ${BATCH_LIMIT} per batch`, 'VALIDATION_ERROR'));
      for (const { properties } of input.data.inputs) {
        const existing = properties.email ? state.findByEmail(properties.email) : undefined;
        if (existing) return writeFailure({ kind: 'conflict', existingId: existing.id });
      }
      const results: ContactJson[] = [];
      for (const { properties } of input.data.inputs) {
        const result = write(state.create(properties, 'api'), 'api');
        if (!result.ok) return writeFailure(result.failure);
        results.push(renderWritten(result.contact, Object.keys(properties), state.knows));
      }
      return api(201, { status: 'COMPLETE', results, ...batchTimes() });
    }
    // POST /crm/v3/objects/contacts/batch/update
    if (path === `${CONTACTS}/batch/update` && method === 'POST') {
      const input = BatchUpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      if (input.data.inputs.length > BATCH_LIMIT) return api(400, errorBody(`Too many inputs: at most ${BATCH_LIMIT} per batch`, 'VALIDATION_ERROR'));
      const results: ContactJson[] = [];
      const missing: string[] = [];
      for (const { id, properties } of input.data.inputs) {
        const result = write(state.update(id, properties, 'api'), 'api');
        if (result.ok) results.push(renderWritten(result.contact, Object.keys(properties), state.knows));
        else if (result.failure.kind === 'not_found') missing.push(id);
        else return writeFailure(result.failure);
      }
      if (missing.length === 0) return api(200, { status: 'COMPLETE', results, ...batchTimes() });
      const errors = [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not find some CONTACT objects.', context: { ids: missing } }];
      return api(207, { status: 'COMPLETE', results, numErrors: 1, errors, ...batchTimes() });
    }
    // POST /crm/v3/objects/contacts/search
    if (path === `${CONTACTS}/search` && method === 'POST') return search(request);

    // GET / PATCH / DELETE /crm/v3/objects/contacts/{contactId}[?idProperty=email]
    if (single !== undefined && ['GET', 'PATCH', 'DELETE'].includes(method)) {
      const refused = nonUniqueIdProperty(request.query.get('idProperty'));
      if (refused) return refused;
      const contact = lookup(decodeURIComponent(single), request.query.get('idProperty'));
      if (!contact) return writeFailure({ kind: 'not_found', id: single });
      if (method === 'GET') return api(200, renderContact(contact, requestedProperties(request), requestedProperties(request, 'propertiesWithHistory'), state.knows));
      if (method === 'DELETE') {
        deleteContact(contact.id, 'api');
        return api(204, undefined);
      }
      const input = UpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.update(contact.id, input.data.properties, 'api'), 'api');
      return result.ok ? api(200, renderWritten(result.contact, Object.keys(input.data.properties), state.knows)) : writeFailure(result.failure);
    }
    return api(404, errorBody(`No route for ${method} ${path}`, 'OBJECT_NOT_FOUND'));
  }

  /**
   * POST /crm/v3/objects/contacts/search: https://developers.hubspot.com/docs/api/crm/search
   * EQ (emails case-insensitively), NEQ, HAS_PROPERTY, NOT_HAS_PROPERTY; groups are OR-ed, filters AND-ed.
   */
  function search(request: FakeRequest): FakeResponse {
    const input = SearchInputSchema.safeParse(request.json ?? {});
    if (!input.success) return invalidInput(input.error);
    const supported = new Set(['EQ', 'NEQ', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'GT', 'GTE', 'LT', 'LTE']);
    const filters = input.data.filterGroups.flatMap((group) => group.filters);
    const unsupported = filters.find((filter) => !supported.has(filter.operator));
    if (unsupported) return api(400, errorBody(`The fake supports EQ, NEQ, GT, GTE, LT, LTE, HAS_PROPERTY and NOT_HAS_PROPERTY, not ${unsupported.operator}`, 'VALIDATION_ERROR'));
    const offset = Number(input.data.after ?? 0) || 0;
    // "The search endpoints are limited to 10,000 total results for any given query. Attempting to
    // page beyond 10,000 will result in a 400 error." https://developers.hubspot.com/docs/api-reference/search/guide#limitations
    if (offset + input.data.limit > SEARCH_RESULT_LIMIT) {
      return api(400, errorBody(`Paging beyond ${SEARCH_RESULT_LIMIT} results is not supported: narrow the search (after ${offset} + limit ${input.data.limit})`, 'VALIDATION_ERROR'));
    }

    const valueOf = (contact: FakeContact, name: string): string | null =>
      name === 'hs_object_id'
        ? contact.id
        : name === 'lastmodifieddate'
          ? contact.updatedAt.toISOString()
          : name === 'createdate'
            ? contact.createdAt.toISOString()
            : (contact.properties.get(name) ?? null);
    const matches = (contact: FakeContact, filter: (typeof filters)[number]): boolean => {
      const held = valueOf(contact, filter.propertyName);
      const wanted = String(filter.value ?? '');
      const same = held !== null && (filter.propertyName === 'email' ? held.toLowerCase() === wanted.toLowerCase() : held === wanted);
      if (filter.operator === 'EQ') return same;
      if (filter.operator === 'NEQ') return !same;
      if (['GT', 'GTE', 'LT', 'LTE'].includes(filter.operator)) return held !== null && compares(held, wanted, filter.operator);
      if (filter.operator === 'HAS_PROPERTY') return held !== null;
      return held === null;
    };
    // The search index lags writes (searchLagMs): what it finds may be missing or stale.
    const found = searchIndex
      .list()
      .filter((contact) => input.data.filterGroups.length === 0 || input.data.filterGroups.some((group) => group.filters.every((filter) => matches(contact, filter))));
    const sort = input.data.sorts[0];
    if (sort) {
      const direction = sort.direction === 'DESCENDING' ? -1 : 1;
      found.sort((a, b) => direction * ordered(valueOf(a, sort.propertyName), valueOf(b, sort.propertyName)) || ordered(a.id, b.id));
    }
    const page = found.slice(offset, offset + input.data.limit).map((contact) => renderContact(contact, input.data.properties, undefined, state.knows));
    const next = offset + input.data.limit < found.length ? { paging: { next: { after: String(offset + input.data.limit) } } } : {};
    return api(200, { total: found.length, results: page, ...next });
  }

  function handleApi(request: FakeRequest): FakeResponse {
    // https://developers.hubspot.com/docs/api/private-apps: private app tokens are Bearer tokens.
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) {
      return api(
        401,
        errorBody(
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          'INVALID_AUTHENTICATION',
        ),
      );
    }
    const failure = forced.shift();
    if (failure) {
      if (failure.status === 429) {
        const policyName = failure.policyName ?? 'TEN_SECONDLY_ROLLING';
        const defaultWait = policyName === 'DAILY' ? null : Math.ceil(limit.intervalMs / 1000);
        return tooManyRequests(policyName, failure.retryAfterSeconds === undefined ? defaultWait : failure.retryAfterSeconds);
      }
      return api(failure.status, failure.body ?? errorBody('An internal error occurred.', 'INTERNAL_ERROR'));
    }
    const fault = apiFaults.decide();
    if (fault === 'rate_limited') return tooManyRequests('TEN_SECONDLY_ROLLING', 1);
    if (fault === 'server_error') return api(502, errorBody('An internal error occurred.', 'INTERNAL_ERROR'));
    if (dailyUsed >= limit.daily) return tooManyRequests('DAILY', null);
    // Every object's search endpoint shares the per-second search limit.
    if (/^\/crm\/v3\/objects\/[^/]+\/search$/.test(request.path) && searchWindow.take(performance.now()) !== undefined) return tooManyRequests('SECONDLY', 1);
    const waitMs = window.take(performance.now());
    if (waitMs !== undefined) return tooManyRequests('TEN_SECONDLY_ROLLING', Math.max(1, Math.ceil(waitMs / 1000)));
    dailyUsed += 1;
    const response = inOneDelivery(() => serveApi(request));
    // Property and group definitions change outside the stores' listeners: save after any write.
    if (request.method !== 'GET') writer?.schedule();
    return response;
  }

  // --- sandbox admin (the HubSpot UI) --------------------------------------------------------

  /** What the HubSpot UI shows: every known property, empty ones as null. */
  function full(contact: FakeContact): ContactJson {
    return renderContact(contact, state.catalog.names('contacts'), undefined, state.knows);
  }

  function uiWrite(result: WriteResult, source: WriteSource = 'ui'): ContactJson {
    const written = write(result, source);
    if (!written.ok) throw new Error(`HubSpot fake: ${describe(written.failure)}`);
    return full(written.contact);
  }

  function uiMerge(primaryObjectId: string, objectIdToMerge: string): MergeResult {
    const result = state.merge(primaryObjectId, objectIdToMerge, 'ui');
    if (result.ok) mergeEvent(result, 'ui');
    return result;
  }

  /**
   * The sandbox, playing a person in the HubSpot UI (webhooks with changeSource CRM_UI):
   *   GET    /_sandbox/contacts                 every contact, every known property
   *   POST   /_sandbox/contacts                 {properties} creates one
   *   GET    /_sandbox/contacts/:id             one contact (a merged-away id reads as its new record)
   *   PATCH  /_sandbox/contacts/:id             {properties} edits one ('' clears)
   *   DELETE /_sandbox/contacts/:id             deletes (archives) one: contact.deletion
   *   POST   /_sandbox/contacts/:id/restore     restores a deleted one: contact.restore
   *   POST   /_sandbox/contacts/merge           {primaryObjectId, objectIdToMerge}: a new contact, contact.merge
   *   POST   /_sandbox/contacts/gdpr-delete     {objectId}: contact.privacyDeletion and contact.deletion
   *   GET    /_sandbox/orders                   every order with its properties, line items and associated contact ids
   *   GET    /_sandbox/orders/:id               one order, the same way
   *   GET    /_sandbox/communications           every communication with its properties and associated contact ids
   *   GET    /_sandbox/requests[?since=n]       the request log: {total, requests:[{method, path, status, body, at}]} from index n
   *   POST   /_sandbox/communication-preferences/subscribe      {emailAddress, subscriptionId?}: a person opts in (even after an opt-out)
   *   POST   /_sandbox/communication-preferences/unsubscribe    {emailAddress, subscriptionId?}: a person unsubscribes (the marketing subscription by default)
   *   POST   /_sandbox/communication-preferences/unsubscribe-all {emailAddress}: a person opts out of all email
   */
  function serveSandbox(request: FakeRequest): FakeResponse {
    const { path, method } = request;
    if (path === '/_sandbox/requests' && method === 'GET') {
      const since = Math.max(0, Number(request.query.get('since') ?? 0) || 0);
      const requests = server.requests.slice(since);
      return { status: 200, body: { total: server.requests.length, requests } };
    }
    if (path === '/_sandbox/contacts' && method === 'GET') return { status: 200, body: { results: state.list().map(full) } };
    const preference = /^\/_sandbox\/communication-preferences\/(subscribe|unsubscribe|unsubscribe-all)$/.exec(path)?.[1];
    if (preference !== undefined && method === 'POST') {
      const input = SandboxPreferenceSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const { emailAddress, subscriptionId = MARKETING_SUBSCRIPTION_ID } = input.data;
      if (preference === 'unsubscribe-all') preferences.unsubscribeFromAll(emailAddress, 'ui');
      else preferences.set(emailAddress, subscriptionId, preference === 'subscribe' ? 'SUBSCRIBED' : 'UNSUBSCRIBED', 'ui');
      return { status: 200, body: { emailAddress, subscriptionId, state: preferences.stateOf(emailAddress, subscriptionId), optedOutOfAll: preferences.optedOutOfAll(emailAddress) } };
    }
    if (path === '/_sandbox/orders' && method === 'GET') return { status: 200, body: { results: crm.objects.list('orders').map(sandboxOrder) } };
    if (path === '/_sandbox/communications' && method === 'GET') return { status: 200, body: { results: crm.objects.list('communications').map(sandboxCommunication) } };
    const orderId = /^\/_sandbox\/orders\/(\d+)$/.exec(path)?.[1];
    if (orderId !== undefined && method === 'GET') {
      const order = crm.objects.get('orders', orderId);
      return order ? { status: 200, body: sandboxOrder(order) } : { status: 404, body: errorBody('resource not found', 'OBJECT_NOT_FOUND') };
    }
    if (path === '/_sandbox/contacts' && method === 'POST') {
      const input = UpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.create(input.data.properties, 'ui'), 'ui');
      return result.ok ? { status: 201, body: full(result.contact) } : writeFailure(result.failure);
    }
    if (path === '/_sandbox/contacts/merge' && method === 'POST') {
      const input = MergeInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = uiMerge(input.data.primaryObjectId, input.data.objectIdToMerge);
      return result.ok ? { status: 200, body: full(result.contact) } : writeFailure(result.failure);
    }
    if (path === '/_sandbox/contacts/gdpr-delete' && method === 'POST') {
      const input = GdprDeleteInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      return gdprDelete(input.data.objectId, 'ui') ? { status: 204 } : writeFailure({ kind: 'not_found', id: input.data.objectId });
    }
    const restoreId = /^\/_sandbox\/contacts\/(\d+)\/restore$/.exec(path)?.[1];
    if (restoreId !== undefined && method === 'POST') {
      const contact = restore(restoreId);
      return contact ? { status: 200, body: full(contact) } : writeFailure({ kind: 'not_found', id: restoreId });
    }
    const id = /^\/_sandbox\/contacts\/([^/]+)$/.exec(path)?.[1];
    if (id !== undefined && method === 'GET') {
      const contact = state.get(id);
      return contact ? { status: 200, body: full(contact) } : writeFailure({ kind: 'not_found', id });
    }
    if (id !== undefined && method === 'PATCH') {
      const input = UpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.update(id, input.data.properties, 'ui'), 'ui');
      return result.ok ? { status: 200, body: full(result.contact) } : writeFailure(result.failure);
    }
    if (id !== undefined && method === 'DELETE') {
      return deleteContact(id, 'ui') ? { status: 204 } : writeFailure({ kind: 'not_found', id });
    }
    return { status: 404, body: errorBody(`No sandbox route for ${method} ${path}`, 'OBJECT_NOT_FOUND') };
  }

  function sandboxOrder(order: CrmObject): SandboxOrder {
    const lineItems = crm.associations
      .targets('orders', order.id, 'line_items')
      .flatMap(({ toId }) => {
        const lineItem = crm.objects.get('line_items', toId);
        return lineItem ? [renderFull(lineItem, catalog)] : [];
      });
    const contactIds = crm.associations.targets('orders', order.id, 'contacts').map(({ toId }) => toId);
    return { ...renderFull(order, catalog), lineItems, contactIds };
  }

  function sandboxCommunication(communication: CrmObject): SandboxCommunication {
    const contactIds = crm.associations.targets('communications', communication.id, 'contacts').map(({ toId }) => toId);
    return { ...renderFull(communication, catalog), contactIds };
  }

  function restore(id: string): FakeContact | undefined {
    const contact = state.restore(id);
    if (contact) deliver([{ action: 'restore', objectId: contact.id, occurredAt: contact.updatedAt, source: 'ui' }]);
    return contact;
  }

  const server = new FakeHttpServer((request) => (request.path.startsWith('/_sandbox/') || request.path === '/_sandbox' ? serveSandbox(request) : handleApi(request)));
  const baseUrl = await server.listen(options.port ?? 0);

  return {
    baseUrl,
    state,
    crm,
    requests: server.requests,
    webhooks,
    async close() {
      writer?.flush();
      await server.close();
    },
    admin: {
      createContact: (properties) => uiWrite(state.create({ ...properties }, 'ui')),
      updateContact: (id, properties, updateOptions = {}) => {
        const source = updateOptions.source ?? 'ui';
        return uiWrite(state.update(id, { ...properties }, source), source);
      },
      deleteContact: (id) => deleteContact(id, 'ui') !== undefined,
      restoreContact(id) {
        const contact = restore(id);
        return contact ? full(contact) : undefined;
      },
      mergeContacts(primaryObjectId, objectIdToMerge) {
        const result = uiMerge(primaryObjectId, objectIdToMerge);
        if (!result.ok) throw new Error(`HubSpot fake: ${describe(result.failure)}`);
        return full(result.contact);
      },
      gdprDeleteContact: (id) => gdprDelete(id, 'ui') !== undefined,
      setWebhookFormat(format) {
        webhookFormat = format;
      },
      flushSearchIndex: () => {
        searchIndex.flush();
        crm.flushSearch();
      },
      listOrders: () => crm.objects.list('orders').map(sandboxOrder),
      getOrder(id) {
        const order = crm.objects.get('orders', id);
        return order ? sandboxOrder(order) : undefined;
      },
      listLineItems: () => crm.objects.list('line_items').map((lineItem) => renderFull(lineItem, catalog)),
      listCommunications: () => crm.objects.list('communications').map(sandboxCommunication),
      getCommunication(id) {
        const communication = crm.objects.get('communications', id);
        return communication ? sandboxCommunication(communication) : undefined;
      },
      getContact(id) {
        const contact = state.get(id);
        return contact ? full(contact) : undefined;
      },
      findContactByEmail(email) {
        const contact = state.findByEmail(email);
        return contact ? full(contact) : undefined;
      },
      listContacts: () => state.list().map(full),
      apiFaults,
      failNext(count, failure) {
        for (let index = 0; index < count; index += 1) forced.push(failure);
      },
      apiReads: () => server.requests.filter(isApiRead),
      apiWrites: () => server.requests.filter(isApiWrite),
      setSubscription: (email, next, subscriptionId = MARKETING_SUBSCRIPTION_ID) => preferences.set(email, subscriptionId, next, 'ui'),
      unsubscribeFromAll: (email) => preferences.unsubscribeFromAll(email, 'ui'),
      subscriptionState: (email, subscriptionId = MARKETING_SUBSCRIPTION_ID) => preferences.stateOf(email, subscriptionId),
      optedOutOfAll: (email) => preferences.optedOutOfAll(email),
    },
  };
}

function describe(failure: WriteFailure): string {
  switch (failure.kind) {
    case 'conflict':
      return `Contact already exists. Existing ID: ${failure.existingId}`;
    case 'not_found':
      return `no contact ${failure.id}`;
    // Wording not confirmed against HubSpot (no public sample of this 400 found).
    case 'merge_into_itself':
      return `Cannot merge object ${failure.id} with itself`;
    case 'invalid':
      return `invalid properties ${failure.problems.map((problem) => `${problem.name} (${problem.error})`).join(', ')}`;
  }
}

/** A search filter's comparison: numbers (epoch ms, as HubSpot takes dates) or ISO dates as instants, else text. */
function compares(held: string, wanted: string, operator: string): boolean {
  const order = ordered(held, wanted);
  return operator === 'GT' ? order > 0 : operator === 'GTE' ? order >= 0 : operator === 'LT' ? order < 0 : order <= 0;
}

function ordered(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const [x, y] = [instant(a), instant(b)];
  if (x !== undefined && y !== undefined) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function instant(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}
