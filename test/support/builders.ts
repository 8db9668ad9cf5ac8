import type { Customer } from '../../core/model/customer';
import type { Observation } from '../../core/model/observation';
import type { Order } from '../../core/model/order';

/** Builders for canonical values in unit tests; each call gives a fresh object. */
export function anObservation(overrides: Partial<Observation> & { values?: Observation['values'] } = {}): Observation {
  return {
    system: 'shopify',
    externalId: '7065055069303700001',
    observedAt: '2026-01-01T10:00:00Z',
    values: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', phone: '+12125550101' },
    ...overrides,
  };
}

export function aCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: 'oh_01jd0000000000000000000000',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    fields: {},
    emails: [],
    phones: [],
    links: [],
    ...overrides,
  };
}

/** A Shopify web order of Ada's (the customer record of anObservation()): 2 × 10.00 USD. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    origin: { system: 'shopify', externalId: '450789469' },
    revision: Date.parse('2026-01-02T10:00:00Z'),
    updatedAt: '2026-01-02T10:00:00Z',
    placedAt: '2026-01-02T10:00:00Z',
    name: '#1001',
    channel: 'web',
    status: 'paid',
    currency: 'USD',
    total: { amount: '20.00', currency: 'USD' },
    subtotal: { amount: '20.00', currency: 'USD' },
    lines: [{ lineId: '518995019', name: 'Mug', sku: 'MUG-1', quantity: '2', unitPrice: { amount: '10.00', currency: 'USD' }, total: { amount: '20.00', currency: 'USD' } }],
    pickup: { state: 'none', location: null, readyAt: null, pickedUpAt: null },
    buyer: { externalId: '7065055069303700001', email: 'ada@example.com', phone: null },
    ...overrides,
  };
}

/** The same order later: its revision and time moved on by `seconds`. */
export function laterRevision(order: Order, seconds: number, overrides: Partial<Order> = {}): Order {
  const at = new Date(Date.parse(order.updatedAt) + seconds * 1000).toISOString();
  return { ...order, revision: order.revision + seconds * 1000, updatedAt: at, ...overrides };
}
