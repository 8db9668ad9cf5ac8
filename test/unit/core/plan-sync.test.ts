import { describe, expect, it } from 'vitest';
import { applyObservation, recordWrite } from '../../../core/identity/merge';
import { planSync } from '../../../core/sync/plan-sync';
import { aCustomer, anObservation } from '../../support/builders';

const NOW = '2026-01-02T00:00:00.000Z';
const WRITABLE = ['email', 'phone', 'firstName', 'lastName', 'address'] as const;

describe('planSync', () => {
  it('creates the record in a system the customer is not linked to, with the golden values', () => {
    // Prepare
    const customer = applyObservation(aCustomer(), anObservation(), NOW).customer;
    // Act
    const plan = planSync(customer, 'hubspot', WRITABLE);
    // Assess
    expect(plan).toEqual({
      action: 'create',
      values: { email: 'ada@example.com', phone: '+12125550101', firstName: 'Ada', lastName: 'Lovelace' },
    });
  });

  it('skips the system the change came from, which already holds the values', () => {
    // Prepare
    const customer = applyObservation(aCustomer(), anObservation(), NOW).customer;
    // Act
    const plan = planSync(customer, 'shopify', WRITABLE);
    // Assess
    expect(plan).toEqual({ action: 'skip', reason: 'target already holds these values' });
  });

  it('updates only the fields the linked record does not hold yet', () => {
    // Prepare
    let customer = applyObservation(aCustomer(), anObservation(), NOW).customer;
    customer = recordWrite(customer, { system: 'hubspot', externalId: '51', at: '2026-01-01T10:00:01Z', sourceTimes: {}, holds: { email: 'ada@example.com', phone: '+12125550101', firstName: 'Ada', lastName: 'Lovelace' } }, NOW);
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T11:00:00Z', values: { lastName: 'King' } }), NOW).customer;
    // Act
    const plan = planSync(customer, 'hubspot', WRITABLE);
    // Assess
    expect(plan).toEqual({ action: 'update', externalId: '51', values: { lastName: 'King' } });
  });

  it('does not write fields the target cannot hold', () => {
    // Prepare
    const customer = applyObservation(aCustomer(), anObservation({ values: { tags: ['vip'] } }), NOW).customer;
    // Act
    const plan = planSync(customer, 'hubspot', WRITABLE);
    // Assess
    expect(plan).toEqual({ action: 'skip', reason: 'nothing to write' });
  });
});

describe('planSync with address parts', () => {
  it('compares only the parts the target can hold, so a missing second line is not a difference', () => {
    // Prepare
    const full = { line1: '350 Fifth Avenue', line2: 'Suite 3301', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ values: { address: full } }), NOW).customer;
    const { line2: _line2, ...withoutLine2 } = full;
    customer = recordWrite(customer, { system: 'hubspot', externalId: '51', at: '2026-01-01T10:00:01Z', sourceTimes: {}, holds: { address: withoutLine2 } }, NOW);
    // Act
    const plan = planSync(customer, 'hubspot', ['address'], ['line1', 'city', 'region', 'postalCode', 'country']);
    // Assess
    expect(plan).toEqual({ action: 'skip', reason: 'target already holds these values' });
  });
});

describe('planSync: an empty list is nothing, as in the merge (docs/identity.md §5)', () => {
  it('writes no empty tag list to a record that holds no tags', () => {
    // Prepare: Shopify's tags were cleared (an empty list); HubSpot's record holds none (null)
    let customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { tags: ['vip'] } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:01Z', values: { tags: null } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:02Z', values: { tags: [] } }), NOW).customer;
    expect(customer.fields.tags?.value).toEqual([]);
    // Assess
    expect(planSync(customer, 'hubspot', ['tags'])).toMatchObject({ action: 'skip' });
  });
});
