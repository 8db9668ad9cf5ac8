import { defineConnector } from '../connector';
import { createHubspotClient } from './client';
import { hubspotManifest } from './manifest';
import { createHubspotReader } from './reader';
import { createHubspotStatsTarget } from './stats';
import { parse, verify } from './webhook';

/** HubSpot: contacts over CRM v3. Webhooks carry ids only, so the connector reads the contacts they name. */
export const hubspot = defineConnector({
  manifest: hubspotManifest,
  webhook: { verify, parse },
  createClient: createHubspotClient,
  createReader: createHubspotReader,
  createStatsTarget: createHubspotStatsTarget,
});
