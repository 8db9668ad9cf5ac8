import { z } from 'zod';
import { FakeHttpServer, type FakeRequest, type FakeResponse, type RecordedRequest } from '../../testing/fake-http';
import { LaggingIndex } from '../../testing/lagging-index';
import { IdSource } from './clock';
import type { Channel } from './consent';
import type { FakeContext, Route } from './context';
import { gatewayPage, JSON_API, klaviyoErrors, respond } from './errors';
import { applyEvent, EVENT_ROUTES } from './events-api';
import { EventsState, type FakeEvent } from './events-state';
import { JobQueue, type Job } from './jobs';
import { loadAccount, persistAccount, saveAccount, type AccountSnapshot } from './persist';
import { PROFILE_ROUTES } from './profiles-api';
import { ProfilesState, type FakeProfile } from './profiles-state';
import { RateLimiter } from './rate-limits';
import { seedKlaviyoSandbox } from './seed';
import { applySubscribe, applyUnsubscribe, SUBSCRIPTION_ROUTES, uiSubscribe, uiUnsubscribe } from './subscriptions-api';
import { readProfileAttributes } from './wire';

/**
 * A local Klaviyo account at revision 2026-07-15 (what klaviyo-api@23.0.0 sends), never kinder
 * than Klaviyo: JSON:API documents in snake_case served as application/vnd.api+json, the
 * `revision` header required, `Authorization: Klaviyo-API-Key <key>` checked, Klaviyo's error
 * bodies and statuses (errors.ts), per-endpoint burst and steady fixed windows with RateLimit-*
 * headers and Retry-After (rate-limits.ts), Get Profiles and Get Events served from indexes that
 * lag writes (GET by id never stale), bulk consent jobs and Create Event answered 202 and applied
 * later (jobs.ts), consent that does not bump `updated` (consent.ts). Tests point the real SDK at
 * `baseUrl` (`api.basePath = fake.baseUrl` on each Api class); `/_sandbox/*` plays a person in
 * Klaviyo and lists every request answered.
 */
const DEFAULT_SEARCH_LAG_MS = 1000;
const DEFAULT_JOB_LAG_MS = 300;
const REVISION = /^\d{4}-\d{2}-\d{2}(\.pre|\.beta)?$/;

export type { FakeProfile } from './profiles-state';
export type { FakeEvent } from './events-state';

export interface KlaviyoFakeOptions {
  /** 0/absent: any free port. */
  port?: number;
  /** Requests must carry `Authorization: Klaviyo-API-Key <apiKey>`. */
  apiKey: string;
  /** Clock for created/updated/datetime/consent timestamps. */
  now?: () => Date;
  /** Wall-clock ms before a write shows in GET /api/profiles and GET /api/events. Default 1000. GET /api/profiles/{id} is never stale. */
  searchLagMs?: number;
  /** Ms before a 202-accepted write (bulk subscribe/unsubscribe, POST /api/events) is applied. Default 300. */
  jobLagMs?: number;
  /** Default true: Klaviyo's published per-endpoint limits; `{scale}` multiplies the allowances; false: none. */
  rateLimits?: boolean | { scale: number };
  /** Start with the sandbox profiles of seed.ts (no events). Ignored when persistPath holds a saved account. */
  seed?: boolean;
  /** Same seed (and same clock: profile ids are ULIDs carrying their creation time), same ids. Ignored when persistPath holds a saved account: its id stream continues. */
  idSeed?: number;
  /** Keep the account in this JSON file across restarts (persist.ts). */
  persistPath?: string;
}

export interface ForcedFailure {
  status: 429 | 500 | 502 | 503 | 504;
  /** For 429: the Retry-After seconds (default 1). */
  retryAfterSeconds?: number;
}

