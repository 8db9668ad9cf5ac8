import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { document, type FakeContext, type Route } from './context';
import { klaviyoErrors, respond, type KlaviyoFailure } from './errors';
import { checkFilter, matches, parseFilter, type FilterSpec } from './filters';
import { collectionLinks, cursorParam, pageOf, pageSize, sortRecords, type SortOrder } from './paging';
import type { FakeProfile, ProfileInput } from './profiles-state';
import { pickFields, readChoices, readData, readPatchMeta, readProfileAttributes, requireObject, type Json } from './wire';

/**
 * The Profiles endpoints klaviyo-api@23 calls (dist/api/profilesApi.js), revision 2026-07-15:
 * POST /api/profile-import (createOrUpdateProfile: 201 created / 200 updated), POST /api/profiles
 * (createProfile: 201, 409 duplicate_profile), GET and PATCH /api/profiles/{id}, GET /api/profiles.
 * - GET /api/profiles is served from an index that lags writes (`searchLagMs`); GET by id is not.
 * - getProfiles doc: filter fields/operators exactly as listed (id, email, phone_number,
 *   external_id: any/equals; _kx: equals; created, updated: greater-than/less-than; the
 *   suppression and list-suppression fields), combined with and(); sort by id, created, updated,
 *   email, subscriptions.email.marketing.suppression.timestamp or …list_suppressions.timestamp
 *   (the brief named id/created/updated; the SDK lists more, and the SDK wins), default id;
 *   `page[size]` "Default: 20. Min: 1. Max: 100."
 * - `subscriptions` only with `additional-fields[profile]=subscriptions`; `predictive_analytics`
 *   returns nulls (the fake predicts nothing) and counts against its tighter limit (10/s, 150/m).
 */
const PROFILE_FIELDS_ALLOWED = ['subscriptions', 'predictive_analytics'] as const;
const IMPORT_IGNORED = ['_kx'] as const;
const PROFILE_PAGE_DEFAULT = 20;
const PROFILE_PAGE_MAX = 100;

const lower = (value: string) => value.trim().toLowerCase();
const email = (profile: FakeProfile) => profile.attributes.subscriptions.email.marketing;

export const PROFILE_FILTER: FilterSpec<FakeProfile> = {
  logic: ['and'],
  fields: {
    id: { operators: ['any', 'equals'], type: 'string', values: (profile) => [profile.id] },
    email: { operators: ['any', 'equals'], type: 'string', values: (profile) => [profile.attributes.email], normalize: lower },
    phone_number: { operators: ['any', 'equals'], type: 'string', values: (profile) => [profile.attributes.phone_number] },
    external_id: { operators: ['any', 'equals'], type: 'string', values: (profile) => [profile.attributes.external_id] },
    // The fake keeps no exchange ids: equals(_kx,…) is accepted and matches nothing.
    _kx: { operators: ['equals'], type: 'string', values: () => [] },
    created: { operators: ['greater-than', 'less-than'], type: 'datetime', values: (profile) => [profile.attributes.created] },
    updated: { operators: ['greater-than', 'less-than'], type: 'datetime', values: (profile) => [profile.attributes.updated] },
    'subscriptions.email.marketing.list_suppressions.reason': { operators: ['equals'], type: 'string', values: (profile) => email(profile).list_suppressions.map((each) => each.reason) },
    'subscriptions.email.marketing.list_suppressions.timestamp': {
      operators: ['greater-or-equal', 'greater-than', 'less-or-equal', 'less-than'],
      type: 'datetime',
      values: (profile) => email(profile).list_suppressions.map((each) => each.timestamp),
    },
    'subscriptions.email.marketing.list_suppressions.list_id': { operators: ['equals'], type: 'string', values: (profile) => email(profile).list_suppressions.map((each) => each.list_id) },
    'subscriptions.email.marketing.suppression.reason': { operators: ['equals'], type: 'string', values: (profile) => email(profile).suppression.map((each) => each.reason) },
    'subscriptions.email.marketing.suppression.timestamp': {
      operators: ['greater-or-equal', 'greater-than', 'less-or-equal', 'less-than'],
      type: 'datetime',
      values: (profile) => email(profile).suppression.map((each) => each.timestamp),
    },
  },
};

