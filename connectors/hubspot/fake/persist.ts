import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CrmSnapshotSchema, type CrmSnapshot } from './crm';
import { StateSnapshotSchema, type HubspotFakeState, type StateSnapshot } from './state';

/**
 * Keeps the sandbox portal on disk for `npm start` (a restart keeps the contacts, their
 * history, the id counters and the merges). Writes are debounced and atomic (temp file, then
 * rename), and flushed on close.
 */

export interface PersistedPortal extends StateSnapshot {
  /** The next webhook eventId, so event ids do not repeat across restarts. */
  nextEventId: number;
  /** Properties, orders, line items and associations; absent in files saved before orders existed. */
  crm?: CrmSnapshot;
}

const PersistedPortalSchema = StateSnapshotSchema.extend({ nextEventId: z.number().int().nonnegative(), crm: CrmSnapshotSchema.optional() });

/** The saved portal, or undefined when there is no file yet. A file that does not parse is an error. */
export function loadPortal(file: string): PersistedPortal | undefined {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`HubSpot fake: ${file} is not JSON; delete it or start with --fresh`);
  }
  const parsed = PersistedPortalSchema.safeParse(json);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join('.') || '(file)').join(', ');
    throw new Error(`HubSpot fake: ${file} is not a saved sandbox portal (${paths}); delete it or start with --fresh`);
  }
  return parsed.data;
}

export class PortalWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly state: HubspotFakeState,
    private readonly nextEventId: () => number,
    private readonly debounceMs = 200,
    private readonly crm?: () => CrmSnapshot,
  ) {}

  /** Saves soon (many changes in a burst make one write). */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Saves now if a save is pending. */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }

  save(): void {
    const portal: PersistedPortal = { ...this.state.snapshot(), nextEventId: this.nextEventId(), ...(this.crm ? { crm: this.crm() } : {}) };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(portal, null, 2)}\n`);
    renameSync(temporary, this.file);
  }
}
