import * as z from '../schema';
import { fromMinorUnits, toMinorUnits } from './money';
import { SalesChannelSchema, type Order, type SalesChannel } from './order';
import type { Contribution, CustomerStats } from './stats';
import { toMillis } from './system';

/**
 * The shop's KPIs (issue 7 §6), kept incrementally beside the orders (docs/identity.md §9):
 *  - per day an order was placed (UTC): orders and revenue by channel, click & collect orders,
 *    and the minutes from ready to picked up of the pickups collected (a count per minute, so
 *    the median is exact to the minute);
 *  - over all customers, as of now: how many bought in one channel or in two, buyers and repeat
 *    buyers per channel, and revenue in total and from customers who bought in two or more
 *    channels. These move by the difference of a customer's stats before and after an order.
 * Nothing is rebuilt by scanning.
 */

const Amounts = z.record(z.string(), z.string());
const PerChannel = <T extends z.AnySchema>(schema: T) => z.partialRecord(SalesChannelSchema, schema);

export const DayKpisSchema = z.object({
  orders: PerChannel(z.int()),
  revenue: PerChannel(Amounts),
  pickupOrders: z.int(),
  /** minutes from ready to picked up → how many pickups took that long */
  readyToPickedUpMinutes: z.record(z.string(), z.int()),
});
export type DayKpis = z.infer<typeof DayKpisSchema>;

export const CustomerKpisSchema = z.object({
  /** "1" / "2": customers who bought in that many channels */
  customersByChannels: z.record(z.string(), z.int()),
  buyers: PerChannel(z.int()),
  repeatBuyers: PerChannel(z.int()),
  revenue: Amounts,
  multiChannelRevenue: Amounts,
});
export type CustomerKpis = z.infer<typeof CustomerKpisSchema>;

export const EMPTY_DAY: DayKpis = { orders: {}, revenue: {}, pickupOrders: 0, readyToPickedUpMinutes: {} };
export const EMPTY_CUSTOMER_KPIS: CustomerKpis = { customersByChannels: {}, buyers: {}, repeatBuyers: {}, revenue: {}, multiChannelRevenue: {} };

/** The UTC day an order counts on. */
export function orderDay(placedAt: string): string {
  return new Date(toMillis(placedAt)).toISOString().slice(0, 10);
}

function add(amounts: Record<string, string>, currency: string, delta: bigint): Record<string, string> {
  if (delta === 0n) return amounts;
  const current = amounts[currency] ? toMinorUnits({ amount: amounts[currency]!, currency }) : 0n;
  return { ...amounts, [currency]: fromMinorUnits(current + delta, currency).amount };
}
function addCount<K extends string>(counts: Partial<Record<K, number>>, key: K, delta: number): Partial<Record<K, number>> {
  return delta === 0 ? counts : { ...counts, [key]: (counts[key] ?? 0) + delta };
}

/** A day's KPIs after an order's contribution changed (and, once, when its pickup was collected). */
export function applyToDay(day: DayKpis, before: Contribution | undefined, after: Contribution | undefined, collected?: { minutes: number }): DayKpis {
  let next = day;
  for (const [contribution, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (!contribution || !contribution.counts) continue;
    next = {
      ...next,
      orders: addCount(next.orders, contribution.channel, sign),
      revenue: { ...next.revenue, [contribution.channel]: add(next.revenue[contribution.channel] ?? {}, contribution.currency, BigInt(sign) * contribution.spent) },
      pickupOrders: next.pickupOrders + (contribution.pickup ? sign : 0),
    };
  }
  if (collected) next = { ...next, readyToPickedUpMinutes: addCount(next.readyToPickedUpMinutes, String(collected.minutes), 1) as Record<string, number> };
  return next;
}

/** Minutes from ready to picked up of a pickup that was just collected, when both times are known. */
export function collectionMinutes(order: Order): number | undefined {
  const { readyAt, pickedUpAt } = order.pickup;
  if (!readyAt || !pickedUpAt) return undefined;
  return Math.max(0, Math.round((toMillis(pickedUpAt) - toMillis(readyAt)) / 60_000));
}

/** The hub-wide customer KPIs after one customer's stats changed from `before` to `after`. */
export function applyToCustomers(kpis: CustomerKpis, before: CustomerStats | undefined, after: CustomerStats): CustomerKpis {
  let next = kpis;
  for (const [stats, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (!stats) continue;
    const channels = stats.channels.length;
    if (channels > 0) next = { ...next, customersByChannels: addCount(next.customersByChannels, String(Math.min(channels, 2)), sign) as Record<string, number> };
    for (const channel of SalesChannelSchema.options as SalesChannel[]) {
      const orders = stats.byChannel[channel]?.orders ?? 0;
      if (orders >= 1) next = { ...next, buyers: addCount(next.buyers, channel, sign) };
      if (orders >= 2) next = { ...next, repeatBuyers: addCount(next.repeatBuyers, channel, sign) };
    }
    for (const [currency, amount] of Object.entries(stats.spent)) {
      const units = BigInt(sign) * toMinorUnits({ amount, currency });
      next = { ...next, revenue: add(next.revenue, currency, units) };
      if (channels >= 2) next = { ...next, multiChannelRevenue: add(next.multiChannelRevenue, currency, units) };
    }
  }
  return next;
}
