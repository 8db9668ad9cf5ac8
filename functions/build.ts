import { build, type Metafile, type Plugin } from 'esbuild';
import { bundleAliases, bundleSettings, type FunctionBuild } from './catalog';
import { oneConnectorRegistry } from './one-connector-registry';
import { pruneKlaviyoSdk } from './prune-klaviyo-sdk';
import { pruneSquareSdk } from './prune-square-sdk';
import { pruneTwilioSdk } from './prune-twilio-sdk';

/**
 * Builds one Lambda bundle: the only bundler of the project, used by the CDK stack
 * (infra/constructs/omnihub-function.ts, through build-cli.ts), the local runtime
 * (local/bundle.ts) and the benchmark, so what is measured is what is deployed.
 * https://esbuild.github.io/api/#build
 */
export type { FunctionBuild } from './catalog';

/**
 * shopify-api-node registers its ~90 REST resources from one `require('./resources')` that
 * esbuild must follow; omnihub calls only `shopify.graphql()` (REST is legacy since 2024-10),
 * so the bundles leave the resources and what only they use (qs, most of lodash) out: about
 * 100 KB. Calling a REST resource in a bundle would fail (`shopify.customer` is undefined).
 */
const OMITTED: Record<string, { importer: RegExp; contents: string }> = {
  './resources': { importer: /shopify-api-node[\\/]index\.js$/, contents: 'module.exports = { registerAll() {} };' },
  ...Object.fromEntries(
    [
      ['http2-wrapper', 'http2'],
      ['cacheable-request', 'cache'],
      ['cacheable-lookup', 'dnsCache'],
    ].map(([module, option]) => [
      module,
      {
        importer: /got[\\/]dist[\\/]source[\\/]core[\\/]index\.js$/,
        // got reads these only when its `${option}` option is set; `CacheError` is checked with instanceof on every failed request.
        contents: `const omitted = () => { throw new Error('got option "${option}" is left out of omnihub bundles (functions/build.ts)'); };
          module.exports = Object.assign(omitted, { default: omitted, auto: omitted, CacheError: class CacheError extends Error {} });`,
      },
    ]),
  ),
};

/**
 * Leaves out of the bundles what they can never run, ~140 KB of sync-shopify: shopify-api-node's
 * ~90 REST resources, registered by one `require('./resources')` (omnihub calls only
 * `shopify.graphql()`: REST is legacy since 2024-10), with what only they use (qs, most of
 * lodash); and the modules behind got's `http2`, `cache` and `dnsCache` options, which
 * shopify-api-node never sets (https://github.com/sindresorhus/got/tree/v11.8.6#options).
 * Reaching one in a bundle fails loudly (a REST resource is undefined; the got options throw).
 */
export const omitUnusedModules: Plugin = {
  name: 'omnihub-omit-unused-modules',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(\.\/resources|http2-wrapper|cacheable-request|cacheable-lookup)$/ }, ({ path, importer }) =>
      OMITTED[path]?.importer.test(importer) ? { path, namespace: 'omnihub-omitted' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'omnihub-omitted' }, ({ path }) => ({ contents: OMITTED[path]!.contents, loader: 'js' }));
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
    plugins: [omitUnusedModules, oneConnectorRegistry, pruneSquareSdk, pruneKlaviyoSdk, pruneTwilioSdk],
    // Every bundle names its connector and entity ("" for none): connectors/descriptor.ts folds on them;
    // a receiver bundle its connector too (OMNIHUB_RECEIVER_BUNDLE, functions/one-connector-registry.ts).
    define: {
      'process.env.OMNIHUB_CONNECTOR_BUNDLE': '""',
      'process.env.OMNIHUB_ENTITY_BUNDLE': '""',
      'process.env.OMNIHUB_BACKFILL_BUNDLE': '""',
      'process.env.OMNIHUB_RECEIVER_BUNDLE': '""',
      ...define,
    },
    metafile: true,
    logLevel: 'error',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return { bytes: output?.bytes ?? 0, metafile: result.metafile };
}
