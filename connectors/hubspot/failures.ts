import { compact } from '../../core/model/compact';
import { ConnectorError } from '../../core/errors';
import { HubspotApiExceptionSchema, HubspotErrorBodySchema, HubspotPropertyErrorListSchema, type HubspotErrorBody } from './schemas';

/**
 * HubSpot's failed answers, read from the SDK's ApiException, and what each means for us: how
 * long a 429 asks to wait, and the actionable ConnectorError for the rest. Apart from client.ts
 * so the order and stats sides use them without bundling the contacts codegen.
 */

const SYSTEM = 'hubspot';
/** Rate-limit and 5xx retries per call before giving the message back to SQS (retryable). */
export const MAX_RETRIES = 5;
/** Used only when a burst 429 states no wait: the length of HubSpot's burst window. */
const DEFAULT_BURST_WAIT_MS = 10_000;
/** The search endpoints' own limit ("You have reached your secondly limit.") rolls every second. */
const DEFAULT_SECONDLY_WAIT_MS = 1_000;
/** Same back-off as the SDK's own retry for 5xx: 200 ms × attempt. */
const SERVER_ERROR_WAIT_MS = 200;

/** A failed HubSpot answer, read from the SDK's ApiException. */
export interface Failure {
  status: number;
  body: HubspotErrorBody;
  headers: Record<string, string>;
}

export function unreadable(operation: string, issues: ReadonlyArray<{ path: PropertyKey[] }>): ConnectorError {
  const paths = issues.map((issue) => issue.path.map(String).join('.')).join(', ');
  return new ConnectorError(SYSTEM, undefined, `HubSpot ${operation}: the response did not have the expected shape (${paths})`, {
    retryable: false,
    metadata: { operation },
  });
}

/** Reads the SDK's ApiException; anything else (DNS, reset connection) is a network failure. */
export function readFailure(error: unknown, operation: string): Failure {
  const exception = HubspotApiExceptionSchema.safeParse(error);
  if (!exception.success) {
    // Not the SDK's error message: it can embed the request.
    throw new ConnectorError(SYSTEM, undefined, `HubSpot ${operation}: could not reach the HubSpot API; the call will be retried`, {
      retryable: true,
      metadata: { operation, error: error instanceof Error ? error.name : typeof error },
    });
  }
  const body = HubspotErrorBodySchema.safeParse(exception.data.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(exception.data.headers ?? {})) headers[name.toLowerCase()] = value;
  return { status: exception.data.code, body: body.success ? body.data : {}, headers };
}

/** How long to wait before the next try, or undefined when the failure is not worth retrying now. */
export function retryWait(failure: Failure, retry: number): number | undefined {
  if (failure.status >= 500) return SERVER_ERROR_WAIT_MS * retry;
  if (failure.status !== 429) return undefined;
  const { policyName, message } = failure.body;
  const secondly = policyName === 'SECONDLY' || message === 'You have reached your secondly limit.';
  if (policyName !== 'TEN_SECONDLY_ROLLING' && !secondly) return undefined; // DAILY and unknown policies
  return statedWait(failure.headers) ?? (secondly ? DEFAULT_SECONDLY_WAIT_MS : DEFAULT_BURST_WAIT_MS);
}

/**
 * The wait a 429 states. https://developers.hubspot.com/docs/api/usage-details#rate-limits
 * Retry-After is seconds (fractions accepted); the interval header is the window length in ms.
 */
function statedWait(headers: Record<string, string>): number | undefined {
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return Math.ceil(retryAfter * 1000);
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  if (headers['x-hubspot-ratelimit-interval-milliseconds'] !== undefined && Number.isFinite(interval) && interval >= 0) return interval;
  return undefined;
}

