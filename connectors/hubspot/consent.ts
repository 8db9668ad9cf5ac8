// The communication preferences requests are sent through the contacts codegen's own HTTP layer
// (auth, server, fetch: already in the bundle), exactly as its StatusApi builds them: importing the
// communication_preferences codegen (~35 KB minified: its own copy of the serializer, HTTP and
// rxjs stub) took sync-hubspot over its 300 KB budget. Its models type what goes and comes back.
import type {
  PublicSubscriptionStatus,
  PublicSubscriptionStatusesResponse,
  PublicUpdateSubscriptionStatusRequest,
} from '@hubspot/api-client/lib/codegen/communication_preferences/index.js';
import { ApiException, HttpMethod, ServerConfiguration, createConfiguration, server1 } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { ConnectorError } from '../../core/errors';
import type { LogSink } from '../../core/log';
import type { PartialFieldValues } from '../../core/model/customer';
import { createCaller, type Caller } from './calls';
import { toConnectorError, type Failure } from './failures';

/**
 * Email marketing consent written to HubSpot through the communication preferences API v3, for
 * the one subscription type cdk.json names (`marketingSubscriptionId`):
 * - `subscribed` → POST /communication-preferences/v3/subscribe, with the legal basis
 *   CONSENT_WITH_NOTICE and an explanation saying the consent was given in another connected
 *   system. HubSpot's v3 never resubscribes an email that opted out (of this subscription or of
 *   all email): that refusal is a 400, and the value is withheld (not sent again until the golden
 *   value changes, docs/identity.md §3), with a warning. An email already subscribed is a 400 too
 *   ("… is already subscribed to subscription N"): HubSpot holds what we meant to write.
 * - `unsubscribed` → POST /communication-preferences/v3/unsubscribe for that subscription only.
 *   v3 has no "unsubscribe from all email" in its status API (that is v4's unsubscribe-all), and
 *   unsubscribing the subscription the shop's marketing email goes out under is what the person
 *   asked for in the other system; an email already unsubscribed from it ("… is already
 *   unsubscribed from subscription N"), or opted out of all email, holds it already.
 * - `not_subscribed` and `null` (defaults) write nothing: "not specified" says the same, and §10
 *   never lets a default undo a choice.
 * - no email on the contact: the value is withheld until there is one.
 * - no `marketingSubscriptionId`: nothing can be written, a choice is withheld (consent stays read only).
 * The v3 answers (PublicSubscriptionStatus) carry no time. The write is timed by the answer's
 * `Date` (HubSpot's clock when it answered, to the second), and never earlier than just after the
 * consent time sync's read showed: the property change our write makes is later than both
 * (docs/identity.md §10, as for Klaviyo's jobs).
 * https://developers.hubspot.com/docs/api-reference/legacy/communication-preferences/v3/guide
 */

export const LEGAL_BASIS_EXPLANATION = 'Marketing email consent given in another connected system, via omnihub';
const SCOPES = 'communication_preferences.read_write';

export interface ConsentWritten {
  holds: PartialFieldValues;
  withheld: PartialFieldValues;
  /** HubSpot's clock for the change, when a write was answered. */
  at?: string;
}

export interface ConsentWriter {
  write(email: string | null | undefined, value: PartialFieldValues['emailConsent'], readAt: string | undefined): Promise<ConsentWritten>;
}

interface Answer {
  headers: Record<string, string>;
}

