import type { StartSandbox } from './descriptor';
import { descriptorOf } from './registry';

export type { Sandbox, StartSandbox, StartSandboxOptions } from './descriptor';

/** How `npm start` runs a connector's fake when it has no real credentials (its descriptor's sandbox). */
export async function loadSandbox(id: string): Promise<StartSandbox | undefined> {
  return descriptorOf(id)?.sandbox();
}
