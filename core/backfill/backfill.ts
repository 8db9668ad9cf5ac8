import { randomBytes } from 'node:crypto';
import type { LogSink } from '../log';
import type { Observation } from '../model/observation';
import type { Timestamp } from '../model/system';
import type { Checkpoint, CheckpointStore } from './checkpoint';
import type { BackfillEntity, RecordSource } from './record-source';

/**
 * The first sync (backfill) and reconciliation of one connector: page through every record of
 * its system and hand each one to the resolver exactly as a webhook's observation is handed
 * (CustomerObserved), so duplicates are linked by the identity rules and records missing
 * elsewhere are created there by the normal sync path. Orders go the same way (OrderObserved):
 * the resolver records each revision once and counts it in the buyer's stats and the KPIs, and
 * the CRM gets its copy. Pure, over ports: the CLI runs it on the machine, the backfill
 * function (customers) and the origin's order function (orders) run it a few pages per
 * invocation in AWS.
 *
 * At least once: the checkpoint is written after a page was observed, so a crash between the
 * two observes that page again, which the resolver finds "nothing new".
 */

export interface BackfillPorts<R = Observation> {
  source: RecordSource<R>;
  checkpoints: CheckpointStore;
  /** Hands a page's records to the resolver (publishes CustomerObserved, or OrderObserved). */
  observe(observations: R[], checkpoint: Checkpoint): Promise<void>;
  now?: () => Date;
  log?: LogSink;
}

export interface RunRequest {
  connector: string;
  /** Default customers. */
  entity?: BackfillEntity;
  mode: 'backfill' | 'reconcile';
  /** Read only records updated from then on. Default: the last completed run's watermark (a full read if none). */
  since?: Timestamp;
  /** Read every record again, whatever the watermark says. */
  full?: boolean;
}

/**
 * How far before the watermark the next run starts reading: covers the vendors' search lag
 * (Shopify's and HubSpot's lists are search-backed and lag writes by seconds) and clock skew
 * between them and us. Re-reading a record costs a call share, never a write.
 */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;
/**
 * How much history a first reconciliation replays (no run before it gave a watermark): edits
 * made since omnihub began writing whose webhooks never came (docs/identity.md §2).
 */
export const FIRST_RECONCILE_HISTORY_MS = 24 * 60 * 60_000;

/** Another run of the same connector and entity holds the checkpoint (a scheduled reconciliation, a second CLI). */
export class BackfillBusyError extends Error {
  constructor(
    readonly connector: string,
    readonly entity: BackfillEntity = 'customers',
  ) {
    super(`Another backfill of ${connector}${entity === 'orders' ? ' orders' : ''} is running (its checkpoint changed under us); let it finish or run again later`);
    this.name = 'BackfillBusyError';
  }
}

/**
 * Starts a run, or resumes the one a crash left unfinished (same cursor, same `since`).
 * Returns the checkpoint to page from.
 */
export async function beginRun<R>(ports: BackfillPorts<R>, request: RunRequest): Promise<{ checkpoint: Checkpoint; resumed: boolean }> {
  const now = (ports.now ?? (() => new Date()))();
  const entity = request.entity ?? 'customers';
  const existing = await ports.checkpoints.get(request.connector, entity);
  if (existing && !existing.completedAt && !request.full && request.since === undefined) return { checkpoint: existing, resumed: true };

  const since = request.full ? undefined : (request.since ?? (existing?.watermark ? new Date(Date.parse(existing.watermark) - WATERMARK_OVERLAP_MS).toISOString() : undefined));
  const expected = await ports.source.count?.(since).catch(() => undefined);
  const at = now.toISOString();
  const historySince = request.mode === 'reconcile' && !since ? new Date(now.getTime() - FIRST_RECONCILE_HISTORY_MS).toISOString() : undefined;
  const checkpoint: Checkpoint = {
    connector: request.connector,
    entity,
    runId: newRunId(now),
    mode: request.mode,
    ...(since ? { since } : {}),
    ...(historySince ? { historySince } : {}),
    startedAt: at,
    updatedAt: at,
    ...(existing?.watermark ? { watermark: existing.watermark } : {}),
    pages: 0,
    read: 0,
    observed: 0,
    skipped: 0,
    ...(expected !== undefined ? { expected } : {}),
    requests: 0,
    spent: 0,
    waitedMs: 0,
    throttled: 0,
    readMs: 0,
    written: {},
    revision: (existing?.revision ?? 0) + 1,
  };
  if (!(await ports.checkpoints.put(checkpoint, existing?.revision))) throw new BackfillBusyError(request.connector, entity);
  ports.log?.info('backfill: run started', { connector: request.connector, entity, runId: checkpoint.runId, mode: request.mode, since: since ?? 'all', expected });
  return { checkpoint, resumed: false };
}

