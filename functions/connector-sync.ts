import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConnector } from '../connectors';
import { writableFieldsWith } from '../connectors/connector';
import * as z from '../core/schema';
import { syncCustomers } from '../core/sync/sync-customer';
import { parseBackfillCorrelationId } from '../core/backfill/checkpoint';
import { DynamoDbCheckpointStore } from './lib/adapters/checkpoint-store';
import type { CountryCode } from '../core/model/normalize';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { DynamoDbIdentityStore } from './lib/adapters/dynamodb-identity-store';
import { DynamoDbOrderStore } from './lib/adapters/dynamodb-order-store';
import { primaryLink } from '../core/sync/plan-sync';
import { writeLatestStats } from '../core/orders/write-latest-stats';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { SecretStore } from './lib/adapters/secrets';
import { ConnectorSyncEnvSchema, parseEnv } from './lib/env';
import { asLogSink, createLogger, withLogKeys } from './lib/logger';
import { processQueueBatch, type QueuedEvent } from './lib/sqs-batch';

/**
 * One deployment per enabled connector (CONNECTOR_ID). Two jobs, both on that system:
 *  - CustomerChanged → bring the system's record in line with the golden record;
 *  - CustomerReferenced → read records named by an id-only webhook (batched) and emit
 *    CustomerObserved, because the webhook receiver never calls a SaaS API.
 */
const env = parseEnv(ConnectorSyncEnvSchema);
const connector = await loadConnector(env.CONNECTOR_ID);
if (!connector) throw new Error(`CONNECTOR_ID "${env.CONNECTOR_ID}" is not a known connector`);
const logger = createLogger(`sync-${env.CONNECTOR_ID}`);
const db = createDocumentClient();
const store = new DynamoDbIdentityStore(db, env.TABLE_NAME);
const orderStore = new DynamoDbOrderStore(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const parking = new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS });
const secrets = new SecretStore();
const checkpoints = new DynamoDbCheckpointStore(db, env.TABLE_NAME);
const config = z.parse(connector.manifest.configSchema, env.CONNECTOR_CONFIG);
/** What sync writes with these settings (a setting can turn a field on: HubSpot's email consent). */
const writableFields = writableFieldsWith(connector.manifest, config);
const mapping = { defaultCountry: env.DEFAULT_COUNTRY as CountryCode };
let client:
  | { target: ReturnType<typeof connector.createClient>; stats: ReturnType<NonNullable<typeof connector.createStatsTarget>> | undefined; secretJson: string }
  | undefined;

/** One client per secret value: a token the admin replaced is picked up within the secret cache's five minutes. */
async function getClients() {
  const secret = await secrets.get(env.CONNECTOR_SECRET, connector!.manifest.secretSchema, `omnihub/${env.CONNECTOR_ID}`);
  const secretJson = JSON.stringify(secret);
  if (client?.secretJson !== secretJson) {
    const options = { config, secret, mapping, baseUrl: env.CONNECTOR_BASE_URL, log: asLogSink(logger) };
    client = { target: connector!.createClient(options), stats: connector!.createStatsTarget?.(options), secretJson };
  }
  return client;
}
async function getClient() {
  return (await getClients()).target;
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.appendKeys({ awsRequestId: context?.awsRequestId, connector: env.CONNECTOR_ID });
  const log = asLogSink(logger);

  return processQueueBatch(event.Records, { target: `sync-${env.CONNECTOR_ID}`, parking, log }, async (events) => {
    const failed = new Map<string, unknown>();
    await hydrateReferences(events, failed);
    await syncChanges(events, failed);
    await writeStats(events, failed);
    return failed;
  });
}

/** Id-only webhooks: one batch read for all the ids in this SQS batch. */
async function hydrateReferences(events: QueuedEvent[], failed: Map<string, unknown>) {
  const refs = events.flatMap((e) => (e.event.type === 'CustomerReferenced' ? [{ record: e.record, detail: e.event.detail }] : []));
  if (refs.length === 0) return;
  const log = asLogSink(logger);
  try {
    const target = await getClient();
    const ids = [...new Set(refs.map((r) => r.detail.externalId))];
    const observations = await target.read(ids);
    const correlationOf = new Map(refs.map((r) => [r.detail.externalId, r.detail.correlationId]));
    await publisher.publish(
      observations.map((observation) => ({
        type: 'CustomerObserved' as const,
        detail: { schemaVersion: 1, correlationId: correlationOf.get(observation.externalId) ?? 'unknown', observation },
      })),
    );
    for (const observation of observations) {
      log.info('hydrate: read record', { correlationId: correlationOf.get(observation.externalId), externalId: observation.externalId });
    }
    // A merged record's id reads as its survivor (HubSpot): that is not a deletion.
    const answered = new Set(observations.flatMap((o) => [o.externalId, ...(o.mergedIds ?? [])]));
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      log.warn('hydrate: records not found (deleted?)', { externalIds: missing });
      // Read by id and not there: deleted. The resolver unlinks them, or remembers them as gone
      // (an order naming one as its buyer then stops waiting for it, docs/identity.md §9).
      await publisher.publish(missing.map((externalId) => goneEvent(correlationOf.get(externalId) ?? 'unknown', { externalId })));
    }
  } catch (error) {
    log.error('hydrate failed', { error });
    for (const r of refs) failed.set(r.record.messageId, error);
  }
}

