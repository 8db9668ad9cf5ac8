import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../../../core/schema';
import { OmnihubError } from '../../../core/errors';

const TTL_MS = 5 * 60_000;

/**
 * What the stack deploys before the admin has set a secret (infra/constructs/connector-secrets.ts),
 * and the `<key>` templates of the Secret…SetCommand outputs, pasted without editing.
 */
const PLACEHOLDER = /^(REPLACE_ME|<[^<>]*>)$/;

/** A secret value that nobody has set yet: the deployed placeholder, or nothing at all. */
export function isPlaceholder(value: string): boolean {
  return value.trim() === '' || PLACEHOLDER.test(value.trim());
}

/** A webhook signing secret, or why there is none (a reason without any of the secret's values). */
export type SigningSecret<T> = { configured: true; secret: T } | { configured: false; reason: string };

/**
 * Connector secrets from Secrets Manager, cached for five minutes: uncached lookups would
 * cost more than the rest of the pipeline, and an admin's new token is picked up soon after.
 * A secret still holding its placeholder is never cached, so setting it takes effect at once.
 */
export class SecretStore {
  private readonly client = new SecretsManagerClient({});
  private readonly cache = new Map<string, { value: unknown; expires: number }>();

  /**
   * An API secret (sync functions). A placeholder fails with a retryable error naming the
   * secret: the change waits in its queue (then its dead-letter queue, alarmed) until the admin sets it.
   */
  async get<T extends z.AnySchema>(secretId: string, schema: T, label: string): Promise<z.infer<T>> {
    const { value, fetched } = await this.read(secretId, label);
    const state = check(value, schema, label);
    if (!state.configured) {
      throw new OmnihubError('SECRET.NOT_CONFIGURED', `${state.reason}: set it with the stack's Secret…SetCommand output`, {
        retryable: true,
        metadata: { secret: label },
      });
    }
    if (fetched) this.remember(secretId, value);
    return state.secret;
  }

  /**
   * A webhook signing secret (the receiver). Missing, not JSON, a key missing, or a key still
   * holding a placeholder or blank: not configured, and the receiver refuses that connector's
   * webhooks (503) instead of checking signatures against a value anyone can read in the template.
   */
  async getSigningSecret<T extends z.AnySchema>(secretId: string, schema: T, label: string): Promise<SigningSecret<z.infer<T>>> {
    let value: unknown;
    let fetched = false;
    try {
      ({ value, fetched } = await this.read(secretId, label));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return { configured: false, reason: `Secret ${label} does not exist` };
      if (error instanceof SecretNotJsonError) return { configured: false, reason: error.message };
      throw error;
    }
    const state = check(value, schema, label);
    if (state.configured && fetched) this.remember(secretId, value);
    return state;
  }

  /** Cached for TTL_MS from the fetch (not from the last use: a busy function must still see a new value). */
  private remember(secretId: string, value: unknown): void {
    this.cache.set(secretId, { value, expires: Date.now() + TTL_MS });
  }

  private async read(secretId: string, label: string): Promise<{ value: unknown; fetched: boolean }> {
    const cached = this.cache.get(secretId);
    if (cached && cached.expires > Date.now()) return { value: cached.value, fetched: false };
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    try {
      return { value: JSON.parse(SecretString ?? '') as unknown, fetched: true };
    } catch {
      throw new SecretNotJsonError(`Secret ${label} is not JSON (set it to the JSON object described in the connector README)`);
    }
  }
}

class SecretNotJsonError extends Error {}

function check<T extends z.AnySchema>(value: unknown, schema: T, label: string): SigningSecret<z.infer<T>> {
  const unset =
    value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, v]) => (typeof v === 'string' && isPlaceholder(v) ? [key] : []))
      : [];
  if (unset.length > 0) return { configured: false, reason: `Secret ${label} still holds a placeholder or nothing in: ${unset.join(', ')}` };
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => i.path.join('.') || '(the whole value)').join(', ');
    return { configured: false, reason: `Secret ${label} is missing or has invalid keys: ${keys}` };
  }
  return { configured: true, secret: parsed.data };
}
