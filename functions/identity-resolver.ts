import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CustomerObserved, CustomerRecordRemoved, CustomerRecordsMerged, MessageObserved, MessageStatusReported, OrderObserved } from '../core/events';
import { OmnihubError } from '../core/errors';
import { messageObservation, OPTED_OUT_ON_SEND } from '../core/messages/phone-observation';
import { messageKey } from '../core/model/message';
import { DynamoDbMessageStore } from './lib/adapters/dynamodb-message-store';
import { orderKey } from '../core/model/order';
import { resolveOrder } from '../core/orders/resolve-order';
import type { HeldOrder, PickupMove } from '../core/orders/order-store';
import { DynamoDbOrderStore } from './lib/adapters/dynamodb-order-store';
import { mergeRecords, removeRecord } from '../core/identity/record-lifecycle';
import { resolveObservation } from '../core/identity/resolve';
import { FIELD_NAMES, type FieldName } from '../core/model/customer';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { DynamoDbIdentityStore } from './lib/adapters/dynamodb-identity-store';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { IdentityResolverEnvSchema, parseEnv } from './lib/env';
import { asLogSink, createLogger } from './lib/logger';
import { processQueueBatch } from './lib/sqs-batch';
import { mayLackGolden } from '../core/sync/plan-sync';

/**
 * CustomerObserved → find the customer (docs/identity.md: link, email, phone as a hint, else
 * new) → merge field by field → conditional write → CustomerChanged when a golden value changed
 * or a record was newly linked. CustomerRecordRemoved / CustomerRecordsMerged → change links.
 */
const env = parseEnv(IdentityResolverEnvSchema);
const logger = createLogger('identity-resolver');
const db = createDocumentClient();
const store = new DynamoDbIdentityStore(db, env.TABLE_NAME);
const orders = new DynamoDbOrderStore(db, env.TABLE_NAME);
const messages = new DynamoDbMessageStore(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const parking = new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS });
const log = asLogSink(logger);

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.appendKeys({ awsRequestId: context?.awsRequestId });

  return processQueueBatch(event.Records, { target: 'identity-resolver', parking, log }, async (events) => {
    const failed = new Map<string, unknown>();
    // One at a time: events about the same person in one batch would only conflict.
    for (const { record, event: busEvent, redelivered } of events) {
      try {
        if (busEvent.type === 'CustomerObserved') await resolve(busEvent.detail, redelivered);
        else if (busEvent.type === 'CustomerRecordRemoved') await remove(busEvent.detail);
        else if (busEvent.type === 'CustomerRecordsMerged') await merge(busEvent.detail);
        else if (busEvent.type === 'OrderObserved') await resolveOrderObserved(busEvent.detail, redelivered);
        else if (busEvent.type === 'MessageObserved') await resolveMessage(busEvent.detail, redelivered);
        else if (busEvent.type === 'MessageStatusReported') await recordMessageStatus(busEvent.detail, redelivered);
      } catch (error) {
        log.error('resolve failed', { correlationId: busEvent.detail.correlationId, error });
        failed.set(record.messageId, error);
      }
    }
    return failed;
  });
}

