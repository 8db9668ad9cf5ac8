import { hubspotManifest } from './hubspot/manifest';
import { shopifyManifest } from './shopify/manifest';

/**
 * The connector manifests: what each connector is (data only, no SDKs). The CDK app
 * imports this file and nothing else from connectors/, so synth never loads a vendor SDK.
 */
export const manifests = [shopifyManifest, hubspotManifest] as const;
export type ConnectorId = (typeof manifests)[number]['id'];
