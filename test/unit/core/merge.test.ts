import { describe, expect, it } from 'vitest';
import { applyObservation, recordWrite } from '../../../core/identity/merge';
import { mayLackGolden, planSync } from '../../../core/sync/plan-sync';
import { aCustomer, anObservation } from '../../support/builders';
import type { Customer } from '../../../core/model/customer';

const NOW = '2026-01-02T00:00:00.000Z';

describe('applyObservation', () => {
  it('takes every field of a first sighting and links the record', () => {
    // Act
    const { customer, changedFields } = applyObservation(aCustomer(), anObservation(), NOW);
    // Assess
    expect(changedFields.sort()).toEqual(['email', 'firstName', 'lastName', 'phone']);
    expect(customer.fields.firstName).toEqual({ value: 'Ada', source: 'shopify', at: '2026-01-01T10:00:00Z' });
    expect(customer.links).toEqual([
      expect.objectContaining({ system: 'shopify', externalId: '7065055069303700001' }),
    ]);
    expect(customer.emails).toEqual(['ada@example.com']);
    expect(customer.phones).toEqual(['+12125550101']);
  });

  it('changes nothing when the same observation is applied again', () => {
    // Prepare
    const once = applyObservation(aCustomer(), anObservation(), NOW).customer;
    // Act
    const twice = applyObservation(once, anObservation(), NOW);
    // Assess
    expect(twice.changedFields).toEqual([]);
    expect(twice.dirty).toBe(false);
    expect(twice.customer).toEqual(once);
  });

  it('ignores an older update delivered after a newer one', () => {
    // Prepare
    const newer = anObservation({ observedAt: '2026-01-01T12:00:00Z', values: { firstName: 'Augusta' } });
    const older = anObservation({ observedAt: '2026-01-01T11:00:00Z', values: { firstName: 'Ada' } });
    const afterNewer = applyObservation(aCustomer(), newer, NOW).customer;
    // Act
    const result = applyObservation(afterNewer, older, NOW);
    // Assess
    expect(result.changedFields).toEqual([]);
    expect(result.customer.fields.firstName?.value).toBe('Augusta');
  });

  it('keeps a change from another system when a record-level timestamp carries an old value (no lost update)', () => {
    // Prepare: both systems hold Ada; HubSpot then changes the first name
    let customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { firstName: 'Ada', phone: '+12125550101' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:00Z', values: { firstName: 'Ada' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:00Z', values: { firstName: 'Augusta' } }), NOW).customer;
    // Act: Shopify changes the phone later; its payload still carries the first name it holds
    const result = applyObservation(
      customer,
      anObservation({ observedAt: '2026-01-01T12:00:00Z', values: { firstName: 'Ada', phone: '+12125550199' } }),
      NOW,
    );
    // Assess
    expect(result.changedFields).toEqual(['phone']);
    expect(result.customer.fields.firstName?.value).toBe('Augusta');
    expect(result.customer.fields.phone?.value).toBe('+12125550199');
  });

  it('recognises the echo of our own write and changes nothing', () => {
    // Prepare: we wrote firstName=Augusta to Shopify, which answered updatedAt 12:00:05
    const base = applyObservation(aCustomer(), anObservation(), NOW).customer;
    const written = recordWrite(base, { system: 'shopify', externalId: '7065055069303700001', at: '2026-01-01T12:00:05Z', sourceTimes: {}, holds: { firstName: 'Augusta' } }, NOW);
    // Act: the webhook of that write arrives
    const result = applyObservation(
      written,
      anObservation({ observedAt: '2026-01-01T12:00:05Z', values: { firstName: 'Augusta', email: 'ada@example.com' } }),
      NOW,
    );
    // Assess
    expect(result.changedFields).toEqual([]);
    expect(result.customer.fields).toEqual(written.fields);
    expect(result.customer.links[0]?.held.firstName).toEqual({ value: 'Augusta', at: '2026-01-01T12:00:05Z', seenAt: '2026-01-01T12:00:05Z' });
  });

  it('lets the system that set a value change it again within the same second, but not another system', () => {
    // Prepare
    const base = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { lastName: 'Lovelace' } }), NOW).customer;
    // Act
    const same = applyObservation(base, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { lastName: 'Byron' } }), NOW);
    const other = applyObservation(base, anObservation({ system: 'hubspot', externalId: '9', observedAt: '2026-01-01T10:00:00Z', values: { lastName: 'King' } }), NOW);
    // Assess
    expect(same.customer.fields.lastName?.value).toBe('Byron');
    expect(other.customer.fields.lastName?.value).toBe('Lovelace');
  });

  it('announces a cleared field (null) as a change', () => {
    // Prepare
    const base = applyObservation(aCustomer(), anObservation(), NOW).customer;
    // Act
    const result = applyObservation(base, anObservation({ observedAt: '2026-01-01T12:00:00Z', values: { phone: null } }), NOW);
    // Assess
    expect(result.changedFields).toEqual(['phone']);
    expect(result.customer.fields.phone?.value).toBeNull();
  });
});

describe('recordWrite', () => {
  it('does not move back what a record is known to hold when the write is older', () => {
    // Prepare
    const base = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T12:00:00Z', values: { firstName: 'Ada' } }), NOW).customer;
    // Act
    const next = recordWrite(base, { system: 'shopify', externalId: '7065055069303700001', at: '2026-01-01T11:00:00Z', sourceTimes: {}, holds: { firstName: 'Old' } }, NOW);
    // Assess
    expect(next.links[0]?.held.firstName).toEqual({ value: 'Ada', at: '2026-01-01T12:00:00Z', seenAt: '2026-01-01T12:00:00Z' });
  });
});

describe('address parts', () => {
  it('keeps the second street line one system holds when another system edits the city', () => {
    // Prepare: Shopify holds a full address; HubSpot (no line2) holds the same and then changes the city
    const full = { line1: '350 Fifth Avenue', line2: 'Suite 3301', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ values: { address: full } }), NOW).customer;
    const hubspotView = { line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:01Z', values: { address: hubspotView } }), NOW).customer;
    // Act
    const result = applyObservation(
      customer,
      anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:00Z', values: { address: { ...hubspotView, city: 'London' } } }),
      NOW,
    );
    // Assess
    expect(result.changedFields).toEqual(['address']);
    expect(result.customer.fields.address?.value).toEqual({ ...full, city: 'London' });
  });
});

describe('absence and clocks (docs/identity.md §1, §5)', () => {
  it('a record that never held an address does not clear the golden one', () => {
    // Prepare
    const address = { line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };
    const base = applyObservation(aCustomer(), anObservation({ values: { email: 'ada@example.com', address } }), NOW).customer;
    // Act: a new HubSpot contact with no address, newer
    const result = applyObservation(base, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:00Z', values: { email: 'ada@example.com', address: null } }), NOW);
    // Assess
    expect(result.changedFields).toEqual([]);
    expect(result.customer.fields.address?.value).toEqual(address);
  });

  it('a record that never held some address parts does not clear them', () => {
    // Prepare
    const address = { line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };
    const base = applyObservation(aCustomer(), anObservation({ values: { address } }), NOW).customer;
    // Act: HubSpot's new contact holds the city only
    const partial = { line1: null, city: 'Chicago', region: null, postalCode: null, country: null };
    const result = applyObservation(base, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:00Z', values: { address: partial } }), NOW);
    // Assess
    expect(result.customer.fields.address?.value).toEqual({ ...address, city: 'Chicago' });
  });

  it('a record that held a value and now holds none clears it', () => {
    // Prepare
    const base = applyObservation(aCustomer(), anObservation({ values: { lastName: 'Lovelace' } }), NOW).customer;
    // Act
    const result = applyObservation(base, anObservation({ observedAt: '2026-01-01T11:00:00Z', values: { lastName: null } }), NOW);
    // Assess
    expect(result.changedFields).toEqual(['lastName']);
  });

  it('times each field by its own source time where the vendor gives one', () => {
    // Prepare: Shopify set the first name at 10:30
    const base = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:30:00Z', values: { firstName: 'Ada' } }), NOW).customer;
    // Act: a HubSpot contact modified at 11:00, whose firstname property dates from 10:00
    const result = applyObservation(
      base,
      anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:00Z', fieldTimes: { firstName: '2026-01-01T10:00:00Z' }, values: { firstName: 'Augusta' } }),
      NOW,
    );
    // Assess
    expect(result.customer.fields.firstName?.value).toBe('Ada');
  });
});

describe('an edit that raced our write (docs/identity.md §2)', () => {
  // HubSpot's first name came from Shopify's edit at 10:00; we read HubSpot at 10:05 and our write landed at 10:06.
  const written = () => {
    const base = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { firstName: 'Augusta' } }), NOW).customer;
    return recordWrite(
      base,
      { system: 'hubspot', externalId: '51', at: '2026-01-01T10:06:00Z', read: { at: '2026-01-01T10:05:00Z', values: { firstName: 'Ada' } }, sourceTimes: { firstName: '2026-01-01T10:00:00Z' }, holds: { firstName: 'Augusta' } },
      NOW,
    );
  };

  it('wins the golden record when it was made after our read and before our write landed', () => {
    // Act: the webhook of a HubSpot edit made at 10:05:30, which our write overwrote
    const result = applyObservation(written(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:05:30Z', values: { firstName: 'A.' } }), NOW);
    // Assess: it is newer than the value we copied; HubSpot itself still holds ours, so sync writes it back
    expect(result.changedFields).toEqual(['firstName']);
    expect(result.customer.fields.firstName).toMatchObject({ value: 'A.', source: 'hubspot' });
    expect(result.customer.links.find((l) => l.system === 'hubspot')!.held.firstName?.value).toBe('Augusta');
  });

  it('stays a late delivery when it was made before our read (we saw what followed it)', () => {
    const result = applyObservation(written(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:04:00Z', values: { firstName: 'A.' } }), NOW);
    expect(result.changedFields).toEqual([]);
  });
});

describe('an observation of some address parts (one HubSpot property event)', () => {
  it('changes only the parts it states, in the golden record and in what the record holds', () => {
    // Prepare
    const address = { line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };
    const base = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', values: { address } }), NOW).customer;
    // Act
    const result = applyObservation(base, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T11:00:00Z', values: { address: { city: 'Chicago' } }, linkedOnly: true }), NOW);
    // Assess
    expect(result.customer.fields.address?.value).toEqual({ ...address, city: 'Chicago' });
    expect(result.customer.links[0]!.held.address?.value).toEqual({ ...address, city: 'Chicago' });
  });
});

describe('an edit in the same second as our read (Shopify resolution)', () => {
  const written = () => {
    const base = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:00.500Z', values: { firstName: 'Augusta' } }), NOW).customer;
    return recordWrite(
      base,
      { system: 'shopify', externalId: '1', at: '2026-01-01T10:00:02Z', read: { at: '2026-01-01T10:00:01Z', values: { firstName: 'Ada' } }, sourceTimes: { firstName: '2026-01-01T10:00:00.500Z' }, holds: { firstName: 'Augusta' } },
      NOW,
    );
  };

  it('is a late delivery when it carries what the read showed (the echo of our own create, say)', () => {
    const result = applyObservation(written(), anObservation({ externalId: '1', observedAt: '2026-01-01T10:00:01Z', values: { firstName: 'Ada' } }), NOW);
    expect(result.changedFields).toEqual([]);
  });

  it('is an edit our write raced when it carries something else', () => {
    const result = applyObservation(written(), anObservation({ externalId: '1', observedAt: '2026-01-01T10:00:01Z', values: { firstName: 'A.' } }), NOW);
    expect(result.customer.fields.firstName?.value).toBe('A.');
  });
});

describe('a whole-record webhook made before our write landed', () => {
  it('does not count its unchanged fields as edits: they carry the record time, not theirs', () => {
    // Prepare: we read Shopify (first name Cleo, at 10:00:44), then wrote HubSpot's newer Dev (10:00:48.7) at 10:00:50
    const base = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:48.700Z', values: { firstName: 'Dev' } }), NOW).customer;
    const written = recordWrite(
      base,
      { system: 'shopify', externalId: '1', at: '2026-01-01T10:00:50Z', read: { at: '2026-01-01T10:00:44Z', values: { firstName: 'Cleo' } }, sourceTimes: { firstName: '2026-01-01T10:00:48.700Z' }, holds: { firstName: 'Dev' } },
      NOW,
    );
    // Act: a merchant's last-name edit at 10:00:49, before our write landed: its webhook still says Cleo
    const result = applyObservation(written, anObservation({ externalId: '1', observedAt: '2026-01-01T10:00:49Z', values: { firstName: 'Cleo', lastName: 'Tanaka' } }), NOW);
    // Assess
    expect(result.customer.fields.firstName?.value).toBe('Dev');
    expect(result.customer.fields.lastName?.value).toBe('Tanaka');
  });
});

describe('address parts keep their own times', () => {
  it('an older edit of the city wins over a newer edit of the street made elsewhere', () => {
    // Prepare: both hold the same address; Shopify retypes the street at 11:00
    const address = { line1: '1 Main St', city: 'Springfield', region: null, postalCode: '62701', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ values: { address: { ...address, line2: null } } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', values: { address } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T11:00:00Z', values: { address: { ...address, line2: null, line1: '2 Oak St' } } }), NOW).customer;
    // Act: HubSpot's city edit made at 10:59 arrives late
    const result = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:59:00Z', values: { address: { ...address, city: 'Chicago' } } }), NOW);
    // Assess
    expect(result.customer.fields.address?.value).toMatchObject({ line1: '2 Oak St', city: 'Chicago' });
  });
});

describe('a raced edit that wins', () => {
  it('marks the customer dirty, so the resolver saves it and sync does not write over it', () => {
    const base = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:08.700Z', values: { lastName: 'Tanaka' } }), NOW).customer;
    const written = recordWrite(
      base,
      { system: 'shopify', externalId: '1', at: '2026-01-01T10:00:10Z', read: { at: '2026-01-01T10:00:09Z', values: { lastName: 'Silva' } }, sourceTimes: { lastName: '2026-01-01T10:00:08.700Z' }, holds: { lastName: 'Tanaka' } },
      NOW,
    );
    const result = applyObservation(written, anObservation({ externalId: '1', observedAt: '2026-01-01T10:00:10Z', values: { lastName: 'Lindqvist' } }), NOW);
    expect(result).toMatchObject({ dirty: true, changedFields: ['lastName'] });
  });
});

describe('a reordered delivery of the same value', () => {
  it('dates the value back, and a newer value another system holds then wins', () => {
    // Prepare: Shopify's address edit at 10:00:46 reached us first inside a later update (10:00:48),
    // so it beat HubSpot's edit of 10:00:46.2
    const shopifyAddress = { line1: '134 Oak Ave', line2: null, city: 'Riverton', region: null, postalCode: '14958', country: 'US' };
    const hubspotAddress = { line1: '143 Cedar Ln', city: 'Franklin', region: null, postalCode: '15291', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:46.200Z', values: { address: hubspotAddress } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:48Z', values: { address: shopifyAddress } }), NOW).customer;
    expect(customer.fields.address?.value).toEqual(expect.objectContaining({ line1: '134 Oak Ave' }));
    // Act: the webhook of the address edit itself arrives, dated 10:00:46
    const result = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:46Z', values: { address: shopifyAddress } }), NOW);
    // Assess
    expect(result.customer.fields.address?.value).toEqual(expect.objectContaining({ line1: '143 Cedar Ln' }));
    expect(result.changedFields).toEqual(['address']);
  });
});