/** The customer the observation now belongs to (undefined: a statement about a record not linked yet). */
async function resolve({ observation, correlationId }: CustomerObserved, redelivered: boolean): Promise<string | undefined> {
  const ctx = { correlationId, system: observation.system, externalId: observation.externalId, observedAt: observation.observedAt };
  if (observation.unusable?.length) {
    // docs/identity.md §6: visible, by field name only.
    log.warn('observation has unusable values', { ...ctx, fields: observation.unusable });
  }
  const result = await resolveObservation(store, observation);
  if (result.clamped.length > 0) log.warn('observation clamped: source time in the future', { ...ctx, fields: result.clamped });
  if (result.outcome === 'not-linked') {
    // One property of a record we do not know yet (its creation event lost or still on its way):
    // its connector reads the whole record, which the identity rules can place.
    log.info('resolve: not linked yet; asking for a full read of the record', ctx);
    await publisher.publish([
      {
        type: 'CustomerReferenced',
        detail: { schemaVersion: 1, correlationId, system: observation.system, externalId: observation.externalId, occurredAt: observation.observedAt },
      },
    ]);
    return;
  }
  for (const hint of result.duplicates) {
    log.warn('possible duplicate customer', { ...ctx, customerId: hint.customerId, otherCustomerId: hint.otherCustomerId, shared: hint.shared });
  }
  if (result.outcome === 'unchanged') {
    log.info('resolve: nothing new', { ...ctx, customerId: result.customerId, matchedBy: result.matchedBy });
    // A redelivery may follow a crash between our write and our publish: announce again.
    // Harmless when it was published: sync skips targets that already hold the values.
    if (redelivered) await announce({ customerId: result.customerId, correlationId, origin: observation.system, fields: [...FIELD_NAMES] });
    return result.customerId;
  }
  log.info(`resolve: ${result.outcome}`, {
    ...ctx,
    customerId: result.customer.id,
    matchedBy: result.matchedBy,
    changedFields: result.changedFields,
    ...(result.recheck.length > 0 ? { recheck: result.recheck } : {}),
    version: result.customer.version,
    attempts: result.attempts,
  });
  // A new link is announced too: the other systems may lack what this record holds, and this
  // record may lack golden values (absence is not a clear, so nothing "changed").
  // (Not a channel without customer records, Twilio: its "record" is the phone she wrote from,
  // which the customer holds already, or it changed a field. A known customer's first message
  // then costs no sync in every system.)
  const newLink = (result.outcome === 'created' || result.matchedBy !== 'link') && env.CONNECTOR_IDS.includes(observation.system);
  const changed = [...new Set([...result.changedFields, ...result.recheck])];
  const fields = changed.length > 0 ? changed : newLink ? [...FIELD_NAMES] : [];
  if (fields.length === 0) return result.customer.id;
  // The origin's own record already holds what it told us, unless it may lack a golden value.
  const originToo = newLink || mayLackGolden(result.customer, observation.system, fields);
  await announce({ customerId: result.customer.id, correlationId, origin: observation.system, fields, version: result.customer.version, originToo });
  return result.customer.id;
}

async function remove(detail: CustomerRecordRemoved) {
  const ctx = { correlationId: detail.correlationId, system: detail.system, externalId: detail.externalId, reason: detail.reason };
  const result = await removeRecord(store, detail);
  log.info(`remove: ${result.outcome}`, { ...ctx, ...('customerId' in result ? { customerId: result.customerId } : {}) });
  // A record nobody was linked to, gone: an order naming it as its buyer must not wait for it.
  if (result.outcome === 'unknown') await store.recordGone({ system: detail.system, externalId: detail.externalId }, detail.occurredAt);
}

async function merge(detail: CustomerRecordsMerged) {
  const ctx = { correlationId: detail.correlationId, system: detail.system, survivorId: detail.survivorId, mergedIds: detail.mergedIds };
  const result = await mergeRecords(store, { ...detail, at: detail.occurredAt });
  log.info(`merge: ${result.outcome}`, { ...ctx, ...('customerId' in result ? { customerId: result.customerId } : {}) });
  // The survivor is read afresh by its connector (it may be a new record with merged values).
  await publisher.publish([
    {
      type: 'CustomerReferenced',
      detail: { schemaVersion: 1, correlationId: detail.correlationId, system: detail.system, externalId: detail.survivorId, occurredAt: detail.occurredAt },
    },
  ]);
}

/**
 * OrderObserved → record the origin's newer revision with its buyer, pickup moves and stats in
 * one transaction (core/orders/resolve-order.ts), then announce: the copies to project, the
 * stats to write back, and each pickup move from the order's outbox.
 */