export interface KlaviyoFake {
  baseUrl: string;
  /** Every request answered (API and sandbox), in order. */
  requests: RecordedRequest[];
  /** Current state (not lagged). */
  profiles(): FakeProfile[];
  profile(id: string): FakeProfile | undefined;
  /** Recorded events, after unique_id dedupe, in arrival order. */
  events(): FakeEvent[];
  /** Plays a person editing the profile in Klaviyo's UI: merges wire attributes (null clears), bumps `updated`. */
  editProfile(id: string, attributes: Record<string, unknown>): FakeProfile;
  /** An unsubscribe on the preference page / an SMS STOP: consent UNSUBSCRIBED, email suppressed, the consent event recorded; `updated` unchanged. */
  unsubscribe(id: string, channel: Channel, at?: Date): void;
  /** An opt-in on a Klaviyo form: SUBSCRIBED, method FORM, the consent event recorded; `updated` unchanged. */
  subscribe(id: string, channel: Channel, at?: Date): void;
  /** The next `times` API calls (after the auth check) answer this failure. */
  forceFailure(failure: ForcedFailure, times?: number): void;
  /** Resolves when every accepted job/event has been applied. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const ROUTES: Route[] = [...PROFILE_ROUTES, ...SUBSCRIPTION_ROUTES, ...EVENT_ROUTES];

export async function startKlaviyoFake(options: KlaviyoFakeOptions): Promise<KlaviyoFake> {
  const now = options.now ?? (() => new Date());
  const saved = options.persistPath ? loadAccount(options.persistPath) : undefined;
  const ids = saved ? new IdSource(saved.ids.seed, saved.ids.draws, saved.ids.lastTime) : new IdSource(options.idSeed ?? 23);
  const profiles = new ProfilesState(now, ids);
  const events = new EventsState(now, ids);
  if (saved) {
    profiles.load(saved.profiles);
    events.load(saved.events);
  } else if (options.seed) seedKlaviyoSandbox(profiles, now);

  const profileIndex = new LaggingIndex<FakeProfile>(options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS);
  const eventIndex = new LaggingIndex<FakeEvent>(options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS);
  for (const profile of profiles.list()) profileIndex.seed(profile.id, profile);
  for (const event of events.list()) eventIndex.seed(event.id, event);

  let baseUrl = '';
  const jobs: JobQueue = new JobQueue(options.jobLagMs ?? DEFAULT_JOB_LAG_MS, (job: Job) => {
    if (job.kind === 'subscribe') applySubscribe(context, job);
    else if (job.kind === 'unsubscribe') applyUnsubscribe(context, job);
    else applyEvent(context, job);
  });
  const context: FakeContext = { baseUrl: () => baseUrl, now, ids, profiles, events, profileIndex, eventIndex, jobs };

  const snapshot = (): AccountSnapshot => ({ ids: ids.state(), profiles: profiles.snapshot(), events: events.snapshot(), jobs: jobs.pending() });
  const persistence = options.persistPath ? persistAccount(snapshot, options.persistPath) : undefined;
  profiles.onChange((profile) => {
    profileIndex.record(profile.id, profile);
    persistence?.schedule();
  });
  events.onChange((event) => {
    eventIndex.record(event.id, event);
    persistence?.schedule();
  });
  jobs.onChange(() => persistence?.schedule());
  if (saved) jobs.restore(saved.jobs);

  const limiter = new RateLimiter(options.rateLimits ?? true);
  const forced: ForcedFailure[] = [];

  function forcedAnswer(failure: ForcedFailure): FakeResponse {
    if (failure.status === 429) {
      const seconds = failure.retryAfterSeconds ?? 1;
      return respond(klaviyoErrors.throttled(seconds), { 'Retry-After': String(seconds) });
    }
    if (failure.status === 502 || failure.status === 504) return gatewayPage(failure.status);
    return respond(failure.status === 500 ? klaviyoErrors.serverError() : klaviyoErrors.unavailable());
  }

  function handleApi(request: FakeRequest): FakeResponse {
    const revision = request.headers.revision;
    if (revision === undefined || revision.trim() === '') return respond(klaviyoErrors.missingRevision());
    if (!REVISION.test(revision.trim())) return respond(klaviyoErrors.invalidRevision(revision));
    // https://developers.klaviyo.com/en/docs/authenticate_: "Authorization: Klaviyo-API-Key your-private-api-key".
    const authorization = request.headers.authorization ?? '';
    const key = /^Klaviyo-API-Key (.+)$/.exec(authorization)?.[1];
    if (key === undefined) return respond(/^Bearer /.test(authorization) ? klaviyoErrors.authenticationFailed() : klaviyoErrors.notAuthenticated());
    if (key.trim() !== options.apiKey) return respond(klaviyoErrors.authenticationFailed());
    const failure = forced.shift();
    if (failure) return forcedAnswer(failure);

    const path = request.path.replace(/\/+$/, '');
    let pathMatched = false;
    for (const route of ROUTES) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      const endpoint = typeof route.endpoint === 'function' ? route.endpoint(request) : route.endpoint;
      const decision = limiter.take(endpoint);
      if (!decision.ok) return respond(klaviyoErrors.throttled(decision.retryAfterSeconds), { 'Retry-After': String(decision.retryAfterSeconds) });
      const response = route.handle(request, match.slice(1).map(decodeURIComponent), context);
      return { ...response, headers: { 'content-type': JSON_API, ...response.headers, ...decision.headers } };
    }
    return respond(pathMatched ? klaviyoErrors.methodNotAllowed(request.method) : klaviyoErrors.notFound('Not found.'));
  }

  function editProfile(id: string, attributes: Record<string, unknown>): FakeProfile {
    const input = readProfileAttributes(attributes, '/attributes');
    if (!input.ok) throw new Error(`Klaviyo fake refused the edit: ${input.failure.errors.map((error) => error.detail).join('; ')}`);
    const result = profiles.update(id, input.value);
    if (!result.ok) throw new Error(`Klaviyo fake refused the edit: ${result.failure.errors.map((error) => `${error.code} ${error.detail}`).join('; ')}`);
    return structuredClone(result.value);
  }

  const fake: Omit<KlaviyoFake, 'baseUrl' | 'requests'> = {
    profiles: () => structuredClone(profiles.list()),
    profile: (id) => structuredClone(profiles.get(id)),
    events: () => structuredClone(events.list()),
    editProfile,
    unsubscribe: (id, channel, at) => void uiUnsubscribe(context, id, channel, at ?? now()),
    subscribe: (id, channel, at) => void uiSubscribe(context, id, channel, at ?? now()),
    forceFailure(failure, times = 1) {
      for (let each = 0; each < times; each += 1) forced.push(failure);
    },
    idle: () => jobs.idle(),
    async close() {
      jobs.stop();
      if (options.persistPath) {
        persistence?.flush();
        saveAccount(options.persistPath, snapshot());
      }
      await server.close();
    },
  };

  const server: FakeHttpServer = new FakeHttpServer((request) =>
    request.path.startsWith('/_sandbox/') ? serveSandbox(request, fake, () => server.requests) : handleApi(request),
  );
  baseUrl = await server.listen(options.port ?? 0);
  return { baseUrl, requests: server.requests, ...fake };
}

const ChannelSchema = z.object({ channel: z.enum(['email', 'sms']) }).strict();

/**
 * The sandbox, playing a person in Klaviyo (JSON, no auth):
 *   GET   /_sandbox/profiles                    every profile (current, not lagged)
 *   PATCH /_sandbox/profiles/:id                wire attributes ({"first_name":"Augusta"}; null clears), bumps `updated`
 *   POST  /_sandbox/profiles/:id/unsubscribe    {"channel":"email"|"sms"}: preference page / SMS STOP
 *   POST  /_sandbox/profiles/:id/subscribe      {"channel":"email"|"sms"}: a form opt-in
 *   GET   /_sandbox/events                      every recorded event
 *   GET   /_sandbox/requests                    the request log (methods, paths, statuses)
 */
function serveSandbox(request: FakeRequest, fake: Omit<KlaviyoFake, 'baseUrl' | 'requests'>, requests: () => RecordedRequest[]): FakeResponse {
  const { method, path } = request;
  try {
    if (path === '/_sandbox/requests' && method === 'GET') {
      return { status: 200, body: { requests: requests().map(({ method: m, path: p, status, at }) => ({ method: m, path: p, status, at })) } };
    }
    if (path === '/_sandbox/profiles' && method === 'GET') return { status: 200, body: { profiles: fake.profiles() } };
    if (path === '/_sandbox/events' && method === 'GET') return { status: 200, body: { events: fake.events() } };
    const profileId = /^\/_sandbox\/profiles\/([^/]+)$/.exec(path)?.[1];
    if (profileId !== undefined && method === 'GET') {
      const profile = fake.profile(profileId);
      return profile ? { status: 200, body: { profile } } : { status: 404, body: { errors: ['no such profile'] } };
    }
    if (profileId !== undefined && method === 'PATCH') {
      if (typeof request.json !== 'object' || request.json === null || Array.isArray(request.json)) return { status: 400, body: { errors: ['a JSON object of wire attributes'] } };
      return { status: 200, body: { profile: fake.editProfile(profileId, request.json as Record<string, unknown>) } };
    }
    const consent = /^\/_sandbox\/profiles\/([^/]+)\/(unsubscribe|subscribe)$/.exec(path);
    if (consent && method === 'POST') {
      const input = ChannelSchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: ['channel: "email" or "sms"'] } };
      const [, id, action] = consent;
      if (action === 'unsubscribe') fake.unsubscribe(id!, input.data.channel);
      else fake.subscribe(id!, input.data.channel);
      return { status: 200, body: { profile: fake.profile(id!) } };
    }
  } catch (error) {
    return { status: 422, body: { errors: [error instanceof Error ? error.message : String(error)] } };
  }
  return { status: 404, body: { errors: [`No sandbox route for ${method} ${path}`] } };
}