describe('the late echo of an earlier write of ours in the same record second (Shopify resolution)', () => {
  it('is not an edit: a value we wrote in that second never wins back the golden record', () => {
    // Prepare: Shopify 7065… at 10:00:07. Our first write (HubSpot's "Mix") lands in that second; a person
    // then edits "Human" in that same second; it wins, and sync writes it back, still in that second.
    const T = '2026-01-01T10:00:07Z';
    const shopify = { system: 'shopify', externalId: '7065055069303700001' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:01Z', values: { firstName: 'Old' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:05Z', values: { firstName: 'Mix' } }), NOW).customer;
    customer = recordWrite(customer, { ...shopify, at: T, read: { at: '2026-01-01T10:00:01Z', values: { firstName: 'Old' } }, sourceTimes: { firstName: '2026-01-01T10:00:05Z' }, holds: { firstName: 'Mix' } }, NOW);
    const human = applyObservation(customer, anObservation({ ...shopify, observedAt: T, values: { firstName: 'Human' } }), NOW);
    expect(human.customer.fields.firstName).toMatchObject({ value: 'Human', source: 'shopify' });
    customer = recordWrite(human.customer, { ...shopify, at: T, read: { at: T, values: { firstName: 'Human' } }, sourceTimes: { firstName: T }, holds: { firstName: 'Human' } }, NOW);
    // Act: the webhook of our first write arrives last, dated like everything else in that second
    const echo = applyObservation(customer, anObservation({ ...shopify, observedAt: T, values: { firstName: 'Mix' } }), NOW);
    // Assess
    expect(echo.changedFields).toEqual([]);
    expect(echo.customer.fields.firstName).toMatchObject({ value: 'Human', source: 'shopify' });
  });
});

describe('two values in one record second that cannot be ordered (docs/identity.md §2)', () => {
  it('leaves what the record holds unsure, asks for a sync, and sync writes the golden value again', () => {
    // Prepare: Shopify 7065… held "June" (10:00:41). A crashed sync of ours wrote HubSpot's "Hana" (10:00:53.028)
    // in the second 10:00:55, in which a person also typed "Juniper": Shopify's clock cannot order the two.
    const shopify = { system: 'shopify', externalId: '7065055069303700001' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:41Z', values: { firstName: 'June' } }), NOW).customer;
    customer.pendingWrites = [{ ...shopify, startedAt: '2026-01-01T10:00:55.400Z', values: { firstName: 'Hana' }, sourceTimes: { firstName: '2026-01-01T10:00:53.028Z' } }];
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:55Z', values: { firstName: 'Juniper' } }), NOW).customer;
    // Act: the webhook of our write, in that same second
    const echo = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:55Z', values: { firstName: 'Hana' } }), NOW);
    // Assess
    expect(echo.customer.fields.firstName).toMatchObject({ value: 'Juniper', source: 'shopify' });
    expect(echo.recheck).toEqual(['firstName']);
    expect(echo.customer.links[0]!.held.firstName).toMatchObject({ unsure: true });
    expect(planSync(echo.customer, 'shopify', ['firstName'])).toEqual({ action: 'update', externalId: shopify.externalId, values: { firstName: 'Juniper' } });
  });
});

describe('a cleared address, part by part (docs/identity.md §5)', () => {
  it('clears only the parts the record held: the parts it never showed stay with the system that set them', () => {
    // Prepare: Shopify held only a street (10:00); HubSpot then set a whole address (10:05)
    const shopify = { system: 'shopify', externalId: '7065055069303700001' };
    const street = { line1: '243 Oak Ave', line2: null, city: null, region: null, postalCode: null, country: null };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:00Z', values: { address: street } }), NOW).customer;
    const full = { line1: '243 Oak Ave', city: 'Salem', region: null, postalCode: '18991', country: 'US' };
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:05:00Z', values: { address: full } }), NOW).customer;
    // Act: a person removes the address in Shopify at 10:06, where it showed only the street
    const result = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:06:00Z', values: { address: null } }), NOW);
    // Assess
    expect(result.changedFields).toEqual(['address']);
    expect(result.customer.fields.address?.value).toEqual({ line1: null, line2: null, city: 'Salem', region: null, postalCode: '18991', country: 'US' });
  });
});

describe('mayLackGolden: does a change need the origin system synced too?', () => {
  it('no for the record that told us the value; yes for one that holds another, or is unsure', () => {
    // Prepare: Shopify says Ada; HubSpot still holds Augusta
    let customer = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { firstName: 'Augusta' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { firstName: 'Ada' } }), NOW).customer;
    // Assess
    expect(mayLackGolden(customer, 'shopify', ['firstName'])).toBe(false);
    expect(mayLackGolden(customer, 'hubspot', ['firstName'])).toBe(true);
    expect(mayLackGolden(customer, 'klaviyo', ['firstName'])).toBe(true);
    customer.links[1]!.held.firstName!.unsure = true;
    expect(mayLackGolden(customer, 'shopify', ['firstName'])).toBe(true);
  });
});

describe("a whole-record delivery of a state our read already showed, in an earlier write's second", () => {
  it('is not an edit our next write raced', () => {
    // Prepare: Shopify held phone A (10:00:17). In 10:00:33 a person edits the first name (phone A unchanged);
    // sync reads that (A) and writes HubSpot's B; a second sync reads B at 10:00:33 and writes B again at 10:00:34.
    const shopify = { system: 'shopify', externalId: '7065055069303700001' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:17Z', values: { phone: '+12125550001' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:17.418Z', values: { phone: '+12125550002' } }), NOW).customer;
    const B = { phone: '+12125550002' };
    customer = recordWrite(customer, { ...shopify, at: '2026-01-01T10:00:33Z', read: { at: '2026-01-01T10:00:33Z', values: { phone: '+12125550001' } }, sourceTimes: { phone: '2026-01-01T10:00:17.418Z' }, holds: B }, NOW);
    customer = recordWrite(customer, { ...shopify, at: '2026-01-01T10:00:34Z', read: { at: '2026-01-01T10:00:33Z', values: B }, sourceTimes: { phone: '2026-01-01T10:00:17.418Z' }, holds: B }, NOW);
    // Act: the webhook of the first-name edit (10:00:33, phone A) arrives now
    const result = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:33Z', values: { phone: '+12125550001' } }), NOW);
    // Assess
    expect(result.changedFields).toEqual([]);
    expect(result.customer.fields.phone).toMatchObject({ value: '+12125550002', source: 'hubspot' });
    expect(result.recheck).toEqual([]);
  });
});

describe('the echo of our write that cleared an address, one HubSpot property event per part', () => {
  it('says nothing new: an empty part of no address is no change (found by the 10,000-delivery chaos run)', () => {
    // Prepare: Shopify removed the address at 12:26:50, HubSpot's person then typed a new one (12:26:52.628),
    // and our sync, planned before that, cleared HubSpot's address at 12:26:54.352 (an edit our write raced)
    const NOW = '2026-12-01T12:26:55.000Z';
  const shopify = { system: 'shopify', externalId: '7065055069303700100' };
  const hub = { system: 'hubspot', externalId: '147' };
  const full = { line1: '3132 Elm St', city: 'Salem', region: null, postalCode: '35885', country: 'US' };
  let c = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-12-01T12:24:39Z', values: { address: { ...full, line2: null } } }), NOW).customer;
  c = applyObservation(c, anObservation({ ...hub, observedAt: '2026-12-01T12:24:37.200Z', values: { address: full } }), NOW).customer;
  c = applyObservation(c, anObservation({ ...shopify, observedAt: '2026-12-01T12:26:50Z', values: { address: null } }), NOW).customer;
  for (const part of [{ line1: '3851 Elm St' }, { city: 'Franklin' }, { postalCode: '62488' }]) {
    c = applyObservation(c, anObservation({ ...hub, observedAt: '2026-12-01T12:26:52.628Z', values: { address: part }, linkedOnly: true }), NOW).customer;
  }
  c = recordWrite(c, { ...hub, at: '2026-12-01T12:26:54.352Z', read: { at: '2026-12-01T12:24:38.316Z', values: { address: full } }, sourceTimes: { address: '2026-12-01T12:26:50Z' }, holds: { address: null } }, NOW);
  for (const part of [{ line1: null }, { city: null }, { postalCode: null }, { country: null }]) {
    const r = applyObservation(c, anObservation({ ...hub, observedAt: '2026-12-01T12:26:54.352Z', values: { address: part }, linkedOnly: true }), NOW);
    expect(r.changedFields).toEqual([]);
    c = r.customer;
  }
  expect(c.fields.address?.value).toMatchObject({ postalCode: '62488' });
  });
});

