import type { Connector, OrdersConnector } from '../connector';
import { describeConnector } from '../descriptor';
import { klaviyoManifest } from './manifest';

export const klaviyoDescriptor = describeConnector({
  manifest: klaviyoManifest,
  // Klaviyo sends no webhooks to an ordinary integration: its changes are polled (manifest.inbound).
  webhook: async () => undefined,
  // Folded at bundle time (connectors/descriptor.ts): the SDK only in this connector's bundles, the fake in none.
  load: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'klaviyo') === 'klaviyo' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'customers') === 'customers' ? ((await import('./index')).klaviyo as unknown as Connector) : undefined),
  // The order side (events) only in this connector's orders bundle (and unbundled).
  loadOrders: async () =>
    (process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'klaviyo') === 'klaviyo' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'orders') === 'orders' ? ((await import('./orders-connector')).klaviyoOrders as OrdersConnector) : undefined,
  sandbox: async () => (process.env.OMNIHUB_CONNECTOR_BUNDLE === undefined ? (await import('./sandbox')).startKlaviyoSandbox : undefined),
});
