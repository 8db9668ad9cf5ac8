import { describe, expect, it } from 'vitest';
import { consentTime } from '../../../../connectors/shopify/webhook';

describe('Shopify consent topics: the time of a consent event', () => {
  it("is the consent's own consent_updated_at, else the triggered time floored to Shopify's second", () => {
    expect(consentTime('2026-12-04T16:36:36-05:00', '2026-12-04T21:36:37.043000Z')).toBe('2026-12-04T16:36:36-05:00');
    // Sub-second, it would outrank a choice made later in the same second and timed by whole seconds.
    expect(consentTime(null, '2026-12-04T21:36:36.043000123Z')).toBe('2026-12-04T21:36:36.000Z');
    expect(consentTime(null, '2026-12-04T21:36:36.000000Z')).toBe('2026-12-04T21:36:36.000000Z');
    expect(consentTime(undefined, undefined)).toBeUndefined();
  });
});
