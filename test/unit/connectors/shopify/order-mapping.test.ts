import { describe, expect, it } from 'vitest';
import type { MappingContext } from '../../../../connectors/connector';
import { revisionOf, toCanonicalOrder } from '../../../../connectors/shopify/order-mapping';
import type { ShopifyFulfillmentOrderNode, ShopifyLineItemNode, ShopifyOrderNode } from '../../../../connectors/shopify/order-schemas';
import { UnusableOrder } from '../../../../core/orders/ports';

const mapping: MappingContext = { defaultCountry: 'US' };
const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: 'USD' } });

function anOrder(overrides: Partial<ShopifyOrderNode> = {}): ShopifyOrderNode {
  return {
    id: 'gid://shopify/Order/9007199254740993001',
    legacyResourceId: '9007199254740993001',
    name: '#1001',
    email: 'Bob.Norman@Mail.Example.com',
    phone: '(613) 612-0707',
    sourceName: 'web',
    processedAt: '2025-04-02T16:29:59Z',
    updatedAt: '2025-04-02T16:31:04Z',
    cancelledAt: null,
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: 'UNFULFILLED',
    currentTotalPriceSet: usd('199.0'),
    currentSubtotalPriceSet: usd('199.0'),
    customer: { id: 'gid://shopify/Customer/7065055069303700084' },
    customerLocale: 'en',
    lineItems: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
    fulfillmentOrders: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
    ...overrides,
  };
}

const line: ShopifyLineItemNode = { id: 'gid://shopify/LineItem/518995019', name: 'IPod Nano - 8gb - red', sku: 'IPOD2008RED', currentQuantity: 1, originalUnitPriceSet: usd('199.0') };

function aPickup(status: string, updatedAt = '2025-04-02T17:00:00Z'): ShopifyFulfillmentOrderNode {
  return { id: 'gid://shopify/FulfillmentOrder/1', status, updatedAt, deliveryMethod: { methodType: 'PICK_UP' }, assignedLocation: { name: 'Main Street Store', location: { id: 'gid://shopify/Location/68000000002', name: 'Main Street Store' } } };
}

