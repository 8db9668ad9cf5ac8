import { startHubspotFake } from './hubspot/fake/server';
import { startShopifyFake } from './shopify/fake/server';

/**
 * The sandboxes `npm start` runs when a connector has no real credentials: each connector's
 * fake, seeded, with a known token and webhook secret. One entry per connector with a fake.
 */
export interface Sandbox {
  baseUrl: string;
  /** The secret JSON the connector uses against this sandbox. */
  secret: Record<string, string>;
  /** cdk.json settings the sandbox needs (e.g. the shop name). */
  config: Record<string, unknown>;
  setWebhookUrl(url: string): void;
  /** Resolves when every webhook the sandbox sent has been answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** How a person looks at and edits the sandbox's records (for the start banner). */
  help(): string[];
}

export type StartSandbox = (options: { port?: number; seed: boolean; now?: () => Date }) => Promise<Sandbox>;

export const sandboxes: Record<string, StartSandbox> = {
  async shopify({ port, seed, now }) {
    const secret = { accessToken: 'shpat_sandbox', webhookSecret: 'sandbox-shopify-webhook-secret' };
    const fake = await startShopifyFake({ port, seed, now, ...secret });
    return {
      baseUrl: fake.baseUrl,
      secret,
      config: { shop: fake.shop, apiVersion: fake.apiVersion },
      setWebhookUrl: (url) => fake.setWebhookUrl(url),
      idle: () => fake.webhooks.idle(),
      close: () => fake.close(),
      help: () => [
        `list:  curl ${fake.baseUrl}/_sandbox/customers`,
        `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/customers/<id> -H 'content-type: application/json' -d '{"first_name":"Augusta"}'`,
      ],
    };
  },
  async hubspot({ port, seed, now }) {
    const secret = { accessToken: 'pat-sandbox', clientSecret: 'sandbox-hubspot-client-secret' };
    const fake = await startHubspotFake({ port, seed, now, ...secret });
    return {
      baseUrl: fake.baseUrl,
      secret,
      config: {},
      setWebhookUrl: (url) => {
        fake.webhooks.targetUrl = url;
      },
      idle: () => fake.webhooks.idle(),
      close: () => fake.close(),
      help: () => [
        `list:  curl ${fake.baseUrl}/_sandbox/contacts`,
        `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/contacts/<id> -H 'content-type: application/json' -d '{"properties":{"lastname":"King"}}'`,
      ],
    };
  },
};
