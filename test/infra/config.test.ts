import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { manifests } from '../../connectors/manifests';
import { ConfigError } from '../../core/errors';
import { enabledConnectors, loadConfig } from '../../infra/config';
import { defineOmnihubApp } from '../../infra/omnihub-app';
import { cdkJson, contextWith } from './synth';

/** Run loadConfig and return the ConfigError it throws (fails the test if it does not throw one). */
function configErrorOf(raw: unknown): ConfigError {
  try {
    loadConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts the cdk.json context and enables its three connectors with their settings', () => {
    // Act
    const config = loadConfig(cdkJson.context.omnihub);

    // Assess
    expect(config.defaultCountry).toBe('US');
    expect(enabledConnectors(config).map((c) => [c.manifest.id, c.settings])).toEqual([
      ['shopify', { shop: 'my-shop', apiVersion: '2025-10' }],
      ['hubspot', { batchSize: 100 }],
      ['square', { environment: 'sandbox', locationIds: 'all' }],
    ]);
  });

  it('fills defaults for the optional top-level keys and connector keys', () => {
    // Act
    const config = loadConfig({ connectors: { shopify: { enabled: true, shop: 'my-shop' } } });

    // Assess
    expect(config).toMatchObject({
      defaultCountry: 'US',
      logLevel: 'WARN',
      ingress: 'functionUrl',
      tracing: 'off',
      webhookConcurrency: 10,
      removalPolicy: 'retain',
      logRetentionDays: 30,
      webhookThrottle: { rate: 100, burst: 200 },
      parkedRetentionDays: 14,
    });
    expect(config.alarmEmail).toBeUndefined();
    expect(enabledConnectors(config)[0]?.settings).toEqual({ shop: 'my-shop', apiVersion: '2025-10' });
  });

  it('accepts the JSON string that cdk -c omnihub=... passes', () => {
    // Act
    const config = loadConfig(JSON.stringify(contextWith('hubspot', { enabled: false })));

    // Assess
    expect(enabledConnectors(config).map((c) => c.manifest.id)).toEqual(['shopify', 'square']);
  });

  it('lets a disabled connector omit the keys it would need when enabled', () => {
    // Act
    const config = loadConfig({ connectors: { shopify: { enabled: false }, hubspot: { enabled: true } } });

    // Assess
    expect(enabledConnectors(config).map((c) => c.manifest.id)).toEqual(['hubspot']);
  });

  it('accepts an alarmEmail address', () => {
    // Act
    const config = loadConfig({ ...cdkJson.context.omnihub, alarmEmail: 'ops@example.com' });

    // Assess
    expect(config.alarmEmail).toBe('ops@example.com');
  });

  it('rejects an alarmEmail that is not an email address, with an example and how to go without one', () => {
    // Act
    const errors = ['ops at example.com', 42, ''].map((alarmEmail) => configErrorOf({ ...cdkJson.context.omnihub, alarmEmail }));

    // Assess
    expect(errors[0]?.message).toContain('(1 problem)');
    expect(errors[0]?.message).toContain('omnihub.alarmEmail');
    expect(errors[0]?.message).toContain('found:    "ops at example.com"');
    expect(errors[0]?.message).toContain('expected: an email address, e.g. "ops@example.com"');
    expect(errors[0]?.message).toContain('fix:      "alarmEmail": "ops@example.com" (or remove the key');
    expect(errors[1]?.message).toContain('found:    42');
    expect(errors[1]?.message).toContain('expected: a string');
    expect(errors[2]?.message).toContain('found:    ""');
    for (const error of errors) expect(error.message).toContain('omnihub.alarmEmail');
  });

  it('accepts each ingress, tracing and log level and a webhookConcurrency from 1 to 1000', () => {
    // Act
    const configs = [
      { ingress: 'httpApi', tracing: 'active', logLevel: 'INFO', webhookConcurrency: 1 },
      { ingress: 'functionUrl', tracing: 'sampled', logLevel: 'ERROR', webhookConcurrency: 1000 },
    ].map((patch) => loadConfig({ ...cdkJson.context.omnihub, ...patch }));

    // Assess
    expect(configs.map((c) => [c.ingress, c.tracing, c.logLevel, c.webhookConcurrency])).toEqual([
      ['httpApi', 'active', 'INFO', 1],
      ['functionUrl', 'sampled', 'ERROR', 1000],
    ]);
  });

  it('rejects an unknown ingress or tracing, naming the key, the choices and the cheap default as the fix', () => {
    // Act
    const error = configErrorOf({ ...cdkJson.context.omnihub, ingress: 'restApi', tracing: true });

    // Assess
    expect(error.message).toContain('(2 problems)');
    expect(error.message).toContain('omnihub.ingress');
    expect(error.message).toContain('found:    "restApi"');
    expect(error.message).toContain('expected: one of "functionUrl", "httpApi"');
    expect(error.message).toContain('fix:      "ingress": "functionUrl"');
    expect(error.message).toContain('omnihub.tracing');
    expect(error.message).toContain('expected: one of "off", "sampled", "active"');
    expect(error.message).toContain('fix:      "tracing": "off"');
  });

  it('rejects a webhookConcurrency that is not a whole number from 1 to 1000, with the fix', () => {
    // Act
    const errors = [0, 1001, 2.5].map((webhookConcurrency) => configErrorOf({ ...cdkJson.context.omnihub, webhookConcurrency }));

    // Assess
    for (const error of errors) {
      expect(error.message).toContain('omnihub.webhookConcurrency');
      expect(error.message).toContain('fix:      "webhookConcurrency": 10');
    }
    expect(errors[0]?.message).toContain('expected: a number ≥ 1');
    expect(errors[1]?.message).toContain('expected: a number ≤ 1000');
    expect(errors[2]?.message).toContain('expected: a whole number');
  });

  it('accepts parkedRetentionDays from 1 to 365 days', () => {
    // Act
    const config = loadConfig({ ...cdkJson.context.omnihub, parkedRetentionDays: 3 });

    // Assess
    expect(config.parkedRetentionDays).toBe(3);
  });

  it('rejects a parkedRetentionDays that is not a whole number of days from 1 to 365, naming the key and the fix', () => {
    // Act
    const errors = [0, 400, 2.5, '14'].map((parkedRetentionDays) => configErrorOf({ ...cdkJson.context.omnihub, parkedRetentionDays }));

    // Assess
    for (const error of errors) {
      expect(error.message).toContain('(1 problem)');
      expect(error.message).toContain('omnihub.parkedRetentionDays');
      expect(error.message).toContain('fix:      "parkedRetentionDays": 14');
    }
    expect(errors[0]?.message).toContain('found:    0');
    expect(errors[0]?.message).toContain('expected: a number ≥ 1');
    expect(errors[1]?.message).toContain('expected: a number ≤ 365');
    expect(errors[2]?.message).toContain('expected: a whole number');
    expect(errors[3]?.message).toContain('expected: a number');
  });

  it('rejects hubspot batchSize 500 naming the full key, the value found and the limit', () => {
    // Act
    const error = configErrorOf(contextWith('hubspot', { batchSize: 500 }));

    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.message).toContain('omnihub.connectors.hubspot.batchSize');
    expect(error.message).toContain('found:    500');
    expect(error.message).toContain('≤ 100');
    expect(error.message).toContain('"batchSize": 100');
  });

  it('accepts a numeric hubspot marketingSubscriptionId, and rejects any other naming the key and the fix', () => {
    // Act
    const config = loadConfig(contextWith('hubspot', { batchSize: 100, marketingSubscriptionId: '7300411' }));
    const error = configErrorOf(contextWith('hubspot', { marketingSubscriptionId: 'Marketing Information' }));

    // Assess
    expect(enabledConnectors(config).find((c) => c.manifest.id === 'hubspot')?.settings).toEqual({ batchSize: 100, marketingSubscriptionId: '7300411' });
    expect(error.message).toContain('omnihub.connectors.hubspot.marketingSubscriptionId');
    expect(error.message).toContain('"Marketing Information"');
    expect(error.message).toContain('GET /communication-preferences/v3/definitions');
    expect(error.message).toContain('"marketingSubscriptionId": "7300411"');
  });

  it('accepts twilio notices with their defaults, and rejects a template with an unknown placeholder or no default, naming the key', () => {
    // Act
    const config = loadConfig(contextWith('twilio', { enabled: true, smsFrom: '+15005550006', notices: { storeName: 'Main Street Goods' } }));
    const error = configErrorOf(contextWith('twilio', { enabled: true, smsFrom: '+15005550006', notices: { storeName: 'Main Street Goods', readyForPickup: { fr: 'Bonjour {name}' } } }));

    // Assess
    expect(enabledConnectors(config).find((c) => c.manifest.id === 'twilio')?.settings).toMatchObject({ notices: { storeName: 'Main Street Goods', channel: 'sms', readyForPickup: { default: expect.stringContaining('{orderName}') } } });
    expect(error.message).toContain('omnihub.connectors.twilio.notices.readyForPickup.fr');
    expect(error.message).toContain('{storeName}, {orderName}, {location}, {firstName}');
    expect(error.message).toContain('needs a "default" template');
  });

  it('rejects a shop that is not a myshopify subdomain with the manifest explanation and an example', () => {
    // Act
    const error = configErrorOf(contextWith('shopify', { shop: 'My Shop!' }));

    // Assess
    expect(error.message).toContain('omnihub.connectors.shopify.shop');
    expect(error.message).toContain('"My Shop!"');
    expect(error.message).toContain('the subdomain of <shop>.myshopify.com');
    expect(error.message).toContain('"shop": "my-shop"');
  });

  it('rejects an unknown connector and lists the known ones', () => {
    // Act
    const error = configErrorOf({
      ...cdkJson.context.omnihub,
      connectors: { ...(cdkJson.context.omnihub.connectors as object), salesforce: { enabled: true } },
    });

    // Assess
    expect(error.message).toContain('omnihub.connectors.salesforce');
    expect(error.message).toContain(`one of the known connectors: ${manifests.map((m) => m.id).join(', ')}`);
  });

  it('rejects unknown keys at every level and suggests the key that was meant', () => {
    // Act
    const error = configErrorOf({ ...contextWith('hubspot', { batchsize: 50 }), logLevl: 'INFO', alarmEmial: 'ops@example.com' });

    // Assess
    expect(error.message).toContain('omnihub.connectors.hubspot.batchsize');
    expect(error.message).toContain('rename "batchsize" to "batchSize"');
    expect(error.message).toContain('omnihub.logLevl');
    expect(error.message).toContain('rename "logLevl" to "logLevel"');
    expect(error.message).toContain('rename "alarmEmial" to "alarmEmail"');
  });

  it('reports every problem in one error instead of stopping at the first', () => {
    // Act
    const error = configErrorOf({
      ...cdkJson.context.omnihub,
      defaultCountry: 'usa',
      removalPolicy: 'keep',
      connectors: { shopify: { enabled: 'yes', shop: 'My Shop!' }, hubspot: { enabled: true, batchSize: 0 } },
    });

    // Assess
    expect(error.message).toContain('(5 problems)');
    for (const key of ['defaultCountry', 'removalPolicy', 'connectors.shopify.enabled', 'connectors.shopify.shop', 'connectors.hubspot.batchSize']) {
      expect(error.message).toContain(`omnihub.${key}`);
    }
    expect(error.message).toContain('one of "retain", "destroy"');
    expect(error.message).toContain('true or false');
  });

  it('rejects a context where no connector is enabled', () => {
    // Act
    const error = configErrorOf({ connectors: { shopify: { enabled: false }, hubspot: { enabled: false } } });

    // Assess
    expect(error.message).toContain('omnihub.connectors');
    expect(error.message).toContain('at least one enabled connector');
  });

  it('explains what to add when the omnihub context is missing', () => {
    // Act
    const error = configErrorOf(undefined);

    // Assess
    expect(error.message).toContain('no "omnihub" context');
    expect(error.message).toContain('"connectors"');
  });

  it('rejects a -c value that is not JSON', () => {
    // Act
    const error = configErrorOf('{connectors:');

    // Assess
    expect(error.message).toContain('not JSON');
  });
});

describe('defineOmnihubApp', () => {
  it('throws the ConfigError before creating any resource when the context is invalid', () => {
    // Prepare
    const app = new App({ context: { omnihub: contextWith('hubspot', { batchSize: 500 }) } });

    // Act
    const act = () => defineOmnihubApp(app);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/omnihub\.connectors\.hubspot\.batchSize/);
    expect(app.node.children).toHaveLength(0);
  });
});
