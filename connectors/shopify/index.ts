import { defineConnector } from '../connector';
import { createShopifyClient } from './client';
import { shopifyManifest } from './manifest';
import { parse, verify } from './webhook';

/** Shopify: customers/create and customers/update in, GraphQL Admin API writes out. */
export const shopify = defineConnector({
  manifest: shopifyManifest,
  webhook: { verify, parse },
  createClient: createShopifyClient,
});
