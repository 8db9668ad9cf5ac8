import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { accepted, document, type FakeContext, type Route } from './context';
import { klaviyoErrors, ok, refused, respond, type Result } from './errors';
import { eventProperties, type FakeEvent, type FakeMetric } from './events-state';
import { checkFilter, matches, parseFilter, type FilterSpec } from './filters';
import type { Job } from './jobs';
import { collectionLinks, cursorParam, pageOf, pageSize, sortRecords } from './paging';
import { profileResource, readSort } from './profiles-api';
import { IDENTIFIERS, type FakeProfile, type ProfileInput } from './profiles-state';
import { pickFields, readChoices, readData, readPatchMeta, readProfileAttributes, requireObject, type Json } from './wire';

/**
 * The Events and Metrics endpoints (dist/api/eventsApi.js, metricsApi.js), revision 2026-07-15.
 * POST /api/events (createEvent) validates, answers 202 with an empty body and applies the event
 * `jobLagMs` later: the metric by name (made if new), the profile resolved from the identifiers
 * given (made if none; its attributes updated, `updated` bumped only if something changed; when
 * identifiers name different profiles the first by email > phone_number > external_id wins and
 * the others are not moved, chosen), then the unique_id dedupe (events-state.ts). Refused at once:
 * `time` not "after the year 1990" (the fake takes that literally: 1991-01-01 or later) or more
 * than one year ahead (eventCreateQueryV2ResourceObjectAttributes.d.ts); more than 400
 * properties; a profile without an identifier; a phone not in E.164.
 * GET /api/events is served from an index lagging writes: filters `metric_id` equals,
 * `profile_id` equals, `profile`/`metric` has, `datetime`/`timestamp` greater-or-equal,
 * greater-than, less-or-equal, less-than, and() only (getEvents doc); sort datetime/timestamp
 * (default datetime ascending, chosen); `page[size]` "Default: 200. Min: 1. Max: 1000."; include
 * metric/profile. GET /api/metrics: filters integration.name / integration.category equals, 200
 * a page, no page[size] (getMetrics doc).
 */
const EVENT_PAGE_DEFAULT = 200;
const EVENT_PAGE_MAX = 1000;
const METRIC_PAGE = 200;
const MAX_PROPERTIES = 400;
const EARLIEST_EVENT = Date.UTC(1991, 0, 1);

export const EVENT_FILTER: FilterSpec<FakeEvent> = {
  logic: ['and'],
  fields: {
    metric_id: { operators: ['equals'], type: 'string', values: (event) => [event.metricId] },
    profile_id: { operators: ['equals'], type: 'string', values: (event) => [event.profileId] },
    profile: { operators: ['has'], type: 'any', values: (event) => [event.profileId] },
    metric: { operators: ['has'], type: 'any', values: (event) => [event.metricId] },
    datetime: { operators: ['greater-or-equal', 'greater-than', 'less-or-equal', 'less-than'], type: 'datetime', values: (event) => [event.datetime] },
    timestamp: { operators: ['greater-or-equal', 'greater-than', 'less-or-equal', 'less-than'], type: 'any', values: (event) => [Date.parse(event.datetime) / 1000] },
  },
};

const METRIC_FILTER: FilterSpec<FakeMetric> = {
  logic: ['and'],
  fields: {
    'integration.name': { operators: ['equals'], type: 'string', values: (metric) => [metric.integration.name] },
    'integration.category': { operators: ['equals'], type: 'string', values: (metric) => [metric.integration.category] },
  },
};

export function eventResource(event: FakeEvent, baseUrl: string, fields: string[] = []): Json {
  const self = `${baseUrl}/api/events/${event.id}`;
  return {
    type: 'event',
    id: event.id,
    attributes: pickFields({ timestamp: Date.parse(event.datetime) / 1000, event_properties: eventProperties(event), datetime: event.datetime, uuid: event.uuid }, fields),
    relationships: {
      profile: { data: { type: 'profile', id: event.profileId }, links: { self: `${self}/relationships/profile/`, related: `${self}/profile/` } },
      metric: { data: { type: 'metric', id: event.metricId }, links: { self: `${self}/relationships/metric/`, related: `${self}/metric/` } },
    },
    links: { self: `${self}/` },
  };
}