const PROFILE_SORTS: Record<string, (profile: FakeProfile) => string> = {
  id: (profile) => profile.id,
  created: (profile) => profile.attributes.created,
  updated: (profile) => profile.attributes.updated,
  email: (profile) => lower(profile.attributes.email ?? ''),
  'subscriptions.email.marketing.suppression.timestamp': (profile) => email(profile).suppression[0]?.timestamp ?? '',
  'subscriptions.email.marketing.list_suppressions.timestamp': (profile) => email(profile).list_suppressions[0]?.timestamp ?? '',
};

export interface ProfileView {
  subscriptions: boolean;
  predictive: boolean;
  fields: string[];
}

/** The profile as a JSON:API resource. */
export function profileResource(profile: FakeProfile, baseUrl: string, view: ProfileView = { subscriptions: false, predictive: false, fields: [] }): Json {
  const { subscriptions, ...rest } = structuredClone(profile.attributes);
  const attributes: Json = {
    ...rest,
    ...(view.subscriptions ? { subscriptions } : {}),
    ...(view.predictive ? { predictive_analytics: PREDICTIVE_NULLS } : {}),
  };
  const self = `${baseUrl}/api/profiles/${profile.id}`;
  return {
    type: 'profile',
    id: profile.id,
    attributes: pickFields(attributes, view.fields),
    relationships: {
      lists: { links: { self: `${self}/relationships/lists/`, related: `${self}/lists/` } },
      segments: { links: { self: `${self}/relationships/segments/`, related: `${self}/segments/` } },
    },
    links: { self: `${self}/` },
  };
}

const PREDICTIVE_NULLS = {
  historic_clv: null,
  predicted_clv: null,
  total_clv: null,
  historic_number_of_orders: null,
  predicted_number_of_orders: null,
  average_days_between_orders: null,
  average_order_value: null,
  churn_probability: null,
  expected_date_of_next_order: null,
  ranked_channel_affinity: null,
};

function readView(query: URLSearchParams): { ok: true; view: ProfileView } | { ok: false; failure: KlaviyoFailure } {
  const additional = readChoices(query, 'additional-fields[profile]', PROFILE_FIELDS_ALLOWED);
  if (!additional.ok) return additional;
  const fields = (query.get('fields[profile]') ?? '').split(',').map((each) => each.trim()).filter(Boolean);
  return { ok: true, view: { subscriptions: additional.value.includes('subscriptions'), predictive: additional.value.includes('predictive_analytics'), fields } };
}

/** `data` of a profile write: its attributes (and meta.patch_properties) as an input. */
function readProfileWrite(request: FakeRequest, options: { ignored?: readonly string[] } = {}): { ok: true; data: Json; input: ProfileInput } | { ok: false; failure: KlaviyoFailure } {
  if (request.rawBody !== '' && request.json === undefined) return { ok: false, failure: klaviyoErrors.parseError() };
  const data = readData(request.json, 'profile');
  if (!data.ok) return data;
  const attributes = requireObject(data.value.attributes, '/data/attributes', 'attributes');
  if (!attributes.ok) return attributes;
  const input = readProfileAttributes(attributes.value, '/data/attributes', options);
  if (!input.ok) return input;
  const patch = readPatchMeta(data.value.meta, '/data/meta');
  if (!patch.ok) return patch;
  return { ok: true, data: data.value, input: { ...input.value, ...(patch.value ? { patch: patch.value } : {}) } };
}

function importProfile(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const view = readView(request.query);
  if (!view.ok) return respond(view.failure);
  const write = readProfileWrite(request, { ignored: IMPORT_IGNORED });
  if (!write.ok) return respond(write.failure);
  const id = write.data.id;
  if (id !== undefined && id !== null && typeof id !== 'string') return respond(klaviyoErrors.invalidAt('/data/id', "'id' must be a string."));
  const result = context.profiles.upsert(write.input, typeof id === 'string' ? id : undefined);
  if (!result.ok) return respond(result.failure);
  return document(result.value.created ? 201 : 200, { data: profileResource(result.value.profile, context.baseUrl(), view.view) });
}

function createProfile(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const view = readView(request.query);
  if (!view.ok) return respond(view.failure);
  const write = readProfileWrite(request);
  if (!write.ok) return respond(write.failure);
  if (write.data.id !== undefined) return respond(klaviyoErrors.invalidAt('/data/id', "'id' is not allowed when creating a profile."));
  const result = context.profiles.create(write.input);
  if (!result.ok) return respond(result.failure);
  return document(201, { data: profileResource(result.value, context.baseUrl(), view.view) });
}