/** Several changes of one customer in a batch collapse into one sync: it reads the latest state. */
async function syncChanges(events: QueuedEvent[], failed: Map<string, unknown>) {
  const byCustomer = new Map<string, { correlationId: string; messageIds: string[] }>();
  for (const { record, event } of events) {
    if (event.type !== 'CustomerChanged') continue;
    const entry = byCustomer.get(event.detail.customerId) ?? { correlationId: event.detail.correlationId, messageIds: [] };
    entry.messageIds.push(record.messageId);
    byCustomer.set(event.detail.customerId, entry);
  }
  const log = asLogSink(logger);
  if (byCustomer.size === 0) return;
  let results: Awaited<ReturnType<typeof syncCustomers>>;
  try {
    results = await syncCustomers(store, await getClient(), [...byCustomer.keys()], {
      system: env.CONNECTOR_ID,
      writableFields,
      addressParts: connector!.manifest.addressParts,
      leaseOwners: (customerId) => byCustomer.get(customerId)!.messageIds,
      forCustomer: (customerId, work) => withLogKeys({ correlationId: byCustomer.get(customerId)!.correlationId, customerId }, work),
      observe: (customerId, observation) =>
        publisher.publish([
          { type: 'CustomerObserved', detail: { schemaVersion: 1, correlationId: byCustomer.get(customerId)!.correlationId, observation } },
        ]),
    });
  } catch (error) {
    log.error('sync failed', { error });
    for (const { messageIds } of byCustomer.values()) for (const id of messageIds) failed.set(id, error);
    return;
  }
  const backfillWrites = new Map<string, number>();
  for (const [customerId, result] of results) {
    const { correlationId, messageIds } = byCustomer.get(customerId)!;
    if (!('error' in result) && (result.outcome === 'created' || result.outcome === 'updated') && parseBackfillCorrelationId(correlationId)) {
      backfillWrites.set(correlationId, (backfillWrites.get(correlationId) ?? 0) + 1);
    }
    if ('error' in result) {
      log.error('sync failed', { correlationId, customerId, error: result.error });
      for (const id of messageIds) failed.set(id, result.error);
      continue;
    }
    const level = result.outcome === 'link-conflict' || result.outcome === 'target-gone' ? 'warn' : 'info';
    log[level](`sync: ${result.outcome}`, { correlationId, customerId, ...result });
    // Retried through SQS redelivery: once the resolver linked the record we found, or merged the
    // edit we read, or the other sync of this customer is done.
    const retry = {
      'found-existing': 'found an unlinked record; retrying after the resolver links it',
      'unseen-edit': 'the record holds an edit the golden record lacks; retrying after the resolver merges it',
      busy: 'another sync of this customer is running; retrying after it',
    } as const;
    if (result.outcome in retry) {
      for (const id of messageIds) failed.set(id, new Error(retry[result.outcome as keyof typeof retry]));
    }
    if (result.outcome === 'target-gone') {
      // Its webhook may never come (docs/identity.md §7): the resolver hears it from us, and the change waits for it.
      try {
        await publisher.publish([goneEvent(correlationId, result)]);
        for (const id of messageIds) failed.set(id, new Error('the linked record is gone; retrying after the resolver re-points or removes the link'));
      } catch (error) {
        log.error('sync: reporting a gone record failed', { correlationId, customerId, error });
        for (const id of messageIds) failed.set(id, error);
      }
    }
    if ('behind' in result && result.behind) {
      for (const id of messageIds) failed.set(id, new Error('the golden record changed while we wrote; syncing again'));
    }
    if (result.outcome === 'created' && connector!.manifest.orders?.project) {
      // The copies of this buyer's orders went without an association while it had no record here.
      const error = await askToAssociateOrders(customerId, correlationId);
      if (error) for (const id of messageIds) failed.set(id, error);
    }
    if (result.outcome === 'created' && connector!.manifest.stats) {
      // A new record here carries the customer's stats from the start (read after its link is recorded).
      // Should that write fail, the stats come again by their own event, retried on its own.
      if (await writeStatsOf(customerId, correlationId)) {
        await publisher
          .publish([{ type: 'CustomerStatsChanged', detail: { schemaVersion: 1, correlationId, customerId, systems: [env.CONNECTOR_ID] } }])
          .catch((error: unknown) => messageIds.forEach((id) => failed.set(id, error)));
      }
    }
  }
  await countBackfillWrites(backfillWrites);
}