export function metricResource(metric: FakeMetric, baseUrl: string, fields: string[] = []): Json {
  const self = `${baseUrl}/api/metrics/${metric.id}`;
  return {
    type: 'metric',
    id: metric.id,
    attributes: pickFields({ name: metric.name, created: metric.created, updated: metric.updated, integration: structuredClone(metric.integration) }, fields),
    relationships: { 'flow-triggers': { links: { self: `${self}/relationships/flow-triggers/`, related: `${self}/flow-triggers/` } } },
    links: { self: `${self}/` },
  };
}

function acceptEvent(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const job = readEvent(request, context);
  if (!job.ok) return respond(job.failure);
  context.jobs.accept(job.value);
  return accepted(context.now());
}

function readEvent(request: FakeRequest, context: FakeContext): Result<Job> {
  if (request.rawBody !== '' && request.json === undefined) return refused(klaviyoErrors.parseError());
  const data = readData(request.json, 'event');
  if (!data.ok) return data;
  const attributes = requireObject(data.value.attributes, '/data/attributes', 'attributes');
  if (!attributes.ok) return attributes;
  const at = '/data/attributes';
  const a = attributes.value;
  for (const key of Object.keys(a)) {
    if (!['properties', 'time', 'value', 'value_currency', 'unique_id', 'backfill', 'metric', 'profile'].includes(key)) {
      return refused(klaviyoErrors.invalidAt(`${at}/${key}`, `'${key}' is not a valid field for the resource 'event'.`));
    }
  }
  const properties = requireObject(a.properties, `${at}/properties`, 'properties');
  if (!properties.ok) return properties;
  if (Object.keys(properties.value).length > MAX_PROPERTIES) return refused(klaviyoErrors.invalidAt(`${at}/properties`, `An event may have at most ${MAX_PROPERTIES} properties.`));
  const now = context.now();
  let time = now;
  if (a.time !== undefined && a.time !== null) {
    const parsed = typeof a.time === 'string' ? Date.parse(a.time) : Number.NaN;
    if (Number.isNaN(parsed)) return refused(klaviyoErrors.invalidAt(`${at}/time`, "'time' must be a valid ISO 8601 date-time."));
    const latest = new Date(now);
    latest.setUTCFullYear(latest.getUTCFullYear() + 1);
    if (parsed < EARLIEST_EVENT || parsed > latest.getTime()) {
      return refused(klaviyoErrors.invalidAt(`${at}/time`, "'time' must be after the year 1990 and can only be up to 1 year in the future."));
    }
    time = new Date(parsed);
  }
  if (a.value !== undefined && a.value !== null && (typeof a.value !== 'number' || !Number.isFinite(a.value))) return refused(klaviyoErrors.invalidAt(`${at}/value`, "'value' must be a number."));
  if (a.value_currency !== undefined && a.value_currency !== null && (typeof a.value_currency !== 'string' || !/^[A-Z]{3}$/.test(a.value_currency))) {
    return refused(klaviyoErrors.invalidAt(`${at}/value_currency`, "'value_currency' must be an ISO 4217 currency code."));
  }
  if (a.unique_id !== undefined && a.unique_id !== null && typeof a.unique_id !== 'string') return refused(klaviyoErrors.invalidAt(`${at}/unique_id`, "'unique_id' must be a string."));
  if (a.backfill !== undefined && a.backfill !== null && typeof a.backfill !== 'boolean') return refused(klaviyoErrors.invalidAt(`${at}/backfill`, "'backfill' must be a boolean."));
  const metric = requireObject(a.metric, `${at}/metric`, 'metric');
  if (!metric.ok) return metric;
  const metricData = readData(metric.value, 'metric');
  if (!metricData.ok) return refused(klaviyoErrors.invalidAt(`${at}/metric/data`, metricData.failure.errors[0]?.detail ?? 'Invalid metric.'));
  const metricAttributes = requireObject(metricData.value.attributes, `${at}/metric/data/attributes`, 'attributes');
  if (!metricAttributes.ok) return metricAttributes;
  const name = metricAttributes.value.name;
  if (typeof name !== 'string' || name.trim() === '') return refused(klaviyoErrors.invalidAt(`${at}/metric/data/attributes/name`, "'name' is a required field."));
  const profile = requireObject(a.profile, `${at}/profile`, 'profile');
  if (!profile.ok) return profile;
  const profileData = readData(profile.value, 'profile');
  if (!profileData.ok) return refused(klaviyoErrors.invalidAt(`${at}/profile/data`, profileData.failure.errors[0]?.detail ?? 'Invalid profile.'));
  const id = profileData.value.id;
  if (id !== undefined && id !== null && typeof id !== 'string') return refused(klaviyoErrors.invalidAt(`${at}/profile/data/id`, "'id' must be a string."));
  const profileAttributes = profileData.value.attributes === undefined ? ok<Json>({}) : requireObject(profileData.value.attributes, `${at}/profile/data/attributes`, 'attributes');
  if (!profileAttributes.ok) return profileAttributes;
  const input = readProfileAttributes(profileAttributes.value, `${at}/profile/data/attributes`, { ignored: ['anonymous_id', '_kx', 'meta'] });
  if (!input.ok) return input;
  const patch = readPatchMeta(profileAttributes.value.meta, `${at}/profile/data/attributes/meta`);
  if (!patch.ok) return patch;
  const identified =
    typeof id === 'string' || IDENTIFIERS.some((field) => typeof input.value[field] === 'string') || typeof profileAttributes.value.anonymous_id === 'string' || typeof profileAttributes.value._kx === 'string';
  if (!identified) {
    return refused(klaviyoErrors.invalidAt(`${at}/profile/data/attributes`, 'The profile must include at least one identifier: id, email, phone_number, external_id, anonymous_id or _kx.'));
  }
  return ok({
    kind: 'event',
    metric: name,
    profile: { ...(typeof id === 'string' ? { id } : {}), input: { ...input.value, ...(patch.value ? { patch: patch.value } : {}) } },
    time: time.toISOString(),
    ...(typeof a.unique_id === 'string' ? { uniqueId: a.unique_id } : {}),
    ...(typeof a.value === 'number' ? { value: a.value } : {}),
    ...(typeof a.value_currency === 'string' ? { valueCurrency: a.value_currency } : {}),
    properties: properties.value,
  });
}

