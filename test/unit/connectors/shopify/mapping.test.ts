import { describe, expect, it } from 'vitest';
import { compact } from '../../../../core/model/compact';
import type { MappingContext } from '../../../../connectors/connector';
import {
  fromShopifyCustomerNode,
  fromShopifyWebhookCustomer,
  nodeToObservation,
  toObservation,
  toShopifyCustomerInput,
} from '../../../../connectors/shopify/mapping';
import { ShopifyCustomerWebhookSchema, type ShopifyCustomerNode, type ShopifyCustomerWebhook } from '../../../../connectors/shopify/schemas';
import type { PartialFieldValues } from '../../../../core/model/customer';

const us: MappingContext = { defaultCountry: 'US' };

function aWebhookCustomer(overrides: Record<string, unknown> = {}): ShopifyCustomerWebhook {
  return ShopifyCustomerWebhookSchema.parse({
    id: '7065055069303700001',
    updated_at: '2025-03-01T10:00:00-05:00',
    email: 'Ada.Lovelace@Example.com',
    phone: '+12125550101',
    first_name: 'Ada',
    last_name: 'Lovelace',
    ...overrides,
  });
}

describe('webhook payload → canonical', () => {
  it('normalizes the email and reads a national phone number in the shop country', () => {
    // Prepare
    const payload = aWebhookCustomer({ email: '  Ada.Lovelace@Example.COM ', phone: '(613) 555-0199' });

    // Act
    const values = fromShopifyWebhookCustomer(payload, { defaultCountry: 'CA' });

    // Assess
    expect(values.email).toBe('ada.lovelace@example.com');
    expect(values.phone).toBe('+16135550199');
  });

  it('names an unparseable phone as unusable instead of passing garbage on or dropping it silently', () => {
    // Prepare
    const payload = aWebhookCustomer({ phone: 'call me maybe' });

    // Act
    const observation = toObservation(payload, us);

    // Assess
    expect(observation.values).not.toHaveProperty('phone');
    expect(observation.unusable).toEqual(['phone']);
    expect(JSON.stringify(observation)).not.toContain('call me maybe');
  });

  it('names an email that is not an email as unusable', () => {
    // Prepare
    const payload = aWebhookCustomer({ email: 'ada at example' });

    // Act
    const observation = toObservation(payload, us);

    // Assess
    expect(observation.values).not.toHaveProperty('email');
    expect(observation.unusable).toEqual(['email']);
  });

  it('has no unusable list when every value normalizes', () => {
    // Act
    const observation = toObservation(aWebhookCustomer(), us);

    // Assess
    expect(observation).not.toHaveProperty('unusable');
  });

  it('names unusable values read through GraphQL too', () => {
    // Prepare
    const node: ShopifyCustomerNode = {
      id: 'gid://shopify/Customer/7065055069303700003',
      updatedAt: '2025-03-01T15:00:00Z',
      firstName: 'Grace',
      lastName: null,
      defaultEmailAddress: { emailAddress: 'grace@example.org', marketingState: 'SUBSCRIBED' },
      defaultPhoneNumber: { phoneNumber: '+1555', marketingState: 'NOT_SUBSCRIBED' },
      defaultAddress: null,
      tags: [],
    };

    // Act
    const observation = nodeToObservation(node, us);

    // Assess
    expect(observation).toMatchObject({ externalId: '7065055069303700003', observedAt: '2025-03-01T15:00:00Z', unusable: ['phone'] });
    expect(observation.values).not.toHaveProperty('phone');
  });

  it('tells a cleared field (null) from a field the payload does not carry (absent)', () => {
    // Prepare
    const payload = aWebhookCustomer({ phone: null, last_name: '', tags: undefined, default_address: null });

    // Act
    const values = fromShopifyWebhookCustomer(payload, us);

    // Assess
    expect(values.phone).toBeNull();
    expect(values.lastName).toBeNull();
    expect(values.address).toBeNull();
    expect(values).not.toHaveProperty('tags');
    expect(values).not.toHaveProperty('emailConsent');
  });

  it('reads no default address and an empty address list as no address', () => {
    // Prepare
    const payload = aWebhookCustomer({ addresses: [] });

    // Act
    const values = fromShopifyWebhookCustomer(payload, us);

    // Assess
    expect(values.address).toBeNull();
  });

  it('splits REST tags into a sorted, de-duplicated list', () => {
    // Prepare
    const payload = aWebhookCustomer({ tags: 'vip, newsletter,vip , ' });

    // Act
    const values = fromShopifyWebhookCustomer(payload, us);

    // Assess
    expect(values.tags).toEqual(['newsletter', 'vip']);
  });

  it('maps the default address with province and country codes', () => {
    // Prepare
    const payload = aWebhookCustomer({
      default_address: { address1: '350 Fifth Avenue', address2: null, city: 'New York', province: 'New York', province_code: 'NY', zip: '10118', country: 'United States', country_code: 'US' },
    });

    // Act
    const values = fromShopifyWebhookCustomer(payload, us);

    // Assess
    expect(values.address).toEqual({ line1: '350 Fifth Avenue', line2: null, city: 'New York', region: 'NY', postalCode: '10118', country: 'US' });
  });

  it.each([
    ['subscribed', 'subscribed'],
    ['not_subscribed', 'not_subscribed'],
    ['pending', 'not_subscribed'],
    ['unsubscribed', 'unsubscribed'],
  ] as const)('maps marketing consent state %s to %s', (shopifyState, canonical) => {
    // Prepare
    const payload = aWebhookCustomer({
      email_marketing_consent: { state: shopifyState, opt_in_level: null, consent_updated_at: null },
      sms_marketing_consent: { state: shopifyState, opt_in_level: null, consent_updated_at: null },
    });

    // Act
    const values = fromShopifyWebhookCustomer(payload, us);

    // Assess
    expect(values.emailConsent).toBe(canonical);
    expect(values.smsConsent).toBe(canonical);
  });

  it('leaves a redacted consent state absent', () => {
    // Prepare
    const payload = aWebhookCustomer({ email_marketing_consent: { state: 'redacted', opt_in_level: null, consent_updated_at: null } });

    // Act
    const values = fromShopifyWebhookCustomer(payload, us);

    // Assess
    expect(values).not.toHaveProperty('emailConsent');
  });
});

