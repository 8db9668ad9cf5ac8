import type { Connector } from './connector';
import { descriptorOf } from './registry';

/**
 * A connector with its vendor SDK, loaded on demand (connectors/registry.ts). The CDK stack and
 * the local runtime bundle one sync function per connector with OMNIHUB_CONNECTOR_BUNDLE defined
 * as that connector's id, so esbuild folds the others away: a function carries one vendor SDK.
 */
export async function loadConnector(id: string): Promise<Connector | undefined> {
  return descriptorOf(id)?.load();
}
