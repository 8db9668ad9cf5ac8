import { fromMinorUnits, toMinorUnits } from '../model/money';
import { SalesChannelSchema, type SalesChannel } from '../model/order';
import type { CustomerKpis, DayKpis } from '../model/kpis';

/** What `npx omnihub kpis` prints, from the incremental aggregates (core/model/kpis.ts). */
export interface KpiReport {
  from: string;
  to: string;
  /** Orders placed in the range. */
  byChannel: Partial<Record<SalesChannel, { orders: number; revenue: Record<string, string> }>>;
  /** Share of the range's orders that were click & collect; null without orders. */
  clickAndCollectShare: number | null;
  /** Median minutes from ready to picked up, over pickups of orders placed in the range; null without any. */
  medianReadyToPickedUpMinutes: number | null;
  pickupsCollected: number;
  /** As of now, over all customers. */
  customers: {
    byChannelsUsed: { one: number; twoOrMore: number };
    /** Per currency: revenue from customers who bought in two or more channels, as a share of customers' revenue. */
    multiChannelRevenueShare: Record<string, number>;
    /** Per channel: buyers with two or more orders there, as a share of its buyers. */
    repeatPurchaseRate: Partial<Record<SalesChannel, number>>;
  };
}

export function kpiReport(range: { from: string; to: string }, days: DayKpis[], customers: CustomerKpis | undefined): KpiReport {
  const byChannel: KpiReport['byChannel'] = {};
  const minutes = new Map<number, number>();
  let orders = 0;
  let pickupOrders = 0;
  for (const day of days) {
    pickupOrders += day.pickupOrders;
    for (const channel of SalesChannelSchema.options as SalesChannel[]) {
      const count = day.orders[channel] ?? 0;
      const revenue = day.revenue[channel] ?? {};
      if (count === 0 && Object.keys(revenue).length === 0) continue;
      const entry = (byChannel[channel] ??= { orders: 0, revenue: {} });
      entry.orders += count;
      orders += count;
      for (const [currency, amount] of Object.entries(revenue)) {
        const sum = toMinorUnits({ amount: entry.revenue[currency] ?? '0', currency }) + toMinorUnits({ amount, currency });
        entry.revenue[currency] = fromMinorUnits(sum, currency).amount;
      }
    }
    for (const [minute, count] of Object.entries(day.readyToPickedUpMinutes)) minutes.set(Number(minute), (minutes.get(Number(minute)) ?? 0) + count);
  }
  const collected = [...minutes.values()].reduce((a, b) => a + b, 0);
  const c = customers;
  const share = (part: string | undefined, whole: string, currency: string) => {
    const total = toMinorUnits({ amount: whole, currency });
    return total === 0n ? 0 : Number((toMinorUnits({ amount: part ?? '0', currency }) * 10_000n) / total) / 10_000;
  };
  return {
    ...range,
    byChannel,
    clickAndCollectShare: orders === 0 ? null : round(pickupOrders / orders),
    medianReadyToPickedUpMinutes: median(minutes, collected),
    pickupsCollected: collected,
    customers: {
      byChannelsUsed: { one: c?.customersByChannels['1'] ?? 0, twoOrMore: c?.customersByChannels['2'] ?? 0 },
      multiChannelRevenueShare: Object.fromEntries(Object.entries(c?.revenue ?? {}).map(([currency, total]) => [currency, share(c?.multiChannelRevenue[currency], total, currency)])),
      repeatPurchaseRate: Object.fromEntries(
        (SalesChannelSchema.options as SalesChannel[]).filter((ch) => (c?.buyers[ch] ?? 0) > 0).map((ch) => [ch, round((c?.repeatBuyers[ch] ?? 0) / c!.buyers[ch]!)]),
      ),
    },
  };
}

/** The median of a count-per-minute histogram (the lower middle for an even count). */
function median(histogram: Map<number, number>, total: number): number | null {
  if (total === 0) return null;
  const middle = Math.ceil(total / 2);
  let seen = 0;
  for (const minute of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(minute)!;
    if (seen >= middle) return minute;
  }
  return null;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function formatKpiReport(report: KpiReport): string {
  const pct = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);
  const money = (amounts: Record<string, string>) => Object.entries(amounts).map(([currency, amount]) => `${amount} ${currency}`).join(', ') || '0';
  const lines = [`KPIs for orders placed ${report.from} to ${report.to} (UTC days)`, ''];
  lines.push('  Channel   Orders   Revenue');
  for (const channel of SalesChannelSchema.options as SalesChannel[]) {
    const entry = report.byChannel[channel];
    lines.push(`  ${channel.padEnd(9)} ${String(entry?.orders ?? 0).padStart(6)}   ${money(entry?.revenue ?? {})}`);
  }
  lines.push(
    '',
    `  Click & collect share of orders:   ${pct(report.clickAndCollectShare)}`,
    `  Median ready → picked up:          ${report.medianReadyToPickedUpMinutes === null ? 'n/a' : `${report.medianReadyToPickedUpMinutes} min`} (${report.pickupsCollected} collected)`,
    '',
    '  Customers, as of now (all their orders)',
    `  Bought in one channel:             ${report.customers.byChannelsUsed.one}`,
    `  Bought in two or more channels:    ${report.customers.byChannelsUsed.twoOrMore}`,
    `  Revenue from two-channel buyers:   ${Object.entries(report.customers.multiChannelRevenueShare).map(([currency, share]) => `${pct(share)} of ${currency}`).join(', ') || 'n/a'}`,
    `  Repeat-purchase rate:              ${(SalesChannelSchema.options as SalesChannel[]).map((ch) => `${ch} ${pct(report.customers.repeatPurchaseRate[ch] ?? null)}`).join(', ')}`,
  );
  return lines.join('\n');
}
