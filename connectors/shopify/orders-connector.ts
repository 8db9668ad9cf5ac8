import { defineOrdersConnector } from '../connector';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { createShopifyOrderSource } from './orders';
import { createShopifyOrderHistory } from './order-history';

/**
 * Shopify's order side (loaded apart from its customer side: ConnectorDescriptor.loadOrders).
 * An origin only: Shopify's own orders are read, orders placed elsewhere are not copied into it.
 * Same config and secret (`omnihub/shopify`) as the customer client; the token needs
 * read_orders and read_merchant_managed_fulfillment_orders as well, and read_all_orders for an
 * order backfill reaching further back than 60 days.
 */
export const shopifyOrders = defineOrdersConnector<ShopifyConfig, ShopifySecret>({
  createSource: createShopifyOrderSource,
  // Folded at bundle time: the order history only in backfill-shopify-orders (and unbundled).
  loadReader: async () => ((process.env.OMNIHUB_BACKFILL_BUNDLE ?? 'true') === 'true' ? ((options) => createShopifyOrderHistory(options)) : undefined),
});
