import type { SQSBatchItemFailure, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { SchemaError } from '../../core/schema';
import { parseBusEvent, type BusEvent } from '../../core/events';
import { OmnihubError } from '../../core/errors';
import type { LogSink } from '../../core/log';
import type { ParkingLot } from './adapters/parking-lot';

export interface QueuedEvent {
  record: SQSRecord;
  event: BusEvent;
  /** SQS redelivered this message: an earlier attempt may have done part of the work. */
  redelivered: boolean;
}

/**
 * The SQS side of EventBridge → SQS → Lambda: parses each record's EventBridge envelope,
 * parks the ones that can never succeed (malformed, or a non-retryable error) with their
 * reason, and returns the others that failed as batchItemFailures so only they are retried.
 */
export async function processQueueBatch(
  records: SQSRecord[],
  options: { target: string; parking: ParkingLot; log: LogSink },
  handle: (events: QueuedEvent[]) => Promise<Map<string, unknown>>, // messageId → error, for the ones that failed
): Promise<SQSBatchResponse> {
  const failures: SQSBatchItemFailure[] = [];
  const parsed: QueuedEvent[] = [];
  for (const record of records) {
    try {
      parsed.push({
        record,
        event: parseBusEvent(JSON.parse(record.body)),
        redelivered: Number(record.attributes.ApproximateReceiveCount ?? '1') > 1,
      });
    } catch (error) {
      await park(record, error, options);
    }
  }

  const errors = parsed.length > 0 ? await handle(parsed) : new Map<string, unknown>();
  for (const [messageId, error] of errors) {
    const record = records.find((r) => r.messageId === messageId);
    if (record && !isRetryable(error)) await park(record, error, options);
    else failures.push({ itemIdentifier: messageId });
  }
  return { batchItemFailures: failures };
}

function isRetryable(error: unknown): boolean {
  if (error instanceof SchemaError) return false;
  if (error instanceof OmnihubError) return error.retryable;
  return true; // unknown failures (network, throttling) are worth another try
}

async function park(record: SQSRecord, error: unknown, options: { target: string; parking: ParkingLot; log: LogSink }): Promise<void> {
  const code = error instanceof OmnihubError ? error.code : error instanceof SchemaError ? 'EVENT.INVALID' : 'UNEXPECTED';
  const reason = error instanceof SchemaError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String((error as Error)?.message ?? error);
  let envelope: unknown = record.body;
  try {
    envelope = JSON.parse(record.body);
  } catch {
    /* keep the raw body */
  }
  const correlationId = (envelope as { detail?: { correlationId?: unknown } })?.detail?.correlationId;
  await options.parking.park({
    target: options.target,
    parkedAt: new Date().toISOString(),
    id: record.messageId,
    code,
    reason,
    correlationId: typeof correlationId === 'string' ? correlationId : undefined,
    envelope,
  });
  options.log.error('event parked', { code, reason, messageId: record.messageId, correlationId });
}
