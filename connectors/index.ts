import type { Connector } from './connector';
import { hubspot } from './hubspot';
import { shopify } from './shopify';

/** The registry: one line per connector. Outside its folder, no file names a vendor. */
export const connectors: Record<string, Connector> = {
  shopify: shopify as unknown as Connector,
  hubspot: hubspot as unknown as Connector,
};

export function getConnector(id: string): Connector | undefined {
  return Object.hasOwn(connectors, id) ? connectors[id] : undefined;
}
