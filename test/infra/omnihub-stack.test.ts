import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { manifests } from '../../connectors/manifests';
import { routeBindings } from '../../core/routing';
import { ConnectorSyncEnvSchema, IdentityResolverEnvSchema, WebhookReceiverEnvSchema } from '../../functions/lib/env';
import { defineOmnihubApp } from '../../infra/omnihub-app';
import { PARKED_FILTER_PATTERN } from '../../infra/constructs/operations-alarms';
import { cdkJson, logicalIds, synthOmnihub, type Synthesized, SYNTH_TIMEOUT_MS } from './synth';

/** Template fragments read back as data (the assertions library returns `any`). */
const FunctionSchema = z.object({
  Properties: z.object({
    Runtime: z.string(),
    Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
  }),
});
const GetAttSchema = z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) });
const RefSchema = z.object({ Ref: z.string() });
const RuleSchema = z.object({
  Properties: z.object({
    EventPattern: z.record(z.string(), z.unknown()),
    Targets: z.array(z.object({ Arn: GetAttSchema, DeadLetterConfig: z.object({ Arn: GetAttSchema }).optional() })),
  }),
});
const EventSourceMappingSchema = z.object({
  Properties: z.object({ EventSourceArn: GetAttSchema, FunctionName: RefSchema }),
});

function functionEnv(template: Template, logicalId: string): Record<string, unknown> {
  return FunctionSchema.parse(template.findResources('AWS::Lambda::Function')[logicalId]).Properties.Environment.Variables;
}

/** The keys an env schema requires in AWS (optional ones are local-only, e.g. DYNAMODB_ENDPOINT). */
function envKeys(schema: z.ZodObject): { required: string[]; allowed: string[] } {
  const allowed = Object.keys(schema.shape);
  return { required: allowed.filter((key) => !schema.shape[key]?.safeParse(undefined).success), allowed };
}

/** For each rule: its pattern and the function its queue feeds (logical id), following rule → queue → mapping → function. */
function ruleDeliveries(template: Template): Array<{ pattern: unknown; functionId: string }> {
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) =>
    EventSourceMappingSchema.parse(m),
  );
  return Object.values(template.findResources('AWS::Events::Rule')).map((raw) => {
    const rule = RuleSchema.parse(raw);
    const queueId = rule.Properties.Targets[0]?.Arn['Fn::GetAtt'][0];
    const mapping = mappings.find((m) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === queueId);
    return { pattern: rule.Properties.EventPattern, functionId: mapping?.Properties.FunctionName.Ref ?? 'none' };
  });
}

