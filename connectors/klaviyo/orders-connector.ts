import { defineOrdersConnector } from '../connector';
import { createKlaviyoMessageTarget } from './messages';
import { createKlaviyoOrderTarget } from './orders';

/**
 * Klaviyo's order side (loaded apart from the customer side): orders placed elsewhere, and the
 * customer's SMS and WhatsApp messages (docs/identity.md §11), as events on her profile.
 */
export const klaviyoOrders = defineOrdersConnector({ createTarget: createKlaviyoOrderTarget, createMessageTarget: createKlaviyoMessageTarget });
