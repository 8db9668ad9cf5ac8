import { randomUUID } from 'node:crypto';
import type { MappingContext, UnusableEvent, WebhookItem, WebhookRequest } from '../../connectors/connector';
import type { InboundConnector } from '../../connectors/inbound';
import type { LogSink } from '../../core/log';
import type { DeliveryLedger } from './adapters/delivery-ledger';
import type { OutgoingEvent } from './adapters/event-publisher';
import type { ParkingLot } from './adapters/parking-lot';
import type { SecretStore } from './adapters/secrets';

/** The parking target of events the receiver cannot use (`npx omnihub parked webhook-receiver`). */
export const RECEIVER_PARKING_TARGET = 'webhook-receiver';
/** Logged (ERROR) when a connector's signing secret is a placeholder: counted by a metric filter, alarmed. */
export const SECRET_NOT_CONFIGURED_MESSAGE = 'webhook secret not configured';

export interface ReceiveWebhookDeps {
  secrets: Pick<SecretStore, 'getSigningSecret'>;
  ledger: Pick<DeliveryLedger, 'seen' | 'remember'>;
  publisher: { publish(events: OutgoingEvent[]): Promise<void> };
  parking: Pick<ParkingLot, 'park'>;
  log: LogSink;
  mapping: MappingContext;
  now?: () => Date;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  /** What a 200 carries instead of JSON, when the vendor reads the answer (Twilio: TwiML). */
  reply?: { contentType: string; body: string };
}

/**
 * One delivery: signing secret → verify → parse → look up → publish → park → remember.
 *  - 503 while the connector's signing secret is not configured (the vendor retries later);
 *  - 401 for a bad signature, 400 for a malformed delivery: nothing stored or emitted;
 *  - 500 when the bus refuses the events: nothing remembered, so the vendor's retry is processed;
 *  - 200 otherwise, with counts; an unusable event is parked and the rest accepted.
 * Deliveries are remembered only after the bus has their events (see DeliveryLedger).
 */
export async function receiveWebhook(
  connector: InboundConnector,
  secretId: string,
  request: WebhookRequest,
  correlationId: string,
  deps: ReceiveWebhookDeps,
): Promise<WebhookAnswer> {
  const { log } = deps;
  const now = deps.now ?? (() => new Date());
  const system = connector.manifest.id;
  const label = `omnihub/${system}/webhook`;

  const signing = await deps.secrets.getSigningSecret(secretId, connector.manifest.webhookSecretSchema, label);
  if (!signing.configured) {
    // (No attribute named "secret…": the log redactor drops those whole.)
    log.error(SECRET_NOT_CONFIGURED_MESSAGE, { reason: signing.reason, fix: `set ${label} (stack output Secret…SetCommand)` });
    return {
      status: 503,
      body: { message: `Webhooks of ${connector.manifest.displayName} are not configured yet (secret ${label}); retry later` },
    };
  }
  const verified = connector.webhook.verify(request, signing.secret, now());
  if (!verified.ok) {
    log.warn('webhook rejected', { reason: verified.reason });
    return { status: 401, body: { message: `Invalid webhook signature (${verified.reason})` } };
  }
  const parsed = connector.webhook.parse(request, deps.mapping);
  if (!parsed.ok) {
    log.warn('webhook malformed', { reason: parsed.reason });
    return { status: 400, body: { message: `Malformed webhook: ${parsed.reason}` } };
  }

  const received = now();
  const unusable = parsed.unusable ?? [];
  let seen: Set<string>;
  try {
    seen = await deps.ledger.seen(system, [...parsed.items.map((i) => i.dedupeKey), ...unusable.flatMap(unusableKey)], received);
  } catch (error) {
    log.error('delivery lookup failed', { error });
    return { status: 500, body: { message: 'Could not record the webhook; please retry' } };
  }
  const fresh = firstOfEachKey(parsed.items).filter((item) => !seen.has(item.dedupeKey));
  const freshUnusable = unusable.filter((event) => !unusableKey(event).some((key) => seen.has(key)));
  const duplicates = parsed.items.length - fresh.length + (unusable.length - freshUnusable.length);

  try {
    await deps.publisher.publish(toEvents(system, fresh, correlationId, received));
  } catch (error) {
    log.error('publish failed', { error });
    return { status: 500, body: { message: 'Could not record the webhook; please retry' } };
  }
  try {
    for (const event of freshUnusable) await park(system, event, correlationId, received, deps);
  } catch (error) {
    // Not remembered: the vendor's retry publishes again (targets are idempotent) and parks again.
    log.error('parking failed', { error });
    return { status: 500, body: { message: 'Could not record the webhook; please retry' } };
  }
  try {
    await deps.ledger.remember(
      system,
      [...fresh.map((i) => i.dedupeKey), ...freshUnusable.flatMap(unusableKey)],
      connector.manifest.dedupeTtlSeconds,
      received,
    );
  } catch (error) {
    // The bus has the events: nothing is lost. A repeat of this delivery is published again, harmlessly.
    log.warn('delivery not remembered', { error });
  }

  const counts = { accepted: fresh.length, duplicates, ignored: parsed.ignored, unusable: freshUnusable.length };
  log.info('webhook accepted', { items: fresh.length, duplicates, ignored: parsed.ignored, unusable: freshUnusable.length });
  return { status: 200, body: counts, ...(connector.webhook.acceptedReply ? { reply: connector.webhook.acceptedReply } : {}) };
}

