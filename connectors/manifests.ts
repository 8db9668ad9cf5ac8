import type { RoutedConnector } from '../core/routing';
import type { RegisteredManifest } from './descriptor';
import { descriptors } from './registry';

/**
 * The connector manifests: what each connector is (data only, no SDKs). The CDK app
 * imports this file and nothing else from connectors/ (the registry's manifests; the SDKs load
 * only when a descriptor's `load` is called), so synth never loads a vendor SDK.
 */
export const manifests = descriptors.map((descriptor) => descriptor.manifest);

/** The webhook URL a shop registers with the vendor: the receiver's URL and the manifest's fragment, if any. */
export function registeredWebhookUrl(manifest: { webhookUrlFragment?: string }, url: string): string {
  return manifest.webhookUrlFragment ? `${url}#${manifest.webhookUrlFragment}` : url;
}

/**
 * How many id-only references one hydrate invocation receives: the connector's batch-read
 * size (`batchSize` in its cdk.json section) when it has one, so one SQS batch is one read.
 * Used by the CDK stack and the local runtime alike.
 */
export function hydrateBatchSize(settings: Record<string, unknown>): number | undefined {
  return typeof settings.batchSize === 'number' ? settings.batchSize : undefined;
}

/** What routing needs of a manifest (core/routing.ts RoutedConnector): its capabilities. */
export function routedConnector(manifest: Pick<RegisteredManifest, 'id' | 'hydrates' | 'orders' | 'stats' | 'messages' | 'customerRecords' | 'notices'>): RoutedConnector {
  return {
    id: manifest.id,
    hydrates: manifest.hydrates,
    orders: manifest.orders,
    stats: manifest.stats,
    messages: manifest.messages,
    customerRecords: manifest.customerRecords,
    notices: manifest.notices,
  };
}

/**
 * How often a connector's reader is asked for what changed since its last run, in minutes (0:
 * never): every `reconcileMinutes` (cdk.json omnihub) to catch lost webhooks; for a polled
 * connector's customers, every `pollMinutes` of its own section, since the poll is how its changes
 * come in at all. Used by the CDK stack (EventBridge Scheduler) and the local runtime (a timer).
 */
export function readEveryMinutes(
  manifest: Pick<RegisteredManifest, 'inbound'>,
  settings: Record<string, unknown>,
  entity: 'customers' | 'orders',
  reconcileMinutes: number,
): number {
  if (manifest.inbound === 'poll' && entity === 'customers') return typeof settings.pollMinutes === 'number' ? settings.pollMinutes : 0;
  return reconcileMinutes;
}
