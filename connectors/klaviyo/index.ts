import { defineConnector } from '../connector';
import { createKlaviyoClient } from './client';
import { klaviyoManifest } from './manifest';
import { createKlaviyoReader } from './reader';
import { createKlaviyoStatsTarget } from './stats';

/**
 * Klaviyo: profiles out through the Profiles API, and in through a poll of the profiles updated
 * since the last read (Klaviyo sends an ordinary integration no webhooks), and each customer's
 * cross-channel stats as profile properties, over klaviyo-api (revision 2026-07-15).
 */
export const klaviyo = defineConnector({
  manifest: klaviyoManifest,
  createClient: createKlaviyoClient,
  createReader: createKlaviyoReader,
  createStatsTarget: createKlaviyoStatsTarget,
});
