import type { Connector, OrdersConnector } from '../connector';
import { describeConnector } from '../descriptor';
import { squareManifest } from './manifest';

export const squareDescriptor = describeConnector({
  manifest: squareManifest,
  // Only the receiver's bundle ("") carries the webhook code: no other function parses webhooks.
  webhook: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? '') === '' ? await import('./webhook') : undefined),
  // Folded at bundle time (connectors/descriptor.ts): the SDK only in this connector's bundles, the fake in none.
  load: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'square') === 'square' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'customers') === 'customers' ? ((await import('./index')).square as unknown as Connector) : undefined),
  // The order side only in this connector's orders bundle (and unbundled): its own SDK calls (BatchRetrieveOrders), not the customers'.
  loadOrders: async () =>
    (process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'square') === 'square' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'orders') === 'orders' ? ((await import('./orders/index')).squareOrders as OrdersConnector) : undefined,
  sandbox: async () => (process.env.OMNIHUB_CONNECTOR_BUNDLE === undefined ? (await import('./sandbox')).startSquareSandbox : undefined),
});