function updateProfile(request: FakeRequest, [id]: string[], context: FakeContext): FakeResponse {
  const view = readView(request.query);
  if (!view.ok) return respond(view.failure);
  const write = readProfileWrite(request);
  if (!write.ok) return respond(write.failure);
  if (write.data.id !== id) {
    return respond(write.data.id === undefined ? klaviyoErrors.invalidAt('/data/id', "'id' is a required field.") : klaviyoErrors.conflict(`The id in the request body (${String(write.data.id)}) does not match the id in the URL (${id}).`));
  }
  const result = context.profiles.update(id!, write.input);
  if (!result.ok) return respond(result.failure);
  return document(200, { data: profileResource(result.value, context.baseUrl(), view.view) });
}

function getProfile(request: FakeRequest, [id]: string[], context: FakeContext): FakeResponse {
  const view = readView(request.query);
  if (!view.ok) return respond(view.failure);
  const profile = context.profiles.get(id!);
  if (!profile) return respond(klaviyoErrors.notFound(`A profile with id ${id} does not exist.`));
  return document(200, { data: profileResource(profile, context.baseUrl(), view.view), links: { self: `${context.baseUrl()}/api/profiles/${id}/` } });
}

function listProfiles(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const { query } = request;
  const view = readView(query);
  if (!view.ok) return respond(view.failure);
  const size = pageSize(query.get('page[size]'), PROFILE_PAGE_DEFAULT, PROFILE_PAGE_MAX);
  if (!size.ok) return respond(size.failure);
  const order = readSort(query.get('sort'), PROFILE_SORTS, 'id');
  if (!order.ok) return respond(order.failure);
  let records = context.profileIndex.list();
  const filterText = query.get('filter');
  if (filterText !== null) {
    const parsed = parseFilter(filterText);
    if (!parsed.ok) return respond(parsed.failure);
    const failure = checkFilter(parsed.node, PROFILE_FILTER);
    if (failure) return respond(failure);
    records = records.filter((profile) => matches(parsed.node, profile, PROFILE_FILTER));
  }
  const page = pageOf(sortRecords(records, order.order), size.size, cursorParam(query.get('page[cursor]')), order.order);
  if (!page.ok) return respond(page.failure);
  return document(200, {
    data: page.page.records.map((profile) => profileResource(profile, context.baseUrl(), view.view)),
    links: collectionLinks(context.baseUrl(), '/api/profiles', query, page.page),
  });
}

/** `sort`: one of the endpoint's fields, `-` for descending; anything else is a 400. */
export function readSort<T extends { id: string }>(
  raw: string | null,
  keys: Record<string, (record: T) => string>,
  fallback: string,
): { ok: true; order: SortOrder<T> } | { ok: false; failure: KlaviyoFailure } {
  const text = raw === null || raw === '' ? fallback : raw;
  const descending = text.startsWith('-');
  const field = descending ? text.slice(1) : text;
  const key = keys[field];
  if (!key) {
    const allowed = Object.keys(keys).flatMap((name) => [name, `-${name}`]);
    return { ok: false, failure: klaviyoErrors.invalidParameter('sort', `'${text}' is not a valid sort option. Allowed: ${allowed.join(', ')}.`) };
  }
  return { ok: true, order: { field, descending, key, id: (record) => record.id } };
}

function profilesEndpoint(request: FakeRequest) {
  return (request.query.get('additional-fields[profile]') ?? '').split(',').includes('predictive_analytics') ? ('getProfilesPredictive' as const) : ('getProfiles' as const);
}

export const PROFILE_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/api\/profile-import$/, endpoint: 'createOrUpdateProfile', handle: importProfile },
  { method: 'POST', pattern: /^\/api\/profiles$/, endpoint: 'createProfile', handle: createProfile },
  { method: 'GET', pattern: /^\/api\/profiles$/, endpoint: profilesEndpoint, handle: listProfiles },
  { method: 'GET', pattern: /^\/api\/profiles\/([^/]+)$/, endpoint: 'getProfile', handle: getProfile },
  { method: 'PATCH', pattern: /^\/api\/profiles\/([^/]+)$/, endpoint: 'updateProfile', handle: updateProfile },
];
