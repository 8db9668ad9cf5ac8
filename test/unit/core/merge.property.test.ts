import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyObservation } from '../../../core/identity/merge';
import { goldenValues, type Customer } from '../../../core/model/customer';
import { normalizeEmail, toE164 } from '../../../core/model/normalize';
import type { Observation } from '../../../core/model/observation';
import { aCustomer } from '../../support/builders';

const NOW = '2026-01-02T00:00:00.000Z';
const name = fc.constantFrom('Ada', 'Augusta', 'Grace', null);

/** A run of updates of one record in one system, at distinct seconds, each carrying some fields. */
const updates = fc
  .uniqueArray(fc.integer({ min: 0, max: 3600 }), { minLength: 1, maxLength: 8 })
  .chain((seconds) =>
    fc.tuple(
      ...seconds.map((s) =>
        fc.record({ firstName: name, lastName: name }, { requiredKeys: [] }).map(
          (values): Observation => ({
            system: 'shopify',
            externalId: '1',
            observedAt: new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString(),
            values,
          }),
        ),
      ),
    ),
  );

/** "Holds nothing" whether it arrived as a clear (null) or was never said: absence is not a clear (docs/identity.md §5). */
function held(customer: Customer): Record<string, unknown> {
  return Object.fromEntries(Object.entries(goldenValues(customer)).filter(([, value]) => value !== null));
}

function applyAll(observations: Observation[]): Customer {
  return observations.reduce((customer, o) => applyObservation(customer, o, NOW).customer, aCustomer());
}

describe('merge properties', () => {
  it('ends with the newest value of every field, whatever order the deliveries arrive in', () => {
    fc.assert(
      fc.property(updates.chain((o) => fc.tuple(fc.constant(o), fc.shuffledSubarray(o, { minLength: o.length }))), ([observations, shuffled]) => {
        // Prepare: the same deliveries in time order, and in the order fast-check shuffled them
        const inOrder = [...observations].sort((a, b) => a.observedAt.localeCompare(b.observedAt));
        // Act + Assess
        expect(held(applyAll(shuffled))).toEqual(held(applyAll(inOrder)));
      }),
    );
  });

  it('gives a repeated delivery no effect', () => {
    fc.assert(
      fc.property(updates, (observations) => {
        const once = applyAll(observations);
        const again = applyObservation(once, observations[observations.length - 1]!, NOW);
        expect(again.changedFields).toEqual([]);
        expect(goldenValues(again.customer)).toEqual(goldenValues(once));
      }),
    );
  });
});

describe('normalization properties', () => {
  it('normalizes an email idempotently and case-insensitively', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const normalized = normalizeEmail(email);
        if (normalized === undefined) return;
        expect(normalizeEmail(normalized)).toBe(normalized);
        expect(normalizeEmail(email.toUpperCase())).toBe(normalized);
      }),
    );
  });

  it('reads any formatting of a US number as the same E.164 number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2_000_000, max: 9_999_999 }), fc.constantFrom('(212) %3-%4', '212-%3-%4', '+1 212 %3 %4', '212.%3.%4', '212%3%4'), (n, pattern) => {
        const digits = String(n);
        const raw = pattern.replace('%3', digits.slice(0, 3)).replace('%4', digits.slice(3));
        expect(toE164(raw, 'US')).toBe(`+1212${digits}`);
      }),
    );
  });
});
