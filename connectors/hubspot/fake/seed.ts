import type { HubspotFakeState } from './state';

/**
 * The sandbox portal's contacts. Ada and Grace are also in the Shopify sandbox, written
 * differently (phone formats, email case), so the resolver has real near-duplicates to match;
 * Mary is in HubSpot only. Seeding fires no webhooks: these contacts were there before the hub.
 */
export const hubspotSandboxContacts: ReadonlyArray<Readonly<Record<string, string>>> = [
  { email: 'ada.lovelace@example.com', firstname: 'Ada', lastname: 'Lovelace', phone: '+1 (212) 555 0101' },
  { email: 'GRACE@EXAMPLE.ORG', firstname: 'Grace', lastname: 'Hopper', phone: '2125550102' },
  {
    email: 'mary.jackson@example.com',
    firstname: 'Mary',
    lastname: 'Jackson',
    phone: '212.555.0105',
    city: 'Hampton',
    state: 'VA',
  },
];

/** Adds the sandbox contacts (ids 51, 52, 53 on a fresh portal). */
export function seedHubspotContacts(state: HubspotFakeState): void {
  for (const properties of hubspotSandboxContacts) {
    const result = state.create({ ...properties }, 'ui');
    if (!result.ok) throw new Error(`HubSpot fake: seed contact refused (${result.failure.kind})`);
  }
}
