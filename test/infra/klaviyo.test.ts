import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../core/errors';
import { loadConfig } from '../../infra/config';
import { cdkJson, contextWith, logicalIds, synthOmnihub, type Synthesized, SYNTH_TIMEOUT_MS } from './synth';

/**
 * Klaviyo sends an ordinary integration no webhooks: the stack polls it (manifest.inbound "poll")
 * through the backfill function every `pollMinutes`, and gives it no webhook route or signing secret.
 */
const FunctionSchema = z.object({ Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }) });
const ScheduleSchema = z.object({ Properties: z.object({ ScheduleExpression: z.string(), Description: z.string(), Target: z.object({ Input: z.string() }) }) });

function klaviyoSchedules(synth: Synthesized) {
  return Object.values(synth.template.findResources('AWS::Scheduler::Schedule'))
    .map((raw) => ScheduleSchema.parse(raw).Properties)
    .filter((schedule) => JSON.parse(schedule.Target.Input).connector === 'klaviyo');
}

describe('OmnihubStack with klaviyo enabled (polled every 7 minutes, HTTP API ingress)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthOmnihub({ ...contextWith('klaviyo', { enabled: true, pollMinutes: 7, listId: 'Y6nRLr' }), ingress: 'httpApi' });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('deploys its sync, order and backfill functions with its id and config, reading its own API secret', () => {
    for (const prefix of ['ConnectorSyncklaviyo', 'OrderSyncklaviyo', 'BackfillBackfillklaviyo']) {
      const [id] = logicalIds(synth.template, 'AWS::Lambda::Function', prefix);
      expect(id, prefix).toBeDefined();
      const variables = FunctionSchema.parse(synth.template.findResources('AWS::Lambda::Function')[id!]).Properties.Environment.Variables;
      expect(variables.CONNECTOR_ID).toBe('klaviyo');
      expect(JSON.parse(String(variables.CONNECTOR_CONFIG))).toEqual({ pollMinutes: 7, listId: 'Y6nRLr' });
    }
    // Orders placed elsewhere go to it as events: its order function, and no order backfill (no order is placed in it).
    expect(logicalIds(synth.template, 'AWS::Lambda::Function', 'OrderSyncklaviyo')).toHaveLength(1);
    expect(logicalIds(synth.template, 'AWS::Lambda::Function', 'BackfillOrdersBackfillklaviyo')).toHaveLength(0);
    synth.template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'omnihub/klaviyo', SecretString: JSON.stringify({ privateKey: 'REPLACE_ME' }) });
  });

  it('polls its customers every pollMinutes through the bus (the reconciliation path), and nothing else of it', () => {
    // Act
    const found = klaviyoSchedules(synth);

    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]!.ScheduleExpression).toBe('rate(7 minutes)');
    expect(found[0]!.Description).toContain('poll Klaviyo');
    expect(JSON.parse(found[0]!.Target.Input)).toEqual({ schemaVersion: 1, correlationId: 'reconcile:klaviyo', connector: 'klaviyo', entity: 'customers', mode: 'reconcile' });
  });

  it('gives it no webhook route, no receiver, no signing secret and no webhook output, and the other receivers no secret of it', () => {
    const rendered = JSON.stringify(synth.template.toJSON());
    expect(rendered).not.toContain('omnihub/klaviyo/webhook');
    const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map((route) => z.object({ Properties: z.object({ RouteKey: z.string() }) }).parse(route).Properties.RouteKey);
    expect(routes).not.toContain('POST /webhooks/klaviyo');
    expect(routes).toContain('POST /webhooks/shopify');
    expect(logicalIds(synth.template, 'AWS::Lambda::Function', 'WebhookReceiverklaviyo')).toEqual([]);
    const receiverIds = logicalIds(synth.template, 'AWS::Lambda::Function', 'WebhookReceiver');
    expect(receiverIds.length).toBeGreaterThan(0);
    for (const receiverId of receiverIds) {
      const receiverSecrets = JSON.stringify(FunctionSchema.parse(synth.template.findResources('AWS::Lambda::Function')[receiverId]).Properties.Environment.Variables.CONNECTOR_SECRETS);
      expect(receiverSecrets).not.toContain('klaviyo');
    }
    const outputs = Object.keys(synth.template.findOutputs('*'));
    expect(outputs).not.toContain('WebhookUrlKlaviyo');
    expect(outputs).not.toContain('SecretKlaviyoWebhook');
    synth.template.hasOutput('SecretKlaviyoSetCommand', { Value: `aws secretsmanager put-secret-value --secret-id omnihub/klaviyo --secret-string '{"privateKey":"<privateKey>"}'` });
  });
});

describe('Klaviyo settings', () => {
  it('creates no poll schedule when pollMinutes is 0, and nothing of klaviyo when it is disabled', () => {
    // Prepare
    const polled = synthOmnihub(contextWith('klaviyo', { enabled: true, pollMinutes: 0 }));
    const disabled = synthOmnihub(contextWith('klaviyo', { enabled: false, pollMinutes: 5 }));
    try {
      // Assess
      expect(klaviyoSchedules(polled)).toHaveLength(0);
      expect(logicalIds(polled.template, 'AWS::Lambda::Function', 'BackfillBackfillklaviyo')).toHaveLength(1);
      expect(JSON.stringify(disabled.template.toJSON()).toLowerCase()).not.toContain('klaviyo');
    } finally {
      polled.cleanup();
      disabled.cleanup();
    }
  }, SYNTH_TIMEOUT_MS);

  it('polls every 5 minutes when cdk.json does not say', () => {
    const config = loadConfig(contextWith('klaviyo', { enabled: true }));
    expect(config.connectors.klaviyo).toMatchObject({ enabled: true, pollMinutes: 5 });
  });

  it('rejects a pollMinutes that is not a whole number of minutes from 0 to 1440 and a malformed list id, naming the key', () => {
    for (const patch of [{ pollMinutes: -1 }, { pollMinutes: 2.5 }, { pollMinutes: 1441 }, { listId: 'not a list' }]) {
      let error: unknown;
      try {
        loadConfig(contextWith('klaviyo', { enabled: true, ...patch }));
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(patch)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(`omnihub.connectors.klaviyo.${Object.keys(patch)[0]}`);
    }
  });
});

// cdk.json keeps klaviyo switched off until a shop turns it on: its settings are there to edit.
it('ships cdk.json with a klaviyo section, switched off', () => {
  expect(cdkJson.context.omnihub.connectors).toMatchObject({ klaviyo: { enabled: false, pollMinutes: 5 } });
});
