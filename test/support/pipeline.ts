import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHubspotFake, type HubspotFake, type HubspotFakeOptions } from '../../connectors/hubspot/fake/server';
import { startShopifyFake, type ShopifyFake, type ShopifyFakeOptions } from '../../connectors/shopify/fake/server';
import { routedConnector } from '../../connectors/manifests';
import { hubspotManifest } from '../../connectors/hubspot/manifest';
import { shopifyManifest } from '../../connectors/shopify/manifest';
import { startSquareFake, type SquareFake, type SquareFakeOptions } from '../../connectors/square/fake/server';
import { squareManifest } from '../../connectors/square/manifest';
import { startKlaviyoFake, type KlaviyoFake, type KlaviyoFakeOptions } from '../../connectors/klaviyo/fake/server';
import { klaviyoManifest } from '../../connectors/klaviyo/manifest';
import { startTwilioFake, type TwilioFake, type TwilioFakeOptions } from '../../connectors/twilio/fake/server';
import { twilioManifest } from '../../connectors/twilio/manifest';
import { INVOCATION_HEADER } from '../../connectors/testing/fake-http';
import { startRuntime, type Runtime } from '../../local/runtime';
import { aFreshTable } from './identity-table';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const SHOPIFY_SECRET = { accessToken: 'shpat_test', webhookSecret: 'shopify-test-webhook-secret' };
export const HUBSPOT_SECRET = { accessToken: 'pat-test', clientSecret: 'hubspot-test-client-secret' };
export const KLAVIYO_SECRET = { privateKey: 'pk_test0klaviyo0private0key0000' };
export const TWILIO_SECRET = { accountSid: `AC${'0f'.repeat(16)}`, authToken: '0f'.repeat(16) };
/** The shop's numbers in the Twilio fake: SMS, and its WhatsApp sender. */
export const SHOP_SMS = '+15005550006';
export const SHOP_WHATSAPP = '+14155238886';
export const SQUARE_SECRET = { accessToken: 'EAAAl-test-square-token', signatureKey: 'square-test-signature-key', notificationUrl: 'https://hub.example.com/webhooks/square' };

/**
 * A clock for the fakes that never repeats a second while it can: Shopify timestamps have
 * one-second resolution, and real edits by people are seconds apart. Every call takes the next
 * second, so a busy test runs it ahead of real time; it stays at most `maxLeadMs` ahead, and past
 * that lead calls share a second, as real edits can (Shopify's one-second ties, docs/identity.md §2).
 * (Further ahead, the hub would clamp the fakes' times to its own clock, MAX_FUTURE_SKEW_MS, and
 * scramble their order: the 21610 and Klaviyo-unsubscribe tests flaked on that.) Close to real
 * time too for HubSpot's signature window.
 */
export function steppingClock(stepMs = 1000, maxLeadMs = 30_000): () => Date {
  let last = Date.now() - 60_000;
  return () => {
    const now = Date.now();
    const step = last + stepMs <= now + maxLeadMs ? stepMs : 1;
    last = Math.max(now - 60_000, last + step);
    return new Date(last);
  };
}

export interface CapacityReport {
  byFunction: Record<string, { invocations: number; errors: number; crashes: number; readUnits: number; writeUnits: number }>;
  readUnits: number;
  writeUnits: number;
}

