import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../../core/errors';
import type { LogSink } from '../../core/log';
import { MAX_RETRIES, rateLimited, readFailure, retryWait, toConnectorError, type Failure } from './failures';

/**
 * Calls to HubSpot with the customer client's retry rules (client.ts): a 429 is waited out as it
 * states (Retry-After, else the window length) and the same call sent again; a 5xx is retried
 * with a short back-off; a DAILY 429 or a long stated wait becomes a retryable ConnectorError,
 * so SQS redelivers later. Failures that are answers (400, 404, 409) come back to the caller.
 */

const SYSTEM = 'hubspot';
/** A stated wait longer than this is better spent by SQS redelivery than by a running Lambda. */
const MAX_WAIT_MS = 30_000;

export type Attempt<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export interface Caller {
  /** The call's value, or HubSpot's refusal once retries are spent (network failures throw). */
  attempt<T>(operation: string, call: () => Promise<T>): Promise<Attempt<T>>;
  /** The call's value; any refusal throws as a ConnectorError. */
  run<T>(operation: string, call: () => Promise<T>): Promise<T>;
}

export function createCaller(log: LogSink, scopes: string): Caller {
  async function attempt<T>(operation: string, call: () => Promise<T>): Promise<Attempt<T>> {
    for (let retry = 1; ; retry += 1) {
      try {
        return { ok: true, value: await call() };
      } catch (error) {
        const failure = readFailure(error, operation);
        const waitMs = retryWait(failure, retry);
        if (waitMs === undefined || retry > MAX_RETRIES) return { ok: false, failure };
        if (waitMs > MAX_WAIT_MS) throw rateLimited(failure, operation, `asks to wait ${waitMs} ms`);
        log.warn('HubSpot call refused for now; retrying after the wait', { operation, status: failure.status, policyName: failure.body.policyName, waitMs, retry });
        await sleep(waitMs);
      }
    }
  }

  return {
    attempt,
    async run(operation, call) {
      const result = await attempt(operation, call);
      if (!result.ok) throw failureError(result.failure, operation, scopes);
      return result.value;
    },
  };
}

/** toConnectorError, with the scopes this side of the connector needs named on a 403. */
export function failureError(failure: Failure, operation: string, scopes: string): ConnectorError {
  if (failure.status === 403) {
    return new ConnectorError(SYSTEM, 403, `HubSpot returned 403: the private app lacks the ${scopes} scopes; add them to the app and update secret omnihub/hubspot`, {
      retryable: false,
      metadata: { operation, status: 403 },
    });
  }
  return toConnectorError(failure, operation);
}
