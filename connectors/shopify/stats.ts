import { ConnectorError } from '../../core/errors';
import * as z from '../../core/schema';
import type { CustomerStats } from '../../core/model/stats';
import type { StatsTarget } from '../../core/orders/ports';
import type { ClientOptions } from '../connector';
import { shopifyApi } from './client';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { customerGid } from './mapping';
import { ShopifyMetafieldsSetPayloadSchema } from './order-schemas';
import { ShopifyNumericIdSchema } from './schemas';

/**
 * A customer's cross-channel stats as Shopify customer metafields in namespace `omnihub`, all
 * written by one metafieldsSet (atomic, at most 25 per call). Unstructured metafields need no
 * definition; a merchant may add definitions in the admin to pin them, with these types.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/metafieldsSet
 * https://shopify.dev/docs/apps/build/custom-data/metafields/list-of-data-types
 */

export const STATS_NAMESPACE = 'omnihub';

const METAFIELDS_SET = /* GraphQL */ `
  mutation OmnihubStatsWrite($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key }
      userErrors { field message code elementIndex }
    }
  }
`;

const MetafieldsSetResponseSchema = z.object({ metafieldsSet: z.nullable(ShopifyMetafieldsSetPayloadSchema) });
interface MetafieldWrite {
  key: string;
  type: 'number_integer' | 'json' | 'date_time' | 'list.single_line_text_field';
  value: string;
}

/** The stats → the metafields that hold them. A date not known yet (no order) is not written. */
export function statsMetafields(stats: CustomerStats): MetafieldWrite[] {
  const integer = (key: string, value: number): MetafieldWrite => ({ key, type: 'number_integer', value: String(value) });
  const amounts = (value: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
  const writes: MetafieldWrite[] = [
    integer('orders', stats.orders),
    { key: 'spent', type: 'json', value: amounts(stats.spent) },
    integer('orders_web', stats.byChannel.web?.orders ?? 0),
    integer('orders_store', stats.byChannel.store?.orders ?? 0),
    { key: 'spent_web', type: 'json', value: amounts(stats.byChannel.web?.spent ?? {}) },
    { key: 'spent_store', type: 'json', value: amounts(stats.byChannel.store?.spent ?? {}) },
    { key: 'channels', type: 'list.single_line_text_field', value: JSON.stringify(stats.channels) },
    integer('pickups', stats.pickups),
    integer('picked_up', stats.pickedUp),
  ];
  // date_time: "YYYY-MM-DDTHH:MM:SS", ISO 8601 without a time zone, read as GMT: the documented form.
  const dateTime = (at: string) => new Date(at).toISOString().slice(0, 19);
  if (stats.firstOrderAt) writes.push({ key: 'first_order_at', type: 'date_time', value: dateTime(stats.firstOrderAt) });
  if (stats.lastOrderAt) writes.push({ key: 'last_order_at', type: 'date_time', value: dateTime(stats.lastOrderAt) });
  return writes;
}

export function createShopifyStatsTarget(options: ClientOptions<ShopifyConfig, ShopifySecret>): StatsTarget {
  const { log } = options;
  const { graphql } = shopifyApi(options);
  return {
    async writeStats(recordId, stats) {
      if (!ShopifyNumericIdSchema.safeParse(recordId).success) {
        throw new ConnectorError('shopify', undefined, 'not a Shopify customer id (expected its numeric id)', { retryable: false });
      }
      const ownerId = customerGid(recordId);
      const metafields = statsMetafields(stats).map((write) => ({ ownerId, namespace: STATS_NAMESPACE, ...write }));
      const result = await graphql('metafieldsSet', METAFIELDS_SET, { metafields }, MetafieldsSetResponseSchema);
      const errors = result.metafieldsSet?.userErrors ?? [];
      if (errors.length === 0 && result.metafieldsSet?.metafields) {
        log.info('Shopify customer stats written', { externalId: recordId, metafields: metafields.length });
        return 'written';
      }
      // The customer was deleted or merged away: its link is stale.
      if (errors.length > 0 && errors.every((error) => error.field?.at(-1) === 'ownerId' && /does not exist/i.test(error.message))) {
        log.info('Shopify customer is gone; stats not written', { externalId: recordId });
        return 'gone';
      }
      // Field paths and codes only: messages may echo values.
      const detail = errors.map((error) => `${error.field?.join('.') ?? 'metafields'}: ${error.code ?? 'no code'}`).join('; ');
      throw new ConnectorError('shopify', 200, `Shopify refused metafieldsSet: ${detail || 'no reason given'}`, {
        retryable: false,
        metadata: { operation: 'metafieldsSet', fields: errors.map((error) => error.field?.join('.') ?? 'metafields').join(',') },
      });
    },
  };
}
