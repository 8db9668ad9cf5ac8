import { randomUUID } from 'node:crypto';
import type { FakeResponse } from '../../testing/fake-http';

/**
 * Klaviyo's JSON:API error document, exactly: `{"errors":[{"id","status","code","title","detail",
 * "source":{"pointer"|"parameter"}, "links"?, "meta"?}]}`, served as `application/vnd.api+json`.
 * Titles are the generic ones of each code (the API is built on Django REST framework: "Invalid
 * input.", "Not found.", "Request was throttled."); details are Klaviyo's words where a real
 * answer was found, and say so:
 * - 401 missing/other scheme: `not_authenticated` "Authentication credentials were not provided." /
 *   "Missing or invalid authorization scheme. Please use Klaviyo-API-Key." (github.com/klaviyo/klaviyo-api-ruby/issues/19)
 * - 401 wrong key: `authentication_failed` "Incorrect authentication credentials." (community.klaviyo.com
 *   thread 19307, 2026-05; trufflehog PR 1870 "If the key is invalid, Klaviyo returns 401 ... authentication_failed")
 * - 409 `duplicate_profile` "Conflict." / "A profile already exists with one of these identifiers."
 *   with `meta.duplicate_profile_id` (saas-api-facts.md §3.1; klaviyo-api-php/issues/63)
 * - 400 filter: "Invalid filter provided. Verify your parentheses match." `source.parameter: "filter"`
 *   (orders-messages-facts.md §4.4, community.klaviyo.com api-filtering-12221)
 * - 400 "'x' is not a valid field for the resource 'profile'." with `links: {}`, `meta: {}`
 *   (a real answer quoted in github.com/verbb/formie/issues/1986)
 * - 429 `throttled` "Request was throttled." / "Request was throttled. Expected available in N seconds."
 *   (DRF's Throttled wording; Klaviyo's docs show no body; chosen)
 * - 400 missing `revision`: no real answer found; chosen: `invalid` "Missing required header: revision."
 *   with `source.parameter: "revision"`.
 * - 502/504 come from Klaviyo's edge (Cloudflare) as HTML, not JSON:API (as in
 *   github.com/klaviyo/klaviyo-api-ruby/issues/39): the fake answers them so.
 */
export const JSON_API = 'application/vnd.api+json';

export interface KlaviyoErrorEntry {
  id: string;
  status: number;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
  links?: Record<string, never>;
  meta?: Record<string, unknown>;
}

/** A refusal, with the status Klaviyo answers it with. */
export interface KlaviyoFailure {
  status: number;
  errors: KlaviyoErrorEntry[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; failure: KlaviyoFailure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function refused<T>(failure: KlaviyoFailure): Result<T> {
  return { ok: false, failure };
}

export function respond(failure: KlaviyoFailure, headers: Record<string, string> = {}): FakeResponse {
  return { status: failure.status, body: { errors: failure.errors }, headers: { 'content-type': JSON_API, ...headers } };
}

function entry(status: number, code: string, title: string, detail: string, source?: KlaviyoErrorEntry['source'], extra: Partial<KlaviyoErrorEntry> = {}): KlaviyoFailure {
  return { status, errors: [{ id: randomUUID(), status, code, title, detail, ...(source ? { source } : {}), ...extra }] };
}

const DATA = { pointer: '/data/' };

export const klaviyoErrors = {
  notAuthenticated: () =>
    entry(401, 'not_authenticated', 'Authentication credentials were not provided.', 'Missing or invalid authorization scheme. Please use Klaviyo-API-Key.', DATA),
  authenticationFailed: () => entry(401, 'authentication_failed', 'Incorrect authentication credentials.', 'Incorrect authentication credentials.', DATA),
  missingRevision: () => entry(400, 'invalid', 'Invalid input.', 'Missing required header: revision.', { parameter: 'revision' }, { links: {}, meta: {} }),
  invalidRevision: (revision: string) =>
    entry(400, 'invalid', 'Invalid input.', `Invalid revision '${revision}'. Revisions are dates in the form YYYY-MM-DD.`, { parameter: 'revision' }, { links: {}, meta: {} }),
  /** A body or attribute refused: `pointer` into the document (e.g. /data/attributes/phone_number). */
  invalidAt: (pointer: string, detail: string) => entry(400, 'invalid', 'Invalid input.', detail, { pointer }, { links: {}, meta: {} }),
  /** A query parameter refused (filter, sort, page[size], page[cursor], additional-fields). */
  invalidParameter: (parameter: string, detail: string) => entry(400, 'invalid', 'Invalid input.', detail, { parameter }, { links: {}, meta: {} }),
  invalidFilter: (detail = 'Invalid filter provided. Verify your parentheses match.') => entry(400, 'invalid', 'Invalid input.', detail, { parameter: 'filter' }, { links: {}, meta: {} }),
  parseError: () => entry(400, 'parse_error', 'Malformed request.', 'JSON parse error - Expecting value: line 1 column 1 (char 0)', DATA),
  notFound: (detail: string) => entry(404, 'not_found', 'Not found.', detail, DATA),
  methodNotAllowed: (method: string) => entry(405, 'method_not_allowed', 'Method not allowed.', `Method "${method}" not allowed.`, DATA),
  duplicateProfile: (duplicateId: string) =>
    entry(409, 'duplicate_profile', 'Conflict.', 'A profile already exists with one of these identifiers.', { pointer: '/data/attributes' }, { meta: { duplicate_profile_id: duplicateId } }),
  conflict: (detail: string) => entry(409, 'conflict', 'Conflict.', detail, { pointer: '/data/id' }),
  throttled: (seconds: number) =>
    entry(429, 'throttled', 'Request was throttled.', `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`, DATA),
  serverError: () => entry(500, 'error', 'A server error occurred.', 'A server error occurred.', DATA),
  unavailable: () => entry(503, 'service_unavailable', 'Service temporarily unavailable, try again later.', 'Service temporarily unavailable, try again later.', DATA),
};

/** What Klaviyo's edge answers on a 502 or 504: an HTML page, not JSON:API. */
export function gatewayPage(status: 502 | 504): FakeResponse {
  const reason = status === 502 ? 'Bad Gateway' : 'Gateway Time-out';
  return {
    status,
    body: `<html>\n<head><title>${status} ${reason}</title></head>\n<body>\n<center><h1>${status} ${reason}</h1></center>\n<hr><center>cloudflare</center>\n</body>\n</html>\n`,
    headers: { 'content-type': 'text/html' },
  };
}
