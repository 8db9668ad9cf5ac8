import path from 'node:path';
import type { PluginBuild } from 'esbuild';

/**
 * For the SDK pruners (prune-square-sdk.ts, prune-klaviyo-sdk.ts): which of our files a bundle
 * holds, so each keeps the SDK code for the calls those files make and no others.
 */
/**
 * Our own source files (not packages) that this build bundles: the same entry and defines,
 * every package external, nothing written. Folded branches (descriptor.ts) are left out as in
 * the real build, and every file the bundle holds is in, whatever folder it is in.
 */
export async function bundledSources(build: PluginBuild): Promise<string[]> {
  const options = build.initialOptions;
  const scan = await build.esbuild.build({
    entryPoints: options.entryPoints ?? [],
    bundle: true,
    write: false,
    outdir: 'omnihub-sdk-scan',
    metafile: true,
    packages: 'external',
    platform: options.platform ?? 'node',
    format: options.format ?? 'esm',
    define: options.define ?? {},
    // Folds `("orders" ?? 'customers') === 'customers'` as the minified build does.
    minifySyntax: true,
    logLevel: 'silent',
    ...(options.absWorkingDir ? { absWorkingDir: options.absWorkingDir } : {}),
  });
  const root = options.absWorkingDir ?? process.cwd();
  return Object.keys(scan.metafile.inputs)
    .filter((input) => /\.[cm]?tsx?$/.test(input) && !/(^|[\\/])node_modules[\\/]/.test(input) && !input.includes(':'))
    .map((input) => path.resolve(root, input));
}