describe('the late delivery of a state the record left in the same second, after a newer read (found by the chaos run)', () => {
  it('is not an edit: the other value of that second stays a known state', () => {
    // Prepare: our create leaves phone A in Shopify at 12:56:18; a person sets B in the same second;
    // sync's read shows B (a current read), and our later write (12:56:35) writes B again
    const shopify = { system: 'shopify', externalId: '7065055069303700016' };
    const A = '+12122036094';
    const B = '+12123580299';
    let customer = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-12-01T12:56:14.367Z', values: { phone: A } }), NOW).customer;
    customer = recordWrite(customer, { ...shopify, at: '2026-12-01T12:56:18Z', sourceTimes: { phone: '2026-12-01T12:56:14.367Z' }, holds: { phone: A } }, NOW);
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-12-01T12:56:18Z', values: { phone: B } }), NOW).customer;
    expect(customer.fields.phone).toMatchObject({ value: B, source: 'shopify' });
    customer = recordWrite(customer, { ...shopify, at: '2026-12-01T12:56:35Z', read: { at: '2026-12-01T12:56:18Z', values: { phone: B } }, sourceTimes: { phone: '2026-12-01T12:56:18Z' }, holds: { phone: B } }, NOW);
    // Act: the webhook of our create (12:56:18, phone A) arrives last
    const result = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-12-01T12:56:18Z', values: { phone: A } }), NOW);
    // Assess
    expect(result.changedFields).toEqual([]);
    expect(result.customer.fields.phone).toMatchObject({ value: B, source: 'shopify' });
  });
});

describe('planSync: an address cleared everywhere', () => {
  it('writes nothing to a record that holds no address when the golden address has only empty parts', () => {
    // Prepare: HubSpot removed the address part by part; Shopify's record holds none
    const shopify = { system: 'shopify', externalId: '7065055069303700001' };
    const address = { line1: '1 Main St', city: 'Springfield', region: null, postalCode: '62701', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T09:00:00Z', values: { address } }), NOW).customer;
    for (const part of [{ line1: null }, { city: null }, { postalCode: null }, { country: null }]) {
      customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:00Z', values: { address: part }, linkedOnly: true }), NOW).customer;
    }
    customer = recordWrite(customer, { ...shopify, at: '2026-01-01T10:00:05Z', sourceTimes: { address: '2026-01-01T10:00:00Z' }, holds: { address: null } }, NOW);
    // Assess
    expect(planSync(customer, 'shopify', ['address'])).toMatchObject({ action: 'skip' });
  });
});

describe("sync's read-back settles a delivery in our write's second (docs/identity.md §2, found by the 10,000-delivery chaos run)", () => {
  // Shopify held A0 (10:00:00); HubSpot set the city to Franklin (10:00:05.1); sync read A0 and wrote
  // Franklin at 10:00:07. A person's edit stamped 10:00:07 came before our write (which overwrote it)
  // or after it: the webhook cannot say which, the record's present state can.
  const shopify = { system: 'shopify', externalId: '7065055069303700001' };
  const A0 = { line1: '1 Elm St', line2: null, city: 'Salem', region: null, postalCode: '18991', country: 'US' };
  const W = { ...A0, city: 'Franklin' };
  const T = '2026-01-01T10:00:07Z';
  const written = (readAt = '2026-01-01T10:00:00Z') => {
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:00Z', values: { address: A0 } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:05.100Z', values: { address: { city: 'Franklin' } }, linkedOnly: true }), NOW).customer;
    return recordWrite(customer, { ...shopify, at: T, read: { at: readAt, values: { address: A0 } }, sourceTimes: { address: '2026-01-01T10:00:05.100Z' }, holds: { address: W } }, NOW);
  };

  it('an edit after our write that set a part back to what our read showed wins once the read-back shows it', () => {
    // Act: the webhook of the person's edit (city back to Salem, after our write), then sync's read-back
    const webhook = applyObservation(written(), anObservation({ ...shopify, observedAt: T, values: { address: A0 } }), NOW);
    const readBack = applyObservation(webhook.customer, anObservation({ ...shopify, observedAt: T, values: { address: A0 }, readBack: { linkVersion: 0 } }), NOW);
    // Assess
    expect(webhook.recheck).toEqual(['address']);
    expect(readBack.changedFields).toEqual(['address']);
    expect(readBack.customer.fields.address?.value).toMatchObject({ city: 'Salem' });
    expect(readBack.customer.links[0]!.held.address).toMatchObject({ value: A0 });
    expect(readBack.customer.links[0]!.held.address?.unsure).toBeUndefined();
    expect(planSync(readBack.customer, 'shopify', ['address'])).toMatchObject({ action: 'skip' });
  });

  it('the same when our read showed that state in this very second (a known state delivered again is no proof of a late delivery)', () => {
    const webhook = applyObservation(written(T), anObservation({ ...shopify, observedAt: T, values: { address: A0 } }), NOW);
    const readBack = applyObservation(webhook.customer, anObservation({ ...shopify, observedAt: T, values: { address: A0 }, readBack: { linkVersion: 0 } }), NOW);
    expect(webhook.recheck).toEqual(['address']);
    expect(webhook.changedFields).toEqual([]);
    expect(readBack.customer.fields.address?.value).toMatchObject({ city: 'Salem' });
  });

  it('an edit before our write, which it overwrote, is judged against our read, and the read-back showing our write only clears the doubt', () => {
    // Act: the person retyped the street before our write landed; the record holds our write
    const webhook = applyObservation(written(), anObservation({ ...shopify, observedAt: T, values: { address: { ...A0, line1: '9 Oak Ave' } } }), NOW);
    const readBack = applyObservation(webhook.customer, anObservation({ ...shopify, observedAt: T, values: { address: W }, readBack: { linkVersion: 0 } }), NOW);
    // Assess
    expect(webhook.customer.fields.address?.value).toMatchObject({ line1: '9 Oak Ave', city: 'Franklin' });
    expect(readBack.changedFields).toEqual([]);
    expect(readBack.dirty).toBe(true);
    expect(readBack.customer.links[0]!.held.address?.unsure).toBeUndefined();
    expect(readBack.customer.fields.address?.value).toMatchObject({ line1: '9 Oak Ave', city: 'Franklin' });
    expect(planSync(readBack.customer, 'shopify', ['address'])).toMatchObject({ action: 'update', values: { address: { line1: '9 Oak Ave', city: 'Franklin' } } });
  });

  it("the late echo of our write after the read-back settled a person's edit is not taken back", () => {
    const webhook = applyObservation(written(), anObservation({ ...shopify, observedAt: T, values: { address: A0 } }), NOW);
    const readBack = applyObservation(webhook.customer, anObservation({ ...shopify, observedAt: T, values: { address: A0 }, readBack: { linkVersion: 0 } }), NOW);
    const echo = applyObservation(readBack.customer, anObservation({ ...shopify, observedAt: T, values: { address: W } }), NOW);
    expect(echo.changedFields).toEqual([]);
    expect(echo.customer.fields.address?.value).toMatchObject({ city: 'Salem' });
  });
});

describe('a read-back that reaches the resolver after a later write of ours (found by the chaos run)', () => {
  it('settles nothing: the link moved on since that read, so it is judged like a delivery', () => {
    // Prepare: in one Shopify second (10:00:57) sync wrote an address without its city (W1: the
    // HubSpot edit was half merged), then read W1 and wrote it whole (W2, city Fairview)
    const shopify = { system: 'shopify', externalId: '7065055069303700023' };
    const W1 = { line1: '249 Pine Rd', line2: null, city: null, region: null, postalCode: '19213', country: 'US' };
    const W2 = { ...W1, city: 'Fairview' };
    const T = '2026-01-01T10:00:57Z';
    let customer = applyObservation(aCustomer(), anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:55.540Z', values: { address: W2 } }), NOW).customer;
    customer = recordWrite(customer, { ...shopify, at: T, sourceTimes: { address: '2026-01-01T10:00:55.540Z' }, holds: { address: W1 } }, NOW);
    const readVersion = 3;
    customer.links[1]!.version = readVersion;
    customer = recordWrite(customer, { ...shopify, at: T, read: { at: T, values: { address: W1 } }, sourceTimes: { address: '2026-01-01T10:00:55.540Z' }, holds: { address: W2 } }, NOW);
    customer.links[1]!.version = readVersion + 1;
    // Act: the read that came before W2 reaches the resolver after W2 was recorded
    const stale = applyObservation(customer, anObservation({ ...shopify, observedAt: T, values: { address: W1 }, readBack: { linkVersion: readVersion } }), NOW);
    // Assess: the city stays; the doubt goes to sync, whose next read shows W2
    expect(stale.changedFields).toEqual([]);
    expect(stale.customer.fields.address?.value).toMatchObject({ city: 'Fairview' });
    expect(stale.recheck).toEqual(['address']);
    const fresh = applyObservation(stale.customer, anObservation({ ...shopify, observedAt: T, values: { address: W2 }, readBack: { linkVersion: readVersion + 1 } }), NOW);
    expect(fresh.customer.links[1]!.held.address?.unsure).toBeUndefined();
    expect(fresh.changedFields).toEqual([]);
  });
});

describe('a golden value found older than it looked, after we copied it over a newer edit (found by the reconcile chaos phase)', () => {
  it('gives the field back to the value our write overwrote, when that was newer', () => {
    // Prepare: Shopify held Ivo (10:00:47). A person types June in HubSpot (10:00:48.189), another Fay in
    // Shopify (10:00:48). A read of Shopify at 10:00:49 (another field changed then) shows Fay, timed 10:00:49:
    // it beats June, and sync copies Fay over June in HubSpot (the read before that write showed June).
    const shopify = { system: 'shopify', externalId: '7065055069303700001' };
    const hub = { system: 'hubspot', externalId: '55' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:47Z', values: { firstName: 'Ivo' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ ...hub, observedAt: '2026-01-01T10:00:48.189Z', values: { firstName: 'June' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:49Z', values: { firstName: 'Fay' } }), NOW).customer;
    expect(customer.fields.firstName).toMatchObject({ value: 'Fay', source: 'shopify' });
    customer = recordWrite(
      customer,
      { ...hub, at: '2026-01-01T10:00:50.932Z', read: { at: '2026-01-01T10:00:48.189Z', values: { firstName: 'June' }, fieldTimes: { firstName: '2026-01-01T10:00:48.189Z' } }, sourceTimes: { firstName: '2026-01-01T10:00:49Z' }, holds: { firstName: 'Fay' } },
      NOW,
    );
    // Act: the webhook of Fay's own edit arrives: Fay is from 10:00:48, older than June
    const result = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:48Z', values: { firstName: 'Fay' } }), NOW);
    // Assess: June wins again, and sync writes it to both
    expect(result.changedFields).toEqual(['firstName']);
    expect(result.customer.fields.firstName).toMatchObject({ value: 'June', source: 'hubspot', at: '2026-01-01T10:00:48.189Z' });
    expect(planSync(result.customer, 'hubspot', ['firstName'])).toMatchObject({ action: 'update', values: { firstName: 'June' } });
    expect(planSync(result.customer, 'shopify', ['firstName'])).toMatchObject({ action: 'update', values: { firstName: 'June' } });
  });
});

