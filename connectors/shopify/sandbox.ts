import type { StartSandbox } from '../descriptor';
import { SANDBOX_SEARCH_LAG_MS, startShopifyFake } from './fake/server';

/** `npm start` without Shopify credentials: the fake, seeded, with a known token and webhook secret. */
export const startShopifySandbox: StartSandbox = async ({ port, seed, now, persistPath }) => {
  const secret = { accessToken: 'shpat_sandbox' };
  const webhookSecret = { webhookSecret: 'sandbox-shopify-webhook-secret' };
  const fake = await startShopifyFake({ port, seed, now, persistPath, searchLagMs: SANDBOX_SEARCH_LAG_MS, ...secret, ...webhookSecret });
  return {
    baseUrl: fake.baseUrl,
    secret,
    webhookSecret,
    config: { shop: fake.shop, apiVersion: fake.apiVersion },
    setWebhookUrl: (url) => fake.setWebhookUrl(url),
    idle: () => fake.webhooks.idle(),
    close: () => fake.close(),
    help: () => [
      `list:  curl ${fake.baseUrl}/_sandbox/customers`,
      `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/customers/<id> -H 'content-type: application/json' -d '{"first_name":"Augusta"}'`,
      `delete: curl -X DELETE ${fake.baseUrl}/_sandbox/customers/<id>      requests: curl ${fake.baseUrl}/_sandbox/requests`,
    ],
  };
};
