import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { z } from 'zod';

const TTL_MS = 5 * 60_000;

/**
 * Connector secrets from Secrets Manager, cached for five minutes: uncached lookups would
 * cost more than the rest of the pipeline, and an admin's new token is picked up soon after.
 */
export class SecretStore {
  private readonly client = new SecretsManagerClient({});
  private readonly cache = new Map<string, { value: unknown; expires: number }>();

  async get<T extends z.ZodType>(secretId: string, schema: T, label: string): Promise<z.infer<T>> {
    const cached = this.cache.get(secretId);
    if (cached && cached.expires > Date.now()) return schema.parse(cached.value);
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    let value: unknown;
    try {
      value = JSON.parse(SecretString ?? '');
    } catch {
      throw new Error(`Secret ${label} is not JSON: set it to the JSON object described in the connector README`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const keys = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      throw new Error(`Secret ${label} is missing or has invalid keys: ${keys}`);
    }
    this.cache.set(secretId, { value, expires: Date.now() + TTL_MS });
    return parsed.data;
  }
}