/**
 * Reads the page at the checkpoint's cursor, observes its records and writes the checkpoint
 * that follows it (completed after the last page). Throws BackfillBusyError when another run
 * moved the checkpoint meanwhile (nothing is lost: that run carries on).
 */
export async function runPage<R>(ports: BackfillPorts<R>, checkpoint: Checkpoint): Promise<Checkpoint> {
  if (checkpoint.completedAt) return checkpoint;
  const clock = ports.now ?? (() => new Date());
  const started = Date.now();
  const page = await ports.source.list({ cursor: checkpoint.cursor, since: checkpoint.since, ...(checkpoint.historySince ? { historySince: checkpoint.historySince } : {}) });
  const readMs = Date.now() - started;
  if (page.observations.length > 0) await ports.observe(page.observations, checkpoint);
  const at = clock().toISOString();
  const { cursor: _previous, ...rest } = checkpoint;
  const next: Checkpoint = {
    ...rest,
    ...(page.next ? { cursor: page.next } : { completedAt: at, watermark: checkpoint.startedAt }),
    updatedAt: at,
    pages: checkpoint.pages + 1,
    read: checkpoint.read + page.observations.length + (page.skipped ?? 0),
    observed: checkpoint.observed + page.observations.length,
    skipped: checkpoint.skipped + (page.skipped ?? 0),
    requests: checkpoint.requests + page.usage.requests,
    spent: checkpoint.spent + page.usage.spent,
    waitedMs: checkpoint.waitedMs + page.usage.waitedMs,
    throttled: checkpoint.throttled + page.usage.throttled,
    readMs: checkpoint.readMs + readMs,
    ceiling: page.ceiling,
    revision: checkpoint.revision + 1,
  };
  if (!(await ports.checkpoints.put(next, checkpoint.revision))) throw new BackfillBusyError(checkpoint.connector, checkpoint.entity);
  ports.log?.info(next.completedAt ? 'backfill: run completed' : 'backfill: page done', {
    connector: next.connector,
    entity: next.entity,
    runId: next.runId,
    page: next.pages,
    records: page.observations.length,
    read: next.read,
  });
  return next;
}

/** Pages until the run completes, `stop()` says so (Ctrl-C, a Lambda's remaining time) or a page fails. */
export async function runBackfill<R>(
  ports: BackfillPorts<R>,
  request: RunRequest,
  options: { onPage?: (checkpoint: Checkpoint) => void; stop?: () => boolean } = {},
): Promise<{ checkpoint: Checkpoint; resumed: boolean }> {
  const begun = await beginRun(ports, request);
  let checkpoint = begun.checkpoint;
  options.onPage?.(checkpoint);
  while (!checkpoint.completedAt && !options.stop?.()) {
    checkpoint = await runPage(ports, checkpoint);
    options.onPage?.(checkpoint);
  }
  return { checkpoint, resumed: begun.resumed };
}

/** Sorts by time, unique enough for two runs started in the same millisecond. */
function newRunId(now: Date): string {
  return `${now.getTime().toString(36)}${randomBytes(4).toString('hex')}`;
}
