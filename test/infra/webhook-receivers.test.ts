import type { Template } from 'aws-cdk-lib/assertions';
import { TWILIO_CONNECTION_OVERRIDES } from '../../connectors/twilio/connection-overrides';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { manifests } from '../../connectors/manifests';
import { receivesWebhooks } from '../../infra/constructs/connector-secrets';
import { contextWith, logicalIds, synthOmnihub, type Synthesized, SYNTH_TIMEOUT_MS } from './synth';

/**
 * One webhook receiver per connector that receives webhooks (infra/omnihub-stack.ts): each with
 * its own bundle, its own signing secret and nothing else of the others, its own ingress (a route
 * of the HTTP API, or a function URL) and its own alarms' metric filters. Every connector is on
 * here (cdk.json ships Klaviyo off): Klaviyo is polled and must get no receiver.
 */
const GetAttSchema = z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) });
const RefSchema = z.object({ Ref: z.string() });
const FunctionSchema = z.object({
  Properties: z.object({
    Role: GetAttSchema,
    Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
    LoggingConfig: z.object({ LogGroup: RefSchema }),
    ReservedConcurrentExecutions: z.number().optional(),
  }),
});
const PolicySchema = z.object({
  Properties: z.object({
    PolicyDocument: z.object({ Statement: z.array(z.object({ Action: z.union([z.string(), z.array(z.string())]), Resource: z.unknown() })) }),
    Roles: z.array(RefSchema),
  }),
});

const webhookConnectors = manifests.filter(receivesWebhooks).map((m) => m.id);
const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

function receiverOf(template: Template, connectorId: string): { id: string; fn: z.infer<typeof FunctionSchema> } {
  const [id, ...others] = logicalIds(template, 'AWS::Lambda::Function', `WebhookReceiver${connectorId}`);
  expect(others, connectorId).toEqual([]);
  return { id: id ?? 'missing', fn: FunctionSchema.parse(template.findResources('AWS::Lambda::Function')[id ?? 'missing']) };
}

/** Every resource a function's role may read a secret of (logical ids). */
function secretsReadBy(template: Template, fn: z.infer<typeof FunctionSchema>): string[] {
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map((raw) => PolicySchema.parse(raw))
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
    .flatMap((s) => [s.Resource].flat().map((resource) => RefSchema.parse(resource).Ref));
}

