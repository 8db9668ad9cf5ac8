import type { SandboxCustomerInput } from './sandbox';

/**
 * The sandbox shop's customers. Ada, Grace and Alan are also in the HubSpot sandbox, written
 * differently there (email case, phone format), so the resolver has near-duplicates to match;
 * Katherine exists only in Shopify. Phones are typed as a merchant would; Shopify stores E.164.
 */
export const SHOPIFY_SEED_CUSTOMERS: readonly SandboxCustomerInput[] = [
  {
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'Ada.Lovelace@Example.com',
    phone: '(212) 555-0101',
    tags: 'vip, newsletter',
    default_address: { address1: '350 Fifth Avenue', address2: 'Suite 3301', city: 'New York', province_code: 'NY', zip: '10118', country_code: 'US' },
    email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' },
  },
  {
    first_name: 'Grace',
    last_name: 'Hopper',
    email: 'grace@example.org',
    phone: '+1 212-555-0102',
    tags: 'wholesale',
    default_address: { address1: '3801 Nebraska Ave NW', city: 'Washington', province_code: 'DC', zip: '20016', country_code: 'US' },
    email_marketing_consent: { state: 'not_subscribed' },
  },
  {
    first_name: 'Alan',
    last_name: 'Turing',
    email: 'alan.turing@example.co.uk',
    default_address: { address1: 'Bletchley Park', address2: 'Sherwood Drive', city: 'Milton Keynes', zip: 'MK3 6EB', country_code: 'GB' },
    email_marketing_consent: { state: 'unsubscribed' },
  },
  {
    first_name: 'Katherine',
    last_name: 'Johnson',
    email: 'katherine@example.net',
    phone: '+12125550104',
    tags: 'vip',
    default_address: { address1: '1 NASA Drive', city: 'Hampton', province_code: 'VA', zip: '23681', country_code: 'US' },
    email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in' },
    sms_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' },
  },
];
