import { defineOrdersConnector } from '../../connector';
import { createSquareOrderSource } from './source';

/**
 * Square's order side: an origin of orders (POS sales, pickup orders), read with BatchRetrieveOrders
 * (what webhooks name) and SearchOrders (the order backfill and reconciliation).
 * Loaded apart from the customer side (descriptor.ts loadOrders), in the orders bundle only.
 */
export const squareOrders = defineOrdersConnector({
  createSource: createSquareOrderSource,
  // Folded at bundle time: SearchOrders and ListLocations (26 KB of SDK code) only in backfill-square-orders.
  loadReader: async () => ((process.env.OMNIHUB_BACKFILL_BUNDLE ?? 'true') === 'true' ? (await import('./history')).createSquareOrderHistory : undefined),
});
