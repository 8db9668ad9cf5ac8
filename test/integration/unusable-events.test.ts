import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ParseResult, WebhookRequest } from '../../connectors/connector';
import type { InboundConnector } from '../../connectors/inbound';
import type { LogSink } from '../../core/log';
import { DeliveryLedger } from '../../functions/lib/adapters/delivery-ledger';
import { createDocumentClient } from '../../functions/lib/adapters/dynamodb';
import { EventPublisher } from '../../functions/lib/adapters/event-publisher';
import { ParkingLot } from '../../functions/lib/adapters/parking-lot';
import { SecretStore } from '../../functions/lib/adapters/secrets';
import { receiveWebhook, type ReceiveWebhookDeps } from '../../functions/lib/receive-webhook';
import { startAwsEndpoints, type AwsEndpoints } from '../../local/aws-endpoints';
import { aFreshTable } from '../support/identity-table';

/**
 * A delivery in which one event cannot be used (HubSpot batches up to 100 events and does not
 * retry a 4xx): that event is parked with its reason, the others are published, the delivery
 * is answered 200. Driven through the receiver's own flow (functions/lib/receive-webhook.ts) on
 * DynamoDB Local, the local EventBridge and Secrets Manager endpoints, with a connector whose
 * parse reports one unusable event, as every connector's may (connectors/connector.ts).
 */
const SIGNING_KEY = 'acme-signing-key';
const AcmeWebhookSecretSchema = z.object({ signingKey: z.string().min(1) });
const AcmeEventSchema = z.object({ eventId: z.number(), contactId: z.number(), at: z.number() });

/** Signs with HMAC-SHA256 of the raw body, hex-encoded in x-acme-signature. */
const acme: InboundConnector = {
  manifest: {
    id: 'acme',
    displayName: 'Acme CRM',
    configSchema: z.object({}),
    secretSchema: z.object({ token: z.string() }),
    webhookSecretSchema: AcmeWebhookSecretSchema,
    writableFields: [],
    hydrates: true,
    dedupeTtlSeconds: 3600,
    localEnv: { secret: {}, webhookSecret: {}, config: {} },
    exampleConfig: {},
  },
  webhook: {
    verify(request, secret) {
      const { signingKey } = AcmeWebhookSecretSchema.parse(secret);
      const given = Buffer.from(request.headers['x-acme-signature'] ?? '', 'hex');
      const wanted = createHmac('sha256', signingKey).update(request.rawBody).digest();
      return given.length === wanted.length && timingSafeEqual(given, wanted) ? { ok: true } : { ok: false, reason: 'bad_signature' };
    },
    parse(request): ParseResult {
      const events = z.array(z.unknown()).parse(JSON.parse(request.rawBody.toString('utf8')));
      const result: ParseResult & { ok: true } = { ok: true, items: [], ignored: 0, unusable: [] };
      for (const raw of events) {
        const event = AcmeEventSchema.safeParse(raw);
        if (event.success) {
          result.items.push({ kind: 'referenced', dedupeKey: `acme:${event.data.eventId}`, externalId: String(event.data.contactId), occurredAt: new Date(event.data.at).toISOString() });
        } else {
          const eventId = z.object({ eventId: z.number() }).safeParse(raw);
          result.unusable?.push({
            reason: event.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('; '),
            eventRef: eventId.success ? String(eventId.data.eventId) : undefined,
            raw,
          });
        }
      }
      return result;
    },
  },
};

function delivery(body: string): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hub.example.com/webhooks/acme',
    headers: { 'content-type': 'application/json', 'x-acme-signature': createHmac('sha256', SIGNING_KEY).update(body).digest('hex') },
    rawBody: Buffer.from(body),
  };
}

describe('a delivery with one unusable event', () => {
  let aws: AwsEndpoints;
  let table: Awaited<ReturnType<typeof aFreshTable>>;
  let deps: ReceiveWebhookDeps;
  let parking: ParkingLot;
  const published: Array<Record<string, unknown>> = [];
  const logs: Array<{ level: string; message: string; attrs: Record<string, unknown> }> = [];

  beforeAll(async () => {
    table = await aFreshTable();
    aws = await startAwsEndpoints({
      onEvent: (envelope) => published.push(envelope),
      secrets: { 'omnihub/acme/webhook': JSON.stringify({ signingKey: SIGNING_KEY }) },
    });
    // The SDK clients the adapters create find the local endpoints as they do in the runtime.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    });
    const db = createDocumentClient();
    const log: LogSink = {
      debug: (message, attrs = {}) => logs.push({ level: 'DEBUG', message, attrs }),
      info: (message, attrs = {}) => logs.push({ level: 'INFO', message, attrs }),
      warn: (message, attrs = {}) => logs.push({ level: 'WARN', message, attrs }),
      error: (message, attrs = {}) => logs.push({ level: 'ERROR', message, attrs }),
    };
    parking = new ParkingLot(db, table.tableName, { retentionDays: 14 });
    deps = {
      ledger: new DeliveryLedger(db, table.tableName),
      parking,
      publisher: new EventPublisher('omnihub'),
      secrets: new SecretStore(),
      log,
      mapping: { defaultCountry: 'US' },
    };
  });
  afterAll(async () => {
    await aws?.close();
  });

  it('parks the unusable event with its reason, publishes the rest and answers 200 with the count; a retry does nothing', async () => {
    // Prepare: the middle event has no contactId
    const now = Date.now();
    const events = [
      { eventId: 1, contactId: 501, at: now },
      { eventId: 2, at: now, note: 'no contact id' },
      { eventId: 3, contactId: 502, at: now },
    ];
    const body = JSON.stringify(events);
    // Act
    const first = await receiveWebhook(acme, 'omnihub/acme/webhook', delivery(body), 'corr-1', deps);
    const parked = await parking.list('webhook-receiver');
    const retry = await receiveWebhook(acme, 'omnihub/acme/webhook', delivery(body), 'corr-2', deps);
    // Assess: the answer and the log line count it
    expect(first).toEqual({ status: 200, body: { accepted: 2, duplicates: 0, ignored: 0, unusable: 1 } });
    expect(logs.find((l) => l.message === 'webhook accepted')?.attrs).toMatchObject({ items: 2, unusable: 1 });
    // the usable events reached the bus
    expect(published.map((e) => [e['detail-type'], (e.detail as { externalId: string }).externalId])).toEqual([
      ['CustomerReferenced', '501'],
      ['CustomerReferenced', '502'],
    ]);
    // the unusable one waits in the parking lot, with its reason and the raw event, expiring after 14 days
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      target: 'webhook-receiver',
      code: 'WEBHOOK.UNUSABLE_EVENT',
      reason: 'contactId: invalid_type',
      eventRef: '2',
      correlationId: 'corr-1',
      envelope: { connector: 'acme', event: events[1] },
    });
    expect(parked[0]!.expiresAt).toBe(Math.floor(Date.parse(parked[0]!.parkedAt) / 1000) + 14 * 86_400);
    expect(logs.filter((l) => l.message === 'event parked').map((l) => l.level)).toEqual(['ERROR']);
    // the vendor's retry of the whole delivery publishes nothing and parks nothing again
    expect(retry).toEqual({ status: 200, body: { accepted: 0, duplicates: 3, ignored: 0, unusable: 0 } });
    expect(published).toHaveLength(2);
    expect(await parking.list('webhook-receiver')).toHaveLength(1);
  });
});
