import type { Connector, OrdersConnector } from '../connector';
import { describeConnector } from '../descriptor';
import { hubspotManifest } from './manifest';

export const hubspotDescriptor = describeConnector({
  manifest: hubspotManifest,
  // Only the receiver's bundle ("") carries the webhook code: no other function parses webhooks.
  webhook: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? '') === '' ? await import('./webhook') : undefined),
  // Folded at bundle time (connectors/descriptor.ts): the SDK only in this connector's bundles, the fake in none.
  load: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'hubspot') === 'hubspot' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'customers') === 'customers' ? ((await import('./index')).hubspot as unknown as Connector) : undefined),
  // No order side yet.
  // The order side only in this connector's orders bundle (and unbundled).
  loadOrders: async () =>
    (process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'hubspot') === 'hubspot' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'orders') === 'orders' ? ((await import('./orders-connector')).hubspotOrders as OrdersConnector) : undefined,
  sandbox: async () => (process.env.OMNIHUB_CONNECTOR_BUNDLE === undefined ? (await import('./sandbox')).startHubspotSandbox : undefined),
});
