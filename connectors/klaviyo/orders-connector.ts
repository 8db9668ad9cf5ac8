import { defineOrdersConnector } from '../connector';
import { createKlaviyoOrderTarget } from './orders';

/** Klaviyo's order side (loaded apart from the customer side): orders placed elsewhere, as events on the buyer's profile. */
export const klaviyoOrders = defineOrdersConnector({ createTarget: createKlaviyoOrderTarget });
