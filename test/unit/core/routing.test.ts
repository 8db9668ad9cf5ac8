import { describe, expect, it } from 'vitest';
import { backfillEntities, boundFunctionName, matchesPattern, routeBindings } from '../../../core/routing';

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

  describe('orders (docs/identity.md §9)', () => {
    const bindings = routeBindings([
      { id: 'shopify', hydrates: true, orders: { observe: true, project: false }, stats: true },
      { id: 'hubspot', hydrates: true, orders: { observe: false, project: true }, stats: true },
      { id: 'square', hydrates: false, orders: { observe: true, project: false } },
      { id: 'klaviyo', hydrates: false },
    ]);
    const reaching = (type: string, detail: Record<string, unknown>) =>
      bindings.filter((b) => matchesPattern(b.pattern, envelope(type, detail))).map((b) => `${b.route.target}:${b.connectorId ?? ''}`);

    it('sends an order reference to its origin\'s order function only, and an observed order to the resolver', () => {
      expect(reaching('OrderReferenced', { system: 'square', externalId: 'CAIS' })).toEqual(['order-sync:square']);
      expect(reaching('OrderObserved', {})).toEqual(['identity-resolver:']);
    });

    it('sends a new revision to the systems that hold copies, and stats to those that hold stats, by the systems the event names', () => {
      expect(reaching('OrderChanged', { systems: ['hubspot'] })).toEqual(['order-sync:hubspot']);
      expect(reaching('CustomerStatsChanged', { systems: ['shopify', 'hubspot'] })).toEqual(['connector-sync:shopify', 'connector-sync:hubspot']);
    });

    it('lets an order origin read its buyer\'s customer record, even when its customer webhooks carry the whole record', () => {
      expect(reaching('CustomerReferenced', { system: 'square', externalId: 'C1' })).toEqual(['connector-sync:square']);
      expect(reaching('CustomerReferenced', { system: 'klaviyo', externalId: 'P1' })).toEqual([]);
    });
  });

  it('sends a backfill request to the connector\'s customer backfill, or to its order backfill where orders are placed, by `entity`', () => {
    // Prepare
    const bindings = routeBindings([
      { id: 'shopify', hydrates: false, orders: { observe: true, project: false } },
      { id: 'hubspot', hydrates: true, orders: { observe: false, project: true } },
    ]);
    const reaching = (detail: Record<string, unknown>) =>
      bindings.filter((b) => matchesPattern(b.pattern, envelope('BackfillRequested', detail))).map((b) => boundFunctionName(b.route, b.connectorId));

    // Assess
    expect(reaching({ connector: 'shopify', entity: 'customers', mode: 'backfill' })).toEqual(['backfill-shopify']);
    expect(reaching({ connector: 'shopify', entity: 'orders', mode: 'reconcile' })).toEqual(['backfill-shopify-orders']);
    expect(reaching({ connector: 'hubspot', entity: 'orders', mode: 'backfill' })).toEqual([]);
    expect(backfillEntities({ id: 'shopify', hydrates: false, orders: { observe: true, project: false } })).toEqual(['customers', 'orders']);
    expect(backfillEntities({ id: 'hubspot', hydrates: true, orders: { observe: false, project: true } })).toEqual(['customers']);
  });

  it('does not match an event from another source', () => {
    const [resolver] = routeBindings([]);
    expect(matchesPattern(resolver!.pattern, { source: 'other', 'detail-type': 'CustomerObserved', detail: {} })).toBe(false);
  });
});
