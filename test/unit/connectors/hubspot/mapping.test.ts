import { readFileSync } from 'node:fs';
import { compact } from '../../../../core/model/compact';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PartialFieldValues } from '../../../../core/model/customer';
import { toCanonicalValues, toHubspotProperties, toObservation } from '../../../../connectors/hubspot/mapping';
import { HubspotContactSchema } from '../../../../connectors/hubspot/schemas';

const context = { defaultCountry: 'US' as const };

const ContactFixtureSchema = z.object({ properties: z.record(z.string(), z.string().nullable()) }).loose();

function loadJson() {
  return ContactFixtureSchema.parse(JSON.parse(readFileSync(new URL('../../../fixtures/hubspot/contact.json', import.meta.url), 'utf8')));
}

function loadContact() {
  return HubspotContactSchema.parse(loadJson());
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

  it('names the contacts merged into this one (hs_merged_object_ids), so a sync reading an old id finds its survivor', () => {
    const contact = loadContact();
    const merged = { ...contact, properties: { ...contact.properties, hs_merged_object_ids: '88;283' } };
    expect(toObservation(merged, context).mergedIds).toEqual(['88', '283']);
    expect(toObservation(contact, context)).not.toHaveProperty('mergedIds');
  });
});

describe('toObservation: values that cannot be normalized', () => {
  it('reports an unparseable phone as unusable, never as a value and never as a clear', () => {
    // Prepare
    const json = loadJson();
    const contact = HubspotContactSchema.parse({ ...json, properties: { ...json.properties, phone: 'call me maybe' } });

    // Act
    const observation = toObservation(contact, context);

    // Assess
    expect(observation.unusable).toEqual(['phone']);
    expect(observation.values).not.toHaveProperty('phone');
    expect(observation.values.email).toBe('ada.lovelace@example.com');
  });

  it('reports a non-email and an unknown country as unusable (the address as a whole) and keeps the other fields', () => {
    // Prepare
    const json = loadJson();
    const contact = HubspotContactSchema.parse({ ...json, properties: { ...json.properties, email: 'grace at example', country: 'Atlantis' } });

    // Act
    const observation = toObservation(contact, context);

    // Assess
    expect(observation.unusable).toEqual(['email', 'address']);
    expect(observation.values).not.toHaveProperty('email');
    expect(observation.values).not.toHaveProperty('address');
    expect(observation.values).toMatchObject({ firstName: 'Ada', phone: '+12125550101' });
  });
});

describe('toObservation: HubSpot per-property times', () => {
  it('times each field by the newest history entry of its property, the address by the newest of its parts', () => {
    // Prepare: history newest first, as HubSpot answers propertiesWithHistory.
    const entry = (value: string, timestamp: string) => ({ value, timestamp, sourceType: 'CRM_UI', sourceId: 'userId:4101' });
    const contact = HubspotContactSchema.parse({
      ...loadJson(),
      propertiesWithHistory: {
        email: [entry('ada.lovelace@example.com', '2024-01-15T10:30:00.000Z')],
        phone: [entry('+1 (212) 555 0101', '2024-01-20T09:00:00.000Z'), entry('2125550100', '2024-01-15T10:30:00.000Z')],
        firstname: [entry('Ada', '2024-01-15T10:30:00.000Z')],
        lastname: [entry('Lovelace', '2024-01-15T10:30:00.000Z')],
        address: [entry("12 St James's Square", '2024-01-16T11:00:00.000Z')],
        city: [entry('London', '2024-01-31T17:45:10.500Z'), entry('Paris', '2024-01-16T11:00:00.000Z')],
        country: [entry('GB', '2024-01-16T11:00:00.000Z')],
        state: [entry('', '2024-01-18T08:00:00.000Z'), entry('Surrey', '2024-01-16T11:00:00.000Z')],
        hs_email_optout: [entry('true', '2024-01-25T12:00:00.000Z')],
      },
    });

    // Act
    const observation = toObservation(contact, context);

    // Assess
    expect(observation.observedAt).toBe('2024-02-01T08:00:00.123Z');
    expect(observation.fieldTimes).toEqual({
      email: '2024-01-15T10:30:00.000Z',
      phone: '2024-01-20T09:00:00.000Z',
      firstName: '2024-01-15T10:30:00.000Z',
      lastName: '2024-01-15T10:30:00.000Z',
      address: '2024-01-31T17:45:10.500Z',
      emailConsent: '2024-01-25T12:00:00.000Z',
    });
    // …and each address part by its own property (the zip, never set, by the contact's creation)
    expect(observation.partTimes).toEqual({
      line1: '2024-01-16T11:00:00.000Z',
      city: '2024-01-31T17:45:10.500Z',
      region: '2024-01-18T08:00:00.000Z',
      postalCode: contact.createdAt.toISOString(),
      country: '2024-01-16T11:00:00.000Z',
    });
  });

  it('times a property that was never set (no history, no value) by the contact\'s creation, not its last change', () => {
    // Prepare: a contact without phone or address, changed since (its firstname history moved on)
    const entry = (value: string, timestamp: string) => ({ value, timestamp, sourceType: 'API' });
    const base = loadJson() as { properties: Record<string, string | null> };
    const contact = HubspotContactSchema.parse({
      ...base,
      createdAt: '2024-01-15T10:30:00.000Z',
      properties: { ...base.properties, phone: null, address: '', city: null, state: null, zip: null, country: null },
      propertiesWithHistory: { firstname: [entry('Ada', '2024-02-01T08:00:00.123Z'), entry('A.', '2024-01-15T10:30:00.000Z')] },
    });
    // Act
    const observation = toObservation(contact, context);
    // Assess
    expect(observation.fieldTimes).toMatchObject({ firstName: '2024-02-01T08:00:00.123Z', phone: '2024-01-15T10:30:00.000Z', address: '2024-01-15T10:30:00.000Z' });
    expect(observation.partTimes).toMatchObject({ line1: '2024-01-15T10:30:00.000Z', postalCode: '2024-01-15T10:30:00.000Z' });
  });

  it('gives no field times and no unusable fields when HubSpot sent no history and every value reads', () => {
    // Prepare
    const contact = loadContact();

    // Act
    const observation = toObservation(contact, context);

    // Assess
    expect(observation).not.toHaveProperty('fieldTimes');
    expect(observation).not.toHaveProperty('partTimes');
    expect(observation).not.toHaveProperty('unusable');
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

  it('reads national phone numbers in the default country', () => {
    // Prepare
    const national = { phone: '212.555.0105' };
    const british = { phone: '020 7946 0958' };

    // Act
    const values = [toCanonicalValues(national, context), toCanonicalValues(british, { defaultCountry: 'GB' })];

    // Assess
    expect(values).toEqual([{ phone: '+12125550105' }, { phone: '+442079460958' }]);
  });

  it('normalizes the email case', () => {
    // Prepare
    const shouting = { email: 'GRACE@EXAMPLE.ORG' };

    // Act
    const values = toCanonicalValues(shouting, context);

    // Assess
    expect(values).toEqual({ email: 'grace@example.org' });
  });

  it('reads a country name or code as its ISO code', () => {
    // Prepare
    const properties = [{ country: 'United States' }, { country: 'gb' }, { country: 'Germany' }];

    // Act
    const countries = properties.map((property) => toCanonicalValues(property, context).address?.country);

    // Assess
    expect(countries).toEqual(['US', 'GB', 'DE']);
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
