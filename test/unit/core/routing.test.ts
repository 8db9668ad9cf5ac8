import { describe, expect, it } from 'vitest';
import { matchesPattern, routeBindings } from '../../../core/routing';

const envelope = (type: string, detail: Record<string, unknown>) => ({ source: 'omnihub', 'detail-type': type, detail });

describe('routing', () => {
  it('sends references only to the connector that hydrates that system', () => {
    // Prepare
    const bindings = routeBindings([
      { id: 'shopify', hydrates: false },
      { id: 'hubspot', hydrates: true },
    ]);
    const event = envelope('CustomerReferenced', { system: 'hubspot', externalId: '51' });
    // Act
    const matched = bindings.filter((b) => matchesPattern(b.pattern, event)).map((b) => `${b.route.name}:${b.connectorId}`);
    // Assess
    expect(matched).toEqual(['hydrate-references:hubspot']);
  });

  it('sends a change to the connectors it names and an observation to the resolver only', () => {
    // Prepare
    const bindings = routeBindings([
      { id: 'shopify', hydrates: false },
      { id: 'hubspot', hydrates: true },
    ]);
    const reaching = (systems: string[]) =>
      bindings.filter((b) => matchesPattern(b.pattern, envelope('CustomerChanged', { origin: 'shopify', systems }))).map((b) => b.connectorId);
    // Act
    const forObservation = bindings.filter((b) => matchesPattern(b.pattern, envelope('CustomerObserved', {}))).map((b) => b.route.target);
    // Assess: a Shopify edit reaches HubSpot's sync only; a new link reaches both
    expect(reaching(['hubspot'])).toEqual(['hubspot']);
    expect(reaching(['shopify', 'hubspot'])).toEqual(['shopify', 'hubspot']);
    expect(forObservation).toEqual(['identity-resolver']);
  });

  it('does not match an event from another source', () => {
    const [resolver] = routeBindings([]);
    expect(matchesPattern(resolver!.pattern, { source: 'other', 'detail-type': 'CustomerObserved', detail: {} })).toBe(false);
  });
});
