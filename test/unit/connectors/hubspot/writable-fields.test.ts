import { describe, expect, it } from 'vitest';
import { writableFieldsWith } from '../../../../connectors/connector';
import { hubspotManifest } from '../../../../connectors/hubspot/manifest';

describe('HubSpot writable fields follow its settings', () => {
  it('writes email consent only with a marketing subscription to write it to', () => {
    // Act
    const without = writableFieldsWith(hubspotManifest, { batchSize: 100 });
    const withSubscription = writableFieldsWith(hubspotManifest, { batchSize: 100, marketingSubscriptionId: '7300411' });

    // Assess
    expect(without).not.toContain('emailConsent');
    expect(withSubscription).toContain('emailConsent');
    expect(hubspotManifest.writableFields).toContain('emailConsent'); // what a change must reach HubSpot for
  });
});
