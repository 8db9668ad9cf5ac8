import type { CustomerInput, CustomersState } from './customers-state';
import type { OrdersState } from './orders-state';

/**
 * The sandbox seller. Ada and Grace are in the Shopify and HubSpot sandboxes too, written otherwise
 * here (email case, phone format), so the resolver has near-duplicates to match. As in a real
 * store, some buyers are known only by the phone the counter asked for: Katherine's phone is her
 * Shopify phone (a phone-only record joins by phone, docs/identity.md §3), the walk-in has nothing
 * else. Seeding fires no webhooks: these were there before the hub.
 */
export const SQUARE_SANDBOX_LOCATION = 'L88917AVBK2S5';

export const SQUARE_SEED_CUSTOMERS: ReadonlyArray<{ input: CustomerInput; source: string }> = [
  {
    input: {
      given_name: 'Ada',
      family_name: 'Lovelace',
      email_address: 'ADA.LOVELACE@example.com',
      phone_number: '+1-212-555-0101',
      address: { address_line_1: '350 Fifth Avenue', address_line_2: 'Suite 3301', locality: 'New York', administrative_district_level_1: 'NY', postal_code: '10118', country: 'US' },
    },
    source: 'DIRECTORY',
  },
  { input: { given_name: 'Grace', family_name: 'Hopper', email_address: 'grace@example.org' }, source: 'DIRECTORY' },
  { input: { given_name: 'Katherine', phone_number: '(212) 555-0104' }, source: 'TERMINAL' },
  { input: { phone_number: '212.555.0199', note: 'walk-in, asked for a receipt by text' }, source: 'INSTANT_PROFILE' },
];

/**
 * Adds the seed: four customers, three pickup orders (one proposed, one ready and paid, one picked
 * up) and three counter sales rung up at the Point of Sale (no version): Grace's, a walk-in
 * nobody knows, and one of Ada's, refunded in part.
 */
export function seedSquareSandbox(customers: CustomersState, orders: OrdersState): void {
  const ids = SQUARE_SEED_CUSTOMERS.map(({ input, source }) => {
    const result = customers.create(input, { source });
    if (!result.ok) throw new Error(`Square fake: seed customer refused (${result.failure.errors[0]?.code})`);
    return result.customer.id;
  });
  const pickup = (displayName: string, phone: string) => [{ type: 'PICKUP' as const, pickup_details: { recipient: { display_name: displayName, phone_number: phone }, schedule_type: 'ASAP' as const } }];
  const order = (customerId: string | undefined, items: Array<[string, string, number]>, recipient: [string, string]) => {
    const result = orders.create({
      location_id: SQUARE_SANDBOX_LOCATION,
      ...(customerId ? { customer_id: customerId } : {}),
      line_items: items.map(([name, quantity, amount]) => ({ name, quantity, base_price_money: { amount, currency: 'USD' } })),
      fulfillments: pickup(...recipient),
    });
    if (!result.ok) throw new Error(`Square fake: seed order refused (${result.failure.errors[0]?.code})`);
    return result.value;
  };
  order(ids[0], [['Flat white', '2', 450], ['Almond croissant', '1', 375]], ['Ada Lovelace', '+12125550101']);
  const ready = order(ids[2], [['Cold brew', '1', 500]], ['Katherine', '+12125550104']);
  orders.setFulfillmentState(ready.id, ready.fulfillments![0]!.uid, 'RESERVED');
  orders.setFulfillmentState(ready.id, ready.fulfillments![0]!.uid, 'PREPARED');
  orders.pay(ready.id, 'CARD');
  const done = order(ids[3], [['Drip coffee', '1', 300]], ['Walk-in', '+12125550199']);
  orders.pay(done.id, 'CASH');
  for (const state of ['RESERVED', 'PREPARED', 'COMPLETED'] as const) orders.setFulfillmentState(done.id, done.fulfillments![0]!.uid, state);
  const sale = (customerId: string | undefined, items: Array<[string, string, number]>) => {
    const result = orders.ringUpSale({
      ...(customerId ? { customer_id: customerId } : {}),
      line_items: items.map(([name, quantity, amount]) => ({ name, quantity, base_price_money: { amount, currency: 'USD' } })),
    });
    if (!result.ok) throw new Error(`Square fake: seed sale refused (${result.failure.errors[0]?.code})`);
    return result.value.order;
  };
  sale(ids[1], [['Espresso beans 1 kg', '1', 2400], ['Oat milk', '2', 350]]);
  sale(undefined, [['Drip coffee', '1', 300]]);
  const returned = sale(ids[0], [['Pour-over kettle', '1', 6500], ['Paper filters', '1', 800]]);
  const refunded = orders.refund(returned.id, 800, 'Filters returned unopened');
  if (!refunded.ok) throw new Error(`Square fake: seed refund refused (${refunded.failure.errors[0]?.code})`);
}
