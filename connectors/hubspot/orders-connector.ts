import { defineOrdersConnector } from '../connector';
import { createHubspotOrderTarget } from './orders';

/**
 * HubSpot's order side (loaded apart from the customer side: ConnectorDescriptor.loadOrders).
 * HubSpot is the CRM: it holds copies of orders placed elsewhere, never their origin.
 */
export const hubspotOrders = defineOrdersConnector({ createTarget: createHubspotOrderTarget });
