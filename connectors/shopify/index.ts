import { defineConnector } from '../connector';
import { createShopifyClient } from './client';
import { shopifyManifest } from './manifest';
import { createShopifyReader } from './reader';
import { createShopifyStatsTarget } from './stats';
import { parse, verify } from './webhook';

/** Shopify: customer, consent, tag, delete, redact and merge webhooks in (API 2025-10), GraphQL Admin API writes out. */
export const shopify = defineConnector({
  manifest: shopifyManifest,
  webhook: { verify, parse },
  createClient: createShopifyClient,
  createReader: createShopifyReader,
  createStatsTarget: createShopifyStatsTarget,
});
