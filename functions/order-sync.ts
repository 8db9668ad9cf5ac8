import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadOrdersConnector } from '../connectors/orders';
import * as z from '../core/schema';
import { parseBackfillCorrelationId } from '../core/backfill/checkpoint';
import type { MessageLogged, OrderChanged, OrderReferenced } from '../core/events';
import { parseMessageKey } from '../core/model/message';
import { DynamoDbMessageStore } from './lib/adapters/dynamodb-message-store';
import { parseOrderKey } from '../core/model/order';
import type { CountryCode } from '../core/model/normalize';
import { primaryLink } from '../core/sync/plan-sync';
import { descriptorOf } from '../connectors/registry';
import { DynamoDbCheckpointStore } from './lib/adapters/checkpoint-store';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { DynamoDbIdentityStore } from './lib/adapters/dynamodb-identity-store';
import { DynamoDbOrderStore } from './lib/adapters/dynamodb-order-store';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { SecretStore } from './lib/adapters/secrets';
import { ConnectorSyncEnvSchema, parseEnv } from './lib/env';
import { asLogSink, createLogger } from './lib/logger';
import { processQueueBatch, type QueuedEvent } from './lib/sqs-batch';

/**
 * The order side of one connector (CONNECTOR_ID), bundled apart from its customer side so each
 * carries only the vendor code it calls (docs/identity.md §9):
 *  - OrderReferenced → read the orders its webhooks named, emit OrderObserved (origin systems);
 *  - OrderChanged → make or update this system's copy, associated with the buyer's record there
 *    (systems that hold copies: the CRM). A copy made for an order backfill is counted on its run;
 *  - MessageLogged → copy the message once onto the customer's timeline here (docs/identity.md §11).
 * (The order backfill itself runs in backfill-<id>-orders: functions/backfill.ts.)
 */
const env = parseEnv(ConnectorSyncEnvSchema);
const connector = await loadOrdersConnector(env.CONNECTOR_ID);
const manifest = descriptorOf(env.CONNECTOR_ID)?.manifest;
if (!connector || !manifest) throw new Error(`CONNECTOR_ID "${env.CONNECTOR_ID}" is not a connector with orders`);
const logger = createLogger(`orders-${env.CONNECTOR_ID}`);
const db = createDocumentClient();
const identity = new DynamoDbIdentityStore(db, env.TABLE_NAME);
const orders = new DynamoDbOrderStore(db, env.TABLE_NAME);
const messages = new DynamoDbMessageStore(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const checkpoints = new DynamoDbCheckpointStore(db, env.TABLE_NAME);
const parking = new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS });
const secrets = new SecretStore();
const config = z.parse(manifest.configSchema, env.CONNECTOR_CONFIG);
const mapping = { defaultCountry: env.DEFAULT_COUNTRY as CountryCode };
let clients:
  | {
      source?: ReturnType<NonNullable<typeof connector.createSource>>;
      target?: ReturnType<NonNullable<typeof connector.createTarget>>;
      messageTarget?: ReturnType<NonNullable<typeof connector.createMessageTarget>>;
      secretJson: string;
    }
  | undefined;

/** One client per secret value, as in connector-sync.ts: a replaced token is picked up within the secret cache's minutes. */
async function getClients() {
  const secret = await secrets.get(env.CONNECTOR_SECRET, manifest!.secretSchema, `omnihub/${env.CONNECTOR_ID}`);
  const secretJson = JSON.stringify(secret);
  if (clients?.secretJson !== secretJson) {
    const options = { config, secret, mapping, baseUrl: env.CONNECTOR_BASE_URL, log: asLogSink(logger) };
    clients = { source: connector!.createSource?.(options), target: connector!.createTarget?.(options), messageTarget: connector!.createMessageTarget?.(options), secretJson };
  }
  return clients;
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.appendKeys({ awsRequestId: context?.awsRequestId, connector: env.CONNECTOR_ID });
  return processQueueBatch(event.Records, { target: `orders-${env.CONNECTOR_ID}`, parking, log: asLogSink(logger) }, async (events) => {
    const failed = new Map<string, unknown>();
    await readOrders(events.flatMap((e) => (e.event.type === 'OrderReferenced' ? [{ record: e.record, detail: e.event.detail }] : [])), failed);
    await projectOrders(events, failed);
    for (const { record, event } of events) if (event.type === 'MessageLogged') await projectMessage(record.messageId, event.detail, failed);
    return failed;
  });
}

/** One batch read for every order this SQS batch names; an order we cannot map is parked with its reason. */
async function readOrders(refs: Array<{ record: QueuedEvent['record']; detail: OrderReferenced }>, failed: Map<string, unknown>) {
  if (refs.length === 0) return;
  const log = asLogSink(logger);
  const { source } = await getClients();
  if (!source) throw new Error(`${env.CONNECTOR_ID} has no order source`);
  const ids = [...new Set(refs.map((r) => r.detail.externalId))];
  try {
    const read = await source.readOrders(ids);
    await publisher.publish(
      read.map((order) => ({
        type: 'OrderObserved' as const,
        detail: { schemaVersion: 1, correlationId: refs.find((r) => r.detail.externalId === order.origin.externalId)?.detail.correlationId ?? refs[0]!.detail.correlationId, order },
      })),
    );
    log.info('orders: read', { requested: ids.length, read: read.length });
    if (read.length < ids.length) log.warn('orders: some orders not found (deleted, or named by another id)', { requested: ids.length, read: read.length });
  } catch (error) {
    log.error('orders: read failed', { error });
    for (const r of refs) failed.set(r.record.messageId, error);
  }
}

