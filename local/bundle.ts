import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleSettings, functionEntries, type FunctionName } from '../functions/catalog';

export interface BuiltFunction {
  name: FunctionName;
  file: string;
  bytes: number;
}

/** Bundles every Lambda function exactly as the CDK stack does, into `outDir`. */
export async function bundleFunctions(root: string, outDir: string): Promise<Record<FunctionName, BuiltFunction>> {
  await mkdir(outDir, { recursive: true });
  const entries = Object.entries(functionEntries) as Array<[FunctionName, string]>;
  const built = await Promise.all(
    entries.map(async ([name, entry]): Promise<BuiltFunction> => {
      const file = path.join(outDir, `${name}.mjs`);
      await build({
        entryPoints: [path.join(root, entry)],
        outfile: file,
        bundle: true,
        platform: bundleSettings.platform,
        target: bundleSettings.target,
        format: bundleSettings.format,
        minify: bundleSettings.minify,
        sourcemap: bundleSettings.sourcemap,
        banner: { js: bundleSettings.banner },
        mainFields: [...bundleSettings.mainFields],
        logLevel: 'error',
      });
      return { name, file, bytes: (await stat(file)).size };
    }),
  );
  return Object.fromEntries(built.map((b) => [b.name, b])) as Record<FunctionName, BuiltFunction>;
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
