import type { ConnectorDescriptor } from './descriptor';
import { hubspotDescriptor } from './hubspot/descriptor';
import { shopifyDescriptor } from './shopify/descriptor';
import { klaviyoDescriptor } from './klaviyo/descriptor';
import { squareDescriptor } from './square/descriptor';
import { twilioDescriptor } from './twilio/descriptor';

/**
 * Every connector: adding one is its folder (with its descriptor.ts) and one line here.
 * Outside connectors/, no file names a vendor; the views below are what each user needs.
 */
export const descriptors: readonly ConnectorDescriptor[] = [shopifyDescriptor, hubspotDescriptor, squareDescriptor, klaviyoDescriptor, twilioDescriptor];

export function descriptorOf(id: string): ConnectorDescriptor | undefined {
  return descriptors.find((descriptor) => descriptor.manifest.id === id);
}
