import { describe, expect, it } from 'vitest';
import * as z from '../../../../core/schema';
import { square } from '../../../../connectors/square';
import { SquareConfigSchema, SquareWebhookSecretSchema } from '../../../../connectors/square/manifest';

describe('square manifest', () => {
  it('reads its example cdk.json section (without `enabled`, which infra adds) with the defaults filled in', () => {
    // Prepare
    const { enabled: _enabled, ...section } = square.manifest.exampleConfig;

    // Act
    const config = z.parse(SquareConfigSchema, section);

    // Assess
    expect(config).toEqual({ environment: 'production', locationIds: 'all' });
  });

  it('refuses a location id that is not Square\'s and an unknown environment', () => {
    // Prepare
    const section = { environment: 'staging', locationIds: ['main store'] };

    // Act
    const result = z.safeParse(SquareConfigSchema, section);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['environment', 'locationIds.0']);
  });

  it('keeps the webhook signing secret apart from the token: the receiver needs the key and the notification URL only', () => {
    // Prepare
    const webhookSecret = { signatureKey: 'key', notificationUrl: 'https://hub.example.com/webhooks/square' };

    // Act
    const parsed = z.safeParse(SquareWebhookSecretSchema, webhookSecret);
    const withoutUrl = z.safeParse(SquareWebhookSecretSchema, { signatureKey: 'key' });

    // Assess
    expect(parsed.success).toBe(true);
    expect(withoutUrl.success).toBe(false);
    expect(Object.keys(square.manifest.secretSchema.shape)).toEqual(['accessToken']);
  });
});