describe('webhook receivers behind function URLs (ingress "functionUrl", every connector on)', () => {
  let synth: Synthesized;
  let template: Template;
  beforeAll(() => {
    synth = synthOmnihub(contextWith('twilio', { enabled: true }, contextWith('klaviyo', { enabled: true })));
    template = synth.template;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('deploys one receiver per connector that receives webhooks, and none for a polled one', () => {
    expect(webhookConnectors.sort()).toEqual(['hubspot', 'shopify', 'square', 'twilio']);
    expect(logicalIds(template, 'AWS::Lambda::Function', 'WebhookReceiver')).toHaveLength(webhookConnectors.length);
    for (const id of webhookConnectors) receiverOf(template, id);
    expect(logicalIds(template, 'AWS::Lambda::Function', 'WebhookReceiverklaviyo')).toEqual([]);
  });

  it('gives Twilio, a channel without customer records, a receiver, a notice function and no customer side: no sync, no backfill, no CustomerChanged for it', () => {
    expect(logicalIds(template, 'AWS::Lambda::Function', 'ConnectorSynctwilio')).toEqual([]);
    expect(logicalIds(template, 'AWS::Lambda::Function', 'OrderSynctwilio')).toEqual([]);
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((raw) => JSON.stringify(raw));
    expect(rules.filter((rule) => rule.includes('"twilio"'))).toEqual([]);
    // Its one rule: pickup notices, for orders ready for pickup, to its own notice function.
    expect(logicalIds(template, 'AWS::Lambda::Function', 'NoticeSendertwilio')).toHaveLength(1);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['omnihub'], 'detail-type': ['OrderStatusChanged'], detail: { to: ['ready_for_pickup'] } } });
    const resolver = FunctionSchema.parse(template.findResources('AWS::Lambda::Function')[logicalIds(template, 'AWS::Lambda::Function', 'IdentityResolver')[0]!]);
    expect(resolver.Properties.Environment.Variables.CONNECTOR_IDS).toBe('shopify,hubspot,square,klaviyo');
    expect(resolver.Properties.Environment.Variables.MESSAGE_COPY_IDS).toBe('hubspot,klaviyo');
  });

  it('binds each receiver its own connector\'s signing secret only: no other vendor\'s, no API token', () => {
    for (const id of webhookConnectors) {
      const { fn } = receiverOf(template, id);
      const [ownSecret, ...more] = logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecretsWebhookSecret${id}`);
      expect(more).toEqual([]);
      expect(secretsReadBy(template, fn), id).toEqual([ownSecret]);
      expect(fn.Properties.Environment.Variables.CONNECTOR_SECRETS, id).toEqual({ 'Fn::Join': ['', [`{"${id}":"`, { Ref: ownSecret }, '"}']] });
    }
  });

  it('reserves webhookConcurrency instances for each receiver', () => {
    for (const id of webhookConnectors) expect(receiverOf(template, id).fn.Properties.ReservedConcurrentExecutions, id).toBe(10);
  });

  it('gives each receiver its own public function URL, and outputs each connector\'s URL to register (no common base URL)', () => {
    template.resourceCountIs('AWS::Lambda::Url', webhookConnectors.length);
    const urls = template.findResources('AWS::Lambda::Url');
    for (const id of webhookConnectors) {
      const { id: receiverId } = receiverOf(template, id);
      const [urlId, ...others] = Object.entries(urls)
        .filter(([, url]) => JSON.stringify(url.Properties.TargetFunctionArn) === JSON.stringify({ 'Fn::GetAtt': [receiverId, 'Arn'] }))
        .map(([urlId]) => urlId);
      expect(others, id).toEqual([]);
      expect(urls[urlId ?? 'missing']?.Properties.AuthType).toBe('NONE');
      // Twilio's with its connection overrides (connectors/twilio/connection-overrides.ts): the shop registers it whole.
      const path = id === 'twilio' ? `webhooks/twilio#${TWILIO_CONNECTION_OVERRIDES}` : `webhooks/${id}`;
      template.hasOutput(`WebhookUrl${pascal(id)}`, { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, path]] } });
    }
    expect(Object.keys(template.findOutputs('*'))).not.toContain('WebhookBaseUrl');
  });

  it('counts each receiver\'s "event parked" and "webhook secret not configured" lines into the metrics the two alarms watch', () => {
    for (const id of webhookConnectors) {
      const logGroup = receiverOf(template, id).fn.Properties.LoggingConfig.LogGroup;
      for (const [pattern, metric] of [
        ['{ $.message = "event parked" }', 'ParkedEvents'],
        ['{ $.message = "webhook secret not configured" }', 'WebhookSecretNotConfigured'],
      ]) {
        template.hasResourceProperties('AWS::Logs::MetricFilter', {
          LogGroupName: logGroup,
          FilterPattern: pattern,
          MetricTransformations: [{ MetricNamespace: 'omnihub', MetricName: metric, MetricValue: '1' }],
        });
      }
    }
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => String(a.Properties.MetricName));
    expect(alarms.filter((m) => m === 'WebhookSecretNotConfigured')).toHaveLength(1);
    expect(alarms.filter((m) => m === 'ParkedEvents')).toHaveLength(1);
  });
});

describe('webhook receivers behind the HTTP API (ingress "httpApi")', () => {
  let synth: Synthesized;
  let template: Template;
  beforeAll(() => {
    synth = synthOmnihub({ ...contextWith('twilio', { enabled: true }, contextWith('klaviyo', { enabled: true })), ingress: 'httpApi' });
    template = synth.template;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('integrates each route POST /webhooks/<id> with that connector\'s own receiver, and no function URL', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) =>
      z.object({ Properties: z.object({ RouteKey: z.string(), Target: z.object({ 'Fn::Join': z.tuple([z.literal(''), z.tuple([z.literal('integrations/'), RefSchema])]) }) }) }).parse(r),
    );
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(webhookConnectors.map((id) => `POST /webhooks/${id}`).sort());
    for (const id of webhookConnectors) {
      const route = routes.find((r) => r.Properties.RouteKey === `POST /webhooks/${id}`)!;
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
      expect(integrations[integrationId]?.Properties, id).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [receiverOf(template, id).id, 'Arn'] },
      });
      // The stage throttles: no reserved concurrency.
      expect(receiverOf(template, id).fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
    }
    template.resourceCountIs('AWS::Lambda::Url', 0);
  });

  it('outputs the stage\'s base URL and each connector\'s URL under it', () => {
    const [stageId] = logicalIds(template, 'AWS::ApiGatewayV2::Stage');
    expect(stageId).toBeDefined();
    template.hasOutput('WebhookBaseUrl', {});
    for (const id of webhookConnectors) {
      const value = JSON.stringify(template.findOutputs(`WebhookUrl${pascal(id)}`)[`WebhookUrl${pascal(id)}`]?.Value);
      expect(value, id).toContain(`webhooks/${id}`);
      expect(value, id).not.toContain('FunctionUrl');
    }
  });
});
