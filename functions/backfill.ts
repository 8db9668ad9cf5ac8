import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConnector } from '../connectors';
import type { ClientOptions } from '../connectors/connector';
import { loadOrdersConnector } from '../connectors/orders';
import { descriptorOf } from '../connectors/registry';
import { BackfillBusyError, type BackfillPorts } from '../core/backfill/backfill';
import { backfillCorrelationId, type Checkpoint } from '../core/backfill/checkpoint';
import type { BackfillEntity, RecordSource } from '../core/backfill/record-source';
import type { BackfillRequested } from '../core/events';
import type { CountryCode } from '../core/model/normalize';
import type { Observation } from '../core/model/observation';
import type { Order } from '../core/model/order';
import { DynamoDbCheckpointStore } from './lib/adapters/checkpoint-store';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { SecretStore } from './lib/adapters/secrets';
import { BackfillEnvSchema, parseEnv } from './lib/env';
import { asLogSink, createLogger } from './lib/logger';
import { serveBackfillRequest } from './lib/serve-backfill';
import { processQueueBatch } from './lib/sqs-batch';
import * as z from '../core/schema';

/**
 * One deployment per enabled connector (CONNECTOR_ID) and entity: the first sync and
 * reconciliation of its system's customers (backfill-<id>), and of the orders placed in it
 * (backfill-<id>-orders, for Shopify and Square), on AWS's own engines. The bundle is built for
 * one entity (OMNIHUB_ENTITY_BUNDLE), so it carries only that entity's reader.
 * BackfillRequested (from `npx omnihub backfill`, the reconciliation schedule, or this function
 * itself) → read pages while the invocation has time, each record handed to the resolver as a
 * webhook's would be (CustomerObserved, OrderObserved), the checkpoint after each page → ask for
 * the next page through the same queue (functions/lib/serve-backfill.ts). Nothing long-running.
 */
const ENTITY: BackfillEntity = process.env.OMNIHUB_ENTITY_BUNDLE === 'orders' ? 'orders' : 'customers';
const env = parseEnv(BackfillEnvSchema);
const manifest = descriptorOf(env.CONNECTOR_ID)?.manifest;
if (!manifest) throw new Error(`CONNECTOR_ID "${env.CONNECTOR_ID}" is not a known connector`);
const logger = createLogger(`backfill-${env.CONNECTOR_ID}${ENTITY === 'orders' ? '-orders' : ''}`);
const log = asLogSink(logger);
const db = createDocumentClient();
const checkpoints = new DynamoDbCheckpointStore(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const parking = new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS });
const secrets = new SecretStore();
const config = z.parse(manifest.configSchema, env.CONNECTOR_CONFIG);
const mapping = { defaultCountry: env.DEFAULT_COUNTRY as CountryCode };

/** The entity's reader: a bundle holds one of the two. */
type EntityReader = { kind: 'orders'; source: RecordSource<Order> } | { kind: 'customers'; source: RecordSource<Observation> };
let reader: { entity: EntityReader; secretJson: string } | undefined;

async function createEntityReader(options: ClientOptions<unknown, unknown>): Promise<EntityReader> {
  if (process.env.OMNIHUB_ENTITY_BUNDLE === 'orders') {
    const source = (await (await loadOrdersConnector(env.CONNECTOR_ID))?.loadReader?.())?.(options);
    if (!source) throw new Error(`${env.CONNECTOR_ID} has no order reader`);
    return { kind: 'orders', source };
  }
  const connector = await loadConnector(env.CONNECTOR_ID);
  if (!connector) throw new Error(`${env.CONNECTOR_ID} has no customer reader in this bundle`);
  return { kind: 'customers', source: connector.createReader(options) };
}

async function getReader(): Promise<EntityReader> {
  const secret = await secrets.get(env.CONNECTOR_SECRET, manifest!.secretSchema, `omnihub/${env.CONNECTOR_ID}`);
  const secretJson = JSON.stringify(secret);
  if (reader?.secretJson !== secretJson) {
    reader = { entity: await createEntityReader({ config, secret, mapping, baseUrl: env.CONNECTOR_BASE_URL, log }), secretJson };
  }
  return reader.entity;
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.appendKeys({ awsRequestId: context?.awsRequestId, connector: env.CONNECTOR_ID, entity: ENTITY });
  const timeLeft = () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;

  return processQueueBatch(event.Records, { target: `backfill-${env.CONNECTOR_ID}${ENTITY === 'orders' ? '-orders' : ''}`, parking, log }, async (events) => {
    const failed = new Map<string, unknown>();
    for (const { record, event: busEvent } of events) {
      if (busEvent.type !== 'BackfillRequested' || busEvent.detail.entity !== ENTITY) continue;
      try {
        await serve(busEvent.detail, timeLeft);
      } catch (error) {
        if (error instanceof BackfillBusyError) {
          // Another run (or a duplicate of this message) moved the checkpoint: that one carries on.
          log.info('backfill: another run holds the checkpoint; this request ends here', { runId: busEvent.detail.runId });
          continue;
        }
        log.error('backfill page failed', { runId: busEvent.detail.runId, error });
        failed.set(record.messageId, error);
      }
    }
    return failed;
  });
}

async function serve(request: BackfillRequested, timeLeft: () => number): Promise<void> {
  const entity = await getReader();
  const deps = { connectorId: env.CONNECTOR_ID, checkpoints, publisher, log, timeLeft };
  const correlationOf = (checkpoint: Checkpoint) => backfillCorrelationId(checkpoint.connector, checkpoint.runId, checkpoint.entity);
  if (entity.kind === 'orders') {
    const ports: BackfillPorts<Order> = {
      source: entity.source,
      checkpoints,
      log,
      observe: (orders, checkpoint) => publisher.publish(orders.map((order) => ({ type: 'OrderObserved' as const, detail: { schemaVersion: 1, correlationId: correlationOf(checkpoint), order } }))),
    };
    await serveBackfillRequest(request, { ...deps, ports });
    return;
  }
  const ports: BackfillPorts<Observation> = {
    source: entity.source,
    checkpoints,
    log,
    observe: (observations, checkpoint) =>
      publisher.publish(observations.map((observation) => ({ type: 'CustomerObserved' as const, detail: { schemaVersion: 1, correlationId: correlationOf(checkpoint), observation } }))),
  };
  await serveBackfillRequest(request, { ...deps, ports });
}
