import type * as z from '../core/schema';
import type { Connector, ConnectorManifest, NoticeConnector, OrdersConnector } from './connector';

/** A manifest as the registry lists it: every schema an object schema (the CDK app reads their shapes). */
export type RegisteredManifest = ConnectorManifest<z.ZodMiniObject, z.ZodMiniObject, z.ZodMiniObject>;

/**
 * Everything omnihub knows of one connector, in its own folder (connectors/<id>/descriptor.ts),
 * listed once in connectors/registry.ts. Each part is as heavy as its users can afford:
 *  - `manifest` is data (the CDK app, every function);
 *  - `webhook` is pure code (verification and parsing), in the receiver's bundle only;
 *  - `load` brings the vendor SDK, and only in that connector's own sync and backfill bundles;
 *  - `sandbox` brings the vendor's fake, and never into a bundle (npm start, the tests).
 * Bundles define OMNIHUB_CONNECTOR_BUNDLE (functions/build.ts: "" unless a connector's own) and
 * OMNIHUB_ENTITY_BUNDLE ("customers" or "orders" in a connector's own, else ""), so
 * esbuild folds every other branch away; unbundled (tests, CLI, npm start) all are available.
 * The comparisons are written inline in each descriptor, not through a helper, for esbuild to fold them.
 */
export interface ConnectorDescriptor {
  manifest: RegisteredManifest;
  /** Webhook verification and parsing; undefined in another connector's bundle, and for a polled connector. */
  webhook(): Promise<Connector['webhook'] | undefined>;
  /** The customer side (and stats); undefined in a bundle built for another connector (or none), or for its orders. */
  load(): Promise<Connector | undefined>;
  /**
   * The order side; undefined in a bundle built for another connector or for its customers, and
   * for a connector without orders. Order bundles define OMNIHUB_ENTITY_BUNDLE "orders", customer
   * bundles "customers": each carries only its entity's vendor calls.
   */
  loadOrders(): Promise<OrdersConnector | undefined>;
  /**
   * The notice side of a connector that sends notices (`manifest.notices`), in its notice bundle
   * only (OMNIHUB_ENTITY_BUNDLE "notices") and unbundled.
   */
  loadNotices?(): Promise<NoticeConnector | undefined>;
  /** How `npm start` runs the vendor's fake; undefined inside a bundle, or for a connector without one. */
  sandbox(): Promise<StartSandbox | undefined>;
}

export function describeConnector(descriptor: ConnectorDescriptor): ConnectorDescriptor {
  return descriptor;
}

/**
 * A sandbox `npm start` runs when a connector has no real credentials: the connector's fake,
 * seeded, with a known token and webhook secret (connectors/<id>/sandbox.ts).
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

