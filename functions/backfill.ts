import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConnector } from '../connectors';
import { BackfillBusyError, beginRun, runPage, type BackfillPorts } from '../core/backfill/backfill';
import { backfillCorrelationId, type Checkpoint } from '../core/backfill/checkpoint';
import type { BackfillRequested } from '../core/events';
import type { CountryCode } from '../core/model/normalize';
import { DynamoDbCheckpointStore } from './lib/adapters/checkpoint-store';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { SecretStore } from './lib/adapters/secrets';
import { BackfillEnvSchema, parseEnv } from './lib/env';
import { asLogSink, createLogger } from './lib/logger';
import { processQueueBatch } from './lib/sqs-batch';
import * as z from '../core/schema';

/**
 * One deployment per enabled connector (CONNECTOR_ID): the first sync and reconciliation of
 * its system on AWS's own engines. BackfillRequested (from `npx omnihub backfill`, the
 * reconciliation schedule, or this function itself) → read pages while the invocation has
 * time, each handed to the resolver as CustomerObserved and followed by the checkpoint →
 * ask for the next page through the same queue. Nothing long-running anywhere.
 */
const env = parseEnv(BackfillEnvSchema);
const connector = await loadConnector(env.CONNECTOR_ID);
if (!connector) throw new Error(`CONNECTOR_ID "${env.CONNECTOR_ID}" is not a known connector`);
const logger = createLogger(`backfill-${env.CONNECTOR_ID}`);
const log = asLogSink(logger);
const db = createDocumentClient();
const checkpoints = new DynamoDbCheckpointStore(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const parking = new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS });
const secrets = new SecretStore();
const config = z.parse(connector.manifest.configSchema, env.CONNECTOR_CONFIG);
const mapping = { defaultCountry: env.DEFAULT_COUNTRY as CountryCode };
let reader: { source: ReturnType<typeof connector.createReader>; secretJson: string } | undefined;

/** Stop paging with at least this much of the invocation left (a page can wait ~10 s for a vendor's quota). */
const MIN_TIME_LEFT_MS = 15_000;

async function getReader() {
  const secret = await secrets.get(env.CONNECTOR_SECRET, connector!.manifest.secretSchema, `omnihub/${env.CONNECTOR_ID}`);
  const secretJson = JSON.stringify(secret);
  if (reader?.secretJson !== secretJson) {
    reader = { source: connector!.createReader({ config, secret, mapping, baseUrl: env.CONNECTOR_BASE_URL, log }), secretJson };
  }
  return reader.source;
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.appendKeys({ awsRequestId: context?.awsRequestId, connector: env.CONNECTOR_ID });
  const timeLeft = () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;

  return processQueueBatch(event.Records, { target: `backfill-${env.CONNECTOR_ID}`, parking, log }, async (events) => {
    const failed = new Map<string, unknown>();
    for (const { record, event: busEvent } of events) {
      if (busEvent.type !== 'BackfillRequested') continue;
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
  const ports: BackfillPorts = {
    source: await getReader(),
    checkpoints,
    log,
    observe: (observations, checkpoint) =>
      publisher.publish(
        observations.map((observation) => ({
          type: 'CustomerObserved' as const,
          detail: { schemaVersion: 1, correlationId: backfillCorrelationId(checkpoint.connector, checkpoint.runId), observation },
        })),
      ),
  };

  let checkpoint: Checkpoint;
  if (request.runId) {
    const current = await checkpoints.get(env.CONNECTOR_ID);
    // SQS delivers at least once, and a redelivery may come after the chain moved on: only the
    // request for the page the checkpoint stands at goes ahead.
    if (!current || current.runId !== request.runId || current.pages !== request.page || current.completedAt) {
      log.info('backfill: continuation no longer current; dropped', { runId: request.runId, page: request.page });
      return;
    }
    checkpoint = current;
  } else {
    checkpoint = (await beginRun(ports, { connector: env.CONNECTOR_ID, mode: request.mode, since: request.since, full: request.full })).checkpoint;
  }

  let slowestPageMs = 0;
  while (!checkpoint.completedAt && timeLeft() > Math.max(MIN_TIME_LEFT_MS, 2 * slowestPageMs)) {
    const started = Date.now();
    checkpoint = await runPage(ports, checkpoint);
    slowestPageMs = Math.max(slowestPageMs, Date.now() - started);
  }
  if (checkpoint.completedAt) return;
  await publisher.publish([
    {
      type: 'BackfillRequested',
      detail: {
        schemaVersion: 1,
        correlationId: backfillCorrelationId(checkpoint.connector, checkpoint.runId),
        connector: checkpoint.connector,
        mode: checkpoint.mode,
        runId: checkpoint.runId,
        page: checkpoint.pages,
      },
    },
  ]);
}
