import type { StartSandbox } from '../descriptor';
import { startKlaviyoFake } from './fake/server';

/** A realistic index lag for a local sandbox: Get Profiles lists a write a little later. */
const SANDBOX_SEARCH_LAG_MS = 2000;

/**
 * `npm start` without Klaviyo credentials: the fake account, seeded, with a known private key.
 * Klaviyo sends no webhooks: the hub polls it every `pollMinutes`.
 */
export const startKlaviyoSandbox: StartSandbox = async ({ port, seed, now, persistPath }) => {
  const secret = { privateKey: 'pk_sandboxklaviyo0000000000000000' };
  const fake = await startKlaviyoFake({ port, seed, now, persistPath, searchLagMs: SANDBOX_SEARCH_LAG_MS, apiKey: secret.privateKey });
  return {
    baseUrl: fake.baseUrl,
    secret,
    webhookSecret: {},
    config: {},
    // Nothing is delivered: the hub reads Klaviyo on its poll.
    setWebhookUrl: () => undefined,
    idle: () => fake.idle(),
    close: () => fake.close(),
    help: () => [
      `list:  curl ${fake.baseUrl}/_sandbox/profiles`,
      `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/profiles/<id> -H 'content-type: application/json' -d '{"first_name":"Augusta"}'`,
      `unsubscribe: curl -X POST ${fake.baseUrl}/_sandbox/profiles/<id>/unsubscribe -H 'content-type: application/json' -d '{"channel":"email"}'`,
      `events: curl ${fake.baseUrl}/_sandbox/events      requests: curl ${fake.baseUrl}/_sandbox/requests`,
    ],
  };
};