describe('OmnihubStack with the cdk.json context (shopify and hubspot enabled)', () => {
  let synth: Synthesized;
  let template: Template;
  const enabled = manifests.filter((m) => m.id === 'shopify' || m.id === 'hubspot');

  beforeAll(() => {
    synth = synthOmnihub(cdkJson.context.omnihub);
    template = synth.template;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('creates the custom event bus "omnihub"', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'omnihub' });
  });

  it('creates the identity table on demand with PITR, SSE, TTL on expiresAt and retained by default', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
  });

  it('runs every Lambda function on nodejs24.x arm64 with JSON logs, tracing and explicit memory and timeout', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2 + enabled.length);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: Match.anyValue(),
      Timeout: Match.anyValue(),
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: Match.anyValue(), SystemLogLevel: 'INFO' },
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps', DEFAULT_COUNTRY: 'US' }) },
    });
  });

  it('gives every log group a retention period', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('deploys one connector-sync function per enabled connector with its id, config and own secret', () => {
    for (const manifest of enabled) {
      const [fnId, ...others] = logicalIds(template, 'AWS::Lambda::Function', `ConnectorSync${manifest.id}`);
      expect(others).toEqual([]);
      const env = functionEnv(template, fnId ?? 'missing');
      const [secretId] = logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecrets${manifest.id}`);
      expect(env.CONNECTOR_ID).toBe(manifest.id);
      expect(env.CONNECTOR_SECRET).toEqual({ Ref: secretId });
      // What the function receives parses with the connector's own schema, without `enabled`.
      expect(manifest.configSchema.safeParse(JSON.parse(z.string().parse(env.CONNECTOR_CONFIG))).success).toBe(true);
    }
  });

  it('sets exactly the environment variables functions/lib/env.ts parses', () => {
    const cases = [
      { prefix: 'WebhookReceiver', schema: WebhookReceiverEnvSchema },
      { prefix: 'IdentityResolver', schema: IdentityResolverEnvSchema },
      ...enabled.map((m) => ({ prefix: `ConnectorSync${m.id}`, schema: ConnectorSyncEnvSchema })),
    ];
    for (const { prefix, schema } of cases) {
      const [fnId] = logicalIds(template, 'AWS::Lambda::Function', prefix);
      const keys = Object.keys(functionEnv(template, fnId ?? 'missing')).filter((key) => key !== 'NODE_OPTIONS');
      const { required, allowed } = envKeys(schema);
      expect(keys, prefix).toEqual(expect.arrayContaining(required));
      expect(allowed, prefix).toEqual(expect.arrayContaining(keys));
    }
  });

  it('gives the webhook receiver a map of every enabled connector to its secret ARN', () => {
    const [receiverId] = logicalIds(template, 'AWS::Lambda::Function', 'WebhookReceiver');
    const rendered = JSON.stringify(functionEnv(template, receiverId ?? 'missing').CONNECTOR_SECRETS);
    for (const manifest of enabled) {
      const [secretId] = logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecrets${manifest.id}`);
      expect(rendered).toContain(`"${manifest.id}\\":\\"",{"Ref":"${secretId}"}`);
    }
  });

  it('lets each connector-sync role read its own secret and no other', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    for (const manifest of enabled) {
      const policy = Object.entries(policies).find(([id]) => id.startsWith(`ConnectorSync${manifest.id}Role`))?.[1];
      const [ownSecret] = logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecrets${manifest.id}`);
      const referenced = [...JSON.stringify(policy).matchAll(/"Ref":"(ConnectorSecrets[A-Za-z0-9]+)"/g)].map((m) => m[1]);
      expect(referenced).toEqual([ownSecret]);
    }
  });

  it('routes POST /webhooks/<id> for each enabled connector to the receiver with payload format 2.0', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', enabled.length);
    for (const manifest of enabled) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `POST /webhooks/${manifest.id}` });
    }
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the webhook stage and logs access as JSON without the caller IP', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    expect(JSON.stringify(template.findResources('AWS::ApiGatewayV2::Stage'))).not.toContain('sourceIp');
  });

  it('generates one rule per routeBindings() entry, with its pattern, feeding the bound function', () => {
    // Prepare
    const bindings = routeBindings(enabled.map((m) => ({ id: m.id, hydrates: m.hydrates })));
    const functionIdOf = (connectorId?: string) =>
      logicalIds(template, 'AWS::Lambda::Function', connectorId ? `ConnectorSync${connectorId}` : 'IdentityResolver')[0];
    const expected = bindings.map((b) => ({ pattern: b.pattern, functionId: functionIdOf(b.connectorId) }));

    // Act
    const actual = ruleDeliveries(template);

    // Assess
    const sorted = (list: unknown[]) => list.map((x) => JSON.stringify(x)).sort();
    expect(bindings.length).toBeGreaterThan(0);
    template.resourceCountIs('AWS::Events::Rule', bindings.length);
    expect(sorted(actual)).toEqual(sorted(expected));
  });

  it('gives every rule target a dead-letter queue and a retry policy', () => {
    template.allResourcesProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('gives every work queue a redrive policy (5 receives) into a dead-letter queue, and encrypts all queues', () => {
    // Prepare
    const queues = template.findResources('AWS::SQS::Queue');
    const deadLetterIds = new Set(
      Object.values(template.findResources('AWS::Events::Rule')).map(
        (rule) => RuleSchema.parse(rule).Properties.Targets[0]?.DeadLetterConfig?.Arn['Fn::GetAtt'][0],
      ),
    );

    // Assess
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const [id, queue] of Object.entries(queues)) {
      if (deadLetterIds.has(id)) continue;
      expect(queue, id).toMatchObject({
        Properties: { RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
      });
      const target = z.string().parse(queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]);
      expect(deadLetterIds.has(target), `${id} redrives into its rule's dead-letter queue`).toBe(true);
    }
    expect(Object.keys(queues)).toHaveLength(2 * deadLetterIds.size);
  });

  it('sets each queue visibility timeout to at least 6x its function timeout', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const queues = template.findResources('AWS::SQS::Queue');
    for (const raw of Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))) {
      const mapping = EventSourceMappingSchema.parse(raw);
      const timeout = z.number().parse(functions[mapping.Properties.FunctionName.Ref]?.Properties.Timeout);
      const visibility = z.number().parse(queues[mapping.Properties.EventSourceArn['Fn::GetAtt'][0]]?.Properties.VisibilityTimeout);
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    }
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: Match.anyValue(),
      MaximumBatchingWindowInSeconds: Match.anyValue(),
    });
  });

  it('hands the HubSpot hydrate function as many references per batch as its batch read takes (cdk.json batchSize), 10 elsewhere', () => {
    const sizes = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
      .map((raw) => z.object({ Properties: z.object({ BatchSize: z.number() }) }).parse(raw).Properties.BatchSize)
      .sort((a, b) => a - b);
    expect(sizes).toEqual([10, 10, 10, 100]);
  });

  it('lets only its own rule send to each queue, over TLS only', () => {
    for (const policy of Object.values(template.findResources('AWS::SQS::QueuePolicy'))) {
      expect(policy).toMatchObject({
        Properties: {
          PolicyDocument: {
            Statement: expect.arrayContaining([
              expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
              expect.objectContaining({
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/Rule/), 'Arn'] } } },
              }),
            ]),
          },
        },
      });
    }
  });

  it('sends every alarm to one SNS topic encrypted with a rotating customer managed key, TLS only, with no subscriber by default', () => {
    // Prepare
    const [topicId, ...otherTopics] = logicalIds(template, 'AWS::SNS::Topic');
    const [keyId] = logicalIds(template, 'AWS::KMS::Key', 'OperationsAlarms');

    // Assess
    expect(otherTopics).toEqual([]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      }),
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  it('alarms on each dead-letter queue and on parked events, and on nothing else', () => {
    // Prepare
    const [topicId] = logicalIds(template, 'AWS::SNS::Topic');
    const deadLetterIds = Object.values(template.findResources('AWS::Events::Rule')).map(
      (rule) => RuleSchema.parse(rule).Properties.Targets[0]?.DeadLetterConfig?.Arn['Fn::GetAtt'][0],
    );
    const common = {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      Period: 300,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    };

    // Assess
    expect(deadLetterIds.length).toBeGreaterThan(0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', deadLetterIds.length + 1);
    for (const queueId of deadLetterIds) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...common,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'omnihub',
      MetricName: 'ParkedEvents',
      Statistic: 'Sum',
      Dimensions: Match.absent(),
    });
  });

  it('counts "event parked" log lines of the identity resolver and each connector-sync function into omnihub/ParkedEvents', () => {
    // Prepare
    const functions = template.findResources('AWS::Lambda::Function');
    const logGroupOf = (prefix: string) => {
      const [id] = logicalIds(template, 'AWS::Lambda::Function', prefix);
      return RefSchema.parse(functions[id ?? 'missing']?.Properties.LoggingConfig.LogGroup);
    };
    const parking = ['IdentityResolver', ...enabled.map((m) => `ConnectorSync${m.id}`)];

    // Assess
    expect(PARKED_FILTER_PATTERN).toBe('{ $.message = "event parked" }');
    template.resourceCountIs('AWS::Logs::MetricFilter', parking.length);
    for (const prefix of parking) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: logGroupOf(prefix),
        FilterPattern: '{ $.message = "event parked" }',
        MetricTransformations: [{ MetricNamespace: 'omnihub', MetricName: 'ParkedEvents', MetricValue: '1' }],
      });
    }
  });

  it('creates secret omnihub/<id> per enabled connector with placeholders for the keys of its secret schema', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', enabled.length);
    for (const manifest of enabled) {
      const placeholder = Object.fromEntries(Object.keys(manifest.secretSchema.shape).map((key) => [key, 'REPLACE_ME']));
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `omnihub/${manifest.id}`,
        SecretString: JSON.stringify(placeholder),
      });
    }
  });

  it('outputs the webhook URLs, table, bus and secret names', () => {
    for (const output of ['WebhookBaseUrl', 'WebhookUrlShopify', 'WebhookUrlHubspot', 'TableName', 'EventBusName']) {
      template.hasOutput(output, {});
    }
    template.hasOutput('SecretShopify', { Value: 'omnihub/shopify' });
    template.hasOutput('SecretHubspotSetCommand', {
      Value: Match.stringLikeRegexp('aws secretsmanager put-secret-value --secret-id omnihub/hubspot'),
    });
  });

  it('passes the cdk-nag AwsSolutions and Serverless packs with no unacknowledged error', () => {
    const errors = synth.report.pluginReports.flatMap((plugin) =>
      plugin.violations.filter((v) => v.severity === 'error').map((v) => `${plugin.pluginName}: ${v.ruleName}`),
    );
    expect(errors).toEqual([]);
  });

  it('fails synthesis when a construct breaks a cdk-nag rule (the packs really run)', () => {
    // Prepare
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    const stack = defineOmnihubApp(app);
    new Queue(stack, 'UnencryptedProbe', { encryption: QueueEncryption.UNENCRYPTED });

    // Act
    const act = () => app.synth();

    // Assess
    expect(act).toThrow(/AwsSolutions-SQS/);
  });
});
