import { readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * Where a running `npm start` can be found (DynamoDB Local, the table, the local bus), so
 * `npx omnihub ...` works against the local hub without flags.
 */
export const LocalStateSchema = z.object({
  dynamodbEndpoint: z.url(),
  tableName: z.string(),
  eventsEndpoint: z.url(),
  webhookUrl: z.url(),
  pid: z.number(),
  /** Each connector's settings and, for a sandbox, where it listens (`npx omnihub backfill` reads through them). */
  connectors: z.record(z.string(), z.object({ settings: z.record(z.string(), z.unknown()), baseUrl: z.url().optional() })).optional(),
});
export type LocalState = z.infer<typeof LocalStateSchema>;

/** OMNIHUB_STATE_FILE moves it (tests run their own hub beside a developer's). */
export const localStateFile = (root: string) => process.env.OMNIHUB_STATE_FILE ?? path.join(root, '.omnihub', 'local.json');

export async function writeLocalState(root: string, state: LocalState): Promise<void> {
  await mkdir(path.dirname(localStateFile(root)), { recursive: true });
  await writeFile(localStateFile(root), JSON.stringify(state, null, 2));
}

export async function clearLocalState(root: string): Promise<void> {
  await rm(localStateFile(root), { force: true });
}

export async function readLocalState(root: string): Promise<LocalState | undefined> {
  try {
    const state = LocalStateSchema.parse(JSON.parse(await readFile(localStateFile(root), 'utf8')));
    process.kill(state.pid, 0); // throws when that npm start is gone
    return state;
  } catch {
    return undefined;
  }
}