/** Applies an accepted event: the profile first, then the metric and the dedupe. */
export function applyEvent(context: FakeContext, job: Extract<Job, { kind: 'event' }>): FakeEvent | undefined {
  const profile = resolveProfile(context, job.profile);
  if (!profile) return undefined;
  const event = context.events.record({
    metric: job.metric,
    profileId: profile.id,
    time: new Date(job.time),
    ...(job.uniqueId !== undefined ? { uniqueId: job.uniqueId } : {}),
    ...(job.value !== undefined ? { value: job.value } : {}),
    ...(job.valueCurrency !== undefined ? { valueCurrency: job.valueCurrency } : {}),
    properties: job.properties,
  });
  if (event) context.profiles.recordEventDate(profile.id, event.datetime);
  return event;
}

function resolveProfile(context: FakeContext, spec: { id?: string; input: ProfileInput }): FakeProfile | undefined {
  const { profiles } = context;
  let target = spec.id !== undefined ? profiles.get(spec.id) : undefined;
  if (spec.id !== undefined && !target) return undefined; // an unknown id: dropped by the job
  if (!target) {
    for (const field of IDENTIFIERS) {
      const value = spec.input[field];
      if (typeof value === 'string') target = profiles.holder(field, value);
      if (target) break;
    }
  }
  if (!target) return profiles.insert(withoutHeldIdentifiers(context, spec.input));
  const input = withoutHeldIdentifiers(context, spec.input, target.id);
  const updated = profiles.update(target.id, input, { bump: 'if-changed' });
  return updated.ok ? updated.value : target;
}

function withoutHeldIdentifiers(context: FakeContext, input: ProfileInput, selfId?: string): ProfileInput {
  const result: ProfileInput = { ...input };
  for (const field of IDENTIFIERS) {
    const value = input[field];
    if (typeof value !== 'string') continue;
    const holder = context.profiles.holder(field, value);
    if (holder && holder.id !== selfId) delete result[field];
  }
  return result;
}

const EVENT_SORTS: Record<string, (event: FakeEvent) => string> = { datetime: (event) => event.datetime, timestamp: (event) => event.datetime };

