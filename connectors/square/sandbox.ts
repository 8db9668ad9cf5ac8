import type { StartSandbox } from '../descriptor';
import { SANDBOX_SEARCH_LAG_MS, startSquareFake } from './fake/server';

/**
 * What the sandbox subscription's notification URL says. Square signs that URL, not the one a
 * delivery lands on (behind a proxy they differ): the hub's local URL is known only once it
 * listens, so the sandbox signs this fixed one and the webhook secret names it.
 */
const SANDBOX_NOTIFICATION_URL = 'https://omnihub.sandbox.local/webhooks/square';

/** `npm start` without Square credentials: the fake seller, seeded, with a known token and signature key. */
export const startSquareSandbox: StartSandbox = async ({ port, seed, now, persistPath }) => {
  const secret = { accessToken: 'EAAAsandbox-square-token' };
  const webhookSecret = { signatureKey: 'sandbox-square-signature-key', notificationUrl: SANDBOX_NOTIFICATION_URL };
  const fake = await startSquareFake({ port, seed, now, persistPath, searchLagMs: SANDBOX_SEARCH_LAG_MS, ...secret, ...webhookSecret });
  return {
    baseUrl: fake.baseUrl,
    secret,
    webhookSecret,
    config: { environment: 'sandbox' },
    setWebhookUrl: (url) => fake.setWebhookUrl(url),
    idle: () => fake.webhooks.idle(),
    close: () => fake.close(),
    help: () => [
      `list:  curl ${fake.baseUrl}/_sandbox/customers`,
      `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/customers/<id> -H 'content-type: application/json' -d '{"given_name":"Augusta"}'`,
      `orders: curl ${fake.baseUrl}/_sandbox/orders      requests: curl ${fake.baseUrl}/_sandbox/requests`,
    ],
  };
};
