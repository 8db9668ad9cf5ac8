import { SalesChannelSchema } from '../../core/model/order';
import { amountsText, type CustomerStats } from '../../core/model/stats';
import { toMillis } from '../../core/model/system';
import type { StatsTarget } from '../../core/orders/ports';
import type { ClientOptions } from '../connector';
import { createCaller, failureError } from './calls';
import { contactsApis } from './client';
import type { HubspotConfig, HubspotSecret } from './manifest';
import { ensureProperties, once, type PropertySet, type PropertySpec } from './property-setup';
import { propertiesApis } from './properties-sdk';

const SCOPES = 'crm.objects.contacts.write, crm.schemas.contacts.write';

/**
 * A customer's cross-channel stats as contact properties in the `omnihub` group. HubSpot numbers
 * hold one amount with no currency, so money per currency is text ("EUR 30.00; USD 120.50"),
 * exact as canonical; counts are numbers; first and last order are datetimes (epoch ms).
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */
const count = (name: string, label: string, description: string): PropertySpec => ({ name, label, type: 'number', fieldType: 'number', description });
const money = (name: string, label: string, description: string): PropertySpec => ({ name, label, type: 'string', fieldType: 'text', description });
const moment = (name: string, label: string, description: string): PropertySpec => ({ name, label, type: 'datetime', fieldType: 'date', description });

export const STATS_PROPERTIES: PropertySet = {
  objectType: 'contacts',
  group: { name: 'omnihub', label: 'omnihub' },
  properties: [
    count('omnihub_total_orders', 'Orders', 'Orders placed in every channel (cancelled ones not counted).'),
    money('omnihub_total_spent', 'Total spent', 'Spent in every channel, per currency ("EUR 30.00; USD 120.50"), refunds taken off.'),
    count('omnihub_web_orders', 'Web orders', 'Orders placed in the web shop.'),
    money('omnihub_web_spent', 'Web spent', 'Spent in the web shop, per currency.'),
    count('omnihub_store_orders', 'Store orders', 'Orders placed at a store counter.'),
    money('omnihub_store_spent', 'Store spent', 'Spent at store counters, per currency.'),
    moment('omnihub_first_order_at', 'First order', 'When the first order was placed, in any channel.'),
    moment('omnihub_last_order_at', 'Last order', 'When the latest order was placed, in any channel.'),
    {
      name: 'omnihub_channels',
      label: 'Channels used',
      type: 'enumeration',
      fieldType: 'checkbox',
      description: 'The channels with at least one order.',
      options: [
        { label: 'Web', value: 'web' },
        { label: 'Store', value: 'store' },
      ],
    },
    count('omnihub_pickups', 'Click & collect orders', 'Orders for pickup (not cancelled).'),
    count('omnihub_picked_up', 'Click & collect picked up', 'Pickup orders collected.'),
  ],
};


/** The contact properties for the stats, every one of them ('' clears). */
export function statsProperties(stats: CustomerStats): Record<string, string> {
  const web = stats.byChannel.web ?? { orders: 0, spent: {} };
  const store = stats.byChannel.store ?? { orders: 0, spent: {} };
  return {
    omnihub_total_orders: String(stats.orders),
    omnihub_total_spent: amountsText(stats.spent),
    omnihub_web_orders: String(web.orders),
    omnihub_web_spent: amountsText(web.spent),
    omnihub_store_orders: String(store.orders),
    omnihub_store_spent: amountsText(store.spent),
    omnihub_first_order_at: stats.firstOrderAt === null ? '' : String(toMillis(stats.firstOrderAt)),
    omnihub_last_order_at: stats.lastOrderAt === null ? '' : String(toMillis(stats.lastOrderAt)),
    // Multiple checkboxes take their values joined by ';'.
    omnihub_channels: SalesChannelSchema.options.filter((channel) => stats.channels.includes(channel)).join(';'),
    omnihub_pickups: String(stats.pickups),
    omnihub_picked_up: String(stats.pickedUp),
  };
}

/** The HubSpot StatsTarget: creates the `omnihub` group and properties once per instance, then PATCHes the contact. */
export function createHubspotStatsTarget(options: ClientOptions<HubspotConfig, HubspotSecret>): StatsTarget {
  const { log } = options;
  const contacts = contactsApis(options.secret.accessToken, options.baseUrl);
  const apis = { properties: propertiesApis(options.secret.accessToken, options.baseUrl) };
  const caller = createCaller(log, SCOPES);
  const ensureSchema = once(() => ensureProperties(caller, apis, STATS_PROPERTIES, SCOPES, log));

  return {
    async writeStats(recordId, stats) {
      await ensureSchema();
      // PATCH /crm/v3/objects/contacts/{contactId}
      const result = await caller.attempt('write stats', () => contacts.basicApi.update(recordId, { properties: statsProperties(stats) }));
      if (result.ok) return 'written';
      if (result.failure.status === 404) {
        log.info('HubSpot contact for the stats no longer exists', { externalId: recordId });
        return 'gone';
      }
      throw failureError(result.failure, 'write stats', SCOPES);
    },
  };
}