describe('an edit that raced an earlier write of ours, delivered after a later write (found by the reconcile chaos phase)', () => {
  it('still competes: it came between that write and the read before it, and no read since has shown it', () => {
    // Prepare: HubSpot 59 holds Lena (our create, 10:00:51.104). Sync reads it, and writes Shopify's Kai
    // (10:00:50) at 10:00:53.556; a person had typed Ada in HubSpot at 10:00:53.530, which our write
    // overwrote. A second sync reads Kai (10:00:53.556) and writes Shopify's Dev (10:00:52) at 10:00:54.373.
    const hub = { system: 'hubspot', externalId: '59' };
    const shopify = { system: 'shopify', externalId: '7065055069303700005' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:48Z', values: { firstName: 'Lena' } }), NOW).customer;
    customer = recordWrite(customer, { ...hub, at: '2026-01-01T10:00:51.104Z', sourceTimes: { firstName: '2026-01-01T10:00:48Z' }, holds: { firstName: 'Lena' } }, NOW);
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:50Z', values: { firstName: 'Kai' } }), NOW).customer;
    const lena = { at: '2026-01-01T10:00:51.104Z', values: { firstName: 'Lena' }, fieldTimes: { firstName: '2026-01-01T10:00:51.104Z' } };
    customer = recordWrite(customer, { ...hub, at: '2026-01-01T10:00:53.556Z', read: lena, sourceTimes: { firstName: '2026-01-01T10:00:50Z' }, holds: { firstName: 'Kai' } }, NOW);
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:52Z', values: { firstName: 'Dev' } }), NOW).customer;
    const kai = { at: '2026-01-01T10:00:53.556Z', values: { firstName: 'Kai' }, fieldTimes: { firstName: '2026-01-01T10:00:53.556Z' } };
    customer = recordWrite(customer, { ...hub, at: '2026-01-01T10:00:54.373Z', read: kai, sourceTimes: { firstName: '2026-01-01T10:00:52Z' }, holds: { firstName: 'Dev' } }, NOW);
    // Act: Ada's propertyChange event arrives now
    const result = applyObservation(customer, anObservation({ ...hub, observedAt: '2026-01-01T10:00:53.530Z', values: { firstName: 'Ada' }, linkedOnly: true }), NOW);
    // Assess
    expect(result.changedFields).toEqual(['firstName']);
    expect(result.customer.fields.firstName).toMatchObject({ value: 'Ada', source: 'hubspot' });
    // …while the late echoes of our own writes stay nothing new
    for (const echo of [{ observedAt: '2026-01-01T10:00:51.104Z', values: { firstName: 'Lena' } }, { observedAt: '2026-01-01T10:00:53.556Z', values: { firstName: 'Kai' } }]) {
      expect(applyObservation(result.customer, anObservation({ ...hub, ...echo, linkedOnly: true }), NOW).changedFields).toEqual([]);
    }
  });
});

describe("HubSpot's address parts keep their own property times (found by the reconcile chaos phase)", () => {
  it('a part HubSpot last changed earlier loses to a newer edit of it elsewhere, though another part changed later', () => {
    // Prepare: HubSpot's city was set at 10:00:58.723, its street and zip at 10:00:59.176 (property history)
    const hub = { system: 'hubspot', externalId: '57' };
    const shopify = { system: 'shopify', externalId: '7065055069303700002' };
    const start = { line1: '25 Cedar Ln', line2: null, city: 'Springfield', region: null, postalCode: '10925', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:56Z', values: { address: start } }), NOW).customer;
    customer = applyObservation(
      customer,
      anObservation({
        ...hub,
        observedAt: '2026-01-01T10:00:59.176Z',
        values: { address: { line1: '97 Cedar Ln', city: 'Georgetown', region: null, postalCode: '13589', country: 'US' } },
        fieldTimes: { address: '2026-01-01T10:00:59.176Z' },
        partTimes: { line1: '2026-01-01T10:00:59.176Z', city: '2026-01-01T10:00:58.723Z', postalCode: '2026-01-01T10:00:59.176Z', country: '2026-01-01T10:00:56Z' },
      }),
      NOW,
    ).customer;
    // Act: Shopify's edit of 10:00:59 (city Fairview)
    const result = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:59Z', values: { address: { ...start, line1: '94 Oak Ave', city: 'Fairview', postalCode: '13478' } } }), NOW);
    // Assess: the city is Shopify's (10:00:59 after 10:00:58.723); street and zip stay HubSpot's (10:00:59.176)
    expect(result.customer.fields.address?.value).toMatchObject({ line1: '97 Cedar Ln', city: 'Fairview', postalCode: '13589' });
  });
});

describe('a read-back that comes too late to settle a value already unsure', () => {
  it('asks for another read: the one it answered was planned from a link that has moved on', () => {
    // Prepare: our write of W in 10:00:07 (the read before it showed A0); a delivery in that second left it unsure
    const shopify = { system: 'shopify', externalId: '7065055069303700171' };
    const A0 = { line1: '1 Elm St', line2: null, city: 'Salem', region: null, postalCode: '18991', country: 'US' };
    const W = { ...A0, city: 'Franklin' };
    const T = '2026-01-01T10:00:07Z';
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:00Z', values: { address: A0 } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '51', observedAt: '2026-01-01T10:00:05.100Z', values: { address: { city: 'Franklin' } }, linkedOnly: true }), NOW).customer;
    customer = recordWrite(customer, { ...shopify, at: T, read: { at: '2026-01-01T10:00:00Z', values: { address: A0 } }, sourceTimes: { address: '2026-01-01T10:00:05.100Z' }, holds: { address: W } }, NOW);
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: T, values: { address: A0 } }), NOW).customer;
    expect(customer.links[0]!.held.address?.unsure).toBe(true);
    customer.links[0]!.version = 7;
    // Act: sync's read-back (planned from version 6) shows the person's edit after our write
    const late = applyObservation(customer, anObservation({ ...shopify, observedAt: T, values: { address: A0 }, readBack: { linkVersion: 6 } }), NOW);
    // Assess
    expect(late.recheck).toEqual(['address']);
  });
});

describe('what our read showed, delivered in the second our write landed in (found by the chaos run under load)', () => {
  it('is a state the record held until our write: no raced edit, the field is left unsure and the golden value stays', () => {
    // Prepare: Shopify had no address (read at 10:00:53). HubSpot set one (10:01:00.013). Two syncs of ours wrote it to
    // Shopify in the second 10:01:01, the first with part of it; a person edited the first name in that second, before them.
    const shopify = { system: 'shopify', externalId: '7065055069303700007' };
    const partial = { line1: '311 Lake Dr', line2: null, city: 'Franklin', region: null, postalCode: null, country: null };
    const full = { line1: '311 Lake Dr', line2: null, city: 'Franklin', region: null, postalCode: '21507', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:53Z', values: { firstName: 'Ada', address: null } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '69', observedAt: '2026-01-01T10:01:00.013Z', values: { address: { line1: '311 Lake Dr', city: 'Franklin', region: null, postalCode: '21507', country: 'US' } } }), NOW).customer;
    const S = '2026-01-01T10:01:01Z';
    customer = recordWrite(customer, { ...shopify, at: S, read: { at: '2026-01-01T10:00:53Z', values: { address: null } }, sourceTimes: { address: '2026-01-01T10:01:00.013Z' }, holds: { address: partial } }, NOW);
    customer = recordWrite(customer, { ...shopify, at: S, read: { at: S, values: { address: partial } }, sourceTimes: { address: '2026-01-01T10:01:00.013Z' }, holds: { address: full } }, NOW);
    // Act: the webhook of the person's first-name edit, which still shows no address
    const late = applyObservation(customer, anObservation({ ...shopify, observedAt: S, values: { firstName: 'Augusta', address: null } }), NOW);
    // Assess
    expect(late.customer.fields.address?.value).toMatchObject({ line1: '311 Lake Dr', city: 'Franklin', postalCode: '21507' });
    expect(late.recheck).toEqual(['address']);
  });
});

describe('a pending write of ours the record has moved past (docs/identity.md §2, found by the chaos run)', () => {
  it("does not claim a later edit that sets our value again: it keeps its own time and wins", () => {
    // Prepare: a crashed sync wrote Franklin (copied from Shopify, 10:00:54) to HubSpot 408 at 10:00:56.5;
    // a person then set Salem (10:01:10.293), and at 10:01:30.963 sets Franklin again.
    const hubspot = { system: 'hubspot', externalId: '408' };
    const franklin = { line1: '4516 Pine Rd', line2: null, city: 'Franklin', region: null, postalCode: '87093', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ system: 'shopify', externalId: '7065055069303700255', observedAt: '2026-01-01T10:00:54Z', values: { address: franklin } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: '2026-01-01T10:00:30.000Z', values: { address: { line1: '2495 Elm St', city: 'Franklin', region: null, postalCode: '12316', country: 'US' } } }), NOW).customer;
    customer.pendingWrites = [{ ...hubspot, startedAt: '2026-01-01T10:00:56.500Z', values: { address: franklin }, sourceTimes: { address: '2026-01-01T10:00:54Z' } }];
    const salemAt = '2026-01-01T10:01:10.293Z';
    for (const part of [{ line1: '4637 Lake Dr' }, { city: 'Salem' }, { postalCode: '91570' }]) {
      customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: salemAt, fieldTimes: { address: salemAt }, values: { address: part }, linkedOnly: true }), NOW).customer;
    }
    expect(customer.fields.address?.value).toMatchObject({ city: 'Salem' });
    const at = '2026-01-01T10:01:30.963Z';
    // Act: HubSpot's propertyChange of the city
    const result = applyObservation(customer, anObservation({ ...hubspot, observedAt: at, fieldTimes: { address: at }, values: { address: { city: 'Franklin' } }, linkedOnly: true }), NOW);
    // Assess
    expect(result.changedFields).toEqual(['address']);
    expect(result.customer.fields.address?.value).toMatchObject({ city: 'Franklin' });
  });
});

describe('the state a copy of ours replaced, delivered late in the second it landed in (found by the chaos run)', () => {
  it('is no edit: the field is left unsure and the golden value stays ours until a read-back says otherwise', () => {
    // Prepare: Shopify held June; a crashed sync wrote HubSpot's Hana (10:00:51) to it in the second 10:00:52,
    // in which a person also edited the address just before: two webhooks of that second, ours first.
    const shopify = { system: 'shopify', externalId: '7065055069303700262' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:05Z', values: { firstName: 'June' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '326', observedAt: '2026-01-01T10:00:51.000Z', fieldTimes: { firstName: '2026-01-01T10:00:51.000Z' }, values: { firstName: 'Hana' }, linkedOnly: true }), NOW).customer;
    customer.pendingWrites = [{ ...shopify, startedAt: '2026-01-01T10:00:51.990Z', values: { firstName: 'Hana' }, sourceTimes: { firstName: '2026-01-01T10:00:51.000Z' } }];
    const T = '2026-01-01T10:00:52Z';
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: T, values: { firstName: 'Hana' } }), NOW).customer;
    // Act: the webhook of the address edit, which still shows June
    const late = applyObservation(customer, anObservation({ ...shopify, observedAt: T, values: { firstName: 'June' } }), NOW);
    // Assess
    expect(late.customer.fields.firstName).toMatchObject({ value: 'Hana' });
    expect(late.recheck).toEqual(['firstName']);
    // …and sync's read-back, showing Hana, settles it
    const link = late.customer.links.find((l) => l.system === 'shopify')!;
    const read = applyObservation(late.customer, anObservation({ ...shopify, observedAt: T, values: { firstName: 'Hana' }, readBack: { linkVersion: link.version } }), NOW);
    expect(read.customer.fields.firstName).toMatchObject({ value: 'Hana' });
    expect(read.customer.links.find((l) => l.system === 'shopify')!.held.firstName?.unsure).toBeUndefined();
  });
});

