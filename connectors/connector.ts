import type * as z from '../core/schema';
import type { Address, FieldName } from '../core/model/customer';
import type { CountryCode } from '../core/model/normalize';
import type { Observation } from '../core/model/observation';
import type { Timestamp } from '../core/model/system';
import type { Message, MessageStatus } from '../core/model/message';
import type { LogSink } from '../core/log';

/**
 * The contract every connector folder fulfils. `infra/` reads only the manifest;
 * `functions/` and `local/` use the rest. Everything about one SaaS tool lives in its folder.
 */

/** A webhook as it reached us: the raw bytes (signatures are over bytes, never re-serialized JSON). */
export interface WebhookRequest {
  method: string;
  /** The full URL the vendor called: scheme, host, path and query (HubSpot v3 signs it). */
  url: string;
  /** Header names lower-cased (HTTP/2 and API Gateway lower-case them anyway). */
  headers: Record<string, string>;
  rawBody: Buffer;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'missing_headers' };

/**
 * One thing a webhook delivery told us, with the key that makes a repeated delivery a no-op.
 * - observed: the delivery carries what the record holds (Shopify customers/*, consent topics);
 * - referenced: it names a record that changed, the connector reads it (HubSpot, Shopify tag topics);
 * - removed: the record was deleted in the vendor (`deleted`), or the person asked to be
 *   forgotten (`redacted`: GDPR, Shopify customers/redact, HubSpot contact.privacyDeletion);
 * - merged: the vendor merged records into `survivorId` (HubSpot contact.merge gives a new id;
 *   Shopify customers/merge keeps one of them). `mergedIds` no longer exist on their own.
 */
export type WebhookItem =
  | { dedupeKey: string; kind: 'observed'; observation: Observation }
  | { dedupeKey: string; kind: 'referenced'; externalId: string; occurredAt: Timestamp }
  | { dedupeKey: string; kind: 'removed'; externalId: string; reason: 'deleted' | 'redacted'; occurredAt: Timestamp }
  | { dedupeKey: string; kind: 'merged'; survivorId: string; mergedIds: string[]; occurredAt: Timestamp }
  /** An order changed (docs/identity.md §9): the origin's order function reads it (OrderReferenced). */
  | { dedupeKey: string; kind: 'order-referenced'; externalId: string; occurredAt: Timestamp }
  /**
   * A message a customer sent (docs/identity.md §11). Its webhook carries no time: the receiver
   * times it by its first acceptance of the delivery. `smsConsent`: the STOP/START it states.
   */
  | { dedupeKey: string; kind: 'message-received'; message: Omit<Message, 'at'>; smsConsent?: 'subscribed' | 'unsubscribed' }
  /**
   * A status callback of a message omnihub sent (§11: the furthest status wins). `error`: why a
   * send failed, in the vendor's words; `optedOut` when the refusal is the recipient's STOP.
   */
  | { dedupeKey: string; kind: 'message-status'; origin: Message['origin']; status: MessageStatus; error: MessageSendError | null };

/** Why a message was not delivered: the vendor's code and words (never the recipient's details). */
export interface MessageSendError {
  code: number;
  reason: string;
  /** The recipient opted out of messages from this sender (Twilio 21610): her SMS unsubscribe. */
  optedOut: boolean;
}

/**
 * An event inside an otherwise good delivery that we cannot use (HubSpot batches up to 100
 * events; it does not retry a 4xx, so one bad event must not sink the others). The receiver
 * parks it with its reason and accepts the rest. `reason` names paths and codes, never values.
 */
export interface UnusableEvent {
  reason: string;
  /** The vendor's own id for the event, when it has one (for the parking lot). */
  eventRef?: string;
  /** The event as received, kept in the parking lot for replay/inspection (expires with it). */
  raw: unknown;
}

export type ParseResult =
  | {
      ok: true;
      items: WebhookItem[];
      /** topics/events we received but do not act on */
      ignored: number;
      /** events we should act on but cannot: parked by the receiver, the rest is accepted */
      unusable?: UnusableEvent[];
    }
  | { ok: false; reason: string };

export interface MappingContext {
  /** Country used to read phone numbers that carry no country code. */
  defaultCountry: CountryCode;
}

