import type { Connector } from '../connector';
import { describeConnector } from '../descriptor';
import { klaviyoManifest } from './manifest';

export const klaviyoDescriptor = describeConnector({
  manifest: klaviyoManifest,
  // Klaviyo sends no webhooks to an ordinary integration: its changes are polled (manifest.inbound).
  webhook: async () => undefined,
  // Folded at bundle time (connectors/descriptor.ts): the SDK only in this connector's bundles, the fake in none.
  load: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'klaviyo') === 'klaviyo' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'customers') === 'customers' ? ((await import('./index')).klaviyo as unknown as Connector) : undefined),
  // No order side yet.
  loadOrders: async () => undefined,
  sandbox: async () => (process.env.OMNIHUB_CONNECTOR_BUNDLE === undefined ? (await import('./sandbox')).startKlaviyoSandbox : undefined),
});
