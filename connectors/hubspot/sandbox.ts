import type { StartSandbox } from '../descriptor';
import { startHubspotFake } from './fake/server';

/** `npm start` without HubSpot credentials: the fake, seeded, with a known token and client secret. */
export const startHubspotSandbox: StartSandbox = async ({ port, seed, now, persistPath }) => {
  const secret = { accessToken: 'pat-sandbox' };
  const webhookSecret = { clientSecret: 'sandbox-hubspot-client-secret' };
  const fake = await startHubspotFake({ port, seed, now, persistPath, ...secret, ...webhookSecret });
  return {
    baseUrl: fake.baseUrl,
    secret,
    webhookSecret,
    config: {},
    setWebhookUrl: (url) => {
      fake.webhooks.targetUrl = url;
    },
    idle: () => fake.webhooks.idle(),
    close: () => fake.close(),
    help: () => [
      `list:  curl ${fake.baseUrl}/_sandbox/contacts`,
      `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/contacts/<id> -H 'content-type: application/json' -d '{"properties":{"lastname":"King"}}'`,
      `delete: curl -X DELETE ${fake.baseUrl}/_sandbox/contacts/<id>      requests: curl ${fake.baseUrl}/_sandbox/requests`,
    ],
  };
};
