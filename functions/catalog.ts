import { fileURLToPath } from 'node:url';
import type { RouteTarget } from '../core/routing';

/**
 * The Lambda functions and how each is bundled: read by the CDK stack
 * and by the local runtime (which bundles the same way and runs each bundle in its own
 * worker), so what runs on a laptop is what runs in AWS.
 */
export type FunctionName = RouteTarget | 'webhook-receiver';

export const functionEntries: Record<FunctionName, string> = {
  'webhook-receiver': 'functions/webhook-receiver.ts',
  'identity-resolver': 'functions/identity-resolver.ts',
  'connector-sync': 'functions/connector-sync.ts',
  'order-sync': 'functions/order-sync.ts',
  backfill: 'functions/backfill.ts',
  'notice-sender': 'functions/notice-sender.ts',
};

const shim = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Packages the bundles replace with lean modules of the same API (esbuild `alias`): the AWS SDK
 * v3 clients (250-330 KB bundled, most of it protocol and credential-chain machinery these
 * functions never use) with clients over Node's fetch speaking the same wire protocol
 * (functions/lib/aws/), and node-fetch (with its 280 KB URL polyfill) with Node's own fetch.
 * Only the bundles: code run in-process (tests, the CLI) keeps the real packages; the
 * integration tests run the bundles. https://esbuild.github.io/api/#alias
 */
export const bundleAliases: Record<string, string> = {
  '@aws-sdk/client-dynamodb': shim('./lib/aws/client-dynamodb.ts'),
  '@aws-sdk/lib-dynamodb': shim('./lib/aws/lib-dynamodb.ts'),
  '@aws-sdk/client-eventbridge': shim('./lib/aws/client-eventbridge.ts'),
  '@aws-sdk/client-secrets-manager': shim('./lib/aws/client-secrets-manager.ts'),
  'node-fetch': shim('./lib/shims/node-fetch.ts'),
};

/** esbuild settings of every bundle (functions/build.ts: CDK, the local runtime and the bench). */
export const bundleSettings = {
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  // Stack traces need the mappings only (NODE_OPTIONS=--enable-source-maps), not the sources.
  sourcesContent: false,
  // Some dependencies are CommonJS and call require(); ESM bundles need it provided.
  banner: "import { createRequire as __omnihubCreateRequire } from 'node:module'; const require = __omnihubCreateRequire(import.meta.url);",
  mainFields: ['module', 'main'],
} as const;

/**
 * Size budgets of the deployed bundles (index.mjs as CDK zips it, minified, source map
 * apart), in bytes: init time grows with bundle size (about 15-35 ms per 100 KB, see
 * /work/shared/reference/aws-serverless-facts.md §1.3) and the vendors give a webhook 5 s.
 * test/infra/bundling.test.ts fails when a bundle outgrows its budget; `npm run bench` prints
 * each bundle's size and its largest contributors.
 */
// Decimal, as the budgets are written ("≤ 300 KB"): 300 KB is 300,000 bytes.
export const KB = 1000;
export const bundleBudgets = {
  /** Each connector's own webhook receiver (webhook-receiver-shopify, ...): its connector's webhook code only. */
  'webhook-receiver-<connector>': 150 * KB,
  'identity-resolver': 300 * KB,
  /** Each connector's own connector-sync bundle (sync-shopify, sync-hubspot, ...). */
  'sync-<connector>': 300 * KB,
  /** Each connector's own order bundle (orders-shopify, ...). */
  'orders-<connector>': 300 * KB,
  /** Each connector's own backfill bundle (backfill-shopify, ...). */
  'backfill-<connector>': 300 * KB,
  /** Each messaging connector's notice bundle (notices-twilio). */
  'notices-<connector>': 300 * KB,
} as const;

/** The budget of a deployed function by its name: webhook-receiver-<connector id>, identity-resolver, sync-<connector id> ... */
export function bundleBudget(name: string): number {
  if (name.startsWith('webhook-receiver-')) return bundleBudgets['webhook-receiver-<connector>'];
  if (name === 'identity-resolver') return bundleBudgets[name];
  if (name.startsWith('sync-')) return bundleBudgets['sync-<connector>'];
  if (name.startsWith('backfill-')) return bundleBudgets['backfill-<connector>'];
  if (name.startsWith('orders-')) return bundleBudgets['orders-<connector>'];
  if (name.startsWith('notices-')) return bundleBudgets['notices-<connector>'];
  throw new Error(`No bundle budget for function "${name}" (functions/catalog.ts bundleBudgets)`);
}

/** One bundle for functions/build.ts to write. */
export interface FunctionBuild {
  /** Entry file, absolute. */
  entry: string;
  /** The bundle to write (its source map is written beside it). */
  outfile: string;
  /** Build-time constants (a sync bundle carries only its own connector). */
  define?: Record<string, string>;
}

/**
 * A connector's own webhook receiver (webhook-receiver-<id>): only that connector's webhook
 * verification and parsing, no other's (functions/one-connector-registry.ts narrows the
 * registry), and no vendor SDK (OMNIHUB_CONNECTOR_BUNDLE stays "": every `load` folds away).
 */
export function receiverBundleDefine(connectorId: string): Record<string, string> {
  return { 'process.env.OMNIHUB_RECEIVER_BUNDLE': JSON.stringify(connectorId) };
}

/** The deployed (and local) name of a connector's webhook receiver. */
export function receiverFunctionName(connectorId: string): string {
  return `webhook-receiver-${connectorId}`;
}

/**
 * Per-connector bundles carry only that connector, and of it only one entity's side
 * (connectors/descriptor.ts); a backfill bundle also its entity's paged reader, which the
 * others leave out (OMNIHUB_BACKFILL_BUNDLE, connectors/connector.ts `loadReader`).
 */
export function connectorBundleDefine(connectorId: string, entity: 'customers' | 'orders' | 'notices' = 'customers', role?: 'backfill'): Record<string, string> {
  return {
    'process.env.OMNIHUB_CONNECTOR_BUNDLE': JSON.stringify(connectorId),
    'process.env.OMNIHUB_ENTITY_BUNDLE': JSON.stringify(entity),
    ...(role === 'backfill' ? { 'process.env.OMNIHUB_BACKFILL_BUNDLE': '"true"' } : {}),
  };
}