export type { CreateOutcome, CustomerTarget, WriteOutcome } from '../core/sync/customer-target';

/** The fields a connector writes with its settings (docs: ConnectorManifest.writableFieldsFor). */
export function writableFieldsWith<Config extends z.AnySchema>(manifest: Pick<ConnectorManifest<Config>, 'writableFields' | 'writableFieldsFor'>, config: z.infer<Config>): readonly FieldName[] {
  return manifest.writableFieldsFor?.(config) ?? manifest.writableFields;
}
import type { CustomerTarget } from '../core/sync/customer-target';
import type { RecordSource } from '../core/backfill/record-source';
import type { OrderProjectionTarget, OrderSource, StatsTarget } from '../core/orders/ports';
import type { Order } from '../core/model/order';
import type { MessageProjectionTarget } from '../core/messages/ports';
import type { NoticeSender } from '../core/notices/ports';

export interface ClientOptions<Config, Secret> {
  config: Config;
  secret: Secret;
  mapping: MappingContext;
  /** Point the SDK at a local fake instead of the vendor (tests, sandbox). */
  baseUrl?: string;
  log: LogSink;
}

export interface ConnectorManifest<
  Config extends z.AnySchema = z.AnySchema,
  Secret extends z.AnySchema = z.AnySchema,
  WebhookSecret extends z.AnySchema = z.AnySchema,
> {
  /** Lower-case vendor name: the route path, the secret name, the cdk.json key. */
  id: string;
  displayName: string;
  /** cdk.json `context.omnihub.connectors.<id>` (without `enabled`, which every connector has). */
  configSchema: Config;
  /** The JSON inside Secrets Manager secret `omnihub/<id>`: the API credentials (sync functions only). */
  secretSchema: Secret;
  /**
   * The JSON inside `omnihub/<id>/webhook`: the webhook signing secret, kept apart from the
   * API token so the internet-facing receiver can read only this one.
   */
  webhookSecretSchema: WebhookSecret;
  /**
   * Canonical fields this connector can write to its system (what a change must reach it for:
   * the resolver's routing).
   */
  writableFields: readonly FieldName[];
  /**
   * The fields it writes with these settings, where a setting turns one on (HubSpot's email
   * consent needs `marketingSubscriptionId`): what sync plans with. Default: `writableFields`.
   */
  writableFieldsFor?(config: z.infer<Config>): readonly FieldName[];
  /** The address parts the system can hold (default: all). Sync compares and writes only these. */
  addressParts?: readonly (keyof Address)[];
  /** True when webhooks carry ids only and the connector must read the records (CustomerReferenced). */
  hydrates: boolean;
  /**
   * How changes made in the system reach omnihub. `webhooks` (the default): signed deliveries to
   * `/webhooks/<id>`. `poll`: the system gives an ordinary integration no change webhooks
   * (Klaviyo), so its reader is asked every `pollMinutes` (its cdk.json section) for what changed
   * since the last run: the reconciliation path of core/backfill, with its checkpoint. A polled
   * connector has no webhook route and no webhook secret (its webhookSecretSchema is empty).
   */
  inbound?: 'webhooks' | 'poll';
  /**
   * Orders (docs/identity.md §9): `observe` when orders are placed in this system (its webhooks
   * name them, its API reads them: OrderSource); `project` when it holds copies of orders placed
   * elsewhere (OrderProjectionTarget). Absent: the connector has nothing to do with orders.
   */
  orders?: { observe: boolean; project: boolean };
  /**
   * Messages (docs/identity.md §11): `observe` when customers' messages arrive through this system
   * (Twilio's webhooks); `project` when it shows them on the customer's timeline
   * (MessageProjectionTarget, in its order-side bundle). Absent: nothing to do with messages.
   */
  messages?: { observe: boolean; project: boolean };
  /**
   * False for a channel that holds no customer record (Twilio: only the phone a message came
   * from): it gets no customer sync or backfill, and no CustomerChanged. Default true.
   */
  customerRecords?: boolean;
  /** True when it sends the pickup notices (NoticeConnector, docs/identity.md §12). */
  notices?: boolean;
  /** True when the system holds each customer's cross-channel stats on its record (StatsTarget). */
  stats?: boolean;
  /** How long a delivery id is remembered, ≥ the vendor's retry window. */
  dedupeTtlSeconds: number;
  /**
   * A fragment for the webhook URL the shop registers, and for the callback URLs omnihub hands
   * the vendor: delivery settings the vendor reads from the URL and never requests (Twilio's
   * connection overrides). registeredWebhookUrl() appends it.
   */
  webhookUrlFragment?: string;
  /**
   * Environment variables that make `npm start` talk to the real service instead of the
   * sandbox: secret key → variable, and config key → variable. All secret variables set: real.
   */
  localEnv: { secret: Record<string, string>; webhookSecret: Record<string, string>; config: Record<string, string> };
  /** Example cdk.json entry, used in config error messages and the README. */
  exampleConfig: Record<string, unknown>;
}

