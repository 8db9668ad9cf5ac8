import { randomUUID } from 'node:crypto';
import type { RetrySchedule, WebhookSender } from '../../testing/webhook-sender';
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
 *   before the retry: the fake retries at once (chosen). Connection overrides in a URL's `#`
 *   fragment are not honoured per URL (the sender has one schedule; tests may assign
 *   `fake.webhooks.retrySchedule`); the fragment is dropped from what is requested and signed.
 * - The answer's body (TwiML) is not acted upon: a `<Message>` in it sends nothing.
 */
export const TWILIO_RETRY_SCHEDULE: RetrySchedule = {
  retries: 1,
  delayMs: () => 0,
  retriesOn: (outcome) => outcome === 'network_error',
  timeoutMs: 15_000,
};

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
    this.sender.send(body, headers, target);
  }
}
