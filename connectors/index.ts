import type { Connector } from './connector';

/**
 * The registry: one entry per connector. Outside its folder, no file names a vendor.
 *
 * Each connector is loaded on demand. The CDK stack (and the local runtime) bundles one
 * sync function per connector with OMNIHUB_CONNECTOR_BUNDLE defined as that connector's id,
 * so esbuild folds the other branches away and a function carries one vendor SDK, not all.
 * Unbundled (tests, CLI) every connector is available.
 */
export async function loadConnector(id: string): Promise<Connector | undefined> {
  // Written inline (not via a variable) so esbuild can fold the comparison at bundle time.
  if ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? id) === 'shopify' && id === 'shopify') {
    return (await import('./shopify')).shopify as unknown as Connector;
  }
  if ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? id) === 'hubspot' && id === 'hubspot') {
    return (await import('./hubspot')).hubspot as unknown as Connector;
  }
  return undefined;
}
