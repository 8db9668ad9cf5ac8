import * as z from '../../core/schema';

/**
 * Each function's environment, parsed once at cold start. The CDK stack sets exactly these
 * variables (infra/constructs/omnihub-function.ts); the local runtime sets them too.
 * A missing or malformed variable fails the cold start with the variable's name.
 */

const CommonEnvSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  EVENT_BUS_NAME: z.string().check(z.minLength(1)),
  /** ISO 3166 alpha-2 country used to read phone numbers without a country code. */
  DEFAULT_COUNTRY: z._default(z.string().check(z.regex(/^[A-Z]{2}$/)), 'US'),
  /** How long a parked event is kept (cdk.json omnihub.parkedRetentionDays); DynamoDB TTL removes it then. */
  PARKED_RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(365)), 14),
  /** Local runtime only: where DynamoDB Local listens. Unset in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
});

/** JSON map connector id → value, e.g. {"shopify":"arn:aws:secretsmanager:..."}. */
const JsonMapSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'must be JSON', input: text });
        return z.NEVER;
      }
    }),
  ),
  z.record(z.string(), z.string()),
);

export const WebhookReceiverEnvSchema = z.extend(CommonEnvSchema, {
  /**
   * Connector id → ARN (or name) of its webhook signing secret `omnihub/<id>/webhook`. Only
   * those: the receiver faces the internet and can read no API token.
   */
  CONNECTOR_SECRETS: JsonMapSchema,
});

const IdListSchema = z.pipe(
  z.string(),
  z.transform((text) => text.split(',').map((id) => id.trim()).filter((id) => id.length > 0)),
);

export const IdentityResolverEnvSchema = z.extend(CommonEnvSchema, {
  /** The enabled connectors, comma-separated ("shopify,hubspot"): who a change must reach. */
  CONNECTOR_IDS: z.pipe(IdListSchema, z.array(z.string()).check(z.minLength(1, 'name at least one enabled connector'))),
  /** The enabled connectors that hold copies of orders (OrderChanged reaches them); may be empty. */
  ORDER_COPY_IDS: z._default(IdListSchema, []),
  /** The enabled connectors that hold customers' stats (CustomerStatsChanged reaches them); may be empty. */
  STATS_IDS: z._default(IdListSchema, []),
  /** The enabled connectors that show conversations (MessageLogged reaches them); may be empty. */
  MESSAGE_COPY_IDS: z._default(IdListSchema, []),
});

export const ConnectorSyncEnvSchema = z.extend(CommonEnvSchema, {
  CONNECTOR_ID: z.string().check(z.minLength(1)),
  /** The connector's tuning from cdk.json, as JSON. */
  CONNECTOR_CONFIG: z.pipe(z.string(), z.transform((text) => JSON.parse(text) as unknown)),
  CONNECTOR_SECRET: z.string().check(z.minLength(1)),
  /** Local runtime / tests only: send the SDK to this base URL (a fake) instead of the vendor. */
  CONNECTOR_BASE_URL: z.optional(z.url()),
});

/** A messaging connector's notice function (functions/notice-sender.ts): its sync's variables, and where messages go. */
export const NoticeSenderEnvSchema = z.extend(ConnectorSyncEnvSchema, {
  /** The connectors that show conversations: the sent notice is copied to them (MessageLogged). */
  MESSAGE_COPY_IDS: z._default(IdListSchema, []),
  /** The connector's own webhook URL, where the vendor posts the status of each notice. */
  STATUS_CALLBACK_URL: z.optional(z.url()),
});

/** The backfill function reads its connector's system: the same variables as that connector's sync. */
export const BackfillEnvSchema = ConnectorSyncEnvSchema;

export function parseEnv<T extends z.AnySchema>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid function environment: ${problems}`);
  }
  return result.data;
}
