import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * The define a receiver bundle names its connector with (functions/catalog.ts receiverBundleDefine).
 * "" (every other bundle): this plugin does nothing.
 */
export const RECEIVER_BUNDLE_DEFINE = 'process.env.OMNIHUB_RECEIVER_BUNDLE';

/**
 * One webhook receiver per connector (infra/omnihub-stack.ts), each bundle with only its own
 * connector's webhook code. The defines that fold the other bundles cannot do it: a descriptor's
 * `webhook()` is kept in every bundle built for no connector (OMNIHUB_CONNECTOR_BUNDLE ""), the
 * receiver's included, so folding by define would keep every connector's or none. What a
 * receiver reaches connectors/ through is the registry (connectors/inbound.ts → registry.ts): in
 * a bundle that defines OMNIHUB_RECEIVER_BUNDLE, this plugin hands esbuild the registry as
 * written, less every other connector's descriptor (its import line and its entry in
 * `descriptors`). Everything else the registry exports (descriptorOf ...) stays as it is.
 * A connector the registry does not list, or a registry this cannot read, fails the build.
 */
export const oneConnectorRegistry: Plugin = {
  name: 'omnihub-one-connector-registry',
  setup(build) {
    const defined = build.initialOptions.define?.[RECEIVER_BUNDLE_DEFINE];
    const connectorId = defined ? (JSON.parse(defined) as string) : '';
    if (!connectorId) return;
    build.onLoad({ filter: /[\\/]connectors[\\/]registry\.ts$/ }, async ({ path }) => ({
      contents: registryOf(await readFile(path, 'utf8'), connectorId),
      loader: 'ts',
    }));
  },
};

const DESCRIPTOR_IMPORT = /^import \{ (\w+) \} from '\.\/([a-z0-9-]+)\/descriptor';\r?\n/gm;
const DESCRIPTORS_LIST = /(export const descriptors\b[^=]*=\s*)\[[^\]]*\]/;

/** connectors/registry.ts's source with only `connectorId`'s descriptor (exported for its unit test). */
export function registryOf(source: string, connectorId: string): string {
  const imports = [...source.matchAll(DESCRIPTOR_IMPORT)].map(([, name, folder]) => ({ name: name!, folder: folder! }));
  const own = imports.find((i) => i.folder === connectorId);
  if (!own) throw new Error(`connectors/registry.ts lists no connector "${connectorId}" (no import from './${connectorId}/descriptor'): no receiver bundle for it`);
  if (!DESCRIPTORS_LIST.test(source)) throw new Error('connectors/registry.ts: no `export const descriptors = [...]` for functions/one-connector-registry.ts to narrow');
  return source
    .replace(DESCRIPTOR_IMPORT, (line, name: string) => (name === own.name ? line : ''))
    .replace(DESCRIPTORS_LIST, (_, head: string) => `${head}[${own.name}]`);
}
