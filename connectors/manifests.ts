import { hubspotManifest } from './hubspot/manifest';
import { shopifyManifest } from './shopify/manifest';

/**
 * The connector manifests: what each connector is (data only, no SDKs). The CDK app
 * imports this file and nothing else from connectors/, so synth never loads a vendor SDK.
 */
export const manifests = [shopifyManifest, hubspotManifest] as const;
export type ConnectorId = (typeof manifests)[number]['id'];

/**
 * How many id-only references one hydrate invocation receives: the connector's batch-read
 * size (`batchSize` in its cdk.json section) when it has one, so one SQS batch is one read.
 * Used by the CDK stack and the local runtime alike.
 */
export function hydrateBatchSize(settings: Record<string, unknown>): number | undefined {
  return typeof settings.batchSize === 'number' ? settings.batchSize : undefined;
}