export interface Pipeline {
  runtime: Runtime;
  shopify: ShopifyFake;
  hubspot: HubspotFake;
  /** Present when the pipeline was started with `square`. */
  square?: SquareFake;
  /** Present when the pipeline was started with `klaviyo` (polled: `pollKlaviyo()` reads what changed there). */
  klaviyo?: KlaviyoFake;
  /** Present when the pipeline was started with `twilio` (its webhooks signed for the hub's URL). */
  twilio?: TwilioFake;
  /** Runs Klaviyo's poll now (what its schedule does every pollMinutes) and waits for the pipeline to settle. */
  pollKlaviyo(): Promise<void>;
  table: Awaited<ReturnType<typeof aFreshTable>>;
  /** Every JSON log line the functions wrote. */
  logs: string[];
  /** DynamoDB capacity and invocations so far, per function (as the functions' meters report them). */
  capacity(): CapacityReport;
  /** Wait until every webhook was answered and every queue is empty, repeatedly, until nothing moves. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline on this machine: DynamoDB Local (a fresh table), the Shopify and HubSpot
 * fakes (and Square's, when asked for) driven through their real SDKs, and the local runtime
 * running the bundled handlers.
 */
export async function startPipeline(
  options: {
    shopify?: Partial<ShopifyFakeOptions>;
    hubspot?: Partial<HubspotFakeOptions>;
    /** The HubSpot connector's cdk.json settings beyond batchSize (e.g. marketingSubscriptionId). */
    hubspotConfig?: { marketingSubscriptionId?: string };
    /** Connect Square too (its fake signs the fixed notification URL of SQUARE_SECRET). */
    square?: Partial<SquareFakeOptions>;
    /** Connect Klaviyo too (no webhooks: its changes come in through pollKlaviyo()). */
    klaviyo?: Partial<KlaviyoFakeOptions>;
    /** Connect Twilio too (messages: the shop's SMS number and WhatsApp sender). */
    twilio?: Partial<TwilioFakeOptions>;
    /** The Twilio connector's cdk.json settings beyond the shop's numbers (e.g. notices). */
    twilioConfig?: Record<string, unknown>;
    queue?: Parameters<typeof startRuntime>[0]['queue'];
    /** Outside vitest (the benchmark): a DynamoDB Local to use. */
    dynamodbEndpoint?: string;
    buildDir?: string;
    onWebhook?: Parameters<typeof startRuntime>[0]['onWebhook'];
    /** Serve these as `omnihub/<id>/webhook` instead of the fakes' signing secrets (e.g. the deployed placeholder). */
    webhookSecrets?: { shopify?: Record<string, string>; hubspot?: Record<string, string> };
    /** The fakes' clock (default steppingClock(): never the same second twice). */
    clock?: () => Date;
    /** Tag the functions' outgoing requests so a fake's request log names the invocation (crash injection). */
    crashable?: boolean;
    poolSize?: number;
  } = {},
): Promise<Pipeline> {
  const table = await aFreshTable(options.dynamodbEndpoint);
  const clock = options.clock ?? steppingClock();
  const shopify = await startShopifyFake({ ...SHOPIFY_SECRET, now: clock, ...options.shopify });
  const hubspot = await startHubspotFake({ ...HUBSPOT_SECRET, now: clock, ...options.hubspot });
  const square = options.square ? await startSquareFake({ ...SQUARE_SECRET, searchLagMs: 0, now: clock, ...options.square }) : undefined;
  const klaviyo = options.klaviyo ? await startKlaviyoFake({ apiKey: KLAVIYO_SECRET.privateKey, searchLagMs: 0, jobLagMs: 0, now: clock, ...options.klaviyo }) : undefined;
  const twilio = options.twilio
    ? await startTwilioFake({ ...TWILIO_SECRET, senders: [SHOP_SMS, `whatsapp:${SHOP_WHATSAPP}`], now: clock, statusStepMs: 20, ...options.twilio })
    : undefined;
  const logs: string[] = [];
  const runtime = await startRuntime({
    root,
    // Test files run in parallel: each bundles into its own folder.
    buildDir: options.buildDir ?? (await mkdtemp(path.join(tmpdir(), 'omnihub-build-'))),
    dynamodbEndpoint: table.endpoint,
    tableName: table.tableName,
    connectors: [
      {
        ...routedConnector(shopifyManifest),
        config: { shop: shopify.shop, apiVersion: shopify.apiVersion },
        secret: { accessToken: SHOPIFY_SECRET.accessToken },
        webhookSecret: options.webhookSecrets?.shopify ?? { webhookSecret: SHOPIFY_SECRET.webhookSecret },
        baseUrl: shopify.baseUrl,
      },
      {
        ...routedConnector(hubspotManifest),
        config: { batchSize: 100, ...options.hubspotConfig },
        secret: { accessToken: HUBSPOT_SECRET.accessToken },
        webhookSecret: options.webhookSecrets?.hubspot ?? { clientSecret: HUBSPOT_SECRET.clientSecret },
        baseUrl: hubspot.baseUrl,
      },
      ...(square
        ? [
            {
              ...routedConnector(squareManifest),
              config: { environment: 'sandbox', locationIds: 'all' },
              secret: { accessToken: SQUARE_SECRET.accessToken },
              webhookSecret: { signatureKey: SQUARE_SECRET.signatureKey, notificationUrl: SQUARE_SECRET.notificationUrl },
              baseUrl: square.baseUrl,
            },
          ]
        : []),
      ...(klaviyo
        ? [
            {
              ...routedConnector(klaviyoManifest),
              // The poll is run by the test (pollKlaviyo), not by a timer.
              config: { pollMinutes: 0 },
              secret: { privateKey: KLAVIYO_SECRET.privateKey },
              webhookSecret: {},
              baseUrl: klaviyo.baseUrl,
            },
          ]
        : []),
      ...(twilio
        ? [
            {
              ...routedConnector(twilioManifest),
              config: { smsFrom: SHOP_SMS, whatsappFrom: SHOP_WHATSAPP, ...options.twilioConfig },
              secret: TWILIO_SECRET,
              webhookSecret: { authToken: TWILIO_SECRET.authToken },
              baseUrl: twilio.baseUrl,
            },
          ]
        : []),
    ],
    onLog: (line) => logs.push(line),
    queue: { visibilityDelayMs: 100, ...options.queue },
    onWebhook: options.onWebhook,
    ...(options.crashable ? { invocationHeader: INVOCATION_HEADER } : {}),
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  shopify.setWebhookUrl(runtime.webhookUrl('shopify'));
  hubspot.webhooks.targetUrl = runtime.webhookUrl('hubspot');
  square?.setWebhookUrl(runtime.webhookUrl('square'));
  twilio?.setWebhookUrl(runtime.webhookUrl('twilio'));
  const requestCount = () =>
    shopify.requests.length + hubspot.requests.length + (square?.requests.length ?? 0) + (klaviyo?.requests.length ?? 0) + (twilio?.requests.length ?? 0) + runtime.bus.published.length;

  const settle = async () => {
    for (let round = 0; round < 50; round++) {
      const before = requestCount();
      await Promise.all([shopify.webhooks.idle(), hubspot.webhooks.idle(), square?.webhooks.idle(), klaviyo?.idle(), twilio?.idle()]);
      await runtime.idle();
      await new Promise((r) => setTimeout(r, 20));
      const after = requestCount();
      if (before === after && runtime.queues.every((q) => q.depth === 0)) return;
    }
    throw new Error('The pipeline did not settle: a sync loop?');
  };

  return {
    runtime,
    shopify,
    hubspot,
    ...(square ? { square } : {}),
    ...(klaviyo ? { klaviyo } : {}),
    ...(twilio ? { twilio } : {}),
    async pollKlaviyo() {
      if (!klaviyo) throw new Error('startPipeline({ klaviyo }) first');
      runtime.reconcileNow({ connector: 'klaviyo', entity: 'customers' });
      await settle();
    },
    table,
    logs,
    capacity() {
      const byFunction: CapacityReport['byFunction'] = {};
      let readUnits = 0;
      let writeUnits = 0;
      for (const [name, fn] of runtime.functions) {
        const { invocations, errors, crashes, readUnits: read, writeUnits: write } = fn.totals;
        byFunction[name] = { invocations, errors, crashes, readUnits: read, writeUnits: write };
        readUnits += read;
        writeUnits += write;
      }
      return { byFunction, readUnits, writeUnits };
    },
    settle,
    async stop() {
      await runtime.stop();
      await Promise.all([shopify.close(), hubspot.close(), square?.close(), klaviyo?.close(), twilio?.close()]);
    },
  };
}

