import { defineOrdersConnector } from '../connector';
import type { ShopifyConfig, ShopifySecret } from './manifest';
import { createShopifyOrderSource } from './orders';

/**
 * Shopify's order side (loaded apart from its customer side: ConnectorDescriptor.loadOrders).
 * An origin only: Shopify's own orders are read, orders placed elsewhere are not copied into it.
 * Same config and secret (`omnihub/shopify`) as the customer client; the token needs
 * read_orders and read_merchant_managed_fulfillment_orders as well.
 */
export const shopifyOrders = defineOrdersConnector<ShopifyConfig, ShopifySecret>({ createSource: createShopifyOrderSource });