/** An unusable event with a vendor id is remembered too, so the vendor's retry does not park it twice. */
function unusableKey(event: UnusableEvent): string[] {
  return event.eventRef === undefined ? [] : [`unusable:${event.eventRef}`];
}

function firstOfEachKey(items: WebhookItem[]): WebhookItem[] {
  const keys = new Set<string>();
  return items.filter((item) => !keys.has(item.dedupeKey) && keys.add(item.dedupeKey));
}

async function park(system: string, event: UnusableEvent, correlationId: string, at: Date, deps: ReceiveWebhookDeps) {
  const id = randomUUID();
  await deps.parking.park({
    target: RECEIVER_PARKING_TARGET,
    parkedAt: at.toISOString(),
    id,
    code: 'WEBHOOK.UNUSABLE_EVENT',
    reason: event.reason,
    correlationId,
    eventRef: event.eventRef,
    envelope: { connector: system, event: event.raw },
  });
  deps.log.error('event parked', { code: 'WEBHOOK.UNUSABLE_EVENT', reason: event.reason, eventRef: event.eventRef, parkedId: id });
}

/**
 * One event per observation, removal and merge, and one per referenced record or order: HubSpot
 * sends one event per changed property, and the connector reads the whole record anyway.
 */
function toEvents(system: string, items: WebhookItem[], correlationId: string, received: Date): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  const referenced = new Map<string, string>(); // external id → latest occurredAt
  const ordersReferenced = new Map<string, string>(); // order id → latest occurredAt
  for (const item of items) {
    const base = { schemaVersion: 1, correlationId };
    switch (item.kind) {
      case 'observed':
        events.push({ type: 'CustomerObserved', detail: { ...base, observation: item.observation } });
        break;
      case 'removed':
        events.push({
          type: 'CustomerRecordRemoved',
          detail: { ...base, system, externalId: item.externalId, reason: item.reason, occurredAt: item.occurredAt },
        });
        break;
      case 'merged':
        events.push({
          type: 'CustomerRecordsMerged',
          detail: { ...base, system, survivorId: item.survivorId, mergedIds: item.mergedIds, occurredAt: item.occurredAt },
        });
        break;
      case 'referenced': {
        const seen = referenced.get(item.externalId);
        if (!seen || Date.parse(item.occurredAt) > Date.parse(seen)) referenced.set(item.externalId, item.occurredAt);
        break;
      }
      case 'message-received':
        // Timed by this first acceptance (docs/identity.md §11): a repeat of the delivery is dropped above.
        events.push({
          type: 'MessageObserved',
          detail: { ...base, message: { ...item.message, at: received.toISOString() }, ...(item.smsConsent ? { smsConsent: item.smsConsent } : {}) },
        });
        break;
      case 'message-status':
        events.push({
          type: 'MessageStatusReported',
          detail: { ...base, origin: item.origin, status: item.status, error: item.error, at: received.toISOString() },
        });
        break;
      case 'order-referenced': {
        // Several topics for one order in a delivery are one read of it.
        const seen = ordersReferenced.get(item.externalId);
        if (!seen || Date.parse(item.occurredAt) > Date.parse(seen)) ordersReferenced.set(item.externalId, item.occurredAt);
        break;
      }
    }
  }
  for (const [externalId, occurredAt] of ordersReferenced) {
    events.push({ type: 'OrderReferenced', detail: { schemaVersion: 1, correlationId, system, externalId, occurredAt } });
  }
  for (const [externalId, occurredAt] of referenced) {
    events.push({ type: 'CustomerReferenced', detail: { schemaVersion: 1, correlationId, system, externalId, occurredAt } });
  }
  return events;
}
