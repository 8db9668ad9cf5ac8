import type { z } from 'zod';
import type { Address, FieldName, PartialFieldValues } from '../core/model/customer';
import type { CountryCode } from '../core/model/normalize';
import type { Observation } from '../core/model/observation';
import type { Timestamp } from '../core/model/system';
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

/** One thing a webhook delivery told us, with the key that makes a repeated delivery a no-op. */
export type WebhookItem =
  | { dedupeKey: string; kind: 'observed'; observation: Observation }
  | { dedupeKey: string; kind: 'referenced'; externalId: string; occurredAt: Timestamp };

export type ParseResult =
  | { ok: true; items: WebhookItem[]; /** topics/events we received but do not act on */ ignored: number }
  | { ok: false; reason: string };

export interface MappingContext {
  /** Country used to read phone numbers that carry no country code. */
  defaultCountry: CountryCode;
}

/** What a write left in the target system, so the identity map knows what that record now holds. */
export interface WriteOutcome {
  externalId: string;
  /** The record's updated timestamp in the target system after our write (its echo carries the same). */
  at: Timestamp;
  /** The values the record now holds for the fields we wrote, mapped back to canonical form. */
  holds: PartialFieldValues;
  /** True when a create found the person already there (HubSpot 409, Shopify email taken) and updated that record instead. */
  linkedExisting: boolean;
}

/** The port sync talks to. Implementations use the vendor's real SDK. */
export interface CustomerTarget {
  create(values: PartialFieldValues): Promise<WriteOutcome>;
  update(externalId: string, values: PartialFieldValues): Promise<WriteOutcome>;
  /** Read records named by an id-only webhook (batched). Missing ids are left out. */
  hydrate?(externalIds: string[]): Promise<Observation[]>;
}

export interface ClientOptions<Config, Secret> {
  config: Config;
  secret: Secret;
  mapping: MappingContext;
  /** Point the SDK at a local fake instead of the vendor (tests, sandbox). */
  baseUrl?: string;
  log: LogSink;
}

export interface ConnectorManifest<Config extends z.ZodType = z.ZodType, Secret extends z.ZodType = z.ZodType> {
  /** Lower-case vendor name: the route path, the secret name, the cdk.json key. */
  id: string;
  displayName: string;
  /** cdk.json `context.omnihub.connectors.<id>` (without `enabled`, which every connector has). */
  configSchema: Config;
  /** The JSON inside Secrets Manager secret `omnihub/<id>`. */
  secretSchema: Secret;
  /** Canonical fields this connector writes to its system. */
  writableFields: readonly FieldName[];
  /** The address parts the system can hold (default: all). Sync compares and writes only these. */
  addressParts?: readonly (keyof Address)[];
  /** True when webhooks carry ids only and the connector must read the records (CustomerReferenced). */
  hydrates: boolean;
  /** How long a delivery id is remembered, ≥ the vendor's retry window. */
  dedupeTtlSeconds: number;
  /**
   * Environment variables that make `npm start` talk to the real service instead of the
   * sandbox: secret key → variable, and config key → variable. All secret variables set: real.
   */
  localEnv: { secret: Record<string, string>; config: Record<string, string> };
  /** Example cdk.json entry, used in config error messages and the README. */
  exampleConfig: Record<string, unknown>;
}

export interface Connector<Config extends z.ZodType = z.ZodType, Secret extends z.ZodType = z.ZodType> {
  manifest: ConnectorManifest<Config, Secret>;
  webhook: {
    /** Pure, on raw bytes, before any parsing. `now` for timestamp windows. */
    verify(request: WebhookRequest, secret: z.infer<Secret>, now: Date): VerifyResult;
    parse(request: WebhookRequest, mapping: MappingContext): ParseResult;
  };
  createClient(options: ClientOptions<z.infer<Config>, z.infer<Secret>>): CustomerTarget;
}

export function defineConnector<Config extends z.ZodType, Secret extends z.ZodType>(
  connector: Connector<Config, Secret>,
): Connector<Config, Secret> {
  return connector;
}
