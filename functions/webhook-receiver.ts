import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getInboundConnector } from '../connectors/inbound';
import type { WebhookRequest } from '../connectors/connector';
import type { CountryCode } from '../core/model/normalize';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { DeliveryLedger } from './lib/adapters/delivery-ledger';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { SecretStore } from './lib/adapters/secrets';
import { parseEnv, WebhookReceiverEnvSchema } from './lib/env';
import { asLogSink, createLogger } from './lib/logger';
import { receiveWebhook } from './lib/receive-webhook';
import { webhookRoute } from './lib/webhook-route';

/**
 * POST /webhooks/{connector}, through a Lambda function URL or the HTTP API (cdk.json `ingress`;
 * both send payload format 2.0): raw body → verify signature → parse → look up → PutEvents →
 * remember → 200 (functions/lib/receive-webhook.ts). No SaaS API call on this path: vendors
 * give up after a few seconds (Shopify 5 s), so we only record what arrived and answer.
 *
 * Deployed once per connector that receives webhooks (webhook-receiver-<id>, infra/omnihub-stack.ts),
 * each bundle built with receiverBundleDefine(<id>): its registry holds that one connector
 * (functions/one-connector-registry.ts) and CONNECTOR_SECRETS that one signing secret, so any
 * other connector's path is answered 404. Unbundled (tests) it serves every connector in CONNECTOR_SECRETS.
 */
const env = parseEnv(WebhookReceiverEnvSchema);
const logger = createLogger('webhook-receiver');
const db = createDocumentClient();
const deps = {
  ledger: new DeliveryLedger(db, env.TABLE_NAME),
  publisher: new EventPublisher(env.EVENT_BUS_NAME),
  parking: new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS }),
  secrets: new SecretStore(),
  log: asLogSink(logger),
  mapping: { defaultCountry: env.DEFAULT_COUNTRY as CountryCode },
};

export async function handler(event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const correlationId = randomUUID();
  logger.resetKeys();
  logger.appendKeys({ correlationId, awsRequestId: context?.awsRequestId });

  // A function URL passes every method and path on; the HTTP API only its literal routes.
  const route = webhookRoute(event);
  if (!route) return reply(404, { message: 'Not Found' }, correlationId);
  const { connectorId } = route;
  const connector = await getInboundConnector(connectorId);
  const secretId = env.CONNECTOR_SECRETS[connectorId];
  if (!connector || !secretId) return reply(404, { message: `No enabled connector "${connectorId}"` }, correlationId);
  logger.appendKeys({ connector: connectorId });

  const answer = await receiveWebhook(connector, secretId, toWebhookRequest(event), correlationId, deps);
  if (answer.status === 200 && answer.reply) {
    return { statusCode: 200, headers: { 'content-type': answer.reply.contentType, 'x-omnihub-correlation-id': correlationId }, body: answer.reply.body };
  }
  return reply(answer.status, answer.body, correlationId);
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

function reply(statusCode: number, body: unknown, correlationId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-omnihub-correlation-id': correlationId },
    body: JSON.stringify(body),
  };
}
