import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../core/schema';
import type { Observation } from '../../core/model/observation';
import type { MappingContext, ParseResult, UnusableEvent, VerifyResult, WebhookItem, WebhookRequest } from '../connector';
import type { HubspotWebhookSecret } from './manifest';
import { joinedObservation, propertyObservation } from './mapping';
import { HubspotContactEventSchema, HubspotEventEnvelopeSchema, type HubspotContactEvent } from './schemas';

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

/** HubSpot's objectTypeId of contacts in the generic `object.*` events. */
const CONTACT_OBJECT_TYPE = '0-1';

/** What each contact event means to us, by its action (`contact.<action>` or `object.<action>`). */
const ACTIONS = ['creation', 'propertyChange', 'restore', 'deletion', 'privacyDeletion', 'merge'] as const;
type Action = (typeof ACTIONS)[number];

function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

type Classified = { kind: 'contact'; action: Action } | { kind: 'ignored' } | { kind: 'unusable'; reason: string };

/**
 * Legacy `contact.<action>` and generic `object.<action>` (with objectTypeId) events.
 * https://developers.hubspot.com/docs/api/webhooks#webhook-subscriptions
 * https://developers.hubspot.com/docs/guides/webhooks/create-generic-webhook-subscriptions
 * (`contact.privacyDeletion` exists in the legacy format only.) Other objects and
 * association changes are ignored.
 */
function classify(type: string, objectTypeId: string | undefined): Classified {
  const [scope, action = ''] = type.split('.', 2);
  if (!isAction(action) || (scope !== 'contact' && scope !== 'object')) return { kind: 'ignored' };
  if (scope === 'object') {
    if (objectTypeId === undefined) return { kind: 'unusable', reason: `HubSpot ${type} event names no objectTypeId` };
    if (objectTypeId !== CONTACT_OBJECT_TYPE) return { kind: 'ignored' };
    if (action === 'privacyDeletion') return { kind: 'ignored' };
  }
  return { kind: 'contact', action };
}

/**
 * Turns a delivery into items, event by event. HubSpot events carry at most one property: the
 * values of the properties we map that one edit changed make one observation; for others the
 * connector reads the whole contact later (read). Deletions and merges are acted on as they are.
 * An event we cannot use is reported in `unusable` and the rest is accepted:
 * HubSpot does not retry a 4xx, so refusing the batch would lose every good event in it.
 * Only a body that is not a JSON array at all is refused.
 */
export function parse(request: WebhookRequest, mapping: MappingContext = { defaultCountry: 'US' }): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'HubSpot webhook body is not JSON' };
  }
  if (!Array.isArray(json)) return { ok: false, reason: 'HubSpot webhook body is not a JSON array of events' };

  const items: EventItem[] = [];
  const unusable: UnusableEvent[] = [];
  let ignored = 0;
  json.forEach((raw: unknown, index) => {
    const outcome = parseEvent(raw, mapping);
    if (outcome.kind === 'item') items.push(...outcome.items);
    else if (outcome.kind === 'ignored') ignored += 1;
    else unusable.push({ reason: `event ${index}: ${outcome.reason}`, ...eventRef(raw), raw });
  });
  return { ok: true, items: oneObservationPerEdit(items), ignored, unusable };
}

/** An item, and for a property's value the edit it belongs to (contact, occurredAt, change source). */
type EventItem = { item: WebhookItem; edit?: string };
type EventOutcome = { kind: 'item'; items: EventItem[] } | { kind: 'ignored' } | { kind: 'unusable'; reason: string };

/**
 * The property events of one edit, one observation (docs/identity.md §1): HubSpot tells an edit
 * property by property, and one resolve (one write to each other system) per property would
 * write an address to Shopify part by part. Keyed by all its events, so HubSpot's retry of the
 * delivery is a duplicate of it. Two values for one property or part stay apart.
 */
function oneObservationPerEdit(items: EventItem[]): WebhookItem[] {
  const out: WebhookItem[] = [];
  const openEdits = new Map<string, number>(); // edit → its item's index in `out`
  for (const { item, edit } of items) {
    const index = edit === undefined ? undefined : openEdits.get(edit);
    const earlier = index === undefined ? undefined : out[index];
    const joined = earlier?.kind === 'observed' && item.kind === 'observed' ? joinedObservation(earlier.observation, item.observation) : undefined;
    if (joined && earlier) {
      out[index!] = { kind: 'observed', dedupeKey: `${earlier.dedupeKey}+${item.dedupeKey}`, observation: joined };
      continue;
    }
    if (edit !== undefined && item.kind === 'observed') openEdits.set(edit, out.length);
    out.push(item);
  }
  return out;
}