function listEvents(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const { query } = request;
  const include = readChoices(query, 'include', ['attributions', 'metric', 'profile']);
  if (!include.ok) return respond(include.failure);
  const size = pageSize(query.get('page[size]'), EVENT_PAGE_DEFAULT, EVENT_PAGE_MAX);
  if (!size.ok) return respond(size.failure);
  const order = readSort(query.get('sort'), EVENT_SORTS, 'datetime');
  if (!order.ok) return respond(order.failure);
  let records = context.eventIndex.list();
  const filterText = query.get('filter');
  if (filterText !== null) {
    const parsed = parseFilter(filterText);
    if (!parsed.ok) return respond(parsed.failure);
    const failure = checkFilter(parsed.node, EVENT_FILTER);
    if (failure) return respond(failure);
    records = records.filter((event) => matches(parsed.node, event, EVENT_FILTER));
  }
  const page = pageOf(sortRecords(records, order.order), size.size, cursorParam(query.get('page[cursor]')), order.order);
  if (!page.ok) return respond(page.failure);
  const fields = fieldsOf(query, 'fields[event]');
  return document(200, {
    data: page.page.records.map((event) => eventResource(event, context.baseUrl(), fields)),
    links: collectionLinks(context.baseUrl(), '/api/events', query, page.page),
    ...(include.value.length > 0 ? { included: included(context, page.page.records, include.value, query) } : {}),
  });
}

function included(context: FakeContext, events: FakeEvent[], include: string[], query: URLSearchParams): Json[] {
  const resources: Json[] = [];
  if (include.includes('metric')) {
    for (const id of new Set(events.map((event) => event.metricId))) {
      const metric = context.events.metric(id);
      if (metric) resources.push(metricResource(metric, context.baseUrl(), fieldsOf(query, 'fields[metric]')));
    }
  }
  if (include.includes('profile')) {
    for (const id of new Set(events.map((event) => event.profileId))) {
      const profile = context.profiles.get(id);
      if (profile) resources.push(profileResource(profile, context.baseUrl(), { subscriptions: false, predictive: false, fields: fieldsOf(query, 'fields[profile]') }));
    }
  }
  return resources;
}

function fieldsOf(query: URLSearchParams, parameter: string): string[] {
  return (query.get(parameter) ?? '').split(',').map((each) => each.trim()).filter(Boolean);
}

function getEvent(request: FakeRequest, [id]: string[], context: FakeContext): FakeResponse {
  const event = context.events.get(id!);
  if (!event) return respond(klaviyoErrors.notFound(`An event with id ${id} does not exist.`));
  return document(200, { data: eventResource(event, context.baseUrl(), fieldsOf(request.query, 'fields[event]')), links: { self: `${context.baseUrl()}/api/events/${id}/` } });
}

function listMetrics(request: FakeRequest, _params: string[], context: FakeContext): FakeResponse {
  const { query } = request;
  let records = context.events.metricList();
  const filterText = query.get('filter');
  if (filterText !== null) {
    const parsed = parseFilter(filterText);
    if (!parsed.ok) return respond(parsed.failure);
    const failure = checkFilter(parsed.node, METRIC_FILTER);
    if (failure) return respond(failure);
    records = records.filter((metric) => matches(parsed.node, metric, METRIC_FILTER));
  }
  const order = readSort<FakeMetric>(null, { created: (metric) => metric.created }, 'created');
  if (!order.ok) return respond(order.failure);
  const page = pageOf(sortRecords(records, order.order), METRIC_PAGE, cursorParam(query.get('page[cursor]')), order.order);
  if (!page.ok) return respond(page.failure);
  return document(200, {
    data: page.page.records.map((metric) => metricResource(metric, context.baseUrl(), fieldsOf(query, 'fields[metric]'))),
    links: collectionLinks(context.baseUrl(), '/api/metrics', query, page.page),
  });
}

function getMetric(request: FakeRequest, [id]: string[], context: FakeContext): FakeResponse {
  const metric = context.events.metric(id!);
  if (!metric) return respond(klaviyoErrors.notFound(`A metric with id ${id} does not exist.`));
  return document(200, { data: metricResource(metric, context.baseUrl(), fieldsOf(request.query, 'fields[metric]')), links: { self: `${context.baseUrl()}/api/metrics/${id}/` } });
}

export const EVENT_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/api\/events$/, endpoint: 'createEvent', handle: acceptEvent },
  { method: 'GET', pattern: /^\/api\/events$/, endpoint: 'getEvents', handle: listEvents },
  { method: 'GET', pattern: /^\/api\/events\/([^/]+)$/, endpoint: 'getEvent', handle: getEvent },
  { method: 'GET', pattern: /^\/api\/metrics$/, endpoint: 'getMetrics', handle: listMetrics },
  { method: 'GET', pattern: /^\/api\/metrics\/([^/]+)$/, endpoint: 'getMetric', handle: getMetric },
];