describe('toCanonicalOrder', () => {
  it.each([
    [{ cancelledAt: '2025-04-03T00:00:00Z', displayFinancialStatus: 'REFUNDED', displayFulfillmentStatus: 'FULFILLED' }, 'cancelled'],
    [{ displayFinancialStatus: 'REFUNDED', displayFulfillmentStatus: 'FULFILLED' }, 'refunded'],
    [{ displayFinancialStatus: 'PAID', displayFulfillmentStatus: 'FULFILLED' }, 'fulfilled'],
    [{ displayFinancialStatus: 'PARTIALLY_REFUNDED' }, 'paid'],
    [{ displayFinancialStatus: 'PAID' }, 'paid'],
    [{ displayFinancialStatus: 'PENDING' }, 'placed'],
    [{ displayFinancialStatus: 'AUTHORIZED' }, 'placed'],
  ] as const)('maps %o to %s', (overrides, status) => {
    expect(toCanonicalOrder(anOrder(overrides), [], [], mapping).status).toBe(status);
  });

  it('maps a POS order to the store channel, anything else to web', () => {
    expect(toCanonicalOrder(anOrder({ sourceName: 'pos' }), [], [], mapping).channel).toBe('store');
    expect(toCanonicalOrder(anOrder({ sourceName: '755357713' }), [], [], mapping).channel).toBe('web');
  });

  it('reads the language the buyer shopped in from customerLocale, as Shopify gives it', () => {
    expect(toCanonicalOrder(anOrder({ customerLocale: 'fr-CA' }), [], [], mapping).locale).toBe('fr-CA');
    expect(toCanonicalOrder(anOrder({ customerLocale: 'en' }), [], [], mapping).locale).toBe('en');
  });

  it('has a null locale when Shopify gives none (null or blank)', () => {
    expect(toCanonicalOrder(anOrder({ customerLocale: null }), [], [], mapping).locale).toBeNull();
    expect(toCanonicalOrder(anOrder({ customerLocale: '  ' }), [], [], mapping).locale).toBeNull();
  });

  it('drops a locale longer than the canonical 35 characters instead of losing the order', () => {
    expect(toCanonicalOrder(anOrder({ customerLocale: `en-${'x'.repeat(40)}` }), [], [], mapping).locale).toBeNull();
  });

  it('normalizes the buyer as the customer mapping does', () => {
    expect(toCanonicalOrder(anOrder(), [], [], mapping).buyer).toEqual({ externalId: '7065055069303700084', email: 'bob.norman@mail.example.com', phone: '+16136120707' });
  });

  it('converts Shopify decimals to canonical money, lines at their current quantity', () => {
    const order = toCanonicalOrder(anOrder(), [{ ...line, currentQuantity: 3, originalUnitPriceSet: usd('19.9') }], [], mapping);
    expect(order.total).toEqual({ amount: '199.00', currency: 'USD' });
    expect(order.lines).toEqual([{ lineId: '518995019', name: 'IPod Nano - 8gb - red', sku: 'IPOD2008RED', quantity: '3', unitPrice: { amount: '19.90', currency: 'USD' }, total: { amount: '59.70', currency: 'USD' } }]);
  });

  it('refuses money that would need rounding, naming the field and not the value', () => {
    const reading = () => toCanonicalOrder(anOrder(), [{ ...line, originalUnitPriceSet: usd('19.999') }], [], mapping);
    expect(reading).toThrow(UnusableOrder);
    expect(reading).toThrow('lineItems.0.originalUnitPriceSet: not an exact USD amount');
    expect(reading).not.toThrow(/19\.999/);
  });

  it.each([
    ['OPEN', 'placed'],
    ['ON_HOLD', 'placed'],
    ['IN_PROGRESS', 'ready_for_pickup'],
    ['CLOSED', 'picked_up'],
    ['CANCELLED', 'cancelled'],
  ])('reads a PICK_UP fulfillment order %s as %s', (status, state) => {
    const order = toCanonicalOrder(anOrder(), [], [aPickup(status)], mapping);
    expect(order.pickup.state).toBe(state);
    expect(order.pickup.location).toEqual({ id: '68000000002', name: 'Main Street Store' });
  });

  it('has no pickup without a PICK_UP fulfillment order', () => {
    const shipping = { ...aPickup('OPEN'), deliveryMethod: { methodType: 'SHIPPING' } };
    expect(toCanonicalOrder(anOrder(), [], [shipping], mapping).pickup).toEqual({ state: 'none', location: null, readyAt: null, pickedUpAt: null });
  });
});

describe('revisionOf', () => {
  it('is the latest of the order and its fulfillment orders, in ms', () => {
    const revision = revisionOf(anOrder(), [aPickup('OPEN', '2025-04-02T17:00:00Z')]);
    expect(Math.floor(revision / 1000) * 1000).toBe(Date.parse('2025-04-02T17:00:00Z'));
  });

  it('grows within one second as the order moves on', () => {
    const at = '2025-04-02T17:00:00Z';
    const placed = revisionOf(anOrder({ updatedAt: at, displayFinancialStatus: 'PENDING' }), [aPickup('OPEN', at)]);
    const paid = revisionOf(anOrder({ updatedAt: at }), [aPickup('OPEN', at)]);
    const ready = revisionOf(anOrder({ updatedAt: at }), [aPickup('IN_PROGRESS', at)]);
    const collected = revisionOf(anOrder({ updatedAt: at, displayFulfillmentStatus: 'FULFILLED' }), [aPickup('CLOSED', at)]);
    expect([placed < paid, paid < ready, ready < collected]).toEqual([true, true, true]);
    expect(collected - Date.parse(at)).toBeLessThan(1000);
  });
});
