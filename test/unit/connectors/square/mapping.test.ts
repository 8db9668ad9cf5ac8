import { describe, expect, it } from 'vitest';
import type { MappingContext } from '../../../../connectors/connector';
import { customerFromWire, fromSquareCustomer, toObservation, toSquareCreate, toSquareUpdate } from '../../../../connectors/square/mapping';
import type { SquareCustomer } from '../../../../connectors/square/schemas';

const mapping: MappingContext = { defaultCountry: 'US' };

function aSquareCustomer(overrides: Partial<SquareCustomer> = {}): SquareCustomer {
  return {
    id: 'JDKYHBWT1D4F8MFH63DBMEN8Y4',
    createdAt: '2024-01-19T00:27:54.59Z',
    updatedAt: '2024-01-19T00:38:06Z',
    givenName: 'Amelia',
    familyName: 'Earhart',
    emailAddress: 'Amelia.Earhart@Example.com',
    phoneNumber: '+1-212-555-4240',
    address: { addressLine1: '500 Electric Ave', addressLine2: 'Suite 600', locality: 'New York', administrativeDistrictLevel1: 'ny', postalCode: '10003', country: 'us' },
    preferences: { emailUnsubscribed: false },
    version: 3n,
    ...overrides,
  };
}

describe('fromSquareCustomer', () => {
  it('normalizes the email, writes the phone in E.164 and upper-cases region and country codes', () => {
    // Prepare
    const customer = aSquareCustomer();

    // Act
    const values = fromSquareCustomer(customer, mapping);

    // Assess
    expect(values).toEqual({
      email: 'amelia.earhart@example.com',
      phone: '+12125554240',
      firstName: 'Amelia',
      lastName: 'Earhart',
      address: { line1: '500 Electric Ave', line2: 'Suite 600', city: 'New York', region: 'NY', postalCode: '10003', country: 'US' },
    });
  });

  it('reads a field Square left out as "holds nothing": a Square customer object is the whole record', () => {
    // Prepare: a walk-in known only by the phone the counter asked for.
    const customer: SquareCustomer = { id: 'WALKIN0000000000000000000A', updatedAt: '2024-01-19T00:38:06Z', phoneNumber: '(212) 555-0199' };

    // Act
    const values = fromSquareCustomer(customer, mapping);

    // Assess
    expect(values).toEqual({ email: null, phone: '+12125550199', firstName: null, lastName: null, address: null });
  });

  it('reads a national number in the seller\'s country', () => {
    // Prepare
    const customer = aSquareCustomer({ phoneNumber: '020 7946 0958' });

    // Act
    const values = fromSquareCustomer(customer, { defaultCountry: 'GB' });

    // Assess
    expect(values.phone).toBe('+442079460958');
  });

  it('takes email_unsubscribed true as an opt-out, and false as nothing said (it is no subscription)', () => {
    // Prepare
    const optedOut = aSquareCustomer({ preferences: { emailUnsubscribed: true } });
    const notOptedOut = aSquareCustomer({ preferences: { emailUnsubscribed: false } });

    // Act
    const values = [fromSquareCustomer(optedOut, mapping), fromSquareCustomer(notOptedOut, mapping)];

    // Assess
    expect(values[0]?.emailConsent).toBe('unsubscribed');
    expect(values[1]).not.toHaveProperty('emailConsent');
  });

  it('keeps a region that is a name as Square holds it and reads Square\'s unknown country ZZ as no country', () => {
    // Prepare
    const customer = aSquareCustomer({ address: { locality: 'Springfield', administrativeDistrictLevel1: 'Massachusetts', country: 'ZZ' } });

    // Act
    const values = fromSquareCustomer(customer, mapping);

    // Assess
    expect(values.address).toEqual({ line1: null, line2: null, city: 'Springfield', region: 'Massachusetts', postalCode: null, country: null });
  });
});

