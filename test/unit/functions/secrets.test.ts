import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { isPlaceholder, SecretStore } from '../../../functions/lib/adapters/secrets';

const secretsManager = mockClient(SecretsManagerClient);
afterEach(() => secretsManager.reset());

const Schema = z.object({ webhookSecret: z.string().min(1) });
const answer = (value: string) => ({ SecretString: value });

describe('SecretStore.getSigningSecret', () => {
  it.each([
    ['the deployed placeholder', '{"webhookSecret":"REPLACE_ME"}'],
    ['an empty value', '{"webhookSecret":""}'],
    ['whitespace', '{"webhookSecret":"  \\t"}'],
    ['the put-secret-value template pasted unedited', '{"webhookSecret":"<webhookSecret>"}'],
    ['a missing key', '{"accessToken":"shpat_x"}'],
    ['text that is not JSON', 'REPLACE_ME'],
  ])('calls %s "not configured", naming the secret but none of its values', async (_, value) => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves(answer(value));
    // Act
    const state = await new SecretStore().getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    // Assess
    expect(state.configured).toBe(false);
    if (!state.configured) {
      expect(state.reason).toContain('omnihub/shopify/webhook');
      expect(state.reason).not.toContain('shpat_x');
    }
  });

  it('calls a secret that does not exist "not configured"', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
    // Act
    const state = await new SecretStore().getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    // Assess
    expect(state).toEqual({ configured: false, reason: 'Secret omnihub/shopify/webhook does not exist' });
  });

  it('does not cache a placeholder, so the value the admin sets works on the next delivery; caches a real one', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce(answer('{"webhookSecret":"REPLACE_ME"}'))
      .resolves(answer('{"webhookSecret":"real-secret"}'));
    const store = new SecretStore();
    // Act
    const before = await store.getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    const after = await store.getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    const cached = await store.getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    // Assess
    expect(before.configured).toBe(false);
    expect(after).toEqual({ configured: true, secret: { webhookSecret: 'real-secret' } });
    expect(cached).toEqual(after);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('SecretStore.get (API secrets)', () => {
  it('fails with a retryable error naming the secret while it holds the placeholder', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves(answer('{"accessToken":"REPLACE_ME"}'));
    // Act
    const read = new SecretStore().get('arn:x', z.object({ accessToken: z.string() }), 'omnihub/hubspot');
    // Assess
    await expect(read).rejects.toMatchObject({ code: 'SECRET.NOT_CONFIGURED', retryable: true, message: expect.stringContaining('omnihub/hubspot') });
  });
});

describe('isPlaceholder', () => {
  it('knows the placeholders from the real values', () => {
    expect(['REPLACE_ME', ' REPLACE_ME ', '', '   ', '<clientSecret>'].map(isPlaceholder)).toEqual([true, true, true, true, true]);
    expect(['shpss_0123', 'REPLACE_ME_TOO', 'a<b>'].map(isPlaceholder)).toEqual([false, false, false]);
  });
});

describe('SecretStore cache', () => {
  afterEach(() => vi.useRealTimers());

  it('reads a configured secret once per five minutes per execution environment (each call costs; an admin\'s new value is picked up after that)', async () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z'), toFake: ['Date'] });
    secretsManager.on(GetSecretValueCommand).resolves(answer('{"webhookSecret":"real-secret"}'));
    const store = new SecretStore();
    // Act
    await store.getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    vi.setSystemTime(new Date('2026-12-01T10:04:59Z'));
    await store.getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    const withinFiveMinutes = secretsManager.commandCalls(GetSecretValueCommand).length;
    vi.setSystemTime(new Date('2026-12-01T10:05:01Z'));
    await store.getSigningSecret('arn:x', Schema, 'omnihub/shopify/webhook');
    // Assess
    expect(withinFiveMinutes).toBe(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
