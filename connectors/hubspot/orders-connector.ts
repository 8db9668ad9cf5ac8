import { defineOrdersConnector } from '../connector';
import { createHubspotMessageTarget } from './messages';
import { createHubspotOrderTarget } from './orders';

/**
 * HubSpot's order side (loaded apart from the customer side: ConnectorDescriptor.loadOrders).
 * HubSpot is the CRM: it holds copies of orders placed elsewhere, never their origin, and logs
 * the customer's messages on her contact's timeline (docs/identity.md §11).
 */
export const hubspotOrders = defineOrdersConnector({ createTarget: createHubspotOrderTarget, createMessageTarget: createHubspotMessageTarget });