/**
 * CustomerStatsChanged → write the customer's current stats onto its record here (they are read
 * afresh, so several changes collapse into one write and a late event writes nothing stale).
 * A customer without a record here has nothing to write to: the customer sync that makes one
 * writes the stats after it (syncChanges), whether it is still to come or the record was
 * deleted here and comes back with the customer's next change (docs/identity.md §7).
 */
async function writeStats(events: QueuedEvent[], failed: Map<string, unknown>) {
  const byCustomer = new Map<string, { correlationId: string; messageIds: string[] }>();
  for (const { record, event } of events) {
    if (event.type !== 'CustomerStatsChanged') continue;
    const entry = byCustomer.get(event.detail.customerId) ?? { correlationId: event.detail.correlationId, messageIds: [] };
    entry.messageIds.push(record.messageId);
    byCustomer.set(event.detail.customerId, entry);
  }
  for (const [customerId, { correlationId, messageIds }] of byCustomer) {
    const error = await writeStatsOf(customerId, correlationId);
    if (error) for (const id of messageIds) failed.set(id, error);
  }
}

/** OrderChanged for each of the customer's orders, to this system: its order function associates their copies with the new record. */
async function askToAssociateOrders(customerId: string, correlationId: string): Promise<unknown> {
  try {
    const entries = await orderStore.listCustomerOrders(customerId);
    if (entries.length === 0) return undefined;
    await publisher.publish(
      entries.map((entry) => ({
        type: 'OrderChanged' as const,
        detail: { schemaVersion: 1 as const, correlationId, orderKey: entry.orderKey, revision: entry.revision, customerId, systems: [env.CONNECTOR_ID] },
      })),
    );
    asLogSink(logger).info('sync: asked for the new record\'s orders to be associated', { correlationId, customerId, orders: entries.length });
    return undefined;
  } catch (error) {
    asLogSink(logger).error('sync: asking for the orders\' association failed', { correlationId, customerId, error });
    return error;
  }
}

/** The customer's held stats onto its record here, when both exist; the error, if the write failed. */
async function writeStatsOf(customerId: string, correlationId: string): Promise<unknown> {
  const log = asLogSink(logger);
  const ctx = { correlationId, customerId };
  try {
    const { stats: target } = await getClients();
    if (!target) throw new Error(`${env.CONNECTOR_ID} holds no stats`);
    // The stats are read beside the customer: one round trip.
    const [customer, firstStats] = await Promise.all([store.getCustomer(customerId), orderStore.getStats(customerId)]);
    const link = customer ? primaryLink(customer, env.CONNECTOR_ID) : undefined;
    if (!customer) {
      log.info('stats: nothing to write (the customer is gone)', ctx);
      return undefined;
    }
    if (!link) {
      log.info(`stats: the customer has no ${env.CONNECTOR_ID} record; its sync writes them when it makes one`, ctx);
      return undefined;
    }
    // Read again after the write: a racing writer that read older stats may have finished last.
    const result = await writeLatestStats(() => orderStore.getStats(customerId), (stats) => target.writeStats(link.externalId, stats), Promise.resolve(firstStats));
    if (result.outcome === 'none') {
      log.info('stats: nothing to write (no orders)', ctx);
      return undefined;
    }
    const detail = { ...ctx, externalId: link.externalId, statsVersion: result.version, writes: result.writes };
    if (result.outcome === 'moving') {
      log.warn('stats: still changing after every write; retrying', detail);
      return new Error('the customer\'s stats kept changing while they were written; retrying');
    }
    log[result.outcome === 'gone' ? 'warn' : 'info'](`stats: ${result.outcome}`, detail);
    return undefined;
  } catch (error) {
    log.error('stats: write failed', { ...ctx, error });
    return error;
  }
}

/** What sync's read found: the record merged into another (as the vendor's merge webhook says it), or deleted. */
function goneEvent(correlationId: string, gone: { externalId: string; survivorId?: string }) {
  const occurredAt = new Date().toISOString();
  return gone.survivorId
    ? ({ type: 'CustomerRecordsMerged', detail: { schemaVersion: 1, correlationId, system: env.CONNECTOR_ID, survivorId: gone.survivorId, mergedIds: [gone.externalId], occurredAt } } as const)
    : ({ type: 'CustomerRecordRemoved', detail: { schemaVersion: 1, correlationId, system: env.CONNECTOR_ID, externalId: gone.externalId, reason: 'deleted', occurredAt } } as const);
}

/** Writes a backfill caused, counted on its run (the CLI's progress shows them); one update per run and batch, never a failure. */
async function countBackfillWrites(writes: Map<string, number>) {
  for (const [correlationId, count] of writes) {
    const run = parseBackfillCorrelationId(correlationId)!;
    await checkpoints.countWritten(run, env.CONNECTOR_ID, count).catch((error: unknown) => {
      asLogSink(logger).warn('backfill write count not recorded', { correlationId, error });
    });
  }
}
