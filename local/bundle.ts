import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { buildFunction } from '../functions/build';
import { connectorBundleDefine, functionEntries } from '../functions/catalog';

export interface BuiltFunction {
  /** The deployed function's name: webhook-receiver, identity-resolver, sync-<connector>, backfill-<connector>. */
  name: string;
  file: string;
  bytes: number;
}

/**
 * Bundles every Lambda function exactly as the CDK stack does, into `outDir`: one
 * connector-sync and one backfill bundle per connector, each carrying only its own connector.
 */
export async function bundleFunctions(root: string, outDir: string, connectorIds: string[]): Promise<Record<string, BuiltFunction>> {
  await mkdir(outDir, { recursive: true });
  const jobs: Array<{ name: string; entry: string; define: Record<string, string> }> = [
    { name: 'webhook-receiver', entry: functionEntries['webhook-receiver'], define: {} },
    { name: 'identity-resolver', entry: functionEntries['identity-resolver'], define: {} },
    ...connectorIds.map((id) => ({ name: `sync-${id}`, entry: functionEntries['connector-sync'], define: connectorBundleDefine(id) })),
    ...connectorIds.map((id) => ({ name: `backfill-${id}`, entry: functionEntries.backfill, define: connectorBundleDefine(id) })),
  ];
  const built = await Promise.all(
    jobs.map(async ({ name, entry, define }): Promise<BuiltFunction> => {
      const file = path.join(outDir, `${name}.mjs`);
      const { bytes } = await buildFunction({ entry: path.join(root, entry), outfile: file, define });
      return { name, file, bytes };
    }),
  );
  return Object.fromEntries(built.map((b) => [b.name, b]));
}

/** The small host that runs inside each worker and invokes a bundled handler (see function-host.ts). */
export async function bundleFunctionHost(root: string, outDir: string): Promise<string> {
  const file = path.join(outDir, 'function-host.mjs');
  await build({
    entryPoints: [path.join(root, 'local/function-host.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    logLevel: 'error',
  });
  return file;
}