describe('one HubSpot edit of several address parts after a crashed write of ours (found by the chaos run)', () => {
  it('times each part by the edit, even a part that equals what we wrote, once another part of it was seen', () => {
    // Prepare: a crashed sync wrote 4506 Lake Dr, Georgetown to HubSpot 89 (10:00:32); a person cleared the address (10:00:33.389)
    const hubspot = { system: 'hubspot', externalId: '89' };
    const ours = { line1: '4506 Lake Dr', line2: null, city: 'Georgetown', region: null, postalCode: '86723', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ system: 'shopify', externalId: '7065055069303700049', observedAt: '2026-01-01T10:00:30Z', values: { address: ours } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: '2026-01-01T10:00:10.000Z', values: { address: { line1: '3694 Pine Rd', city: 'Riverton', region: null, postalCode: '56679', country: 'US' } } }), NOW).customer;
    customer.pendingWrites = [{ ...hubspot, startedAt: '2026-01-01T10:00:31.900Z', values: { address: ours }, sourceTimes: { address: '2026-01-01T10:00:30Z' } }];
    const cleared = '2026-01-01T10:00:33.389Z';
    customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: cleared, fieldTimes: { address: cleared }, values: { address: null } }), NOW).customer;
    expect(customer.fields.address?.value).toMatchObject({ city: null });
    // Act: the person types a new address at 10:01:11.170, one propertyChange per part, the street first
    const at = '2026-01-01T10:01:11.170Z';
    for (const part of [{ line1: '4956 Elm St' }, { city: 'Georgetown' }, { postalCode: '13374' }, { country: 'US' }]) {
      customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: at, fieldTimes: { address: at }, values: { address: part }, linkedOnly: true }), NOW).customer;
    }
    // Assess
    expect(customer.fields.address?.value).toMatchObject({ line1: '4956 Elm St', city: 'Georgetown', postalCode: '13374', country: 'US' });
  });
});

describe('a HubSpot property set back while our write of it is pending (docs/identity.md §2, found by the chaos run)', () => {
  it('is an edit made after our write began: it competes for the golden record, although the link still holds that value', () => {
    // Prepare: HubSpot 58 held Fairview; a Shopify edit to Riverton (10:00:07) is being written to 58
    // (announced at 10:00:07.440, not yet recorded on the link); a person sets Fairview again at 10:00:07.935.
    const hubspot = { system: 'hubspot', externalId: '58' };
    const before = { line1: '1527 Oak Ave', city: 'Fairview', region: null, postalCode: '66499', country: 'US' };
    const riverton = { line1: '2412 Pine Rd', line2: null, city: 'Riverton', region: null, postalCode: '99244', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ ...hubspot, observedAt: '2026-01-01T10:00:00.041Z', values: { address: before } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'shopify', externalId: '7065055069303700016', observedAt: '2026-01-01T10:00:07Z', values: { address: riverton } }), NOW).customer;
    customer.pendingWrites = [{ ...hubspot, startedAt: '2026-01-01T10:00:07.440Z', values: { address: riverton }, sourceTimes: { address: '2026-01-01T10:00:07Z' } }];
    const at = '2026-01-01T10:00:07.935Z';
    // Act: HubSpot's propertyChange of the city
    const result = applyObservation(customer, anObservation({ ...hubspot, observedAt: at, fieldTimes: { address: at }, values: { address: { city: 'Fairview' } }, linkedOnly: true }), NOW);
    // Assess
    expect(result.changedFields).toEqual(['address']);
    expect(result.customer.fields.address?.value).toMatchObject({ line1: '2412 Pine Rd', city: 'Fairview', postalCode: '99244' });
  });

  it('is not an edit in a Shopify webhook: its clock is the whole record, and the value is what the record held before our write landed', () => {
    // Prepare: Shopify held Fairview; HubSpot's Riverton is being written to Shopify; a webhook dated after that began still shows Fairview
    const shopify = { system: 'shopify', externalId: '7065055069303700016' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:00Z', values: { firstName: 'Ada', address: { line1: '1 A St', line2: null, city: 'Fairview', region: null, postalCode: '1', country: 'US' } } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '58', observedAt: '2026-01-01T10:00:05.000Z', fieldTimes: { address: '2026-01-01T10:00:05.000Z' }, values: { address: { city: 'Riverton' } }, linkedOnly: true }), NOW).customer;
    customer.pendingWrites = [{ ...shopify, startedAt: '2026-01-01T10:00:06.000Z', values: { address: { line1: '1 A St', line2: null, city: 'Riverton', region: null, postalCode: '1', country: 'US' } }, sourceTimes: { address: '2026-01-01T10:00:05.000Z' } }];
    // Act: the webhook of a name edit made before our write landed
    const result = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:07Z', values: { firstName: 'Augusta', address: { line1: '1 A St', line2: null, city: 'Fairview', region: null, postalCode: '1', country: 'US' } } }), NOW);
    // Assess
    expect(result.changedFields).toEqual(['firstName']);
    expect(result.customer.fields.address?.value).toMatchObject({ city: 'Riverton' });
  });
});

describe('a late Shopify webhook showing an address part unchanged since (found by the chaos run: two Shopify address edits delivered out of order)', () => {
  it('dates that part back to the late webhook, so a HubSpot edit of it made between the two Shopify edits wins', () => {
    // Prepare: Shopify held 52 Cedar Ln, Georgetown; a person set 85 Lake Dr, Franklin at 10:00:08, HubSpot's city
    // became Riverton at 10:00:08.065, and Shopify's street and zip changed again at 10:00:09 (the city still Franklin).
    const shopify = { system: 'shopify', externalId: '7065055069303700004' };
    const hubspot = { system: 'hubspot', externalId: '55' };
    const georgetown = { line1: '52 Cedar Ln', line2: null, city: 'Georgetown', region: null, postalCode: '11924', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:02Z', values: { address: georgetown } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: '2026-01-01T09:59:56.386Z', values: { address: { line1: '52 Cedar Ln', city: 'Georgetown', region: null, postalCode: '11924', country: 'US' } } }), NOW).customer;
    const riverton = '2026-01-01T10:00:08.065Z';
    for (const part of [{ line1: '103 Cedar Ln' }, { city: 'Riverton' }, { postalCode: '13811' }]) {
      customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: riverton, fieldTimes: { address: riverton }, values: { address: part }, linkedOnly: true }), NOW).customer;
    }
    // The webhook of 10:00:09 comes first
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:09Z', values: { address: { ...georgetown, line1: '119 Pine Rd', city: 'Franklin', postalCode: '14403' } } }), NOW).customer;
    expect(customer.fields.address?.value).toMatchObject({ city: 'Franklin' });

    // Act: the webhook of 10:00:08, late
    const late = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:08Z', values: { address: { ...georgetown, line1: '85 Lake Dr', city: 'Franklin', postalCode: '13145' } } }), NOW);

    // Assess: the city was Franklin from 10:00:08 on, before HubSpot's Riverton; the street and zip of 10:00:09 stay
    expect(late.changedFields).toEqual(['address']);
    expect(late.customer.fields.address?.value).toMatchObject({ line1: '119 Pine Rd', city: 'Riverton', postalCode: '14403' });
  });
});

describe('the property events of two HubSpot address edits made 41 ms apart, delivered interleaved (found by the chaos run, seed 38)', () => {
  it('takes a part of the first edit that the second did not touch, although it arrives after the second edit began', () => {
    // Prepare: HubSpot 105 never held an address; a person sets 1292 Cedar Ln, Franklin, 57804, US at 10:00:44.261,
    // then, 41 ms later, 1295 Main St, Georgetown, 57915 (the country stays US: HubSpot sends no event for it).
    const hubspot = { system: 'hubspot', externalId: '105' };
    let customer = applyObservation(aCustomer(), anObservation({ ...hubspot, observedAt: '2026-01-01T10:00:00.000Z', values: { address: null } }), NOW).customer;
    const [first, second] = ['2026-01-01T10:00:44.261Z', '2026-01-01T10:00:44.302Z'];
    const event = (at: string, part: Record<string, string>) =>
      anObservation({ ...hubspot, observedAt: at, fieldTimes: { address: at }, values: { address: part }, linkedOnly: true });
    for (const [at, part] of [
      [first, { line1: '1292 Cedar Ln' }],
      [first, { city: 'Franklin' }],
      [first, { postalCode: '57804' }],
      [second, { line1: '1295 Main St' }],
    ] as const) {
      customer = applyObservation(customer, event(at, part), NOW).customer;
    }

    // Act: the first edit's country, then the rest of the second edit
    const country = applyObservation(customer, event(first, { country: 'US' }), NOW);
    customer = country.customer;
    for (const part of [{ city: 'Georgetown' }, { postalCode: '57915' }] as Array<Record<string, string>>) customer = applyObservation(customer, event(second, part), NOW).customer;
    // …and a late repeat of the first edit's street changes nothing
    const late = applyObservation(customer, event(first, { line1: '1292 Cedar Ln' }), NOW);

    // Assess
    expect(country.changedFields).toEqual(['address']);
    expect(late.changedFields).toEqual([]);
    expect(late.customer.fields.address?.value).toMatchObject({ line1: '1295 Main St', city: 'Georgetown', postalCode: '57915', country: 'US' });
  });
});

describe('a HubSpot property said again by its history, with its own time (found by the drop phase, seed 6)', () => {
  it('is history, not a sign the value is older: the city keeps the time of its newest setting, and an older Shopify edit does not win', () => {
    // Prepare: Shopify's city edit at 10:00:33 and HubSpot's read at 10:00:35.610, whose city Riverton was set at
    // 10:00:35.597 (after Georgetown at 10:00:32.865 and Salem at 10:00:34.286; first set at 10:00:31.160)
    const shopify = { system: 'shopify', externalId: '7065055069303700007' };
    const hubspot = { system: 'hubspot', externalId: '54' };
    const address = { line1: '98 Elm St', line2: null, region: null, postalCode: '13626', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:33Z', values: { address: { ...address, city: 'Springfield' } } }), NOW).customer;
    const read = '2026-01-01T10:00:35.597Z';
    customer = applyObservation(
      customer,
      anObservation({ ...hubspot, observedAt: '2026-01-01T10:00:35.610Z', fieldTimes: { address: read }, values: { address: { ...address, city: 'Riverton' } } }),
      NOW,
    ).customer;
    expect(customer.fields.address?.value).toMatchObject({ city: 'Riverton' });
    // Act: reconciliation replays the history: the city's first setting, and the edits after it
    for (const [at, part] of [
      ['2026-01-01T10:00:31.160Z', { city: 'Riverton' }],
      ['2026-01-01T10:00:31.160Z', { line1: '22 Elm St' }],
      ['2026-01-01T10:00:32.865Z', { city: 'Georgetown' }],
      ['2026-01-01T10:00:34.286Z', { city: 'Salem' }],
    ] as const) {
      customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: at, fieldTimes: { address: at }, values: { address: part }, linkedOnly: true }), NOW).customer;
    }
    // …then Shopify's late webhook of a city edit made at 10:00:34, before HubSpot's newest
    const late = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:34Z', values: { address: { ...address, city: 'Dayton' } } }), NOW);
    // Assess
    expect(customer.fields.address?.parts?.city).toEqual({ source: 'hubspot', at: read });
    expect(late.customer.fields.address?.value).toMatchObject({ line1: '98 Elm St', city: 'Riverton' });
  });
});

