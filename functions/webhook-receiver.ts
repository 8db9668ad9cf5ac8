import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getInboundConnector } from '../connectors/inbound';
import type { WebhookItem, WebhookRequest } from '../connectors/connector';
import type { CountryCode } from '../core/model/normalize';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { DeliveryLedger } from './lib/adapters/delivery-ledger';
import { EventPublisher, type OutgoingEvent } from './lib/adapters/event-publisher';
import { SecretStore } from './lib/adapters/secrets';
import { parseEnv, WebhookReceiverEnvSchema } from './lib/env';
import { createLogger } from './lib/logger';

/**
 * POST /webhooks/{connector}: raw body → verify signature → parse → dedupe → PutEvents → 200.
 * No SaaS API call on this path: vendors give up after a few seconds (Shopify 5 s), so we
 * only record what arrived and answer. Bad signature: 401, malformed: 400, and in both
 * cases nothing is stored or emitted.
 */
const env = parseEnv(WebhookReceiverEnvSchema);
const logger = createLogger('webhook-receiver');
const db = createDocumentClient();
const ledger = new DeliveryLedger(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const secrets = new SecretStore();
const mapping = { defaultCountry: env.DEFAULT_COUNTRY as CountryCode };

export async function handler(event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const correlationId = randomUUID();
  logger.resetKeys();
  logger.appendKeys({ correlationId, awsRequestId: context?.awsRequestId });

  // Routes are literal (POST /webhooks/shopify), so a disabled connector has no route at all.
  const connectorId = event.rawPath.split('/').pop() ?? '';
  const connector = getInboundConnector(connectorId);
  const secretId = env.CONNECTOR_SECRETS[connectorId];
  if (!connector || !secretId) return reply(404, { message: `No enabled connector "${connectorId}"` }, correlationId);
  logger.appendKeys({ connector: connectorId });

  const request = toWebhookRequest(event);
  const secret = await secrets.get(secretId, connector.manifest.webhookSecretSchema, `omnihub/${connectorId}/webhook`);
  const verified = connector.webhook.verify(request, secret, new Date());
  if (!verified.ok) {
    logger.warn('webhook rejected', { reason: verified.reason });
    return reply(401, { message: `Invalid webhook signature (${verified.reason})` }, correlationId);
  }

  const parsed = connector.webhook.parse(request, mapping);
  if (!parsed.ok) {
    logger.warn('webhook malformed', { reason: parsed.reason });
    return reply(400, { message: `Malformed webhook: ${parsed.reason}` }, correlationId);
  }

  const now = new Date();
  const claimed = await Promise.all(
    parsed.items.map((item) => ledger.claim(connectorId, item.dedupeKey, connector.manifest.dedupeTtlSeconds, now)),
  );
  const fresh = parsed.items.filter((_, i) => claimed[i]);
  try {
    await publisher.publish(toEvents(connectorId, fresh, correlationId));
  } catch (error) {
    // Forget the deliveries so the vendor's retry is processed, and ask for that retry.
    await Promise.all(fresh.map((item) => ledger.release(connectorId, item.dedupeKey)));
    logger.error('publish failed', { error });
    return reply(500, { message: 'Could not record the webhook; please retry' }, correlationId);
  }

  const duplicates = parsed.items.length - fresh.length;
  logger.info('webhook accepted', { items: fresh.length, duplicates, ignored: parsed.ignored });
  return reply(200, { accepted: fresh.length, duplicates, ignored: parsed.ignored }, correlationId);
}

function toWebhookRequest(event: APIGatewayProxyEventV2): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  // HTTP API passes the scheme in x-forwarded-proto; the signed URL is the one the vendor called.
  const scheme = headers['x-forwarded-proto'] ?? 'https';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return {
    method: event.requestContext.http.method,
    url: `${scheme}://${event.requestContext.domainName}${event.rawPath}${query}`,
    headers,
    rawBody: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

/**
 * One event per observation, removal and merge, and one per referenced record: HubSpot sends
 * one event per changed property, and the connector reads the whole record anyway.
 */
function toEvents(system: string, items: WebhookItem[], correlationId: string): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  const referenced = new Map<string, string>(); // external id → latest occurredAt
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
    }
  }
  for (const [externalId, occurredAt] of referenced) {
    events.push({ type: 'CustomerReferenced', detail: { schemaVersion: 1, correlationId, system, externalId, occurredAt } });
  }
  return events;
}

function reply(statusCode: number, body: unknown, correlationId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-omnihub-correlation-id': correlationId },
    body: JSON.stringify(body),
  };
}
