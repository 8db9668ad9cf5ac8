import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from '../connector';
import { TWILIO_CONNECTION_OVERRIDES } from './connection-overrides';

/**
 * Checks `X-Twilio-Signature` as twilio@6.2.0 does (lib/webhooks/webhooks.js validateRequest and
 * validateRequestWithBody), without loading the SDK into the webhook receiver:
 * - a form-encoded request (SMS and WhatsApp messages, status callbacks): HMAC-SHA1, keyed with
 *   the account's Auth Token, over the full URL Twilio requested followed by every POST
 *   parameter sorted by name, each as name + value (a repeated name: its distinct values sorted);
 * - a JSON request: the URL carries `bodySHA256`, the hex SHA-256 of the raw body. The signature
 *   is over the URL alone, and the body must hash to that value.
 * Twilio signs the URL as configured, with or without the default port; the SDK accepts both, and
 * so do we (API Gateway's URL has none). There is no timestamp: a captured request verifies
 * forever, so what makes a replay harmless is the MessageSid it carries (docs/identity.md §11).
 * The URL a shop registers carries omnihub's connection overrides (connection-overrides.ts) in its
 * fragment, which is never requested; Twilio's docs do not say whether the signature covers it,
 * so a signature over the URL with that fragment is accepted as well as one over the URL without.
 */
export function verifyTwilioRequest(request: WebhookRequest, authToken: string): VerifyResult {
  const given = request.headers['x-twilio-signature'];
  if (!given) return { ok: false, reason: 'missing_signature' };
  const bodyHash = queryParam(request.url, 'bodySHA256');
  const params = bodyHash === undefined ? formParams(request.rawBody) : new Map<string, string[]>();
  if (bodyHash !== undefined && createHash('sha256').update(request.rawBody).digest('hex') !== bodyHash.toLowerCase()) return { ok: false, reason: 'bad_signature' };
  const urls = [withoutPort(request.url), withDefaultPort(request.url)].flatMap((url) => [url, `${url}#${TWILIO_CONNECTION_OVERRIDES}`]);
  const valid = urls.some((url) => sameSignature(given, twilioSignature(authToken, url, params)));
  return valid ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/** The signature Twilio sends for a request to `url` with these POST parameters. */
export function twilioSignature(authToken: string, url: string, params: ReadonlyMap<string, readonly string[]>): string {
  const data = [...params.keys()]
    .sort()
    .reduce((signed, name) => signed + [...new Set(params.get(name))].sort().map((value) => name + value).join(''), url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/** The form body's parameters, decoded (a name may repeat). */
export function formParams(rawBody: Buffer): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf-8'))) params.set(name, [...(params.get(name) ?? []), value]);
  return params;
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function queryParam(url: string, name: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get(name) ?? undefined;
}

/** scheme://host[:port]rest, split without normalizing (the path keeps the characters Twilio signed). */
function splitUrl(url: string): { origin: string; port: string; rest: string; https: boolean } | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [prefix, scheme, authority] = match as unknown as [string, string, string];
  const portStart = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  return {
    origin: scheme + (portStart === -1 ? authority : authority.slice(0, portStart)),
    port: portStart === -1 ? '' : authority.slice(portStart),
    rest: url.slice(prefix.length),
    https: scheme.toLowerCase() === 'https://',
  };
}

function withoutPort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.origin + parts.rest : url;
}

function withDefaultPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  return parts.origin + (parts.https ? ':443' : ':80') + parts.rest;
}