export function createConsentWriter(options: { accessToken: string; baseUrl: string | undefined; subscriptionId: string | undefined; log: LogSink }): ConsentWriter {
  const { subscriptionId, log } = options;
  const statusApi = statusApiOf(options.accessToken, options.baseUrl);
  const caller: Caller = createCaller(log, SCOPES);

  /** The subscription's status for the email, as HubSpot answers it (undefined: the portal has no such subscription type). */
  async function statusOf(email: string): Promise<{ status: string; sourceOfStatus: string } | undefined> {
    const answer = await caller.run('consent status', () => statusApi.getEmailStatus(email));
    const status = answer.subscriptionStatuses.find((s) => s.id === subscriptionId);
    return status ? { status: status.status, sourceOfStatus: status.sourceOfStatus } : undefined;
  }

  function unknownSubscription(): ConnectorError {
    return new ConnectorError('hubspot', 400, `HubSpot has no subscription type ${subscriptionId}: fix marketingSubscriptionId in cdk.json (GET /communication-preferences/v3/definitions lists the portal's)`, {
      retryable: false,
      metadata: { operation: 'consent', subscriptionId: subscriptionId ?? '' },
    });
  }

  function refused(operation: string, failure: Failure): ConnectorError {
    // The message quotes the email: only HubSpot's category and correlation id go out.
    return new ConnectorError('hubspot', failure.status, `HubSpot ${operation}: HubSpot refused the consent change (${failure.body.category ?? 'VALIDATION_ERROR'}) for subscription ${subscriptionId}`, {
      retryable: false,
      metadata: { operation, status: failure.status, ...(failure.body.correlationId ? { correlationId: failure.body.correlationId } : {}) },
    });
  }

  async function send(operation: 'subscribe' | 'unsubscribe', email: string): Promise<{ ok: true; answer: Answer } | { ok: false; failure: Failure }> {
    const request: PublicUpdateSubscriptionStatusRequest = {
      emailAddress: email,
      subscriptionId: subscriptionId!,
      legalBasis: 'CONSENT_WITH_NOTICE' as PublicUpdateSubscriptionStatusRequest['legalBasis'],
      legalBasisExplanation: LEGAL_BASIS_EXPLANATION,
    } as PublicUpdateSubscriptionStatusRequest;
    const result = await caller.attempt(operation, () => (operation === 'subscribe' ? statusApi.subscribeWithHttpInfo(request) : statusApi.unsubscribeWithHttpInfo(request)));
    return result.ok ? { ok: true, answer: { headers: result.value.headers } } : result;
  }

  return {
    async write(email, value, readAt) {
      if (value === undefined) return { holds: {}, withheld: {} };
      if (value !== 'subscribed' && value !== 'unsubscribed') return { holds: { emailConsent: value }, withheld: {} };
      if (!subscriptionId) return { holds: {}, withheld: { emailConsent: value } };
      if (!email) return { holds: {}, withheld: { emailConsent: value } };
      const operation = value === 'subscribed' ? 'subscribe' : 'unsubscribe';
      const sent = await send(operation, email);
      if (sent.ok) return { holds: { emailConsent: value }, withheld: {}, ...timed(sent.answer.headers, readAt) };
      const { failure } = sent;
      if (failure.status !== 400) throw failureError(failure, operation);
      const message = failure.body.message ?? '';
      const already = operation === 'subscribe' ? /is already subscribed to subscription/i.test(message) : /is already unsubscribed from subscription/i.test(message);
      if (already) return { holds: { emailConsent: value }, withheld: {}, ...timed(failure.headers, readAt) };
      // Any other 400: what the subscription holds for this email tells why (the wording of
      // HubSpot's refusals is not documented; its status answer is).
      const status = await statusOf(email);
      if (!status) throw unknownSubscription();
      if (operation === 'subscribe') {
        if (status.status === 'SUBSCRIBED') return { holds: { emailConsent: value }, withheld: {}, ...timed(failure.headers, readAt) };
        log.warn('HubSpot refuses to subscribe an email that opted out; consent withheld until it changes', {
          operation,
          subscriptionId,
          sourceOfStatus: status.sourceOfStatus,
          category: failure.body.category,
        });
        return { holds: {}, withheld: { emailConsent: value } };
      }
      // Opted out of all email (portal or brand wide): no marketing email reaches it, which is what the unsubscribe asks.
      if (status.status === 'NOT_SUBSCRIBED' && status.sourceOfStatus !== 'SUBSCRIPTION_STATUS') return { holds: { emailConsent: value }, withheld: {}, ...timed(failure.headers, readAt) };
      throw refused(operation, failure);
    },
  };

  function failureError(failure: Failure, operation: string): ConnectorError {
    if (failure.status === 403) {
      return new ConnectorError('hubspot', 403, `HubSpot returned 403: the private app lacks the ${SCOPES} scope (needed with marketingSubscriptionId); add it to the app and update secret omnihub/hubspot`, {
        retryable: false,
        metadata: { operation, status: 403 },
      });
    }
    if (failure.status === 404) return unknownSubscription();
    // 401, 429 and 5xx as the contacts calls map them (retryable where they are).
    if (failure.status === 401 || failure.status === 429 || failure.status >= 500) return toConnectorError(failure, operation);
    return refused(operation, failure);
  }
}

/** The answer's `Date`, no earlier than just after the consent time sync's read showed (see above). */
function timed(headers: Record<string, string>, readAt: string | undefined): { at?: string } {
  const date = Date.parse(headers.date ?? '');
  const floor = readAt === undefined ? Number.NaN : Date.parse(readAt) + 1;
  const ms = Math.max(Number.isNaN(date) ? -Infinity : date, Number.isNaN(floor) ? -Infinity : floor);
  return Number.isFinite(ms) ? { at: new Date(ms).toISOString() } : {};
}

interface Answered<T> {
  headers: Record<string, string>;
  data: T;
}

/**
 * The three StatusApi calls as the codegen makes them (apis/StatusApi.js): the same paths,
 * methods, Accept and Content-Type headers, JSON body and `oauth2` Bearer auth, over the same HTTP
 * library; a status outside 2xx throws the codegen's ApiException (code, body, headers), which
 * failures.ts reads as for every other call.
 */
function statusApiOf(accessToken: string, baseUrl: string | undefined) {
  const configuration = createConfiguration({
    authMethods: { oauth2: { accessToken } },
    ...(baseUrl ? { baseServer: new ServerConfiguration(baseUrl, {}) } : { baseServer: server1 }),
  });
  async function send<T>(method: HttpMethod, path: string, body?: unknown): Promise<Answered<T>> {
    const context = configuration.baseServer.makeRequestContext(path, method);
    context.setHeaderParam('Accept', 'application/json, */*;q=0.8');
    if (body !== undefined) {
      context.setHeaderParam('Content-Type', 'application/json');
      context.setBody(JSON.stringify(body));
    }
    await configuration.authMethods.oauth2?.applySecurityAuthentication(context);
    const response = await configuration.httpApi.send(context).toPromise();
    const text = await response.body.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) throw new ApiException(response.httpStatusCode, 'An error occurred.', json, response.headers);
    return { headers: response.headers, data: json as T };
  }
  return {
    // GET /communication-preferences/v3/status/email/{emailAddress}
    getEmailStatus: async (emailAddress: string) =>
      (await send<PublicSubscriptionStatusesResponse>(HttpMethod.GET, `/communication-preferences/v3/status/email/${encodeURIComponent(emailAddress)}`)).data,
    // POST /communication-preferences/v3/subscribe
    subscribeWithHttpInfo: (request: PublicUpdateSubscriptionStatusRequest) => send<PublicSubscriptionStatus>(HttpMethod.POST, '/communication-preferences/v3/subscribe', request),
    // POST /communication-preferences/v3/unsubscribe
    unsubscribeWithHttpInfo: (request: PublicUpdateSubscriptionStatusRequest) => send<PublicSubscriptionStatus>(HttpMethod.POST, '/communication-preferences/v3/unsubscribe', request),
  };
}
