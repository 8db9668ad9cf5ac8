import type { NoticeConnector } from '../connector';
import { describeConnector } from '../descriptor';
import { twilioManifest } from './manifest';

export const twilioDescriptor = describeConnector({
  manifest: twilioManifest,
  // Only the receiver's bundle ("") carries the webhook code: no other function parses webhooks.
  webhook: async () => ((process.env.OMNIHUB_CONNECTOR_BUNDLE ?? '') === '' ? await import('./webhook') : undefined),
  // Twilio holds no customer record (manifest.customerRecords false) and no orders.
  load: async () => undefined,
  loadOrders: async () => undefined,
  // The SDK only in this connector's notice bundle (and unbundled).
  loadNotices: async () =>
    (process.env.OMNIHUB_CONNECTOR_BUNDLE ?? 'twilio') === 'twilio' && (process.env.OMNIHUB_ENTITY_BUNDLE ?? 'notices') === 'notices' ? ((await import('./notices')).twilioNotices as NoticeConnector) : undefined,
  sandbox: async () => (process.env.OMNIHUB_CONNECTOR_BUNDLE === undefined ? (await import('./sandbox')).startTwilioSandbox : undefined),
});
