import type { Connector, OrdersConnector } from '../connector';
import { describeConnector } from '../descriptor';
import { shopifyManifest } from './manifest';

export const shopifyDescriptor = describeConnector({
  manifest: shopifyManifest,
  // Only the receiver's bundle ("") carries the webhook code: no other function parses webhooks.
  webhook: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? '') === '' ? await import('./webhook') : undefined),
  // Folded at bundle time (connectors/descriptor.ts): the SDK only in this connector's bundles, the fake in none.
  load: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'shopify') === 'shopify' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'customers') === 'customers' ? ((await import('./index')).shopify as unknown as Connector) : undefined),
  // No order side yet.
  // The order side only in this connector's orders bundle (and unbundled).
  loadOrders: async () =>
    (process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'shopify') === 'shopify' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'orders') === 'orders' ? ((await import('./orders-connector')).shopifyOrders as OrdersConnector) : undefined,
  sandbox: async () => (process.env.OMNIHUB_CONNECTOR_BUNDLE === undefined ? (await import('./sandbox')).startShopifySandbox : undefined),
});