describe('a Shopify city set back to what it was two edits before, while the edit between arrives late (found by the chaos run, seed 49)', () => {
  it('takes the city at the time of the state that showed it, once the late edit shows the city changed in between', () => {
    // Prepare: Shopify holds 917 Main St, Springfield (10:00:17); a person's edits at 10:00:21 (Lake Dr, Riverton)
    // and 10:00:26 (Elm St, Springfield again); HubSpot's city edit (Franklin) at 10:00:23.098 comes between them
    const shopify = { system: 'shopify', externalId: '7065055069303700121' };
    const hubspot = { system: 'hubspot', externalId: '179' };
    const address = (line1: string, city: string, postalCode: string) => ({ line1, line2: null, city, region: null, postalCode, country: 'US' });
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:17Z', values: { address: address('917 Main St', 'Springfield', '43929') } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: '2026-01-01T10:00:17.500Z', values: { address: address('917 Main St', 'Springfield', '43929') } }), NOW).customer;
    const franklin = '2026-01-01T10:00:23.098Z';
    customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: franklin, fieldTimes: { address: franklin }, values: { address: { line1: '3636 Lake Dr', city: 'Franklin', postalCode: '54533' } }, linkedOnly: true }), NOW).customer;
    // The 10:00:26 webhook comes first: beside 10:00:17's, its city looks untouched, and Franklin stays
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:26Z', values: { address: address('3664 Elm St', 'Springfield', '55569') } }), NOW).customer;
    expect(customer.fields.address?.value).toMatchObject({ line1: '3664 Elm St', city: 'Franklin' });
    // Act: the 10:00:21 webhook, late (its first delivery failed)
    const late = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:21Z', values: { address: address('3626 Lake Dr', 'Riverton', '54163') } }), NOW);
    // Assess: Springfield was set at 10:00:26, after Franklin
    expect(late.changedFields).toEqual(['address']);
    expect(late.customer.fields.address?.value).toMatchObject({ line1: '3664 Elm St', city: 'Springfield', postalCode: '55569' });
    expect(late.customer.fields.address?.parts?.city).toEqual({ source: 'shopify', at: '2026-01-01T10:00:26Z' });
  });
});

describe('a Shopify address set and then cleared, both seen late (found by the drop phase, seed 12)', () => {
  it('clears the parts HubSpot set before the clear, and keeps those it set after it', () => {
    // Prepare: Shopify holds no address (10:00:24, seen again at 10:00:31); HubSpot's address
    // 113 Elm St, Franklin, 14181 (10:00:30.589), its country US set at 10:00:29.209
    const shopify = { system: 'shopify', externalId: '7065055069303700003' };
    const hubspot = { system: 'hubspot', externalId: '55' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:24Z', values: { address: null } }), NOW).customer;
    const edit = '2026-01-01T10:00:30.589Z';
    customer = applyObservation(
      customer,
      anObservation({
        ...hubspot,
        observedAt: edit,
        fieldTimes: { address: edit },
        partTimes: { line1: edit, city: edit, postalCode: edit, country: '2026-01-01T10:00:29.209Z' },
        values: { address: { line1: '113 Elm St', city: 'Franklin', region: null, postalCode: '14181', country: 'US' } },
      }),
      NOW,
    ).customer;
    customer = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:31Z', values: { address: null } }), NOW).customer;
    // Act: the late webhooks of a person's Shopify address (10:00:29), then of its clear (10:00:30)
    const set = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:29Z', values: { address: { line1: '99 Cedar Ln', line2: null, city: 'Georgetown', region: null, postalCode: '13663', country: 'US' } } }), NOW);
    const cleared = applyObservation(set.customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:30Z', values: { address: null } }), NOW);
    // …and a repeat of the first "holds nothing" dates the clear back no further
    const repeat = applyObservation(cleared.customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:00:25Z', values: { address: null } }), NOW);
    // Assess: the clear (10:00:30) is newer than HubSpot's country, older than its street edit
    expect(cleared.customer.fields.address?.value).toMatchObject({ line1: '113 Elm St', city: 'Franklin', postalCode: '14181', country: null });
    expect(repeat.customer.fields.address?.value).toEqual(cleared.customer.fields.address?.value);
  });
});

describe('a Shopify address set and cleared a second later, seen only after our write over the clear (found by the chaos run, seed 64)', () => {
  it('takes the clear our read showed, timed by that read, once the late "set" shows it was a clear', () => {
    // Prepare: Shopify made Kim with no address (10:00:59); HubSpot's address (10:01:01.507). Sync read
    // Shopify at 10:01:02 (no address: it took that for "never held") and wrote HubSpot's address there
    const shopify = { system: 'shopify', externalId: '7065055069303700000' };
    const hubspot = { system: 'hubspot', externalId: '62' };
    const hubspotAddress = { line1: '161 Main St', city: 'Salem', region: null, postalCode: '15957', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ ...shopify, observedAt: '2026-01-01T10:00:59Z', values: { address: null } }), NOW).customer;
    const edit = '2026-01-01T10:01:01.507Z';
    customer = applyObservation(customer, anObservation({ ...hubspot, observedAt: edit, fieldTimes: { address: edit }, partTimes: { line1: edit, city: edit, postalCode: edit, country: edit }, values: { address: hubspotAddress } }), NOW).customer;
    const golden = customer.fields.address!;
    customer = recordWrite(
      customer,
      { ...shopify, at: '2026-01-01T10:01:05Z', sourceTimes: { address: golden.at }, holds: { address: { ...hubspotAddress, line2: null } }, read: { at: '2026-01-01T10:01:02Z', values: { address: null } } },
      NOW,
    );
    // Act: the late webhook of a person's Shopify address at 10:01:01 (cleared at 10:01:02, which our read showed)
    const late = applyObservation(customer, anObservation({ ...shopify, observedAt: '2026-01-01T10:01:01Z', values: { address: { line1: '134 Oak Ave', line2: null, city: 'Fairview', region: null, postalCode: '14958', country: 'US' } } }), NOW);
    // Assess: the clear (10:01:02) is newer than HubSpot's address (10:01:01.507)
    expect(late.changedFields).toEqual(['address']);
    expect(late.customer.fields.address?.value).toMatchObject({ line1: null, city: null, postalCode: null, country: null });
  });
});

describe('the echo of our write that cleared one HubSpot address part (found by the drop phase, seed 31)', () => {
  it('is nothing new: a newer Shopify country is not undone by it', () => {
    // Prepare: HubSpot 52 holds a US address; Shopify's record has the same address
    const address = { line1: '110 Oak Ave', city: 'Franklin', region: null, postalCode: '14070', country: 'US' };
    const hubAt = '2026-01-01T10:00:42.356Z';
    let customer = applyObservation(
      aCustomer(),
      anObservation({ system: 'hubspot', externalId: '52', observedAt: hubAt, fieldTimes: { address: hubAt }, partTimes: { line1: hubAt, city: hubAt, postalCode: hubAt, country: hubAt, region: hubAt }, values: { email: 'ada@example.com', address } }),
      NOW,
    ).customer;
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:42Z', values: { email: 'ada@example.com', address: { ...address, line2: null } } }), NOW).customer;
    // Shopify's country is cleared (10:00:43), and sync writes that clear to HubSpot (10:00:44.175)
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:43Z', values: { email: 'ada@example.com', address: { ...address, line2: null, country: null } } }), NOW).customer;
    customer = recordWrite(
      customer,
      {
        system: 'hubspot',
        externalId: '52',
        at: '2026-01-01T10:00:44.175Z',
        sourceTimes: { address: customer.fields.address!.at },
        holds: { address: { ...address, country: null } },
        read: { at: hubAt, values: { address }, fieldTimes: { address: hubAt } },
      },
      NOW,
    );
    // A person then sets the country in Shopify again, in the second of our write (10:00:44)
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:44Z', values: { email: 'ada@example.com', address: { ...address, line2: null } } }), NOW).customer;
    // Act: HubSpot's echo of our write, told as the one property it cleared
    const echo = applyObservation(
      customer,
      anObservation({ system: 'hubspot', externalId: '52', linkedOnly: true, observedAt: '2026-01-01T10:00:44.175Z', fieldTimes: { address: '2026-01-01T10:00:44.175Z' }, partTimes: { country: '2026-01-01T10:00:44.175Z' }, values: { address: { country: null } } }),
      NOW,
    );
    // Assess
    expect(echo.changedFields).toEqual([]);
    expect(echo.customer.fields.address?.value).toMatchObject({ country: 'US' });
    expect(echo.customer.fields.address?.parts?.country?.source).toBe('shopify');
  });
});

describe("a person's edit right after our address write, delivered before the write is recorded (found by the drop phase, seed 44)", () => {
  it("keeps the edit on the link: the read after our write timed it, and our write came before it", () => {
    // Prepare: Shopify holds 34 Pine Rd (10:00:18); HubSpot moves Ada to 73 Cedar Ln (10:00:19.038)
    const usAddress = (line1: string, city: string, postalCode: string) => ({ line1, line2: null, city, region: null, postalCode, country: 'US' });
    let customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:18Z', values: { email: 'ada@example.com', address: usAddress('34 Pine Rd', 'Franklin', '11258') } }), NOW).customer;
    const cedar = { line1: '73 Cedar Ln', city: 'Georgetown', region: null, postalCode: '12701', country: 'US' };
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '57', observedAt: '2026-01-01T10:00:19.038Z', fieldTimes: { address: '2026-01-01T10:00:19.038Z' }, values: { email: 'ada@example.com', address: cedar } }), NOW).customer;
    const sourceTime = customer.fields.address!.at;
    // Sync writes 73 Cedar Ln to Shopify; a person clears the address right after (10:00:21), and
    // that webhook is resolved before sync records its write (its read after the write waited out a 503)
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:21Z', values: { email: 'ada@example.com', address: null } }), NOW).customer;
    customer = recordWrite(
      customer,
      {
        system: 'shopify',
        externalId: '7065055069303700001',
        at: '2026-01-01T10:00:21Z', // the clock of the read after our write: the clear's
        changedSince: ['address'],
        sourceTimes: { address: sourceTime },
        holds: { address: { ...cedar, line2: null } },
        read: { at: '2026-01-01T10:00:18Z', values: { address: usAddress('34 Pine Rd', 'Franklin', '11258') } },
      },
      NOW,
    );
    // Act: the person then types a new address, country included (10:00:22)
    const next = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:22Z', values: { email: 'ada@example.com', address: usAddress('109 Cedar Ln', 'Salem', '14033') } }), NOW);
    // Assess
    expect(customer.links.find((l) => l.system === 'shopify')!.held.address?.value).toBeNull();
    expect(next.customer.fields.address?.value).toMatchObject({ line1: '109 Cedar Ln', city: 'Salem', postalCode: '14033', country: 'US' });
  });
});

