import { describe, expect, it } from 'vitest';
import { applyContribution, contributionOf, EMPTY_STATS } from '../../../core/model/stats';
import { anOrder } from '../../support/builders';

describe('a customer\'s cross-channel stats, kept incrementally', () => {
  it('adds an order: one order, its total in its currency and channel, its date as first and last', () => {
    const stats = applyContribution(EMPTY_STATS, undefined, contributionOf(anOrder()));
    expect(stats).toEqual({
      orders: 1,
      spent: { USD: '20.00' },
      byChannel: { web: { orders: 1, spent: { USD: '20.00' } } },
      firstOrderAt: '2026-01-02T10:00:00Z',
      lastOrderAt: '2026-01-02T10:00:00Z',
      channels: ['web'],
      pickups: 0,
      pickedUp: 0,
    });
  });

  it('keeps currencies apart and sums exactly (0.10 + 0.20 is 0.30)', () => {
    let stats = applyContribution(EMPTY_STATS, undefined, contributionOf(anOrder({ total: { amount: '0.10', currency: 'USD' } })));
    stats = applyContribution(stats, undefined, contributionOf(anOrder({ origin: { system: 'shopify', externalId: '2' }, total: { amount: '0.20', currency: 'USD' } })));
    stats = applyContribution(stats, undefined, contributionOf(anOrder({ origin: { system: 'square', externalId: 'X' }, channel: 'store', currency: 'JPY', total: { amount: '1500', currency: 'JPY' } })));
    expect(stats.spent).toEqual({ USD: '0.30', JPY: '1500' });
    expect(stats.byChannel.store).toEqual({ orders: 1, spent: { JPY: '1500' } });
    expect(stats.channels).toEqual(['web', 'store']);
  });

  it('replaces an order\'s contribution by the difference: a refund lowers the spend, a cancel removes the order but not its date', () => {
    const placed = contributionOf(anOrder());
    let stats = applyContribution(EMPTY_STATS, undefined, placed);
    const refunded = contributionOf(anOrder({ status: 'refunded', total: { amount: '5.00', currency: 'USD' } }));
    stats = applyContribution(stats, placed, refunded);
    expect([stats.orders, stats.spent]).toEqual([1, { USD: '5.00' }]);
    stats = applyContribution(stats, refunded, contributionOf(anOrder({ status: 'cancelled', total: { amount: '0.00', currency: 'USD' } })));
    expect(stats).toMatchObject({ orders: 0, spent: { USD: '0.00' }, channels: [], firstOrderAt: '2026-01-02T10:00:00Z' });
  });

  it('counts click & collect orders and those picked up', () => {
    const pickup = (state: 'placed' | 'picked_up') => contributionOf(anOrder({ pickup: { state, location: { id: 'L1', name: 'Main St' }, readyAt: null, pickedUpAt: null } }));
    let stats = applyContribution(EMPTY_STATS, undefined, pickup('placed'));
    expect([stats.pickups, stats.pickedUp]).toEqual([1, 0]);
    stats = applyContribution(stats, pickup('placed'), pickup('picked_up'));
    expect([stats.pickups, stats.pickedUp]).toEqual([1, 1]);
  });
});