/** Several changes of one order in a batch collapse into one projection of its latest revision. */
async function projectOrders(events: QueuedEvent[], failed: Map<string, unknown>) {
  const byOrder = new Map<string, { detail: OrderChanged; messageIds: string[] }>();
  for (const { record, event } of events) {
    if (event.type !== 'OrderChanged') continue;
    const entry = byOrder.get(event.detail.orderKey) ?? { detail: event.detail, messageIds: [] };
    entry.messageIds.push(record.messageId);
    byOrder.set(event.detail.orderKey, entry);
  }
  if (byOrder.size === 0) return;
  const log = asLogSink(logger);
  for (const [orderKey, { detail, messageIds }] of byOrder) {
    const ctx = { correlationId: detail.correlationId, orderKey, customerId: detail.customerId };
    try {
      const outcome = await projectOne(orderKey);
      log.info(`orders: ${outcome.outcome}`, { ...ctx, ...outcome });
      // A copy an order backfill made is counted on its run (the CLI's progress shows it); never a failure.
      const run = parseBackfillCorrelationId(detail.correlationId);
      if (run && (outcome.outcome === 'created' || outcome.outcome === 'updated')) {
        await checkpoints.countWritten(run, env.CONNECTOR_ID, 1).catch((error: unknown) => log.warn('backfill write count not recorded', { correlationId: detail.correlationId, error }));
      }
    } catch (error) {
      log.error('orders: projection failed', { ...ctx, error });
      for (const id of messageIds) failed.set(id, error);
    }
  }
}

async function projectOne(orderKey: string) {
  const origin = parseOrderKey(orderKey);
  const held = await orders.getOrder(origin);
  if (!held) throw new Error('the order is not recorded (yet)');
  // The buyer's record here. None yet (its customer sync is still to make one, or it was deleted
  // here): the copy goes without an association, and that sync asks for it again once it has
  // made the record (connector-sync, OrderChanged).
  let buyerRecordId: string | null = null;
  if (held.customerId) {
    const customer = await identity.getCustomer(held.customerId);
    buyerRecordId = customer ? (primaryLink(customer, env.CONNECTOR_ID)?.externalId ?? null) : null;
  }
  const copy = await orders.getCopy(origin, env.CONNECTOR_ID);
  if (copy && (copy.revision > held.order.revision || (copy.revision === held.order.revision && copy.buyerRecordId === buyerRecordId))) {
    return { outcome: 'up-to-date' as const, copyId: copy.copyId };
  }
  const { target } = await getClients();
  if (!target) throw new Error(`${env.CONNECTOR_ID} holds no copies of orders`);
  const projected = await target.projectOrder(held.order, { copyId: copy?.copyId ?? null, buyerRecordId });
  await orders.putCopy(origin, env.CONNECTOR_ID, { copyId: projected.copyId, revision: held.order.revision, buyerRecordId });
  return { ...projected, revision: held.order.revision, associated: buyerRecordId !== null, ...(held.customerId && !buyerRecordId ? { buyerHasNoRecordHere: true } : {}) };
}

/**
 * One message, copied once (§11): its copy here is recorded beside it, and the connector's write
 * is idempotent by the message key in the vendor, so a crash between the two copies nothing twice.
 * A customer with no record here yet (her customer sync is still making it) is waited for: the
 * event is retried until the record is linked.
 */
async function projectMessage(messageId: string, detail: MessageLogged, failed: Map<string, unknown>) {
  const log = asLogSink(logger);
  const ctx = { correlationId: detail.correlationId, messageKey: detail.messageKey, customerId: detail.customerId };
  try {
    const origin = parseMessageKey(detail.messageKey);
    const copyId = await messages.getCopy(origin, env.CONNECTOR_ID);
    if (copyId) return log.info('messages: up-to-date', ctx);
    const held = await messages.getMessage(origin);
    if (!held) throw new Error('the message is not recorded (yet)');
    const customer = await identity.getCustomer(held.customerId);
    const recordId = customer ? primaryLink(customer, env.CONNECTOR_ID)?.externalId : undefined;
    if (!recordId) throw new Error(`the customer has no ${env.CONNECTOR_ID} record yet; retrying once her sync has made it`);
    const { messageTarget } = await getClients();
    if (!messageTarget) throw new Error(`${env.CONNECTOR_ID} shows no messages`);
    const projected = await messageTarget.projectMessage(held.message, { customerId: held.customerId, customerRecordId: recordId });
    await messages.recordCopy(origin, env.CONNECTOR_ID, projected.copyId);
    log.info(`messages: ${projected.outcome}`, { ...ctx, copyId: projected.copyId });
  } catch (error) {
    log.error('messages: projection failed', { ...ctx, error });
    failed.set(messageId, error);
  }
}
