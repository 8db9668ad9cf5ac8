import type { RouteTarget } from '../core/routing';

/**
 * The Lambda functions and how each is bundled: read by the CDK stack (NodejsFunction)
 * and by the local runtime (which bundles the same way and runs each bundle in its own
 * worker), so what runs on a laptop is what runs in AWS.
 */
export type FunctionName = RouteTarget | 'webhook-receiver';

export const functionEntries: Record<FunctionName, string> = {
  'webhook-receiver': 'functions/webhook-receiver.ts',
  'identity-resolver': 'functions/identity-resolver.ts',
  'connector-sync': 'functions/connector-sync.ts',
  backfill: 'functions/backfill.ts',
};

/** esbuild settings shared by CDK bundling and the local runtime. */
export const bundleSettings = {
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  // Some dependencies are CommonJS and call require(); ESM bundles need it provided.
  banner: "import { createRequire as __omnihubCreateRequire } from 'node:module'; const require = __omnihubCreateRequire(import.meta.url);",
  mainFields: ['module', 'main'],
} as const;

/** Per-connector bundles of connector-sync carry only that connector (see connectors/index.ts). */
export function connectorBundleDefine(connectorId: string): Record<string, string> {
  return { 'process.env.OMNIHUB_CONNECTOR_BUNDLE': JSON.stringify(connectorId) };
}