describe('toObservation', () => {
  it('times every field by updated_at and names values it cannot normalize without keeping them', () => {
    // Prepare
    const customer = aSquareCustomer({ emailAddress: 'not-an-email', phoneNumber: '555' });

    // Act
    const observation = toObservation(customer, mapping);

    // Assess
    expect(observation.observedAt).toBe('2024-01-19T00:38:06Z');
    expect(observation.unusable).toEqual(['email', 'phone']);
    expect(observation.values).not.toHaveProperty('email');
    expect(observation.values).not.toHaveProperty('phone');
    expect(JSON.stringify(observation)).not.toContain('not-an-email');
  });

  it('reads the webhook\'s snake_case customer the same as the SDK\'s camelCase one', () => {
    // Prepare
    const wire = {
      id: 'JDKYHBWT1D4F8MFH63DBMEN8Y4',
      updated_at: '2024-01-19T00:38:06Z',
      given_name: 'Amelia',
      family_name: 'Earhart',
      email_address: 'Amelia.Earhart@Example.com',
      phone_number: '+1-212-555-4240',
      address: { address_line_1: '500 Electric Ave', address_line_2: 'Suite 600', locality: 'New York', administrative_district_level_1: 'ny', postal_code: '10003', country: 'us' },
      preferences: { email_unsubscribed: false },
      version: 3,
    };

    // Act
    const fromWire = toObservation(customerFromWire(wire), mapping);

    // Assess
    expect(fromWire).toEqual(toObservation(aSquareCustomer({ createdAt: undefined }), mapping));
  });
});

describe('toSquareUpdate', () => {
  it('sets the given fields and sends null for the cleared ones (which Square clears with X-Clear-Null)', () => {
    // Prepare
    const values = { firstName: 'Amy', phone: null, email: 'amy@example.com' };

    // Act
    const fields = toSquareUpdate(values);

    // Assess
    expect(fields).toEqual({ givenName: 'Amy', emailAddress: 'amy@example.com', phoneNumber: null });
  });

  it('writes an address part by part, leaving out parts the source cannot hold and clearing the empty ones', () => {
    // Prepare: a HubSpot address has no second street line (absent), and no country (null).
    const values = { address: { line1: '1 Main St', city: 'Hampton', region: 'VA', postalCode: null, country: null } };

    // Act
    const fields = toSquareUpdate(values);

    // Assess
    expect(fields.address).toEqual({ addressLine1: '1 Main St', locality: 'Hampton', administrativeDistrictLevel1: 'VA', postalCode: null, country: null });
  });

  it('clears every mapped part when the customer has no address any more', () => {
    // Prepare
    const values = { address: null };

    // Act
    const fields = toSquareUpdate(values);

    // Assess
    expect(fields.address).toEqual({ addressLine1: null, addressLine2: null, locality: null, administrativeDistrictLevel1: null, postalCode: null, country: null });
  });

  it('leaves out a country that is not an ISO code, which Square\'s Country enum would refuse', () => {
    // Prepare
    const values = { address: { line1: '1 Main St', country: 'United States' } };

    // Act
    const fields = toSquareUpdate(values);

    // Assess
    expect(fields.address).toEqual({ addressLine1: '1 Main St' });
  });

  it('lists only the fields it writes: consent and tags are not Square customer fields', () => {
    // Prepare
    const values = { emailConsent: 'subscribed' as const, smsConsent: 'subscribed' as const, tags: ['vip'] };

    // Act
    const fields = toSquareUpdate(values);

    // Assess
    expect(fields).toEqual({});
  });
});

describe('toSquareCreate', () => {
  it('drops what would only clear, since a new customer holds nothing yet', () => {
    // Prepare
    const values = { firstName: 'Grace', lastName: null, email: 'grace@example.org', address: { line1: null, city: 'Arlington', country: 'us' } };

    // Act
    const fields = toSquareCreate(values);

    // Assess
    expect(fields).toEqual({ givenName: 'Grace', emailAddress: 'grace@example.org', address: { locality: 'Arlington', country: 'US' } });
  });
});
