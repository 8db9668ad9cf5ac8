import { ConnectorError } from '../../core/errors';
import { SalesChannelSchema } from '../../core/model/order';
import { amountsText, type CustomerStats } from '../../core/model/stats';
import type { StatsTarget } from '../../core/orders/ports';
import type { ClientOptions } from '../connector';
import { klaviyoApi, type KlaviyoTuning } from './api';
import type { KlaviyoConfig, KlaviyoSecret } from './manifest';

/**
 * A customer's cross-channel stats as custom profile properties, for the shop's segments and
 * flows ("bought in both channels", "picked up at least once"). Klaviyo needs no schema: a
 * property exists once a profile holds it, and takes its type from the value, so counts are
 * numbers, dates ISO date-times (Klaviyo detects them), the channels a list; money per currency is
 * text, exact, as in HubSpot ("EUR 30.00; USD 120.50"). Written with Update Profile, which merges
 * `properties` key by key and leaves the profile's other properties alone.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/update_profile
 */
export function statsProperties(stats: CustomerStats): Record<string, string | number | string[] | null> {
  const web = stats.byChannel.web ?? { orders: 0, spent: {} };
  const store = stats.byChannel.store ?? { orders: 0, spent: {} };
  return {
    omnihub_total_orders: stats.orders,
    omnihub_total_spent: amountsText(stats.spent),
    omnihub_web_orders: web.orders,
    omnihub_web_spent: amountsText(web.spent),
    omnihub_store_orders: store.orders,
    omnihub_store_spent: amountsText(store.spent),
    omnihub_first_order_at: stats.firstOrderAt,
    omnihub_last_order_at: stats.lastOrderAt,
    omnihub_channels: SalesChannelSchema.options.filter((channel) => stats.channels.includes(channel)),
    omnihub_pickups: stats.pickups,
    omnihub_picked_up: stats.pickedUp,
  };
}

export function createKlaviyoStatsTarget(options: ClientOptions<KlaviyoConfig, KlaviyoSecret>, tuning: KlaviyoTuning = {}): StatsTarget {
  const api = klaviyoApi(options, tuning);
  return {
    async writeStats(recordId, stats) {
      try {
        await api.call('write stats', ({ profilesApi }) => profilesApi.updateProfile(recordId, { data: { type: 'profile', id: recordId, attributes: { properties: statsProperties(stats) } } }));
        return 'written';
      } catch (error) {
        if (!(error instanceof ConnectorError && error.status === 404)) throw error;
        options.log.info('Klaviyo profile for the stats no longer exists', { externalId: recordId });
        return 'gone';
      }
    },
  };
}
