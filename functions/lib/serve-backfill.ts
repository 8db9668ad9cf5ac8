import { beginRun, runPage, type BackfillPorts } from '../../core/backfill/backfill';
import { backfillCorrelationId, type Checkpoint, type CheckpointStore } from '../../core/backfill/checkpoint';
import type { BackfillRequested } from '../../core/events';
import type { LogSink } from '../../core/log';
import type { EventPublisher } from './adapters/event-publisher';

/** Stop paging with at least this much of the invocation left (a page can wait ~10 s for a vendor's quota). */
const MIN_TIME_LEFT_MS = 15_000;

/**
 * One BackfillRequested in a Lambda (the backfill function for customers, the origin's order
 * function for orders): start the run (or take up the page a continuation names), read pages
 * while the invocation has time, and ask for the next page through the bus. Nothing
 * long-running anywhere: a run of any size is a chain of short invocations.
 */
export async function serveBackfillRequest<R>(
  request: BackfillRequested,
  deps: { connectorId: string; ports: BackfillPorts<R>; checkpoints: CheckpointStore; publisher: EventPublisher; log: LogSink; timeLeft: () => number },
): Promise<void> {
  const { connectorId, ports, checkpoints, publisher, log, timeLeft } = deps;
  const entity = request.entity;
  let checkpoint: Checkpoint;
  if (request.runId) {
    const current = await checkpoints.get(connectorId, entity);
    // SQS delivers at least once, and a redelivery may come after the chain moved on: only the
    // request for the page the checkpoint stands at goes ahead.
    if (!current || current.runId !== request.runId || current.pages !== request.page || current.completedAt) {
      log.info('backfill: continuation no longer current; dropped', { entity, runId: request.runId, page: request.page });
      return;
    }
    checkpoint = current;
  } else {
    checkpoint = (await beginRun(ports, { connector: connectorId, entity, mode: request.mode, since: request.since, full: request.full })).checkpoint;
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
        correlationId: backfillCorrelationId(checkpoint.connector, checkpoint.runId, entity),
        connector: checkpoint.connector,
        entity,
        mode: checkpoint.mode,
        runId: checkpoint.runId,
        page: checkpoint.pages,
      },
    },
  ]);
}
