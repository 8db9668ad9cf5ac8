import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ParseResult, VerifyResult, WebhookItem, WebhookRequest } from '../connector';
import type { HubspotWebhookSecret } from './manifest';
import { HubspotWebhookPayloadSchema, type HubspotWebhookEvent } from './schemas';

/** HubSpot rejects nothing older than this itself; its docs tell receivers to refuse older requests. */
export const MAX_TIMESTAMP_AGE_MS = 5 * 60 * 1000;
/**
 * HubSpot's docs and SDK only bound the age. A timestamp ahead of our clock by more than the
 * same window is refused too: otherwise a request signed with a future timestamp would stay
 * replayable until that time plus five minutes. Five minutes ahead still covers any real clock skew.
 */
export const MAX_TIMESTAMP_LEAD_MS = 5 * 60 * 1000;

/**
 * The characters HubSpot's docs list as "decode before signing" for the v3 source URI.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 * Other escapes (%20, %25...) stay encoded, as HubSpot signs them.
 */
const DECODED_URI_ESCAPES: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

function decodeSignedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => DECODED_URI_ESCAPES[escape.toUpperCase()] ?? escape);
}

/**
 * Verifies `X-HubSpot-Signature-v3`, the only version we accept (v1/v2 are plain SHA-256
 * without a timestamp, so replayable forever).
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 * Signature = base64(HMAC-SHA256(clientSecret, method + uri + rawBody + timestamp)), where uri is
 * the full URL HubSpot called and timestamp the `X-HubSpot-Request-Timestamp` header (epoch ms).
 */
export function verify(request: WebhookRequest, secret: HubspotWebhookSecret, now: Date): VerifyResult {
  const signature = request.headers['x-hubspot-signature-v3'];
  const timestamp = request.headers['x-hubspot-request-timestamp'];
  if (!signature) return { ok: false, reason: 'missing_signature' };
  if (!timestamp || !/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'missing_headers' };

  const skew = now.getTime() - Number(timestamp);
  if (skew > MAX_TIMESTAMP_AGE_MS || -skew > MAX_TIMESTAMP_LEAD_MS) return { ok: false, reason: 'stale_timestamp' };

  // The body goes in as received bytes: never re-serialized JSON (non-ASCII escapes must match).
  const expected = createHmac('sha256', secret.clientSecret)
    .update(`${request.method.toUpperCase()}${decodeSignedUri(request.url)}`, 'utf8')
    .update(request.rawBody)
    .update(timestamp, 'utf8')
    .digest('base64');

  const given = Buffer.from(signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

/** Subscription types naming a contact whose current state we should read. */
const REFERENCING_TYPES = new Set(['contact.creation', 'contact.propertyChange', 'contact.restore', 'contact.merge']);

/**
 * Turns a delivery into id-only references: HubSpot events carry at most one property, so the
 * connector reads the whole contact later (hydrate). Deletions are not acted on (counted as ignored).
 */
export function parse(request: WebhookRequest): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'HubSpot webhook body is not JSON' };
  }
  if (!Array.isArray(json)) return { ok: false, reason: 'HubSpot webhook body is not a JSON array of events' };

  const parsed = HubspotWebhookPayloadSchema.safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: the values could be personal data.
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    return { ok: false, reason: `HubSpot webhook events do not match the expected shape (${issues})` };
  }

  const items: WebhookItem[] = [];
  let ignored = 0;
  for (const event of parsed.data) {
    if (!REFERENCING_TYPES.has(event.type)) {
      ignored += 1;
      continue;
    }
    items.push({
      kind: 'referenced',
      dedupeKey: dedupeKey(event),
      externalId: String(referencedObjectId(event)),
      occurredAt: new Date(event.occurredAt).toISOString(),
    });
  }
  return { ok: true, items, ignored };
}

/** eventId is "not guaranteed to be unique" (HubSpot docs): key on the whole event identity. */
function dedupeKey(event: HubspotWebhookEvent): string {
  return `hubspot:${event.subscriptionId}:${event.eventId}:${event.occurredAt}:${event.objectId}`;
}

/** A merge is about the surviving contact; the merged-away ids no longer exist. */
function referencedObjectId(event: HubspotWebhookEvent): number {
  if (event.type === 'contact.merge') return event.newObjectId ?? event.primaryObjectId ?? event.objectId;
  return event.objectId;
}
