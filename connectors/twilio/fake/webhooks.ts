import { randomUUID } from 'node:crypto';
import type { DeliveryOutcome, RetrySchedule, WebhookSender } from '../../testing/webhook-sender';
import { requestedUrl, twilioSignature } from './signature';

/**
 * How Twilio makes its HTTP callbacks (the inbound-message webhook and status callbacks), both
 * through the fake's one WebhookSender (at least once: its chaos duplicates, holds back and
 * delays deliveries; its stats count both kinds):
 * - POST, `Content-Type: application/x-www-form-urlencoded`, the parameters form-encoded in the
 *   order Twilio's own requests show them (receivers must not depend on it); signed with
 *   X-Twilio-Signature over the URL Twilio was configured with (signature.ts).
 * - Headers besides: `I-Twilio-Idempotency-Token` (one per callback, the same on its retries and
 *   copies), `User-Agent: TwilioProxy/1.1`, `X-Home-Region: us1`, `Accept: *\/*`.
 *   saas-api-facts.md §6.4 places the token on retried webhooks ([2ND]); receivers seen in public
 *   code (pipedream's Twilio source, TAC) read it on every request, so the fake sends it on every
 *   attempt (chosen).
 * - Timeouts and retries, Twilio's defaults (twilio.com/docs/usage/webhooks/webhooks-connection-overrides):
 *   read and total timeout 15 s, retry count `rc` 1 under retry policy `ct` (a failed TCP
 *   connect or TLS handshake; hookdeck's Twilio guide: "Retry once on TCP connect or TLS
 *   handshake failures"). A 4xx/5xx answer or a read timeout is not retried. Twilio names no gap
 *   before the retry: the fake retries at once (chosen). A URL's connection overrides (its `#`
 *   fragment: `rc` 0-5, `rp` a comma list of `ct`, `rt`, `4xx`, `5xx`, `all`, `rt` the read
 *   timeout, 100-15000 ms) set that URL's retries; another key or value is refused, as Twilio
 *   refuses it (errors 11243 and kin). The total time `tt` and the connect timeout `ct` are not
 *   modelled. The fragment is dropped from what is requested and signed.
 * - The answer's body (TwiML) is not acted upon: a `<Message>` in it sends nothing.
 */
export const TWILIO_RETRY_SCHEDULE: RetrySchedule = {
  retries: 1,
  delayMs: () => 0,
  retriesOn: (outcome) => outcome === 'network_error',
  timeoutMs: 15_000,
};

/** The retries a URL's connection overrides ask for (Twilio's defaults where it names none). */
export function connectionOverrides(url: string): RetrySchedule {
  const hash = url.indexOf('#');
  if (hash === -1) return TWILIO_RETRY_SCHEDULE;
  const settings = new URLSearchParams(url.slice(hash + 1));
  let retries = TWILIO_RETRY_SCHEDULE.retries;
  let policies = new Set(['ct']);
  let timeoutMs = TWILIO_RETRY_SCHEDULE.timeoutMs;
  const within = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`Twilio fake: connection override ${name}=${value} is out of range (${min}-${max})`);
    return n;
  };
  for (const [name, value] of settings) {
    if (name === 'rc') retries = within(name, value, 0, 5);
    else if (name === 'rt') timeoutMs = within(name, value, 100, 15_000);
    else if (name === 'rp') {
      policies = new Set(value.split(','));
      for (const policy of policies) if (!['ct', 'rt', '4xx', '5xx', 'all'].includes(policy)) throw new Error(`Twilio fake: HTTP retry policy is invalid (11243): ${policy}`);
    } else if (!['ct', 'tt', 'e', 'sni'].includes(name)) throw new Error(`Twilio fake: unknown connection override ${name}`);
  }
  const retriesOn = (outcome: DeliveryOutcome) =>
    policies.has('all') ||
    (outcome === 'network_error' && policies.has('ct')) ||
    (outcome === 'timeout' && policies.has('rt')) ||
    (typeof outcome === 'number' && outcome >= 400 && outcome < 500 && policies.has('4xx')) ||
    (typeof outcome === 'number' && outcome >= 500 && policies.has('5xx'));
  return { retries, delayMs: () => 0, retriesOn, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

export type FormParams = Array<[string, string]>;

export class TwilioWebhooks {
  constructor(
    readonly sender: WebhookSender,
    private readonly authToken: string,
  ) {}

  /** POSTs `params` to `url`, signed over `signedUrl` (default: `url`). */
  post(url: string, params: FormParams, signedUrl: string = url): void {
    const target = requestedUrl(url);
    const body = new URLSearchParams(params).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(this.authToken, requestedUrl(signedUrl), Object.fromEntries(params)),
      'i-twilio-idempotency-token': randomUUID(),
      'user-agent': 'TwilioProxy/1.1',
      'x-home-region': 'us1',
      accept: '*/*',
    };
    this.sender.send(body, headers, target, connectionOverrides(url));
  }
}
