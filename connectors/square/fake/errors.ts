import type { FakeResponse } from '../../testing/fake-http';

/**
 * Square's error envelope, exactly: `{ "errors": [{ "category", "code", "detail", "field"? }] }`,
 * with the HTTP status of the first error. Categories and codes from the SDK's ErrorCategory /
 * ErrorCode (square/api/types); details worded as Square words them where a sample was found.
 * https://developer.squareup.com/docs/build-basics/handling-errors
 */
export interface SquareErrorEntry {
  category: 'API_ERROR' | 'AUTHENTICATION_ERROR' | 'INVALID_REQUEST_ERROR' | 'RATE_LIMIT_ERROR';
  code: string;
  detail: string;
  field?: string;
}

/** A refusal from the fake's state, with the status Square answers it with. */
export interface SquareFailure {
  status: number;
  errors: SquareErrorEntry[];
}

export function respond(failure: SquareFailure, headers: Record<string, string> = {}): FakeResponse {
  return { status: failure.status, body: { errors: failure.errors }, headers };
}

function failure(status: number, category: SquareErrorEntry['category'], code: string, detail: string, field?: string): SquareFailure {
  return { status, errors: [{ category, code, detail, ...(field === undefined ? {} : { field }) }] };
}

export const squareErrors = {
  unauthorized: () => failure(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'),
  rateLimited: () => failure(429, 'RATE_LIMIT_ERROR', 'RATE_LIMITED', 'Rate limit exceeded.'),
  internal: () => failure(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'An internal error has occurred, and the API was unable to service your request.'),
  unavailable: () => failure(503, 'API_ERROR', 'SERVICE_UNAVAILABLE', 'The service is unavailable. Please try again later.'),
  notFound: (detail: string) => failure(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', detail),
  noRoute: (method: string, path: string) => failure(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', `No route for ${method} ${path}.`),
  invalid: (code: string, detail: string, field?: string) => failure(400, 'INVALID_REQUEST_ERROR', code, detail, field),
  /** Seen on UpdateOrder (Square forum sample); Square documents a "version mismatch" for customers without its body. */
  versionMismatch: (kind: string, id: string, supplied: number, current: number, field: string) =>
    failure(400, 'INVALID_REQUEST_ERROR', 'VERSION_MISMATCH', `Supplied version ${supplied} does not match the current version ${current} of ${kind} ${id}.`, field),
  idempotencyKeyReused: () =>
    failure(400, 'INVALID_REQUEST_ERROR', 'IDEMPOTENCY_KEY_REUSED', 'The idempotency key can only be retried with the same request data.', 'idempotency_key'),
};