describe('a HubSpot address set and cleared before we saw it, found cleared by a read (found by the drop phase, seed 68)', () => {
  const elm = { line1: '80 Elm St', line2: null, city: 'Fairview', region: null, postalCode: '12960', country: 'US' };
  const linkedHubspot = () => {
    // Shopify holds 80 Elm St (10:00:19); omnihub created HubSpot 58 without an address (10:00:19.556)
    const customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:19Z', values: { email: 'ada@example.com', address: elm } }), NOW).customer;
    return recordWrite(customer, { system: 'hubspot', externalId: '58', at: '2026-01-01T10:00:19.556Z', sourceTimes: {}, holds: { email: 'ada@example.com' } }, '2026-01-01T10:00:19.600Z');
  };

  it('is a clear at the time its history gives, newer than the Shopify address', () => {
    // Act: a person typed an address in HubSpot (10:00:19.876) and cleared it (10:00:19.897); both webhooks were dropped
    const read = applyObservation(
      linkedHubspot(),
      anObservation({
        system: 'hubspot',
        externalId: '58',
        observedAt: '2026-01-01T10:00:20.036Z',
        fieldTimes: { email: '2026-01-01T10:00:19.556Z', address: '2026-01-01T10:00:19.897Z' },
        values: { email: 'ada@example.com', address: null },
      }),
      NOW,
    );
    // Assess
    expect(read.changedFields).toEqual(['address']);
    expect(read.customer.fields.address).toMatchObject({ value: null, source: 'hubspot', at: '2026-01-01T10:00:19.897Z' });
  });

  it('is no clear when the address was never set (timed by the contact’s creation, before we linked it)', () => {
    // Act
    const read = applyObservation(
      linkedHubspot(),
      anObservation({
        system: 'hubspot',
        externalId: '58',
        observedAt: '2026-01-01T10:00:20.036Z',
        fieldTimes: { email: '2026-01-01T10:00:19.556Z', address: '2026-01-01T10:00:19.556Z' },
        values: { email: 'ada@example.com', address: null },
      }),
      NOW,
    );
    // Assess
    expect(read.changedFields).toEqual([]);
    expect(read.customer.fields.address?.value).toMatchObject({ line1: '80 Elm St' });
  });
});

describe('a record that sets a field to the value the golden record holds from another system (found by the chaos run, seed 20258)', () => {
  it('restates it at its newer time: an older edit of that field, delivered late, does not undo it', () => {
    // Prepare: both hold 249 Elm St, Springfield (Shopify, 10:00:22); HubSpot moves to 398 Cedar Ln, Franklin (10:00:33.122)
    const elm = { line1: '249 Elm St', line2: null, city: 'Springfield', region: null, postalCode: '19213', country: 'US' };
    let customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:22Z', values: { email: 'ada@example.com', address: elm } }), NOW).customer;
    const cedarAt = '2026-01-01T10:00:33.122Z';
    const cedar = { line1: '398 Cedar Ln', city: 'Franklin', region: null, postalCode: '24726', country: 'US' };
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '90', observedAt: cedarAt, fieldTimes: { address: cedarAt }, partTimes: { line1: cedarAt, city: cedarAt, postalCode: cedarAt }, values: { email: 'ada@example.com', address: cedar } }), NOW).customer;
    // A person types 425 Lake Dr, Franklin in Shopify (10:00:34): the city is the one HubSpot holds
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:34Z', values: { email: 'ada@example.com', address: { ...elm, line1: '425 Lake Dr', city: 'Franklin', postalCode: '25725' } } }), NOW).customer;
    // Act: the HubSpot clear made at 10:00:33.184 arrives late
    const clearAt = '2026-01-01T10:00:33.184Z';
    const cleared = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '90', observedAt: clearAt, fieldTimes: { address: clearAt }, partTimes: { line1: clearAt, city: clearAt, region: clearAt, postalCode: clearAt, country: clearAt }, values: { email: 'ada@example.com', address: null } }), NOW);
    // Assess: Shopify's street, city and zip (10:00:34) stay; the country Shopify left alone since 10:00:22 is cleared
    expect(cleared.customer.fields.address?.value).toMatchObject({ line1: '425 Lake Dr', city: 'Franklin', postalCode: '25725', country: null });
    expect(cleared.customer.fields.address?.parts?.city).toEqual({ source: 'shopify', at: '2026-01-01T10:00:34Z' });
  });

  it('the same for a whole field: a first name restated later keeps its later time', () => {
    // Prepare: HubSpot sets Kai (10:00:10); Shopify sets Kai too (10:00:20)
    let customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:05Z', values: { email: 'ada@example.com', firstName: 'Ada' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '90', observedAt: '2026-01-01T10:00:10Z', values: { email: 'ada@example.com', firstName: 'Kai' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:20Z', values: { email: 'ada@example.com', firstName: 'Kai' } }), NOW).customer;
    // Act: a HubSpot edit made at 10:00:15 arrives late
    const late = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '90', observedAt: '2026-01-01T10:00:15Z', fieldTimes: { firstName: '2026-01-01T10:00:15Z' }, linkedOnly: true, values: { firstName: 'Bo' } }), NOW);
    // Assess
    expect(late.customer.fields.firstName).toEqual({ value: 'Kai', source: 'shopify', at: '2026-01-01T10:00:20Z' });
  });
});

describe("the late echo of a write of ours that the record was seen holding after it landed (found by the chaos run, seed 67)", () => {
  it('is that write\'s echo, not an edit our write raced: the value we wrote back after it stays', () => {
    // Prepare: Shopify holds Moreau (10:00:07); HubSpot says Lindqvist (10:00:09.635); a person types Lind in Shopify (10:00:10)
    const shop = { system: 'shopify', externalId: '7065055069303700001' };
    let customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:07Z', values: { email: 'ada@example.com', lastName: 'Moreau' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'hubspot', externalId: '91', observedAt: '2026-01-01T10:00:09.635Z', values: { email: 'ada@example.com', lastName: 'Lindqvist' } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:10Z', values: { email: 'ada@example.com', lastName: 'Lind' } }), NOW).customer;
    // A sync planned before that edit writes Lindqvist over it (landing at 10:00:12)
    customer = recordWrite(customer, { ...shop, at: '2026-01-01T10:00:12Z', sourceTimes: { lastName: '2026-01-01T10:00:09.635Z' }, holds: { lastName: 'Lindqvist' }, read: { at: '2026-01-01T10:00:07Z', values: { lastName: 'Moreau' } } }, NOW);
    // The record is seen at 10:00:13 still holding our Lindqvist (another field's edit), and sync writes Lind back (10:00:13)
    customer = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:13Z', values: { email: 'ada@example.com', firstName: 'Lena', lastName: 'Lindqvist' } }), NOW).customer;
    customer = recordWrite(customer, { ...shop, at: '2026-01-01T10:00:13Z', sourceTimes: { lastName: '2026-01-01T10:00:10Z' }, holds: { lastName: 'Lind' }, read: { at: '2026-01-01T10:00:13Z', values: { lastName: 'Lindqvist' } } }, NOW);
    // Act: the webhook of our first write (10:00:12) arrives late
    const echo = applyObservation(customer, anObservation({ observedAt: '2026-01-01T10:00:12Z', values: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lindqvist' } }), NOW);
    // Assess
    expect(echo.changedFields).not.toContain('lastName');
    expect(echo.customer.fields.lastName).toMatchObject({ value: 'Lind', source: 'shopify', at: '2026-01-01T10:00:10Z' });
  });
});

describe("what sync's read of HubSpot showed, part by part, when a Shopify address is dated back (found by the chaos run, seed 71)", () => {
  it('each part of that read competes with its own property time: the city it showed unchanged is not as new as the street changed beside it', () => {
    // The observation sequence of p1310 (times in the second 14:49): Shopify's Cedar|Salem (:33) went to
    // HubSpot; HubSpot's Elm|Franklin (35.200) went to Shopify, written at :41; a person's Lake|Salem was
    // stamped :41 too (after our write, but nothing orders the two), so it was taken as an edit our write raced.
    const shop = { system: 'shopify', externalId: '7065055069303700171' };
    const hub = { system: 'hubspot', externalId: '233' };
    const at = (second: string) => `2026-12-02T14:49:${second}`;
    const inShopify = (line1: string, city: string, postalCode: string) => ({ line1, line2: null, city, region: null, postalCode, country: 'US' });
    const inHubspot = (line1: string, city: string, postalCode: string) => ({ line1, city, region: null, postalCode, country: 'US' });
    const parts = (line1: string, city: string, postalCode: string) => ({ line1: at(line1), city: at(city), postalCode: at(postalCode), country: at('10.166Z') });
    const hubEvent = (second: string, address: Record<string, string>) => anObservation({ ...hub, observedAt: at(second), fieldTimes: { address: at(second) }, values: { address }, linkedOnly: true });
    const shopLink = (customer: Customer) => customer.links.find((link) => link.system === 'shopify')!;
    const start = inHubspot('4722 Oak Ave', 'Springfield', '94715');
    let customer = applyObservation(aCustomer(), anObservation({ ...hub, observedAt: at('10.166Z'), fieldTimes: { address: at('10.166Z') }, partTimes: parts('10.166Z', '10.166Z', '10.166Z'), values: { address: start } }), NOW).customer;
    customer = recordWrite(customer, { ...shop, at: at('12Z'), sourceTimes: { address: at('10.166Z') }, holds: { address: inShopify('4722 Oak Ave', 'Springfield', '94715') } }, NOW);
    customer = applyObservation(customer, anObservation({ ...shop, observedAt: at('33Z'), values: { address: inShopify('5041 Cedar Ln', 'Salem', '16519') } }), NOW).customer;
    customer = recordWrite(customer, { ...hub, at: at('34.151Z'), read: { at: at('10.166Z'), values: { address: start }, fieldTimes: { address: at('10.166Z') } }, sourceTimes: { address: at('33Z') }, holds: { address: inHubspot('5041 Cedar Ln', 'Salem', '16519') } }, NOW);
    customer = applyObservation(customer, hubEvent('35.200Z', { line1: '5078 Elm St', city: 'Franklin', postalCode: '17888' }), NOW).customer;
    customer = recordWrite(customer, { ...shop, at: at('41Z'), read: { at: at('33Z'), values: { address: inShopify('5041 Cedar Ln', 'Salem', '16519') } }, sourceTimes: { address: at('35.200Z') }, holds: { address: inShopify('5078 Elm St', 'Franklin', '17888') } }, NOW);
    customer = applyObservation(customer, anObservation({ ...shop, observedAt: at('41Z'), values: { address: inShopify('5078 Elm St', 'Franklin', '17888') } }), NOW).customer;
    shopLink(customer).version = 5;
    const person = applyObservation(customer, anObservation({ ...shop, observedAt: at('41Z'), values: { address: inShopify('5146 Lake Dr', 'Salem', '20404') } }), NOW);
    expect(person.recheck).toEqual(['address']);
    customer = person.customer;
    // Sync wrote what that judgement left to HubSpot (street and zip; HubSpot's Franklin stayed, its property untouched)
    customer = recordWrite(
      customer,
      { ...hub, at: at('41.789Z'), read: { at: at('35.200Z'), values: { address: inHubspot('5078 Elm St', 'Franklin', '17888') }, fieldTimes: { address: at('35.200Z') }, partTimes: parts('35.200Z', '35.200Z', '35.200Z') }, sourceTimes: { address: customer.fields.address!.at }, holds: { address: inHubspot('5146 Lake Dr', 'Franklin', '20404') } },
      NOW,
    );
    customer = applyObservation(customer, hubEvent('41.789Z', { line1: '5146 Lake Dr', postalCode: '20404' }), NOW).customer;
    // A HubSpot user changes the street and the zip (43.392); a Shopify phone edit (:45) shows Lake|Salem, at :45
    customer = applyObservation(customer, hubEvent('43.392Z', { line1: '5183 Oak Ave', postalCode: '21773' }), NOW).customer;
    shopLink(customer).version = 6;
    customer = applyObservation(customer, anObservation({ ...shop, observedAt: at('45Z'), values: { phone: '+12123432279', address: inShopify('5146 Lake Dr', 'Salem', '20404') } }), NOW).customer;
    // …and sync copies it over HubSpot's edit: its read showed Oak Ave|Franklin|21773, the city set at 35.200
    customer = recordWrite(
      customer,
      { ...hub, at: at('45.601Z'), read: { at: at('43.392Z'), values: { address: inHubspot('5183 Oak Ave', 'Franklin', '21773') }, fieldTimes: { address: at('43.392Z') }, partTimes: parts('43.392Z', '35.200Z', '43.392Z') }, sourceTimes: { address: customer.fields.address!.at }, holds: { address: inHubspot('5146 Lake Dr', 'Salem', '20404') } },
      NOW,
    );
    customer = applyObservation(customer, hubEvent('45.601Z', { line1: '5146 Lake Dr', city: 'Salem', postalCode: '20404' }), NOW).customer;
    // Act: sync-shopify's read of :41, planned before the :45 webhook moved the link on, reaches the resolver
    const late = applyObservation(customer, anObservation({ ...shop, observedAt: at('41Z'), values: { address: inShopify('5146 Lake Dr', 'Salem', '20404') }, readBack: { linkVersion: 5 } }), NOW);
    // Assess: Lake|Salem is from :41; HubSpot's street and zip (43.392) win, its city (35.200) does not
    expect(late.customer.fields.address?.value).toMatchObject({ line1: '5183 Oak Ave', city: 'Salem', postalCode: '21773' });
    expect(late.customer.fields.address?.parts?.city).toMatchObject({ source: 'shopify', at: at('41Z') });
    expect(planSync(late.customer, 'hubspot', ['address'])).toMatchObject({ action: 'update', values: { address: { line1: '5183 Oak Ave', city: 'Salem', postalCode: '21773' } } });
  });
});

