import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { resolveObservation } from '../core/identity/resolve';
import { FIELD_NAMES, type FieldName } from '../core/model/customer';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { DynamoDbIdentityStore } from './lib/adapters/dynamodb-identity-store';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { IdentityResolverEnvSchema, parseEnv } from './lib/env';
import { asLogSink, createLogger } from './lib/logger';
import { processQueueBatch } from './lib/sqs-batch';

/**
 * CustomerObserved → find the customer (link, email, phone, else new) → merge field by
 * field → conditional write → CustomerChanged, only when a golden value changed.
 */
const env = parseEnv(IdentityResolverEnvSchema);
const logger = createLogger('identity-resolver');
const db = createDocumentClient();
const store = new DynamoDbIdentityStore(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const parking = new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS });

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.appendKeys({ awsRequestId: context?.awsRequestId });
  const log = asLogSink(logger);

  return processQueueBatch(event.Records, { target: 'identity-resolver', parking, log }, async (events) => {
    const failed = new Map<string, unknown>();
    // One at a time: observations of the same person in one batch would only conflict.
    for (const { record, event: busEvent, redelivered } of events) {
      if (busEvent.type !== 'CustomerObserved') continue;
      const { observation, correlationId } = busEvent.detail;
      const ctx = { correlationId, system: observation.system, externalId: observation.externalId };
      try {
        const result = await resolveObservation(store, observation);
        if (result.outcome === 'unchanged') {
          log.info('resolve: nothing new', { ...ctx, customerId: result.customerId, matchedBy: result.matchedBy });
          // A redelivery may follow a crash between our write and our publish: announce again.
          // Harmless when it was published: sync skips targets that already hold the values.
          if (redelivered) await announce(result.customerId, correlationId, observation.system, [...FIELD_NAMES]);
          continue;
        }
        log.info(`resolve: ${result.outcome}`, {
          ...ctx,
          customerId: result.customer.id,
          matchedBy: result.matchedBy,
          changedFields: result.changedFields,
          version: result.customer.version,
          attempts: result.attempts,
        });
        if (result.changedFields.length > 0) {
          await announce(result.customer.id, correlationId, observation.system, result.changedFields, result.customer.version);
        }
      } catch (error) {
        log.error('resolve failed', { ...ctx, error });
        failed.set(record.messageId, error);
      }
    }
    return failed;
  });
}

async function announce(customerId: string, correlationId: string, origin: string, changedFields: FieldName[], version?: number) {
  const customerVersion = version ?? (await store.getCustomer(customerId))?.version ?? 1;
  await publisher.publish([
    { type: 'CustomerChanged', detail: { schemaVersion: 1, correlationId, customerId, customerVersion, origin, changedFields } },
  ]);
}
