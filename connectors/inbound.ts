import type { Connector } from './connector';
import { descriptorOf } from './registry';

/**
 * What the webhook receiver needs of each connector: its manifest and its webhook
 * verification and parsing, and nothing else. The receiver's bundle defines no connector
 * (OMNIHUB_CONNECTOR_BUNDLE ""), so every descriptor's `load` folds away and it carries no
 * vendor SDK: it must answer within the vendors' few seconds, cold starts included.
 */
export type InboundConnector = Pick<Connector, 'manifest'> & { webhook: NonNullable<Connector['webhook']> };

export async function getInboundConnector(id: string): Promise<InboundConnector | undefined> {
  const descriptor = descriptorOf(id);
  const webhook = await descriptor?.webhook();
  return descriptor && webhook ? { manifest: descriptor.manifest, webhook } : undefined;
}
