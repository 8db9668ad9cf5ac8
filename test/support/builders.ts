import type { Customer } from '../../core/model/customer';
import type { Observation } from '../../core/model/observation';

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
