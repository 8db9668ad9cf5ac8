import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

/**
 * The JSON file a fake keeps its records in across restarts (`npm start`: `.omnihub/sandboxes/<id>.json`):
 * read and checked against the fake's own schema, written whole. Vendor-neutral: each fake's
 * persist.ts says what goes in it.
 */

/** The saved state at `path`, or undefined when there is none yet. A corrupt or unreadable file is an error naming it. */
export function readSavedState<S extends z.ZodType>(path: string, schema: S, fakeName: string): z.infer<S> | undefined {
  const unreadable = (why: string) => new Error(`The ${fakeName} fake's saved state at ${path} is not readable (${why}); delete it to start fresh`);
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw unreadable(error instanceof Error && 'code' in error ? String(error.code) : String(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw unreadable('not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw unreadable(parsed.error.issues.map((issue) => issue.path.join('.') || '(file)').join(', '));
  return parsed.data;
}

/** Writes the state whole: to a temporary file first, then renamed, so a crash mid-write never leaves half a file. */
export function writeSavedState(path: string, state: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, path);
}

/** How soon after a change a fake saves its file: changes in one burst make one write. */
const SAVE_DEBOUNCE_MS = 250;

/**
 * Saves shortly after each change (`schedule`, repeated calls in the wait make one save);
 * `flush()` saves now if a save is pending, `saveNow()` saves now whatever is pending.
 */
export function debouncedSave(save: () => void): { schedule(): void; flush(): void; saveNow(): void } {
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    timer = undefined;
    save();
  };
  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(run, SAVE_DEBOUNCE_MS);
      timer.unref();
    },
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      run();
    },
    saveNow() {
      if (timer) clearTimeout(timer);
      run();
    },
  };
}
