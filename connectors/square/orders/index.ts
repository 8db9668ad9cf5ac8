import { defineOrdersConnector } from '../../connector';
import { createSquareOrderSource } from './source';

/**
 * Square's order side: an origin of orders (POS sales, pickup orders), read with BatchRetrieveOrders.
 * Loaded apart from the customer side (descriptor.ts loadOrders), in the orders bundle only.
 */
export const squareOrders = defineOrdersConnector({ createSource: createSquareOrderSource });
