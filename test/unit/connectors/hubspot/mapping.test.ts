import { readFileSync } from 'node:fs';
import { compact } from '../../../../core/model/compact';
import { describe, expect, it } from 'vitest';
import type { PartialFieldValues } from '../../../../core/model/customer';
import { toCanonicalValues, toHubspotProperties, toObservation } from '../../../../connectors/hubspot/mapping';
import { HubspotContactSchema } from '../../../../connectors/hubspot/schemas';

const context = { defaultCountry: 'US' as const };

function loadContact() {
  const json: unknown = JSON.parse(readFileSync(new URL('../../../fixtures/hubspot/contact.json', import.meta.url), 'utf8'));
  return HubspotContactSchema.parse(json);
}

describe('toObservation', () => {
  it('maps a HubSpot contact to canonical values timed by its lastmodifieddate', () => {
    // Prepare
    const contact = loadContact();

    // Act
    const observation = toObservation(contact, context);

    // Assess
    expect(observation).toEqual({
      system: 'hubspot',
      externalId: '51',
      observedAt: '2024-02-01T08:00:00.123Z',
      values: {
        email: 'ada.lovelace@example.com',
        phone: '+12125550101',
        firstName: 'Ada',
        lastName: 'Lovelace',
        address: { line1: "12 St James's Square", city: 'London', region: null, postalCode: null, country: 'GB' },
        emailConsent: 'unsubscribed',
      },
    });
  });
});

describe('toCanonicalValues', () => {
  it('treats null and empty-string properties alike as holding nothing', () => {
    // Prepare
    const properties = { email: '', phone: null, firstname: '', lastname: null, address: '', city: null, state: '', zip: null, country: '' };

    // Act
    const values = toCanonicalValues(properties, context);

    // Assess
    expect(values).toEqual({ email: null, phone: null, firstName: null, lastName: null, address: null });
  });

  it('leaves out properties the response did not carry', () => {
    // Prepare
    const properties = { firstname: 'Grace' };

    // Act
    const values = toCanonicalValues(properties, context);

    // Assess
    expect(values).toEqual({ firstName: 'Grace' });
  });

  it('reads national phone numbers in the default country and leaves unparseable ones out', () => {
    // Prepare
    const national = { phone: '212.555.0105' };
    const british = { phone: '020 7946 0958' };
    const garbage = { phone: 'call me maybe' };

    // Act
    const values = [
      toCanonicalValues(national, context),
      toCanonicalValues(british, { defaultCountry: 'GB' }),
      toCanonicalValues(garbage, context),
    ];

    // Assess
    expect(values).toEqual([{ phone: '+12125550105' }, { phone: '+442079460958' }, {}]);
  });

  it('normalizes the email case and leaves a non-email out', () => {
    // Prepare
    const shouting = { email: 'GRACE@EXAMPLE.ORG' };
    const notAnEmail = { email: 'grace at example' };

    // Act
    const values = [toCanonicalValues(shouting, context), toCanonicalValues(notAnEmail, context)];

    // Assess
    expect(values).toEqual([{ email: 'grace@example.org' }, {}]);
  });

  it('reads an email opt-out as unsubscribed and says nothing about consent otherwise', () => {
    // Prepare
    const optedOut = { hs_email_optout: 'true' };
    const notOptedOut = { hs_email_optout: 'false' };

    // Act
    const values = [toCanonicalValues(optedOut, context), toCanonicalValues(notOptedOut, context)];

    // Assess
    expect(values).toEqual([{ emailConsent: 'unsubscribed' }, {}]);
  });
});

describe('toHubspotProperties', () => {
  it('writes the writable fields only, never consent or tags', () => {
    // Prepare
    const values: PartialFieldValues = {
      email: 'ada.lovelace@example.com',
      firstName: 'Ada',
      emailConsent: 'subscribed',
      smsConsent: 'unsubscribed',
      tags: ['vip'],
    };

    // Act
    const properties = toHubspotProperties(values);

    // Assess
    expect(properties).toEqual({ email: 'ada.lovelace@example.com', firstname: 'Ada' });
  });

  it('clears a field set to null with an empty string', () => {
    // Prepare
    const values: PartialFieldValues = { phone: null, address: null };

    // Act
    const properties = toHubspotProperties(values);

    // Assess
    expect(properties).toEqual({ phone: '', address: '', city: '', state: '', zip: '', country: '' });
  });

  it('round-trips every writable field through HubSpot properties', () => {
    // Prepare
    const values: PartialFieldValues = {
      email: 'mary.jackson@example.com',
      phone: '+12125550105',
      firstName: 'Mary',
      lastName: 'Jackson',
      address: { line1: '1 Langley Blvd', city: 'Hampton', region: 'VA', postalCode: '23681', country: 'US' },
    };

    // Act
    const back = toCanonicalValues(toHubspotProperties(values), context);

    // Assess
    expect(back).toEqual(values);
  });

  it('round-trips cleared fields and a partial address', () => {
    // Prepare
    const values: PartialFieldValues = { email: null, phone: null, firstName: null, lastName: 'Hopper', address: { city: 'Arlington' } };

    // Act
    const back = toCanonicalValues(toHubspotProperties(values), context);

    // Assess: every part HubSpot holds comes back, null where empty; it has no line2 to report
    expect(back).toEqual({ ...values, address: { line1: null, city: 'Arlington', region: null, postalCode: null, country: null } });
  });
});

describe('compact', () => {
  it('drops undefined entries and keeps null ones', () => {
    // Prepare
    const value = { a: undefined, b: null, c: 0, d: '' };

    // Act
    const result = compact(value);

    // Assess
    expect(Object.keys(result)).toEqual(['b', 'c', 'd']);
  });
});
