import { describe, expect, it } from 'vitest';
import { checkOrders, type OrderFakes, type TruthOrder } from '../../chaos/orders';

/** The chaos run's order checks catch what they are for, on hand-made vendor states. */

const people = [
  { id: 'p1', email: 'p1@chaos.example.com' },
  { id: 'p2', email: 'p2@chaos.example.com' },
];
const contacts: Record<string, { id: string; properties: Record<string, string> }> = {
  'p1@chaos.example.com': { id: '101', properties: { omnihub_total_orders: '2', omnihub_total_spent: 'USD 37.50' } },
  'p2@chaos.example.com': { id: '102', properties: {} },
};

function fakes(copies: Array<{ key: string; total: string; pickup: string; contactIds: string[] }>, shopifyOrders = '2'): OrderFakes {
  return {
    hubspot: {
      admin: {
        listOrders: () => copies.map((copy, i) => ({ id: String(900 + i), properties: { omnihub_order_key: copy.key, hs_total_price: copy.total, omnihub_pickup_state: copy.pickup }, contactIds: copy.contactIds })),
        findContactByEmail: (email: string) => contacts[email],
      },
    },
    shopify: {
      admin: { listCustomers: () => [{ id: '7001', email: 'p1@chaos.example.com' }] },
      metafields: { get: () => ({ value: shopifyOrders }) },
    },
    square: {},
  } as unknown as OrderFakes;
}

const orders: TruthOrder[] = [
  { key: 'shopify:1', origin: 'shopify', id: '1', person: 'p1', total: '25.00', pickup: 'picked_up' },
  { key: 'square:A', origin: 'square', id: 'A', person: 'p1', total: '12.50', pickup: 'none' },
  { key: 'square:B', origin: 'square', id: 'B', person: null, total: '3.00', pickup: 'none' },
];
const moves = ['placed', 'ready_for_pickup', 'picked_up'].map((to) => ({ 'detail-type': 'OrderStatusChanged', detail: { orderKey: 'shopify:1', to, eventId: `shopify:1#${to}` } }));
const good = [
  { key: 'shopify:1', total: '25.00', pickup: 'picked_up', contactIds: ['101'] },
  { key: 'square:A', total: '12.50', pickup: 'none', contactIds: ['101'] },
  { key: 'square:B', total: '3.00', pickup: 'none', contactIds: [] },
];

describe('the chaos run\'s order checks', () => {
  it('find nothing when every order has one right copy on its buyer, every move was announced and the stats add up', () => {
    const verdict = checkOrders(orders, people, fakes(good), [...moves, moves[2]!]);
    expect(verdict.findings).toEqual([]);
    expect(verdict.repeatedMoves).toBe(1);
  });

  it('accept a step skipped before omnihub read the order, but not a state announced that it never reached', () => {
    const skipped = checkOrders(orders, people, fakes(good), [moves[2]!]);
    expect(skipped.findings).toEqual([]);
    const ready = [{ ...good[0]!, pickup: 'ready_for_pickup' }, good[1]!, good[2]!];
    const early = checkOrders([{ ...orders[0]!, pickup: 'ready_for_pickup' }, orders[1]!, orders[2]!], people, fakes(ready), moves);
    expect(early.findings).toEqual([{ check: 'missingPickupMoves', detail: 'shopify:1: announced picked_up, never reached' }]);
  });

  it('count a missing copy, a second copy, a wrong total or state, a wrong buyer, a move never announced and stats that do not add up', () => {
    const bad = [
      { ...good[0]!, pickup: 'ready_for_pickup', contactIds: ['102'] },
      { ...good[0]!, contactIds: ['101'] },
      { ...good[1]!, total: '12.00' },
    ];
    const verdict = checkOrders(orders, people, fakes(bad, '1'), moves.slice(0, 2));
    expect(verdict.counts).toEqual({ missingOrderCopies: 1, duplicateOrderCopies: 1, wrongOrderCopies: 2, wrongOrderBuyers: 1, missingPickupMoves: 1, wrongStats: 1 });
  });
});
