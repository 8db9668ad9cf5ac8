import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyManifest } from '../../connectors/shopify/manifest';
import { routedConnector } from '../../connectors/manifests';
import { routeBindings } from '../../core/routing';
import { contextWith, logicalIds, synthOmnihub, type Synthesized, SYNTH_TIMEOUT_MS } from './synth';

/** A non-default context: hubspot and square switched off (settings kept), and every top-level knob changed. */
const context = {
  ...contextWith('square', { enabled: false }, contextWith('hubspot', { enabled: false })),
  defaultCountry: 'DE',
  logLevel: 'DEBUG',
  ingress: 'httpApi',
  tracing: 'active',
  webhookConcurrency: 50,
  removalPolicy: 'destroy',
  logRetentionDays: 7,
  webhookThrottle: { rate: 20, burst: 40 },
  alarmEmail: 'ops@example.com',
  parkedRetentionDays: 30,
};
const shopifyOnly = [routedConnector(shopifyManifest)];

describe('OmnihubStack with hubspot and square disabled and non-default settings', () => {
  let synth: Synthesized;
  let template: Template;

  beforeAll(() => {
    synth = synthOmnihub(context);
    template = synth.template;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('has no hubspot or square route, secret, function or rule', () => {
    const rendered = JSON.stringify(template.toJSON()).toLowerCase();
    expect(rendered).not.toContain('hubspot');
    expect(rendered).not.toContain('square');
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/shopify' });
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'omnihub/shopify' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'omnihub/shopify/webhook' });
    expect(logicalIds(template, 'AWS::Lambda::Function', 'ConnectorSync')).toHaveLength(1);
  });

  it('keeps only the routes shopify needs', () => {
    // Prepare
    const bindings = routeBindings(shopifyOnly);
    const patterns = Object.values(template.findResources('AWS::Events::Rule')).map((rule) =>
      JSON.stringify(rule.Properties.EventPattern),
    );

    // Assess
    expect(patterns.sort()).toEqual(bindings.map((b) => JSON.stringify(b.pattern)).sort());
    expect(bindings.every((b) => b.connectorId === undefined || b.connectorId === 'shopify')).toBe(true);
  });

  it('applies the removal policy, log level, retention, country and throttle from the context', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.allResourcesProperties('AWS::Lambda::Function', {
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'DEBUG' }),
      Environment: { Variables: Match.objectLike({ DEFAULT_COUNTRY: 'DE', PARKED_RETENTION_DAYS: '30' }) },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('routes POST /webhooks/shopify through the HTTP API (ingress "httpApi") with payload format 2.0, no function URL and no reserved concurrency', () => {
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    template.resourceCountIs('AWS::Lambda::Url', 0);
    const [receiverId, ...others] = logicalIds(template, 'AWS::Lambda::Function', 'WebhookReceiver');
    expect(others).toEqual([]);
    expect(receiverId).toMatch(/^WebhookReceivershopify/);
    expect(template.findResources('AWS::Lambda::Function')[receiverId ?? 'missing']?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('logs the HTTP API access as JSON without the caller IP', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    expect(JSON.stringify(template.findResources('AWS::ApiGatewayV2::Stage'))).not.toContain('sourceIp');
  });

  it('traces every function (tracing "active") and logs the platform lines at DEBUG with logLevel DEBUG', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'DEBUG' }),
    });
  });

  it('subscribes alarmEmail to the alarm topic and alarms on the remaining dead-letter queues, parked events and the signing secret', () => {
    // Prepare
    const [topicId] = logicalIds(template, 'AWS::SNS::Topic');
    const bindings = routeBindings(shopifyOnly);

    // Assess
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    // + parked events, + webhook secret not configured
    template.resourceCountIs('AWS::CloudWatch::Alarm', bindings.length + 2);
    // receiver, resolver, sync-shopify, backfill-shopify, backfill-shopify-orders and orders-shopify park; the receiver also logs a missing signing secret
    template.resourceCountIs('AWS::Logs::MetricFilter', 7);
  });

  it('passes cdk-nag with no unacknowledged error', () => {
    expect(synth.report.pluginReports.flatMap((p) => p.violations.filter((v) => v.severity === 'error'))).toEqual([]);
  });
});
