import type { Connector } from './connector';
import { hubspotManifest } from './hubspot/manifest';
import * as hubspotWebhook from './hubspot/webhook';
import { shopifyManifest } from './shopify/manifest';
import * as shopifyWebhook from './shopify/webhook';

/**
 * What the webhook receiver needs of each connector: its manifest and its webhook
 * verification and parsing, and nothing else. Kept apart from the full registry (index.ts)
 * so the receiver's bundle carries no vendor SDK: it must answer within the vendors' few
 * seconds, cold starts included.
 */
export type InboundConnector = Pick<Connector, 'manifest' | 'webhook'>;

const inbound: Record<string, InboundConnector> = {
  shopify: { manifest: shopifyManifest, webhook: shopifyWebhook } as unknown as InboundConnector,
  hubspot: { manifest: hubspotManifest, webhook: hubspotWebhook } as unknown as InboundConnector,
};

export function getInboundConnector(id: string): InboundConnector | undefined {
  return Object.hasOwn(inbound, id) ? inbound[id] : undefined;
}