describe('canonical ↔ GraphQL', () => {
  const canonical: PartialFieldValues = {
    email: 'grace@example.org',
    phone: '+12125550102',
    firstName: 'Grace',
    lastName: 'Hopper',
    address: { line1: '3801 Nebraska Ave NW', line2: null, city: 'Washington', region: 'DC', postalCode: '20016', country: 'US' },
    tags: ['navy', 'wholesale'],
    emailConsent: 'subscribed',
    smsConsent: 'unsubscribed',
  };

  it('round-trips every written field through CustomerInput and the Customer node', () => {
    // Prepare
    const write = toShopifyCustomerInput(canonical);
    // What Shopify stores from that input, as the client's CustomerFields fragment reads it back.
    const node: ShopifyCustomerNode = {
      id: 'gid://shopify/Customer/7065055069303700001',
      updatedAt: '2025-03-01T15:00:00Z',
      firstName: write.input.firstName ?? null,
      lastName: write.input.lastName ?? null,
      defaultEmailAddress: { emailAddress: write.input.email ?? null, marketingState: write.emailConsent?.marketingState ?? 'NOT_SUBSCRIBED' },
      defaultPhoneNumber: { phoneNumber: write.input.phone ?? null, marketingState: write.smsConsent?.marketingState ?? 'NOT_SUBSCRIBED' },
      defaultAddress: write.address
        ? {
            id: 'gid://shopify/MailingAddress/1',
            address1: write.address.address1 ?? null,
            address2: write.address.address2 ?? null,
            city: write.address.city ?? null,
            provinceCode: write.address.provinceCode ?? null,
            zip: write.address.zip ?? null,
            countryCodeV2: write.address.countryCode ?? null,
          }
        : null,
      tags: write.input.tags ?? [],
    };

    // Act
    const values = fromShopifyCustomerNode(node, us);

    // Assess
    expect(values).toEqual(canonical);
  });

  it('writes cleared fields as null and "no tags" as an empty list', () => {
    // Prepare
    const cleared: PartialFieldValues = { phone: null, lastName: null, tags: null, address: null };

    // Act
    const write = toShopifyCustomerInput(cleared);

    // Assess
    expect(write.input).toEqual({ phone: null, lastName: null, tags: [] });
    expect(write.address).toBeNull();
  });

  it('leaves untouched what the values do not mention', () => {
    // Prepare
    const values: PartialFieldValues = { firstName: 'Grace' };

    // Act
    const write = toShopifyCustomerInput(values);

    // Assess
    expect(write).toEqual({ input: { firstName: 'Grace' }, address: undefined, emailConsent: undefined, smsConsent: undefined });
  });

  it('does not write not_subscribed, which Shopify only sets itself', () => {
    // Prepare
    const values: PartialFieldValues = { emailConsent: 'not_subscribed', smsConsent: null };

    // Act
    const write = toShopifyCustomerInput(values);

    // Assess
    expect(write.emailConsent).toBeUndefined();
    expect(write.smsConsent).toBeUndefined();
  });

  it('reads a customer without email or phone as holding no consent', () => {
    // Prepare
    const node: ShopifyCustomerNode = {
      id: 'gid://shopify/Customer/7065055069303700002',
      updatedAt: '2025-03-01T15:00:00Z',
      firstName: 'Alan',
      lastName: null,
      defaultEmailAddress: null,
      defaultPhoneNumber: null,
      defaultAddress: null,
      tags: [],
    };

    // Act
    const values = fromShopifyCustomerNode(node, us);

    // Assess
    expect(values).toEqual({ email: null, phone: null, firstName: 'Alan', lastName: null, address: null, tags: null, emailConsent: null, smsConsent: null });
  });
});

describe('compact', () => {
  it('drops undefined and keeps null', () => {
    // Prepare
    const record = { a: 1, b: undefined, c: null };

    // Act
    const result = compact(record);

    // Assess
    expect(result).toEqual({ a: 1, c: null });
    expect(Object.keys(result)).toEqual(['a', 'c']);
  });
});

describe('address → MailingAddressInput', () => {
  it('leaves out a country or region that is not a code, which Shopify would reject', () => {
    // Prepare
    const values: PartialFieldValues = { address: { line1: '1 Main St', region: 'New York', country: 'United States' } };

    // Act
    const write = toShopifyCustomerInput(values);

    // Assess
    expect(write.address).toEqual({ address1: '1 Main St' });
  });
});
