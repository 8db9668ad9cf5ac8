import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The command behind `npm start`, from package.json, run with this Node: the hub's own
 * process tree, without npm's launcher process (about 55 MB more when started through npm).
 */
export async function npmStartArgs(root: string): Promise<string[]> {
  const script = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [command, ...args] = script.split(/\s+/);
  if (command !== 'node') throw new Error(`package.json scripts.start should run node, not: ${script}`);
  return args;
}