function parseEvent(raw: unknown, mapping: MappingContext): EventOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { kind: 'unusable', reason: 'the event is not an object' };
  const envelope = HubspotEventEnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { kind: 'unusable', reason: `the event does not name its type (${describeIssues(envelope.error.issues)})` };
  const classified = classify(envelope.data.type, envelope.data.objectTypeId);
  if (classified.kind !== 'contact') return classified;

  const parsed = HubspotContactEventSchema.safeParse(raw);
  if (!parsed.success) {
    return { kind: 'unusable', reason: `HubSpot ${envelope.data.type} event does not match the expected shape (${describeIssues(parsed.error.issues)})` };
  }
  const event = parsed.data;
  const dedupeKey = dedupeKeyOf(event);
  const occurredAt = new Date(event.occurredAt).toISOString();
  switch (classified.action) {
    case 'deletion':
      return { kind: 'item', items: [{ item: { kind: 'removed', dedupeKey, externalId: String(event.objectId), reason: 'deleted', occurredAt } }] };
    case 'privacyDeletion':
      // HubSpot sends the normal deletion too: both items are emitted, the redaction is the stronger.
      return { kind: 'item', items: [{ item: { kind: 'removed', dedupeKey, externalId: String(event.objectId), reason: 'redacted', occurredAt } }] };
    case 'merge': {
      // The survivor is the record the merge created (newObjectId); before 2023 the primary kept its id.
      const survivor = event.newObjectId ?? event.primaryObjectId;
      if (survivor === undefined) return { kind: 'unusable', reason: `HubSpot ${envelope.data.type} event names neither newObjectId nor primaryObjectId` };
      const merged = [event.primaryObjectId, ...(event.mergedObjectIds ?? []), event.objectId].filter(
        (id): id is number => id !== undefined && id !== survivor,
      );
      const mergedIds = [...new Set(merged.map(String))];
      return { kind: 'item', items: [{ item: { kind: 'merged', dedupeKey, survivorId: String(survivor), mergedIds, occurredAt } }] };
    }
    default: {
      // A property we map states its own value and time: that is the whole news, and no read of
      // the contact is needed (for a contact omnihub does not know yet, the resolver asks for one).
      // Anything else (a creation, a restore, a property we cannot state alone) is read in full.
      const observed = classified.action === 'propertyChange' ? valueObservation(event, occurredAt, mapping) : undefined;
      if (observed) {
        const edit = `${event.objectId}:${event.occurredAt}:${event.changeSource ?? ''}:${event.sourceId ?? ''}`;
        return { kind: 'item', items: [{ item: { kind: 'observed', dedupeKey: `${dedupeKey}:value`, observation: observed }, edit }] };
      }
      return { kind: 'item', items: [{ item: { kind: 'referenced', dedupeKey, externalId: String(event.objectId), occurredAt } }] };
    }
  }
}

/** The one field a propertyChange event states, timed by the event (or undefined for a property it cannot state alone). */
function valueObservation(event: HubspotContactEvent, occurredAt: string, mapping: MappingContext): Observation | undefined {
  if (!event.propertyName || event.propertyValue === undefined) return undefined;
  const raw = event.propertyValue === null ? null : String(event.propertyValue);
  return propertyObservation(String(event.objectId), event.propertyName, raw, occurredAt, mapping);
}

/** Paths and codes only: messages and values could carry personal data. */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; code: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(event)'}: ${issue.code}`).join('; ');
}

/** The vendor's own event id, for the parking lot, when the event has a usable one. */
function eventRef(raw: unknown): { eventRef?: string } {
  const id = EventIdSchema.safeParse(raw);
  return id.success ? { eventRef: String(id.data.eventId) } : {};
}
const EventIdSchema = z.object({ eventId: z.union([z.int().check(z.nonnegative()), z.string().check(z.regex(/^\d{1,20}$/))]) });

/** eventId is "not guaranteed to be unique" (HubSpot docs): key on the whole event identity. */
function dedupeKeyOf(event: HubspotContactEvent): string {
  return `hubspot:${event.subscriptionId}:${event.eventId}:${event.occurredAt}:${event.objectId}`;
}
