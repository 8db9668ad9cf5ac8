import type { OrdersConnector } from './connector';
import { descriptorOf } from './registry';

/**
 * A connector's order side, loaded on demand. Order bundles define OMNIHUB_ENTITY_BUNDLE
 * "orders" (functions/catalog.ts), so its customer side and every other connector fold away.
 */
export async function loadOrdersConnector(id: string): Promise<OrdersConnector | undefined> {
  return descriptorOf(id)?.loadOrders();
}