async function resolveOrderObserved({ order, correlationId }: OrderObserved, redelivered: boolean) {
  const key = orderKey(order.origin);
  const ctx = { correlationId, orderKey: key, revision: order.revision };
  let result = await resolveOrder(orders, store, order);
  if (result.outcome === 'buyer-new') {
    // A guest nobody knows by her email or phone: she becomes a customer as a first sighting of
    // her would (docs/identity.md §9; sync then creates her in each system), and is the buyer.
    log.info('order: a guest omnihub does not know; making her a customer', ctx);
    await resolve({ schemaVersion: 1, correlationId, observation: result.guest }, false);
    result = await resolveOrder(orders, store, order);
    if (result.outcome === 'buyer-new') throw new Error('the customer made for the guest is not found by her email or phone yet; retrying');
  }
  if (result.outcome === 'buyer-unknown') {
    // Its customer record's own webhook may be late or lost: its connector reads it, and the order waits for the link.
    log.info('order: buyer record not linked yet; asking for a read of it', ctx);
    await publisher.publish([
      { type: 'CustomerReferenced', detail: { schemaVersion: 1, correlationId, system: result.system, externalId: result.externalId, occurredAt: order.updatedAt } },
    ]);
    throw new Error('the order names a customer record omnihub has not linked yet; retrying after it is read');
  }
  if (result.outcome !== 'recorded') {
    log.info(`order: ${result.outcome}`, { ...ctx, held: result.held.order.revision });
    // A redelivery: a crash after the write may have kept what follows from being published.
    if (redelivered) await publishMoves(key, result.held, result.held.unpublishedMoves, correlationId);
    if (redelivered && result.outcome === 'repeat') await announceOrder(key, result.held, correlationId, result.held.customerId ? [result.held.customerId] : []);
    return;
  }
  log.info(`order: ${result.created ? 'created' : 'updated'}`, {
    ...ctx,
    customerId: result.held.customerId,
    pickup: result.held.order.pickup.state,
    moves: result.moves.length,
    attempts: result.attempts,
  });
  await announceOrder(key, result.held, correlationId, result.statsChanged);
  // This write's own moves; those it carried on from an earlier write are that writer's to
  // publish (it may still be at it), or a redelivery's when it crashed.
  await publishMoves(key, result.held, redelivered ? result.held.unpublishedMoves : result.moves, correlationId);
}

async function announceOrder(key: string, held: HeldOrder, correlationId: string, statsChanged: string[]) {
  const events = [
    ...(env.ORDER_COPY_IDS.length > 0
      ? [{ type: 'OrderChanged' as const, detail: { schemaVersion: 1 as const, correlationId, orderKey: key, revision: held.order.revision, customerId: held.customerId, systems: env.ORDER_COPY_IDS } }]
      : []),
    ...(env.STATS_IDS.length > 0
      ? statsChanged.map((customerId) => ({ type: 'CustomerStatsChanged' as const, detail: { schemaVersion: 1 as const, correlationId, customerId, systems: env.STATS_IDS } }))
      : []),
  ];
  if (events.length > 0) await publisher.publish(events);
}

/** Moves from the order's outbox: published, then cleared (a crash in between publishes them again; `eventId` lets a consumer tell). */
async function publishMoves(key: string, held: HeldOrder, moves: PickupMove[], correlationId: string) {
  if (moves.length === 0) return;
  await publisher.publish(
    moves.map((move) => ({
      type: 'OrderStatusChanged' as const,
      detail: {
        schemaVersion: 1 as const,
        correlationId,
        eventId: `${key}#${move.to}`,
        orderKey: key,
        customerId: held.customerId,
        from: move.from,
        to: move.to,
        at: move.at,
        location: held.order.pickup.location,
      },
    })),
  );
  await orders.markMovesPublished(held.order.origin, moves.map((move) => move.to));
  log.info('order: pickup moves published', { correlationId, orderKey: key, moves: moves.map((m) => `${m.from}>${m.to}`) });
}