export interface Connector<
  Config extends z.AnySchema = z.AnySchema,
  Secret extends z.AnySchema = z.AnySchema,
  WebhookSecret extends z.AnySchema = z.AnySchema,
> {
  manifest: ConnectorManifest<Config, Secret, WebhookSecret>;
  /** Absent for a polled connector (`manifest.inbound: 'poll'`): nothing is delivered to it. */
  webhook?: {
    /** Pure, on raw bytes, before any parsing. `now` for timestamp windows. */
    verify(request: WebhookRequest, secret: z.infer<WebhookSecret>, now: Date): VerifyResult;
    parse(request: WebhookRequest, mapping: MappingContext): ParseResult;
    /**
     * The body a 200 carries when the vendor reads it (Twilio takes the answer to an inbound
     * message as TwiML: an empty `<Response/>` sends no reply). Default: JSON counts.
     */
    acceptedReply?: { contentType: string; body: string };
  };
  createClient(options: ClientOptions<z.infer<Config>, z.infer<Secret>>): CustomerTarget;
  /** Every record of the system, page by page (first sync and reconciliation: core/backfill). */
  createReader(options: ClientOptions<z.infer<Config>, z.infer<Secret>>): RecordSource;
  /** With `manifest.stats`: writes the cross-channel stats onto a customer record (in the customer sync bundle). */
  createStatsTarget?(options: ClientOptions<z.infer<Config>, z.infer<Secret>>): StatsTarget;
}

/**
 * A connector's order side, loaded apart from its customer side (ConnectorDescriptor.loadOrders)
 * so each function's bundle carries only the vendor code its entity calls.
 */
export interface OrdersConnector<Config = unknown, Secret = unknown> {
  /** With `manifest.orders.observe`. */
  createSource?(options: ClientOptions<Config, Secret>): OrderSource;
  /** With `manifest.orders.project`. */
  createTarget?(options: ClientOptions<Config, Secret>): OrderProjectionTarget;
  /** With `manifest.messages.project`: copies messages onto the customer's timeline here (docs/identity.md §11). */
  createMessageTarget?(options: ClientOptions<Config, Secret>): MessageProjectionTarget;
  /**
   * With `manifest.orders.observe`: every order of the system, page by page (the order backfill
   * and reconciliation: core/backfill). Loaded on demand, and only in the order backfill's bundle
   * (OMNIHUB_BACKFILL_BUNDLE) or unbundled: the list APIs' SDK code stays out of the order function.
   */
  loadReader?(): Promise<((options: ClientOptions<Config, Secret>) => RecordSource<Order>) | undefined>;
}

export function defineOrdersConnector<Config, Secret>(connector: OrdersConnector<Config, Secret>): OrdersConnector<Config, Secret> {
  return connector;
}

export function defineConnector<Config extends z.AnySchema, Secret extends z.AnySchema, WebhookSecret extends z.AnySchema>(
  connector: Connector<Config, Secret, WebhookSecret>,
): Connector<Config, Secret, WebhookSecret> {
  return connector;
}

/**
 * A messaging connector's notice side (docs/identity.md §12), loaded in its notice bundle only
 * (ConnectorDescriptor.loadNotices): the vendor SDK's send and list calls, nothing else.
 */
export interface NoticeConnector<Config = unknown, Secret = unknown> {
  /** `statusCallback`: where the vendor posts the status of what it sends (the connector's own webhook URL). */
  createSender(options: ClientOptions<Config, Secret> & { statusCallback?: string }): NoticeSender;
}
