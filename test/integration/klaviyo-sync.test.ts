import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KLAVIYO_SECRET, startPipeline, type Pipeline } from '../support/pipeline';

/**
 * Klaviyo ⇄ Shopify ⇄ HubSpot through the whole pipeline: the fakes through their SDKs (Klaviyo's
 * through klaviyo-api), the bundled handlers (sync-klaviyo and backfill-klaviyo with the pruned
 * SDK), DynamoDB Local. Klaviyo sends no webhooks: what changes there comes in through the poll
 * (the backfill function's reconciliation run), which the test runs as the schedule would.
 */
describe('customer sync with Klaviyo (the email tool)', () => {
  let p: Pipeline;
  const klaviyo = () => p.klaviyo!;
  /** Klaviyo's clock against the wall clock: a test sets it back to make a profile older than a poll's window. */
  let klaviyoOffsetMs = 0;

  beforeAll(async () => {
    p = await startPipeline({ klaviyo: { now: () => new Date(Date.now() + klaviyoOffsetMs) } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  const profilesWith = (email: string) => klaviyo().profiles().filter((profile) => profile.attributes.email === email);
  const customerWith = async (email: string) => (await p.table.customers()).find((customer) => customer.emails.includes(email));

  /** A profile made in Klaviyo itself (a sign-up form, an import), over its API as Klaviyo's own UI would. */
  async function signUpInKlaviyo(attributes: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${klaviyo().baseUrl}/api/profiles`, {
      method: 'POST',
      headers: { authorization: `Klaviyo-API-Key ${KLAVIYO_SECRET.privateKey}`, revision: '2026-07-15', 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'profile', attributes } }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { data: { id: string } }).data.id;
  }

  it('makes one Klaviyo profile for a Shopify customer, with the omnihub id as external_id, and links it', async () => {
    // Act
    p.shopify.admin.createCustomer({
      first_name: 'Grace',
      last_name: 'Hopper',
      email: 'grace.hopper@example.net',
      phone: '+12025550111',
      default_address: { address1: '1 Navy Yard', city: 'Washington', province_code: 'DC', zip: '20374', country_code: 'US' },
    });
    await p.settle();

    // Assess
    const customer = await customerWith('grace.hopper@example.net');
    const [profile, ...others] = profilesWith('grace.hopper@example.net');
    expect(others).toEqual([]);
    expect(profile?.attributes).toMatchObject({
      email: 'grace.hopper@example.net',
      phone_number: '+12025550111',
      first_name: 'Grace',
      last_name: 'Hopper',
      external_id: customer?.id,
      location: { address1: '1 Navy Yard', city: 'Washington', region: 'DC', zip: '20374', country: 'US' },
    });
    expect(customer?.links.map((link) => link.system).sort()).toEqual(['hubspot', 'klaviyo', 'shopify']);
    expect(customer?.links.find((link) => link.system === 'klaviyo')?.externalId).toBe(profile?.id);
    expect(klaviyo().requests.filter((request) => request.method === 'POST' && request.path === '/api/profiles' && request.status === 201)).toHaveLength(1);
  });

  it('updates that profile when the customer changes elsewhere, and clears what was cleared', async () => {
    // Prepare
    const [shopifyCustomer] = p.shopify.admin.listCustomers().filter((customer) => customer.email === 'grace.hopper@example.net');

    // Act
    p.shopify.admin.updateCustomer(shopifyCustomer!.id, { first_name: 'Amazing Grace', phone: null });
    await p.settle();

    // Assess
    const [profile, ...others] = profilesWith('grace.hopper@example.net');
    expect(others).toEqual([]);
    expect(profile?.attributes.first_name).toBe('Amazing Grace');
    expect(profile?.attributes.phone_number ?? null).toBeNull();
    expect(p.hubspot.admin.findContactByEmail('grace.hopper@example.net')?.properties.firstname).toBe('Amazing Grace');
  });

  it('brings an edit made in Klaviyo to Shopify and HubSpot through the poll, and a second poll writes nothing', async () => {
    // Prepare
    const [profile] = profilesWith('grace.hopper@example.net');

    // Act
    klaviyo().editProfile(profile!.id, { last_name: 'Murray Hopper' });
    await p.pollKlaviyo();

    // Assess
    expect(p.shopify.admin.listCustomers().find((customer) => customer.email === 'grace.hopper@example.net')?.last_name).toBe('Murray Hopper');
    expect(p.hubspot.admin.findContactByEmail('grace.hopper@example.net')?.properties.lastname).toBe('Murray Hopper');
    const writes = () => [...p.shopify.requests, ...p.hubspot.requests, ...klaviyo().requests].filter((request) => request.method !== 'GET' && !request.path.startsWith('/_sandbox')).length;
    const before = writes();
    await p.pollKlaviyo();
    expect(writes()).toBe(before);
  });

  it('brings a sign-up made in Klaviyo to Shopify and HubSpot through the poll as a new customer', async () => {
    // Act
    const id = await signUpInKlaviyo({ email: 'ada@example.org', first_name: 'Ada', last_name: 'Lovelace', phone_number: '+442079460000' });
    await p.pollKlaviyo();

    // Assess
    const customer = await customerWith('ada@example.org');
    expect(customer?.links.find((link) => link.system === 'klaviyo')?.externalId).toBe(id);
    expect(p.shopify.admin.listCustomers().filter((c) => c.email === 'ada@example.org').map((c) => [c.first_name, c.last_name, c.phone])).toEqual([['Ada', 'Lovelace', '+442079460000']]);
    expect(p.hubspot.admin.findContactByEmail('ada@example.org')?.properties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace' });
    expect(profilesWith('ada@example.org')).toHaveLength(1);
  });

  it('links a profile Klaviyo already holds for that email instead of making a second one (409 duplicate_profile)', async () => {
    // Prepare: the shop's Klaviyo knew her before omnihub did, and the poll has not run since.
    const existing = await signUpInKlaviyo({ email: 'mary.jackson@example.net', first_name: 'Mary' });

    // Act
    p.shopify.admin.createCustomer({ first_name: 'Mary', last_name: 'Jackson', email: 'mary.jackson@example.net' });
    await p.settle();

    // Assess
    const [profile, ...others] = profilesWith('mary.jackson@example.net');
    expect(others).toEqual([]);
    expect(profile?.id).toBe(existing);
    expect(profile?.attributes.last_name).toBe('Jackson');
    expect((await customerWith('mary.jackson@example.net'))?.links.find((link) => link.system === 'klaviyo')?.externalId).toBe(existing);
    expect(klaviyo().requests.some((request) => request.method === 'POST' && request.path === '/api/profiles' && request.status === 409)).toBe(true);
  });

  it("puts her cross-channel stats on her profile as properties when she orders", async () => {
    // Prepare
    const [shopifyCustomer] = p.shopify.admin.listCustomers().filter((customer) => customer.email === 'grace.hopper@example.net');

    // Act
    p.shopify.orderAdmin.placeOrder({ customerId: shopifyCustomer!.id, lines: [{ title: 'Teapot', sku: 'TP-1', quantity: 2, price: '12.50' }] });
    await p.settle();

    // Assess
    const [profile] = profilesWith('grace.hopper@example.net');
    expect(profile?.attributes.properties).toMatchObject({ omnihub_total_orders: 1, omnihub_total_spent: 'USD 25.00', omnihub_web_orders: 1, omnihub_store_orders: 0, omnihub_channels: ['web'] });
    expect(typeof profile?.attributes.properties?.omnihub_first_order_at).toBe('string');
  });

  it('brings an unsubscribe made in Klaviyo to Shopify through the poll, though it leaves the profile\'s `updated` alone', async () => {
    // Prepare: subscribed in the web shop, and known to Klaviyo since long before the last poll
    // (its profile's `updated` is older than the poll's window, overlap included).
    klaviyoOffsetMs = -10 * 60_000;
    try {
      p.shopify.admin.createCustomer({ first_name: 'Hedy', last_name: 'Lamarr', email: 'hedy@example.net', email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' } });
      await p.settle();
    } finally {
      klaviyoOffsetMs = 0;
    }
    await p.pollKlaviyo();
    const [profile] = profilesWith('hedy@example.net');
    const updatedBefore = profile!.attributes.updated;
    // Her web-shop subscription went to Klaviyo through its subscribe job.
    expect(profile!.attributes.subscriptions?.email?.marketing?.consent).toBe('SUBSCRIBED');

    // Act: she unsubscribes on Klaviyo's preference page, after she subscribed in the web shop
    // (the other fakes' stepping clock can run a few seconds ahead of the wall clock).
    const subscribedAt = Date.parse((await customerWith('hedy@example.net'))!.fields.emailConsent!.at);
    klaviyo().unsubscribe(profile!.id, 'email', new Date(Math.max(Date.now(), subscribedAt + 1000)));
    await p.pollKlaviyo();

    // Assess
    expect(klaviyo().profile(profile!.id)?.attributes.updated).toBe(updatedBefore);
    const inShopify = p.shopify.admin.listCustomers().find((customer) => customer.email === 'hedy@example.net');
    expect(inShopify?.email_marketing_consent?.state).toBe('unsubscribed');
    const customer = await customerWith('hedy@example.net');
    expect(customer?.fields.emailConsent).toMatchObject({ value: 'unsubscribed', source: 'klaviyo' });
  });

  it('sends her orders as Klaviyo ecommerce events, each once, through a click & collect order\'s pickup', async () => {
    // Prepare
    const [shopifyCustomer] = p.shopify.admin.listCustomers().filter((customer) => customer.email === 'grace.hopper@example.net');
    const [profile] = profilesWith('grace.hopper@example.net');
    const store = p.shopify.locations.find((location) => location.name === 'Main Street Store')!;

    // Act: placed for pickup, made ready, collected.
    const order = p.shopify.orderAdmin.placeOrder({ customerId: shopifyCustomer!.id, pickupAt: String(store.id), lines: [{ title: 'Cups', sku: 'CUP-1', quantity: 4, price: '3.00' }, { title: 'Saucer', quantity: 1, price: '2.00' }] });
    await p.settle();
    p.shopify.orderAdmin.markReadyForPickup(order.id);
    await p.settle();
    p.shopify.orderAdmin.fulfill(order.id);
    await p.settle();

    // Assess: one event per metric and unique_id, on her profile, in the order they happened.
    const key = `shopify:${order.id}`;
    const events = klaviyo().events().filter((event) => event.uniqueId.startsWith(`${key}:`));
    expect(events.map((event) => [event.metric, event.uniqueId]).sort()).toEqual(
      [
        ['Placed Order', `${key}:placed`],
        ['Ordered Product', expect.stringMatching(new RegExp(`^${key}:line:`))],
        ['Ordered Product', expect.stringMatching(new RegExp(`^${key}:line:`))],
        ['Ready for Pickup', `${key}:ready`],
        ['Picked Up', `${key}:picked-up`],
        ['Fulfilled Order', `${key}:fulfilled`],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(events.every((event) => event.profileId === profile!.id)).toBe(true);
    const placed = events.find((event) => event.metric === 'Placed Order')!;
    expect([placed.value, placed.valueCurrency, placed.properties.OrderName, placed.properties.PickupLocation]).toEqual([14, 'USD', order.name, 'Main Street Store']);
    // Sent again with every later state, recorded once: more Create Event calls than events.
    const creates = klaviyo().requests.filter((request) => request.method === 'POST' && request.path === '/api/events');
    expect(creates.length).toBeGreaterThan(events.length);
  });

  it('brings an unsubscribe made in Shopify to Klaviyo (a global unsubscribe), and a later poll writes nothing', async () => {
    // Prepare
    const made = p.shopify.admin.createCustomer({ first_name: 'Rosalind', email: 'rosalind@example.net', email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' } });
    await p.settle();
    expect(profilesWith('rosalind@example.net')[0]?.attributes.subscriptions?.email?.marketing?.consent).toBe('SUBSCRIBED');

    // Act
    p.shopify.admin.updateCustomer(made.id, { email_marketing_consent: { state: 'unsubscribed', opt_in_level: 'single_opt_in' } });
    await p.settle();
    await p.pollKlaviyo();

    // Assess
    const [profile] = profilesWith('rosalind@example.net');
    expect(profile?.attributes.subscriptions?.email?.marketing?.consent).toBe('UNSUBSCRIBED');
    expect(klaviyo().requests.filter((request) => request.path === '/api/profile-subscription-bulk-delete-jobs' && request.status === 202)).toHaveLength(1);
    const writes = () => [...p.shopify.requests, ...p.hubspot.requests, ...klaviyo().requests].filter((request) => request.method !== 'GET' && !request.path.startsWith('/_sandbox')).length;
    const before = writes();
    await p.pollKlaviyo();
    expect(writes()).toBe(before);
  });
});