/**
 * MessageObserved → her customer, by the phone (docs/identity.md §11): the message's observation
 * of the channel goes through the identity rules (a new phone makes a phone-only customer, a
 * STOP unsubscribes her SMS), then the message is recorded once under its key and announced to
 * the systems that show conversations. A repeat finds it recorded; a redelivery (a crash before
 * the announcement) announces it again, and each copy is made once anyway.
 */
async function resolveMessage({ message, smsConsent, correlationId }: MessageObserved, redelivered: boolean) {
  const key = messageKey(message.origin);
  const ctx = { correlationId, messageKey: key, channel: message.channel };
  const held = await messages.getMessage(message.origin);
  if (held) {
    log.info('message: repeat', { ...ctx, customerId: held.customerId });
    if (redelivered) await announceMessage(key, held.customerId, correlationId);
    return;
  }
  const customerId = await resolve({ schemaVersion: 1, correlationId, observation: messageObservation(message, smsConsent) }, redelivered);
  if (!customerId) throw new Error('the message’s phone was not placed with a customer; retrying');
  const outcome = await messages.recordMessage(message, customerId);
  log.info(`message: ${outcome}`, { ...ctx, customerId, ...(smsConsent ? { smsConsent } : {}) });
  if (outcome === 'recorded' || redelivered) await announceMessage(key, customerId, correlationId);
}

async function announceMessage(key: string, customerId: string, correlationId: string) {
  if (env.MESSAGE_COPY_IDS.length === 0) return;
  await publisher.publish([{ type: 'MessageLogged', detail: { schemaVersion: 1, correlationId, messageKey: key, customerId, systems: env.MESSAGE_COPY_IDS } }]);
}

/**
 * MessageStatusReported → the status of a message omnihub sent, forward only (§11). A send that
 * ends failed or undelivered is parked with its error (the parked-event alarm in AWS; `npx
 * omnihub parked identity-resolver`); a refusal because she opted out is also her SMS unsubscribe. A
 * callback for a message not recorded yet (the sender records it after Twilio's answer) is
 * retried until it is.
 */
async function recordMessageStatus(detail: MessageStatusReported, redelivered: boolean) {
  const ctx = { correlationId: detail.correlationId, messageKey: messageKey(detail.origin), status: detail.status, errorCode: detail.error?.code };
  const outcome = await messages.recordStatus(detail.origin, detail.status, detail.error?.code ?? null);
  log.info(`message status: ${outcome}`, ctx);
  if (outcome === 'unknown') throw new Error('a status callback for a message not recorded (yet); retrying');
  const final = detail.status === 'failed' || detail.status === 'undelivered';
  // A redelivery after a crash between the record and the parking parks it then.
  if (!final || (outcome === 'unchanged' && !redelivered)) return;
  const held = await messages.getMessage(detail.origin);
  if (held?.message.status !== detail.status) return;
  if (detail.error?.optedOut && held.message.channel === 'sms') {
    await resolve({ schemaVersion: 1, correlationId: detail.correlationId, observation: messageObservation({ ...held.message, at: detail.at }, 'unsubscribed', OPTED_OUT_ON_SEND) }, false);
  }
  throw new OmnihubError('MESSAGE.NOT_DELIVERED', `message ${detail.status} (${detail.error?.reason ?? 'no error code'})`, { retryable: false, metadata: { errorCode: detail.error?.code ?? 0 } });
}

async function announce(change: { customerId: string; correlationId: string; origin: string; fields: FieldName[]; version?: number; originToo?: boolean }) {
  const { customerId, correlationId, origin, fields: changedFields } = change;
  const systems = env.CONNECTOR_IDS.filter((id) => id !== origin || change.originToo !== false);
  if (systems.length === 0) return;
  const customerVersion = change.version ?? (await store.getCustomer(customerId))?.version ?? 1;
  await publisher.publish([
    { type: 'CustomerChanged', detail: { schemaVersion: 1, correlationId, customerId, customerVersion, origin, changedFields, systems } },
  ]);
}
