import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build, stop, type BuildOptions } from 'esbuild';
import { buildFunction } from '../functions/build';
import { manifests } from '../connectors/manifests';
import { bundleAliases, bundleSettings, connectorBundleDefine, functionEntries, receiverBundleDefine, receiverFunctionName } from '../functions/catalog';
import { buildCached, fileHasher, type FileHasher } from './bundle-cache';

export interface BuiltFunction {
  /** The deployed function's name: webhook-receiver-<connector>, identity-resolver, sync-<connector>, orders-<connector>, backfill-<connector>, notices-<connector>. */
  name: string;
  file: string;
  bytes: number;
  /** Reused from the last build into the same folder (nothing it was built from changed), see bundle-cache.ts. */
  fromCache: boolean;
}

/**
 * What a bundle depends on beyond the files esbuild reads: how it is built (functions/build.ts,
 * with its plugins: one-connector-registry.ts and the SDK pruners, and the settings in functions/catalog.ts, which bundle-cache.ts compares as
 * JSON too), how imports resolve (tsconfig.json, the dependencies' versions) and this cache's
 * own code. A change to any of them rebuilds every bundle.
 */
const keyFiles = (root: string) =>
  ['functions/build.ts', 'functions/catalog.ts', 'functions/one-connector-registry.ts', 'functions/prune-klaviyo-sdk.ts', 'functions/prune-square-sdk.ts', 'functions/prune-twilio-sdk.ts', 'local/bundle.ts', 'local/bundle-cache.ts', 'tsconfig.json', 'package.json', 'package-lock.json'].map((f) =>
    path.join(root, f),
  );

/**
 * Bundles every Lambda function exactly as the CDK stack does (functions/build.ts), into
 * `outDir`: one connector-sync and one backfill bundle per connector, and one webhook receiver
 * per connector that receives webhooks (not a polled one), each carrying only its own connector. A bundle whose inputs did not change since the last build into `outDir` is reused.
 */
export async function bundleFunctions(
  root: string,
  outDir: string,
  connectorIds: string[],
  hash: FileHasher = fileHasher(),
  /** The connectors with an order side: one order-sync bundle each (orders-<id>). */
  orderConnectorIds: string[] = [],
  /** The connectors orders are placed in: one order backfill bundle each (backfill-<id>-orders). */
  orderOriginIds: string[] = [],
  /** The connectors that receive webhooks: one receiver bundle each (webhook-receiver-<id>); by default those of `connectorIds` not polled. */
  receiverConnectorIds: string[] = connectorIds.filter(receivesWebhooks),
  /** The connectors that send pickup notices: one notice bundle each (notices-<id>). */
  noticeConnectorIds: string[] = [],
): Promise<Record<string, BuiltFunction>> {
  await mkdir(outDir, { recursive: true });
  const jobs: Array<{ name: string; entry: string; define: Record<string, string> }> = [
    ...receiverConnectorIds.map((id) => ({ name: receiverFunctionName(id), entry: functionEntries['webhook-receiver'], define: receiverBundleDefine(id) })),
    { name: 'identity-resolver', entry: functionEntries['identity-resolver'], define: {} },
    ...connectorIds.map((id) => ({ name: `sync-${id}`, entry: functionEntries['connector-sync'], define: connectorBundleDefine(id) })),
    ...connectorIds.map((id) => ({ name: `backfill-${id}`, entry: functionEntries.backfill, define: connectorBundleDefine(id) })),
    ...orderConnectorIds.map((id) => ({ name: `orders-${id}`, entry: functionEntries['order-sync'], define: connectorBundleDefine(id, 'orders') })),
    ...orderOriginIds.map((id) => ({ name: `backfill-${id}-orders`, entry: functionEntries.backfill, define: connectorBundleDefine(id, 'orders', 'backfill') })),
    ...noticeConnectorIds.map((id) => ({ name: `notices-${id}`, entry: functionEntries['notice-sender'], define: connectorBundleDefine(id, 'notices') })),
  ];
  const built = await Promise.all(
    jobs.map(async ({ name, entry, define }): Promise<BuiltFunction> => {
      const outfile = path.join(outDir, `${name}.mjs`);
      const build = { entry: path.join(root, entry), outfile, define };
      const result = await buildCached(
        { outfile, settings: { build, bundleSettings, bundleAliases }, keyFiles: keyFiles(root), run: () => buildFunction(build) },
        hash,
      );
      return { name, ...result };
    }),
  );
  return Object.fromEntries(built.map((b) => [b.name, b]));
}

/** Whether a connector's changes arrive as webhooks, as the stack decides it (infra/constructs/connector-secrets.ts receivesWebhooks). */
export function receivesWebhooks(connectorId: string): boolean {
  return (manifests.find((m) => m.id === connectorId)?.inbound ?? 'webhooks') === 'webhooks';
}

/** The small host that runs inside each worker and invokes a bundled handler (see function-host.ts). */
export async function bundleFunctionHost(root: string, outDir: string, hash: FileHasher = fileHasher()): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const options: BuildOptions & { outfile: string } = {
    entryPoints: [path.join(root, 'local/function-host.ts')],
    outfile: path.join(outDir, 'function-host.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    logLevel: 'error',
  };
  const run = async () => ({ metafile: (await build({ ...options, metafile: true })).metafile });
  const { file } = await buildCached({ outfile: options.outfile, settings: options, keyFiles: keyFiles(root), run }, hash);
  return file;
}

/**
 * Ends esbuild's service process, which keeps the memory of its last builds (about 500 MB
 * after bundling every function) for as long as the process lives. For a process that
 * bundles once (`npm start`); the next build would start a new one.
 * https://esbuild.github.io/api/#js-specific-details (stop)
 */
export async function stopBundler(): Promise<void> {
  await stop();
}
