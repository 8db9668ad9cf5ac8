import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import type { LaggingIndex } from '../../testing/lagging-index';
import type { IdSource } from './clock';
import { JSON_API } from './errors';
import type { EventsState, FakeEvent } from './events-state';
import type { JobQueue } from './jobs';
import type { FakeProfile, ProfilesState } from './profiles-state';
import type { Endpoint } from './rate-limits';

/**
 * What the endpoint modules share: the account's state, the lagging indexes Get Profiles and
 * Get Events are served from (GET by id reads the state itself, never stale), the job queue of
 * 202-accepted work, and the route shape (each route names the endpoint whose rate limit it
 * counts against, rate-limits.ts).
 */
export interface FakeContext {
  baseUrl(): string;
  now(): Date;
  ids: IdSource;
  profiles: ProfilesState;
  events: EventsState;
  profileIndex: LaggingIndex<FakeProfile>;
  eventIndex: LaggingIndex<FakeEvent>;
  jobs: JobQueue;
}

export interface Route {
  method: string;
  pattern: RegExp;
  endpoint: Endpoint | ((request: FakeRequest) => Endpoint);
  handle: (request: FakeRequest, params: string[], context: FakeContext) => FakeResponse;
}

export function document(status: number, body: unknown): FakeResponse {
  return { status, body, headers: { 'content-type': JSON_API } };
}

/**
 * 202 Accepted with an empty body, for work done later (bulk jobs, Create Event). Its `Date` is
 * Klaviyo's clock when it took the work (an origin server with a clock sends one, RFC 9110
 * §6.6.1): the fake's clock, not this machine's, so a client can time what it wrote by the clock
 * the applied job will show (no earlier than this).
 */
export function accepted(at: Date): FakeResponse {
  return { status: 202, headers: { 'content-type': JSON_API, date: at.toUTCString() } };
}
