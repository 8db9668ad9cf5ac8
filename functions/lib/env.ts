import { z } from 'zod';

/**
 * Each function's environment, parsed once at cold start. The CDK stack sets exactly these
 * variables (infra/constructs/omnihub-function.ts); the local runtime sets them too.
 * A missing or malformed variable fails the cold start with the variable's name.
 */

const CommonEnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  /** ISO 3166 alpha-2 country used to read phone numbers without a country code. */
  DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/).default('US'),
  /** How long a parked event is kept (cdk.json omnihub.parkedRetentionDays); DynamoDB TTL removes it then. */
  PARKED_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Local runtime only: where DynamoDB Local listens. Unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
});

/** JSON map connector id → value, e.g. {"shopify":"arn:aws:secretsmanager:..."}. */
const JsonMapSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.string()));

export const WebhookReceiverEnvSchema = CommonEnvSchema.extend({
  /**
   * Connector id → ARN (or name) of its webhook signing secret `omnihub/<id>/webhook`. Only
   * those: the receiver faces the internet and can read no API token.
   */
  CONNECTOR_SECRETS: JsonMapSchema,
});

export const IdentityResolverEnvSchema = CommonEnvSchema.extend({
  /** The enabled connectors, comma-separated ("shopify,hubspot"): who a change must reach. */
  CONNECTOR_IDS: z
    .string()
    .transform((text) => text.split(',').map((id) => id.trim()).filter((id) => id.length > 0))
    .pipe(z.array(z.string()).min(1, 'name at least one enabled connector')),
});

export const ConnectorSyncEnvSchema = CommonEnvSchema.extend({
  CONNECTOR_ID: z.string().min(1),
  /** The connector's tuning from cdk.json, as JSON. */
  CONNECTOR_CONFIG: z.string().transform((text) => JSON.parse(text) as unknown),
  CONNECTOR_SECRET: z.string().min(1),
  /** Local runtime / tests only: send the SDK to this base URL (a fake) instead of the vendor. */
  CONNECTOR_BASE_URL: z.url().optional(),
});

export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid function environment: ${problems}`);
  }
  return result.data;
}
