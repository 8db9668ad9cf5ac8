import { build, type Metafile, type Plugin } from 'esbuild';
import { bundleAliases, bundleSettings } from './catalog';

/**
 * Builds one Lambda bundle: the only bundler of the project, used by the CDK stack
 * (infra/constructs/omnihub-function.ts, through build-cli.ts), the local runtime
 * (local/bundle.ts) and the benchmark, so what is measured is what is deployed.
 * https://esbuild.github.io/api/#build
 */
export interface FunctionBuild {
  /** Entry file, absolute. */
  entry: string;
  /** The bundle to write (its source map is written beside it). */
  outfile: string;
  /** Build-time constants (a sync bundle carries only its own connector). */
  define?: Record<string, string>;
}

/**
 * shopify-api-node registers its ~90 REST resources from one `require('./resources')` that
 * esbuild must follow; omnihub calls only `shopify.graphql()` (REST is legacy since 2024-10),
 * so the bundles leave the resources and what only they use (qs, most of lodash) out: about
 * 100 KB. Calling a REST resource in a bundle would fail (`shopify.customer` is undefined).
 */
export const omitShopifyRestResources: Plugin = {
  name: 'omnihub-omit-shopify-rest-resources',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/resources$/ }, ({ importer }) =>
      /shopify-api-node[\\/]index\.js$/.test(importer) ? { path: 'shopify-api-node/resources', namespace: 'omnihub-omitted' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'omnihub-omitted' }, () => ({ contents: 'module.exports = { registerAll() {} };', loader: 'js' }));
  },
};

export async function buildFunction({ entry, outfile, define = {} }: FunctionBuild): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: bundleSettings.platform,
    target: bundleSettings.target,
    format: bundleSettings.format,
    minify: bundleSettings.minify,
    sourcemap: bundleSettings.sourcemap,
    sourcesContent: bundleSettings.sourcesContent,
    banner: { js: bundleSettings.banner },
    mainFields: [...bundleSettings.mainFields],
    alias: bundleAliases,
    plugins: [omitShopifyRestResources],
    define,
    metafile: true,
    logLevel: 'error',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return { bytes: output?.bytes ?? 0, metafile: result.metafile };
}