describe('consent evidence: which system, when, how (docs/identity.md §10)', () => {
  it('keeps how the winning statement says the choice was made, and drops it when a system restates the choice without saying how', () => {
    // Prepare: she replied STOP (Twilio says how); later Klaviyo's record shows the same choice, saying no method.
    const stop = anObservation({ system: 'twilio', externalId: '+12125550101', observedAt: '2026-01-01T10:00:00Z', values: { phone: '+12125550101', smsConsent: 'unsubscribed' }, consentHow: { smsConsent: 'replied with an opt-out keyword (STOP) by SMS' } });
    const customer = applyObservation(aCustomer(), stop, NOW).customer;
    const older = anObservation({ system: 'klaviyo', externalId: '01KLAVIYO', observedAt: '2026-01-01T09:00:00Z', values: { phone: '+12125550101', smsConsent: 'subscribed' }, consentHow: { smsConsent: 'Klaviyo consent method FORM' } });
    const restated = anObservation({ system: 'shopify', externalId: '7065', observedAt: '2026-01-01T11:00:00Z', values: { phone: '+12125550101', smsConsent: 'unsubscribed' } });

    // Act
    const afterOlder = applyObservation(customer, older, NOW).customer;
    const afterRestated = applyObservation(afterOlder, restated, NOW).customer;

    // Assess
    expect(customer.fields.smsConsent).toEqual({ value: 'unsubscribed', source: 'twilio', at: '2026-01-01T10:00:00Z', how: 'replied with an opt-out keyword (STOP) by SMS' });
    expect(afterOlder.fields.smsConsent).toEqual(customer.fields.smsConsent);
    expect(afterRestated.fields.smsConsent).toEqual({ value: 'unsubscribed', source: 'shopify', at: '2026-01-01T11:00:00Z' });
  });
});

describe('consent: a default never undoes a choice (docs/identity.md §10)', () => {
  const subscribedInShopify = () =>
    applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', emailConsent: 'subscribed', smsConsent: 'unsubscribed' } }), NOW).customer;

  it('keeps an explicit choice when a newer record says "not subscribed" or holds no consent', () => {
    // Prepare
    const customer = subscribedInShopify();
    const later = anObservation({ system: 'klaviyo', externalId: '01KLAVIYO', observedAt: '2026-01-01T12:00:00Z', values: { email: 'ada@example.com', emailConsent: 'not_subscribed', smsConsent: null } });

    // Act
    const result = applyObservation(customer, later, NOW);

    // Assess
    expect(result.changedFields).not.toContain('emailConsent');
    expect(result.changedFields).not.toContain('smsConsent');
    expect(result.customer.fields.emailConsent).toEqual({ value: 'subscribed', source: 'shopify', at: '2026-01-01T10:00:00Z' });
    expect(result.customer.fields.smsConsent).toEqual({ value: 'unsubscribed', source: 'shopify', at: '2026-01-01T10:00:00Z' });
  });

  it('lets a newer explicit choice win, from any system, and a default fill a field no choice was made in', () => {
    // Prepare
    const customer = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', smsConsent: 'not_subscribed' } }), NOW).customer;
    const unsubscribed = anObservation({ system: 'klaviyo', externalId: '01KLAVIYO', observedAt: '2026-01-01T11:00:00Z', values: { email: 'ada@example.com', emailConsent: 'unsubscribed', smsConsent: 'subscribed' } });

    // Act
    const result = applyObservation(customer, unsubscribed, NOW);

    // Assess
    expect(result.customer.fields.emailConsent).toEqual({ value: 'unsubscribed', source: 'klaviyo', at: '2026-01-01T11:00:00Z' });
    expect(result.customer.fields.smsConsent).toEqual({ value: 'subscribed', source: 'klaviyo', at: '2026-01-01T11:00:00Z' });
    expect(customer.fields.smsConsent).toEqual({ value: 'not_subscribed', source: 'shopify', at: '2026-01-01T10:00:00Z' });
  });
});

describe('a consent write timed by the consent\'s own clock (docs/identity.md §10)', () => {
  // Ada subscribed in Shopify at 10:00; omnihub made her Klaviyo profile (updated 12:00:00) and
  // subscribed her there, a job Klaviyo applied at 12:00:03 (the channel's last_updated). She
  // then unsubscribed in Shopify at 12:05; sync read her profile and sent the unsubscribe job,
  // which Klaviyo accepted at 12:06:10 (the answer's Date) and has not applied yet.
  const KLAVIYO = { system: 'klaviyo', externalId: '01KLAVIYOPROFILE' };
  const readBeforeWrite = anObservation({ ...KLAVIYO, observedAt: '2026-01-01T12:00:00Z', fieldTimes: { emailConsent: '2026-01-01T12:00:03Z' }, values: { email: 'ada@example.com', emailConsent: 'subscribed' } });
  const unsubscribedInShopify = () => {
    const subscribed = applyObservation(aCustomer(), anObservation({ observedAt: '2026-01-01T10:00:00Z', values: { email: 'ada@example.com', emailConsent: 'subscribed' } }), NOW).customer;
    const made = recordWrite(subscribed, { ...KLAVIYO, at: '2026-01-01T12:00:00Z', sourceTimes: { email: '2026-01-01T10:00:00Z', emailConsent: '2026-01-01T10:00:00Z' }, holds: { email: 'ada@example.com', emailConsent: 'subscribed' } }, NOW);
    return applyObservation(made, anObservation({ observedAt: '2026-01-01T12:05:00Z', values: { email: 'ada@example.com', emailConsent: 'unsubscribed' } }), NOW).customer;
  };
  const writeUnsubscribe = (customer: Customer) =>
    recordWrite(
      customer,
      {
        ...KLAVIYO,
        at: '2026-01-01T12:00:00Z',
        fieldTimes: { emailConsent: '2026-01-01T12:06:10Z' },
        sourceTimes: { emailConsent: '2026-01-01T12:05:00Z' },
        holds: { emailConsent: 'unsubscribed' },
        read: { at: readBeforeWrite.observedAt, values: readBeforeWrite.values, fieldTimes: readBeforeWrite.fieldTimes! },
      },
      NOW,
    );

  it('records the write though sync\'s read, merged first, showed the old consent at a time after the profile\'s updated', () => {
    // Prepare: the resolver merged sync's read before the write was recorded
    const customer = applyObservation(unsubscribedInShopify(), { ...readBeforeWrite, readBack: { linkVersion: 0 } }, NOW).customer;

    // Act
    const written = writeUnsubscribe(customer);

    // Assess
    expect(written.links.find((link) => link.system === 'klaviyo')?.held.emailConsent).toMatchObject({ value: 'unsubscribed', seenAt: '2026-01-01T12:06:10Z' });
    expect(planSync(written, 'klaviyo', ['email', 'emailConsent'])).toEqual({ action: 'skip', reason: 'target already holds these values' });
  });

  it('takes sync\'s read arriving after the write, and a poll before the job is applied, as late states: nothing to write again', () => {
    // Prepare
    const written = writeUnsubscribe(unsubscribedInShopify());

    // Act
    const lateRead = applyObservation(written, { ...readBeforeWrite, readBack: { linkVersion: 0 } }, NOW);
    const poll = applyObservation(lateRead.customer, readBeforeWrite, NOW);

    // Assess
    for (const result of [lateRead, poll]) {
      expect(result.recheck).toEqual([]);
      expect(result.changedFields).toEqual([]);
      expect(planSync(result.customer, 'klaviyo', ['email', 'emailConsent'])).toEqual({ action: 'skip', reason: 'target already holds these values' });
    }
    expect(poll.customer.fields.emailConsent).toMatchObject({ value: 'unsubscribed', source: 'shopify' });
  });
});

describe('a copy of ours that cleared an address, read back as "no address" (docs/identity.md §2, §5)', () => {
  it('is dated back to the source time we copied, so it never restates the clear as a newer edit of that system', () => {
    // Prepare: Square cleared the address at 10:00:18 (golden: null, square); a sync of ours
    // wrote that clear to Klaviyo (every part null) and died before recording it. Klaviyo
    // holds our 72 Main St from before, and times the cleared profile 10:00:19.
    const klaviyo = { system: 'klaviyo', externalId: '01KLAVIYOPROFILE' };
    const street = { line1: '72 Main St', line2: null, city: 'Franklin', region: null, postalCode: '12664', country: 'US' };
    const cleared = { line1: null, line2: null, city: null, region: null, postalCode: null, country: null };
    let customer = applyObservation(aCustomer(), anObservation({ system: 'square', externalId: 'SQ1', observedAt: '2026-01-01T10:00:17Z', values: { address: street } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ ...klaviyo, observedAt: '2026-01-01T10:00:17Z', values: { address: street } }), NOW).customer;
    customer = applyObservation(customer, anObservation({ system: 'square', externalId: 'SQ1', observedAt: '2026-01-01T10:00:18Z', values: { address: null } }), NOW).customer;
    customer.pendingWrites = [{ ...klaviyo, startedAt: '2026-01-01T10:00:19.551Z', values: { address: cleared }, sourceTimes: { address: '2026-01-01T10:00:18Z' } }];

    // Act: Klaviyo's poll reads the profile (an empty location maps to no address)
    const result = applyObservation(customer, anObservation({ ...klaviyo, observedAt: '2026-01-01T10:00:19Z', values: { address: null } }), NOW);

    // Assess: still Square's clear at 10:00:18; a Square edit of that second can still win it back
    expect(result.customer.fields.address).toMatchObject({ source: 'square', at: '2026-01-01T10:00:18Z' });
    const squareAgain = applyObservation(result.customer, { ...anObservation({ system: 'square', externalId: 'SQ1', observedAt: '2026-01-01T10:00:18Z', values: { address: street } }), readBack: { linkVersion: result.customer.links.find((link) => link.system === 'square')!.version } }, NOW);
    expect(squareAgain.customer.fields.address?.value).toMatchObject({ line1: '72 Main St' });
  });
});
