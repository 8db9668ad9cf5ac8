import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import type { WebhookSender } from '../../testing/fake-http';
import { exponentialBackoff, type RetrySchedule, type WebhookPayload } from '../../testing/webhook-sender';
import { SANDBOX_USER_ID, type WriteSource } from './state';

/**
 * The fake portal's webhook events, shaped and delivered like HubSpot's Webhooks API:
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 * - legacy format: `contact.creation|propertyChange|deletion|merge|restore|privacyDeletion`;
 * - generic format: `object.*` with `objectTypeId: "0-1"`
 *   (https://developers.hubspot.com/changelog/public-beta-generic-webhook-subscriptions).
 *   `contact.privacyDeletion` has no generic form: it is always sent in the legacy format.
 * Fields in the order HubSpot sends them; a delivery is a JSON array of at most 100 events,
 * v3-signed (plus the legacy v1 signature HubSpot still sends).
 */

export type WebhookFormat = 'legacy' | 'generic';
export type ContactAction = 'creation' | 'propertyChange' | 'deletion' | 'privacyDeletion' | 'merge' | 'restore';

/** HubSpot sends at most 100 events per request. */
export const MAX_EVENTS_PER_DELIVERY = 100;

export interface ContactEventInput {
  action: ContactAction;
  objectId: string;
  occurredAt: Date;
  source: WriteSource;
  propertyName?: string;
  propertyValue?: string;
  /** creation: NEW */
  changeFlag?: string;
  merge?: { primaryObjectId: string; mergedObjectIds: string[]; newObjectId: string; numberOfPropertiesMoved: number };
}

export interface WebhookEmitterOptions {
  sender: WebhookSender;
  clientSecret: string;
  portalId: number;
  appId: number;
  format: () => WebhookFormat;
  /** The signature timestamp's clock. */
  now: () => Date;
  firstEventId?: number;
}

const CHANGE_SOURCES: Record<WriteSource, string> = { api: 'API', ui: 'CRM_UI', integration: 'INTEGRATION' };

export class WebhookEmitter {
  private nextEventId: number;
  private readonly subscriptionIds = new Map<string, number>();

  constructor(private readonly options: WebhookEmitterOptions) {
    this.nextEventId = options.firstEventId ?? 100;
  }

  get eventIdCounter(): number {
    return this.nextEventId;
  }

  /** HubSpot subscriptions are per event type, and per property for propertyChange. */
  private subscriptionId(type: string, propertyName?: string): number {
    const key = `${type}:${propertyName ?? ''}`;
    let id = this.subscriptionIds.get(key);
    if (id === undefined) {
      id = 1001 + this.subscriptionIds.size;
      this.subscriptionIds.set(key, id);
    }
    return id;
  }

  /** One event with exactly HubSpot's fields. */
  event(input: ContactEventInput): Record<string, unknown> {
    const generic = this.options.format() === 'generic' && input.action !== 'privacyDeletion';
    const type = `${generic ? 'object' : 'contact'}.${input.action}`;
    const sourceId = input.source === 'ui' ? `userId:${SANDBOX_USER_ID}` : undefined;
    return {
      eventId: this.nextEventId++,
      subscriptionId: this.subscriptionId(type, input.propertyName),
      portalId: this.options.portalId,
      appId: this.options.appId,
      occurredAt: input.occurredAt.getTime(),
      subscriptionType: type,
      attemptNumber: 0,
      objectId: Number(input.objectId),
      changeSource: CHANGE_SOURCES[input.source],
      ...(input.changeFlag === undefined ? {} : { changeFlag: input.changeFlag }),
      ...(input.propertyName === undefined ? {} : { propertyName: input.propertyName, propertyValue: input.propertyValue ?? '' }),
      ...(sourceId === undefined ? {} : { sourceId }),
      ...(input.merge === undefined
        ? {}
        : {
            primaryObjectId: Number(input.merge.primaryObjectId),
            mergedObjectIds: input.merge.mergedObjectIds.map(Number),
            newObjectId: Number(input.merge.newObjectId),
            numberOfPropertiesMoved: input.merge.numberOfPropertiesMoved,
          }),
      ...(generic ? { objectTypeId: '0-1' } : {}),
    };
  }

  /** Sends the events in deliveries of at most 100, each signed. */
  deliver(inputs: ContactEventInput[]): void {
    if (!this.options.sender.targetUrl || inputs.length === 0) return;
    const events = inputs.map((input) => this.event(input));
    for (let start = 0; start < events.length; start += MAX_EVENTS_PER_DELIVERY) {
      this.send(events.slice(start, start + MAX_EVENTS_PER_DELIVERY));
    }
  }

  /**
   * One delivery (a JSON array) signed like HubSpot: v3 = base64 HMAC-SHA256(clientSecret,
   * "POST" + target URL + body + timestamp), plus the legacy v1 = hex SHA-256(clientSecret + body).
   * https://developers.hubspot.com/docs/api/webhooks/validating-requests
   */
  private send(events: Array<Record<string, unknown>>): void {
    const url = this.options.sender.targetUrl;
    if (!url) return;
    const body = JSON.stringify(events);
    const timestamp = String(this.options.now().getTime());
    const signedUri = url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => decodeURIComponent(escape));
    const secret = this.options.clientSecret;
    this.options.sender.send(body, {
      'x-hubspot-signature-v3': createHmac('sha256', secret).update(`POST${signedUri}${body}${timestamp}`).digest('base64'),
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature': createHash('sha256').update(`${secret}${body}`).digest('hex'),
      'x-hubspot-signature-version': 'v1',
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
    });
  }
}

const HOUR = 3_600_000;

/**
 * HubSpot's webhook retries: "up to 10 times", spread over about 24 hours with randomized
 * delays; retried on a failed connection, a timeout (5 s), any 5xx and 429 (honouring
 * Retry-After), never on other 4xx (https://developers.hubspot.com/docs/api/webhooks, "Retries";
 * staff answer https://community.hubspot.com/t5/APIs-Integrations/Webhooks-response/td-p/277558).
 */
export const HUBSPOT_RETRY_SCHEDULE: RetrySchedule = {
  retries: 10,
  delayMs: exponentialBackoff({ retries: 10, overMs: 24 * HOUR, jitter: 0.3 }),
  retriesOn: (outcome) => typeof outcome !== 'number' || outcome === 429 || outcome >= 500,
  timeoutMs: 5_000,
};

const Events = z.array(z.record(z.string(), z.unknown()));

/**
 * A HubSpot retry is a new request: signed afresh (v3 signs the timestamp, and a stale one is
 * refused after 5 minutes) and with `attemptNumber` counting up in each event.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
export function hubspotPrepare(clientSecret: string, targetUrl: () => string | undefined): (attempt: number, original: WebhookPayload) => WebhookPayload {
  return (attempt, original) => {
    if (attempt === 0) return original;
    const events = Events.parse(JSON.parse(original.body));
    const body = JSON.stringify(events.map((event) => ({ ...event, attemptNumber: attempt })));
    const timestamp = String(Date.now());
    const url = (targetUrl() ?? '').replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => decodeURIComponent(escape));
    return {
      body,
      headers: {
        ...original.headers,
        'x-hubspot-signature-v3': createHmac('sha256', clientSecret).update(`POST${url}${body}${timestamp}`).digest('base64'),
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature': createHash('sha256').update(`${clientSecret}${body}`).digest('hex'),
      },
    };
  };
}

