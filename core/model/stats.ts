import * as z from '../schema';
import { fromMinorUnits, toMinorUnits } from './money';
import { SalesChannelSchema, type Order, type SalesChannel } from './order';
import { TimestampSchema, toMillis } from './system';

/**
 * A customer's cross-channel aggregates (docs/identity.md §9), kept incrementally: each order
 * adds its contribution, and a new revision of it replaces its old contribution by the
 * difference. Money per currency as canonical decimal strings, never a float.
 */

const AmountsSchema = z.record(z.string(), z.string());

export const ChannelStatsSchema = z.object({
  orders: z.int().check(z.nonnegative()),
  /** currency → canonical amount */
  spent: AmountsSchema,
});
export type ChannelStats = z.infer<typeof ChannelStatsSchema>;

export const CustomerStatsSchema = z.object({
  /** Orders that count (placed and not cancelled). */
  orders: z.int().check(z.nonnegative()),
  /** currency → total spent there (current totals: refunds taken off). */
  spent: AmountsSchema,
  byChannel: z.partialRecord(SalesChannelSchema, ChannelStatsSchema),
  /** Of every order placed, cancelled ones included: a date does not un-happen. */
  firstOrderAt: z.nullable(TimestampSchema),
  lastOrderAt: z.nullable(TimestampSchema),
  /** Channels with at least one counting order, in a fixed order (web, store). */
  channels: z.array(SalesChannelSchema),
  /** Orders for click & collect (not cancelled), and of them those picked up. */
  pickups: z.int().check(z.nonnegative()),
  pickedUp: z.int().check(z.nonnegative()),
});
export type CustomerStats = z.infer<typeof CustomerStatsSchema>;

export const EMPTY_STATS: CustomerStats = {
  orders: 0,
  spent: {},
  byChannel: {},
  firstOrderAt: null,
  lastOrderAt: null,
  channels: [],
  pickups: 0,
  pickedUp: 0,
};

/** What one order adds to its buyer's stats. A cancelled order adds no count or money, only its date. */
export interface Contribution {
  counts: boolean;
  channel: SalesChannel;
  currency: string;
  /** minor units */
  spent: bigint;
  placedAt: string;
  pickup: boolean;
  pickedUp: boolean;
}

export function contributionOf(order: Order): Contribution {
  const counts = order.status !== 'cancelled';
  return {
    counts,
    channel: order.channel,
    currency: order.total.currency,
    spent: counts ? toMinorUnits(order.total) : 0n,
    placedAt: order.placedAt,
    pickup: counts && order.pickup.state !== 'none' && order.pickup.state !== 'cancelled',
    pickedUp: counts && order.pickup.state === 'picked_up',
  };
}

function addAmount(amounts: Record<string, string>, currency: string, delta: bigint): Record<string, string> {
  if (delta === 0n) return amounts;
  const current = amounts[currency] ? toMinorUnits({ amount: amounts[currency]!, currency }) : 0n;
  return { ...amounts, [currency]: fromMinorUnits(current + delta, currency).amount };
}

function earlier(a: string | null, b: string): string {
  return a === null || toMillis(b) < toMillis(a) ? b : a;
}
function later(a: string | null, b: string): string {
  return a === null || toMillis(b) > toMillis(a) ? b : a;
}

/**
 * The stats after an order's contribution changed from `before` (undefined: a new order) to
 * `after` (undefined: the order no longer counts for this customer, e.g. its buyer changed).
 * First/last dates only ever widen: they cannot be narrowed without scanning, and a placed
 * order's date stays true even when it is cancelled.
 */
export function applyContribution(stats: CustomerStats, before: Contribution | undefined, after: Contribution | undefined): CustomerStats {
  let next: CustomerStats = { ...stats, byChannel: { ...stats.byChannel } };
  for (const [contribution, sign] of [
    [before, -1n],
    [after, 1n],
  ] as const) {
    if (!contribution) continue;
    const one = contribution.counts ? sign : 0n;
    const channel = next.byChannel[contribution.channel] ?? { orders: 0, spent: {} };
    next = {
      ...next,
      orders: next.orders + Number(one),
      spent: addAmount(next.spent, contribution.currency, sign * contribution.spent),
      pickups: next.pickups + (contribution.pickup ? Number(sign) : 0),
      pickedUp: next.pickedUp + (contribution.pickedUp ? Number(sign) : 0),
      byChannel: {
        ...next.byChannel,
        [contribution.channel]: { orders: channel.orders + Number(one), spent: addAmount(channel.spent, contribution.currency, sign * contribution.spent) },
      },
    };
    if (sign === 1n) next = { ...next, firstOrderAt: earlier(next.firstOrderAt, contribution.placedAt), lastOrderAt: later(next.lastOrderAt, contribution.placedAt) };
  }
  next.channels = SalesChannelSchema.options.filter((channel) => (next.byChannel[channel]?.orders ?? 0) > 0);
  return next;
}

/** "EUR 30.00; USD 120.50": currencies in a fixed order; a currency with nothing spent is left out. */
export function amountsText(amounts: Record<string, string>): string {
  return Object.entries(amounts)
    .filter(([, amount]) => !/^-?0+(\.0+)?$/.test(amount))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, amount]) => `${currency} ${amount}`)
    .join('; ');
}