/** A 429 we do not wait out here: retryable, so SQS delivers the message again later. */
export function rateLimited(failure: Failure, operation: string, detail: string): ConnectorError {
  return new ConnectorError(
    SYSTEM,
    429,
    `HubSpot ${operation}: rate limit ${failure.body.policyName ?? 'unknown'} reached and the response ${detail}; the call will be retried later`,
    { retryable: true, metadata: metadata(failure, operation) },
  );
}

/** The actionable error for a failure we did not absorb. Messages and metadata never carry property values. */
export function toConnectorError(failure: Failure, operation: string): ConnectorError {
  const { status, body } = failure;
  const meta = metadata(failure, operation);
  if (status === 401) {
    return new ConnectorError(SYSTEM, status, 'HubSpot returned 401: the private app token is invalid; update secret omnihub/hubspot', {
      retryable: false,
      metadata: meta,
    });
  }
  if (status === 403) {
    return new ConnectorError(
      SYSTEM,
      status,
      'HubSpot returned 403: the private app lacks the crm.objects.contacts.read/write scopes; add them to the app and update secret omnihub/hubspot',
      { retryable: false, metadata: meta },
    );
  }
  if (status === 429) {
    if (body.policyName === 'DAILY') {
      return new ConnectorError(
        SYSTEM,
        status,
        `HubSpot ${operation}: the portal's daily API limit is used up; the call will be retried later (the limit resets at midnight in the portal's time zone, or buy the API limit increase)`,
        { retryable: true, metadata: meta },
      );
    }
    return rateLimited(failure, operation, 'was still 429 after our retries');
  }
  if (status === 404) {
    return new ConnectorError(SYSTEM, status, `HubSpot ${operation}: the contact does not exist (deleted or merged in HubSpot)`, {
      retryable: false,
      metadata: meta,
    });
  }
  if (status === 409) {
    const existingId = /Existing ID: (\d+)/.exec(body.message ?? '')?.[1];
    return new ConnectorError(
      SYSTEM,
      status,
      `HubSpot ${operation}: the email already belongs to another contact${existingId ? ` (id ${existingId})` : ''}; merge the two contacts in HubSpot`,
      { retryable: false, metadata: existingId ? { ...meta, existingId } : meta },
    );
  }
  if (status === 400) {
    const names = invalidProperties(body);
    return new ConnectorError(
      SYSTEM,
      status,
      `HubSpot ${operation}: HubSpot rejected ${names.length > 0 ? `the value of ${names.join(', ')}` : 'the request'} (${body.category ?? 'VALIDATION_ERROR'}); fix the value in the source system`,
      { retryable: false, metadata: { ...meta, properties: names.join(',') } },
    );
  }
  return new ConnectorError(SYSTEM, status, `HubSpot ${operation}: HubSpot answered ${status}${body.category ? ` (${body.category})` : ''}`, {
    retryable: status >= 500,
    metadata: meta,
  });
}

/**
 * The property names of a 400. HubSpot puts them in the message as JSON ("Property values were not
 * valid: [{...,"name":"email"}]") and sometimes in errors[].context.propertyName. Only names are
 * kept: the inner messages quote the rejected values.
 */
function invalidProperties(body: HubspotErrorBody): string[] {
  const names = new Set<string>();
  const listed = /^Property values were not valid: (\[.*\])$/s.exec(body.message ?? '')?.[1];
  if (listed) {
    try {
      const items = HubspotPropertyErrorListSchema.safeParse(JSON.parse(listed));
      if (items.success) for (const item of items.data) if (item.name) names.add(item.name);
    } catch {
      // Not JSON after all: fall back to errors[].
    }
  }
  for (const error of body.errors ?? []) for (const name of error.context?.propertyName ?? []) names.add(name);
  return [...names].filter((name) => /^[a-z0-9_]{1,100}$/i.test(name));
}

/** Ids and HubSpot's own codes only: what support needs to find the request, no personal data. */
function metadata(failure: Failure, operation: string): Record<string, string | number> {
  const { category, correlationId, policyName } = failure.body;
  return compact({ operation, status: failure.status, category, correlationId, policyName });
}
