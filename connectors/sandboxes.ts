import { startHubspotFake } from './hubspot/fake/server';
import { SANDBOX_SEARCH_LAG_MS, startShopifyFake } from './shopify/fake/server';

/**
 * The sandboxes `npm start` runs when a connector has no real credentials: each connector's
 * fake, seeded, with a known token and webhook secret. One entry per connector with a fake.
 */
export interface Sandbox {
  baseUrl: string;
  /** The API secret JSON (`omnihub/<id>`, the manifest's secretSchema) the connector uses against this sandbox. */
  secret: Record<string, string>;
  /** The webhook signing secret JSON (`omnihub/<id>/webhook`, webhookSecretSchema) the sandbox signs with. */
  webhookSecret: Record<string, string>;
  /** cdk.json settings the sandbox needs (e.g. the shop name). */
  config: Record<string, unknown>;
  setWebhookUrl(url: string): void;
  /** Resolves when every webhook the sandbox sent has been answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** How a person looks at and edits the sandbox's records (for the start banner). */
  help(): string[];
}

export interface StartSandboxOptions {
  port?: number;
  seed: boolean;
  now?: () => Date;
  /**
   * Keep the sandbox's records in this JSON file across restarts (`npm start` uses
   * `.omnihub/sandboxes/<id>.json`). Handed to the fake's own `persistPath` option.
   */
  persistPath?: string;
}

export type StartSandbox = (options: StartSandboxOptions) => Promise<Sandbox>;

export const sandboxes: Record<string, StartSandbox> = {
  async shopify({ port, seed, now, persistPath }) {
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
  },
  async hubspot({ port, seed, now, persistPath }) {
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
  },
};
