import { createHmac } from 'node:crypto';

/**
 * X-Twilio-Signature, as Twilio computes it and twilio-node checks it (twilio@6.2.0
 * lib/webhooks/webhooks.js getExpectedTwilioSignature / validateRequest): the full URL Twilio
 * requested (query string included, no fragment: connection overrides after `#` are never sent),
 * then every POST parameter sorted by name (JavaScript's default sort, as the SDK does), each as
 * name + value with no separator; HMAC-SHA1 keyed with the account's Auth Token, base64. There
 * is no timestamp, so a captured request validates forever (saas-api-facts.md §6.1). Twilio adds
 * parameters without notice, so receivers must sign over whatever arrives.
 * Official vector (twilio-node spec/validation.spec.js): token 12345,
 * https://mycompany.com/myapp.php?foo=1&bar=2 with CallSid, Caller, Digits, From, To →
 * RSOYDt4T1cUTdK1PDd93/VVr8B8= (asserted in the fake's tests).
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/** The URL Twilio signs and requests for a configured webhook URL: without its `#` fragment (connection overrides). */
export function requestedUrl(configured: string): string {
  const hash = configured.indexOf('#');
  return hash === -1 ? configured : configured.slice(0, hash);
}
