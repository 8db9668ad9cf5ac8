import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { safeParse, type ZodMiniObject } from 'zod/mini';
import { manifests, routedConnector } from '../../connectors/manifests';
import { MAX_RECEIVE_COUNT, routeBindings } from '../../core/routing';
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
function envKeys(schema: ZodMiniObject): { required: string[]; allowed: string[] } {
  const allowed = Object.keys(schema.shape);
  return { required: allowed.filter((key) => !(schema.shape[key] && safeParse(schema.shape[key], undefined).success)), allowed };
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

const StatementSchema = z.object({
  Effect: z.string(),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
  Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
const PolicySchema = z.object({
  Properties: z.object({ PolicyDocument: z.object({ Statement: z.array(StatementSchema) }), Roles: z.array(RefSchema) }),
});

/** Every statement of the policies attached to the role of the function whose logical id starts with `prefix`. */
function statementsOf(template: Template, prefix: string): Array<z.infer<typeof StatementSchema>> {
  const [fnId] = logicalIds(template, 'AWS::Lambda::Function', prefix);
  const fn = z.object({ Properties: z.object({ Role: GetAttSchema }) }).parse(template.findResources('AWS::Lambda::Function')[fnId ?? 'missing']);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map((raw) => PolicySchema.parse(raw))
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The logical ids of the secrets a function's role may read. */
function secretsReadBy(template: Template, prefix: string): string[] {
  return statementsOf(template, prefix)
    .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
    .flatMap((s) => [s.Resource].flat().map((resource) => RefSchema.parse(resource).Ref));
}

/**
 * A function's DynamoDB grants as action → partition-key patterns. Fails on a DynamoDB statement
 * that is not on the table itself or not conditioned on dynamodb:LeadingKeys (a table-wide grant).
 */
function tableGrantsOf(template: Template, prefix: string, tableId: string): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const statement of statementsOf(template, prefix)) {
    const actions = [statement.Action].flat().filter((a) => a.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    expect(statement.Effect, prefix).toBe('Allow');
    expect(statement.Resource, prefix).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    const keys = z.array(z.string()).parse(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);
    expect(statement.Condition?.Null, prefix).toEqual({ 'dynamodb:LeadingKeys': 'false' });
    for (const action of actions) grants[action.replace('dynamodb:', '')] = [...(grants[action.replace('dynamodb:', '')] ?? []), ...keys];
  }
  return grants;
}

describe('OmnihubStack with the cdk.json context (shopify, hubspot and square enabled)', () => {
  let synth: Synthesized;
  let template: Template;
  const enabled = manifests.filter((m) => m.id === 'shopify' || m.id === 'hubspot' || m.id === 'square');

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

  it('runs every Lambda function on nodejs24.x arm64 with JSON logs at WARN, no tracing and explicit memory and timeout', () => {
    // resolver; per connector its receiver (all three receive webhooks), sync and backfill; its order function; where orders are placed, their backfill
    template.resourceCountIs('AWS::Lambda::Function', 1 + 3 * enabled.length + enabled.filter((m) => m.orders).length + enabled.filter((m) => m.orders?.observe).length);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: Match.anyValue(),
      Timeout: Match.anyValue(),
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'WARN', LogGroup: Match.anyValue(), SystemLogLevel: 'WARN' },
      TracingConfig: Match.absent(),
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps', DEFAULT_COUNTRY: 'US', PARKED_RETENTION_DAYS: '14' }) },
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
      ...enabled.map((m) => ({ prefix: `WebhookReceiver${m.id}`, schema: WebhookReceiverEnvSchema })),
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

  it('gives each webhook receiver a map of its own connector to its webhook signing secret ARN, and no other secret', () => {
    for (const manifest of enabled) {
      const [receiverId] = logicalIds(template, 'AWS::Lambda::Function', `WebhookReceiver${manifest.id}`);
      const rendered = JSON.stringify(functionEnv(template, receiverId ?? 'missing').CONNECTOR_SECRETS);
      const [webhookSecretId] = logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecretsWebhookSecret${manifest.id}`);
      expect(rendered).toContain(`"${manifest.id}\\":\\"",{"Ref":"${webhookSecretId}"}`);
      for (const other of enabled) {
        const [apiSecretId] = logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecrets${other.id}`);
        expect(rendered).not.toContain(`"Ref":"${apiSecretId}"`);
        if (other.id !== manifest.id) expect(rendered).not.toContain(other.id);
      }
    }
  });

  it('lets each connector-sync role read its own API secret and no other secret', () => {
    for (const manifest of enabled) {
      const [ownSecret] = logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecrets${manifest.id}`);
      expect(secretsReadBy(template, `ConnectorSync${manifest.id}`)).toEqual([ownSecret]);
    }
  });

  it('lets each webhook receiver read its own connector\'s signing secret and no other secret (no API secret)', () => {
    for (const m of enabled) {
      expect(secretsReadBy(template, `WebhookReceiver${m.id}`), m.id).toEqual(logicalIds(template, 'AWS::SecretsManager::Secret', `ConnectorSecretsWebhookSecret${m.id}`));
    }
    expect(secretsReadBy(template, 'IdentityResolver')).toEqual([]);
  });

  it('grants each function only the table actions and partition keys it uses, and no Scan or table-wide grant anywhere', () => {
    // Prepare: docs/identity.md §8, per function (action → partition-key patterns)
    const identity = ['CUST#*', 'LINK#*', 'EMAIL#*', 'PHONE#*', 'DUPLICATES', 'PARKED#identity-resolver'];
    const expected: Record<string, Record<string, string[]>> = {
      // Every connector's receiver parks under the one target webhook-receiver.
      ...Object.fromEntries(
        enabled.map((m) => [
          `WebhookReceiver${m.id}`,
          { GetItem: ['DELIVERY#*'], BatchGetItem: ['DELIVERY#*'], PutItem: ['DELIVERY#*', 'PARKED#webhook-receiver'], BatchWriteItem: ['DELIVERY#*'] },
        ]),
      ),
      IdentityResolver: Object.fromEntries(
        ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'].map((action) => [
          action,
          // and the order resolver's ORDER and KPI items (docs/identity.md §9), never deleted
          [
            ...identity,
            ...(['GetItem', 'PutItem', 'UpdateItem'].includes(action) ? ['ORDER#*', 'KPI'] : []),
            ...(['PutItem', 'DeleteItem'].includes(action) ? ['ORDERS#*'] : []),
            // and messages (§11): written once, status forward only, never deleted
            ...(['GetItem', 'PutItem', 'UpdateItem'].includes(action) ? ['MSG#*'] : []),
          ],
        ]),
      ),
      ...Object.fromEntries(
        enabled.map((m) => [
          `ConnectorSync${m.id}`,
          Object.fromEntries(
            ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'].map((action) => [
              action,
              // UpdateItem also on backfill runs' write counters (CHECKPOINT#<connector> / WRITTEN#<run>);
              // Query also on a buyer's order list, whose copies a new record asks to associate (docs/identity.md §9)
              [
                'CUST#*',
                'LINK#*',
                'DUPLICATES',
                `PARKED#sync-${m.id}`,
                ...(action === 'UpdateItem' ? ['CHECKPOINT#*'] : []),
                ...(action === 'Query' ? ['ORDERS#*'] : []),
              ],
            ]),
          ),
        ]),
      ),
      ...Object.fromEntries(
        enabled
          .filter((m) => m.orders)
          .map((m) => [
            `OrderSync${m.id}`,
            {
              GetItem: ['CUST#*', 'LINK#*', 'ORDER#*', 'MSG#*'],
              Query: ['CUST#*', 'LINK#*'],
              PutItem: ['ORDER#*', 'MSG#*', `PARKED#orders-${m.id}`],
              UpdateItem: ['CHECKPOINT#*'],
            },
          ]),
      ),
      ...Object.fromEntries(
        enabled
          .filter((m) => m.notices)
          .map((m) => [
            `NoticeSender${m.id}`,
            {
              GetItem: ['CUST#*', 'ORDER#*', 'NOTICE#*'],
              Query: ['CUST#*', 'ORDER#*'],
              PutItem: ['NOTICE#*', 'MSG#*', `PARKED#notices-${m.id}`],
              UpdateItem: ['NOTICE#*'],
            },
          ]),
      ),
      ...Object.fromEntries(
        enabled.map((m) => [`BackfillBackfill${m.id}`, { Query: [`CHECKPOINT#${m.id}`, `PARKED#backfill-${m.id}`], PutItem: [`CHECKPOINT#${m.id}`, `PARKED#backfill-${m.id}`] }]),
      ),
      ...Object.fromEntries(
        enabled
          .filter((m) => m.orders?.observe)
          .map((m) => [`BackfillOrdersBackfill${m.id}`, { Query: [`CHECKPOINT#${m.id}#orders`, `PARKED#backfill-${m.id}-orders`], PutItem: [`CHECKPOINT#${m.id}#orders`, `PARKED#backfill-${m.id}-orders`] }]),
      ),
    };
    const [tableId] = logicalIds(template, 'AWS::DynamoDB::Table');

    // Act
    const functionPrefixes = Object.keys(expected);
    const actual = Object.fromEntries(functionPrefixes.map((prefix) => [prefix, tableGrantsOf(template, prefix, tableId ?? 'missing')]));

    // Assess
    const sortedKeys = (grants: Record<string, string[]>) =>
      Object.fromEntries(Object.entries(grants).map(([action, keys]) => [action, [...keys].sort()]));
    for (const prefix of functionPrefixes) expect(sortedKeys(actual[prefix] ?? {}), prefix).toEqual(sortedKeys(expected[prefix] ?? {}));
    expect(logicalIds(template, 'AWS::Lambda::Function').length).toBe(functionPrefixes.length);
    const everyStatement = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(everyStatement).not.toMatch(/dynamodb:(Scan|\*|\w*\*)/);
  });

  it('sends each connector\'s webhooks to its own receiver through that receiver\'s function URL (the receiver routes POST /webhooks/<id> itself)', () => {
    template.resourceCountIs('AWS::Lambda::Url', enabled.length);
    for (const m of enabled) {
      const [receiverId] = logicalIds(template, 'AWS::Lambda::Function', `WebhookReceiver${m.id}`);
      template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [receiverId, 'Arn'] } });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
  });

  it('generates one rule per routeBindings() entry, with its pattern, feeding the bound function', () => {
    // Prepare
    const bindings = routeBindings(enabled.map(routedConnector));
    const prefixOf = (b: (typeof bindings)[number]) =>
      b.route.target === 'identity-resolver' ? 'IdentityResolver' : b.route.target === 'backfill' ? (b.route.entity === 'orders' ? `BackfillOrdersBackfill${b.connectorId}` : `BackfillBackfill${b.connectorId}`) : b.route.target === 'order-sync' ? `OrderSync${b.connectorId}` : `ConnectorSync${b.connectorId}`;
    const expected = bindings.map((b) => ({ pattern: b.pattern, functionId: logicalIds(template, 'AWS::Lambda::Function', prefixOf(b))[0] }));

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
        Properties: { RedrivePolicy: { maxReceiveCount: MAX_RECEIVE_COUNT, deadLetterTargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
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
    const bindings = routeBindings(enabled.map(routedConnector));
    // A backfill request pages for most of an invocation: one at a time.
    const expected = bindings
      .map((b) => (b.route.target === 'backfill' ? 1 : b.route.batching === 'hydrate' && b.connectorId === 'hubspot' ? 100 : 10))
      .sort((a, b) => a - b);
    expect(sizes).toEqual(expected);
    expect(sizes.filter((size) => size === 100)).toHaveLength(1);
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
    template.resourceCountIs('AWS::CloudWatch::Alarm', deadLetterIds.length + 2);
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
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'omnihub',
      MetricName: 'WebhookSecretNotConfigured',
      Statistic: 'Sum',
      Dimensions: Match.absent(),
    });
  });

  it('counts each receiver\'s "webhook secret not configured" log lines into omnihub/WebhookSecretNotConfigured', () => {
    // Prepare
    const functions = template.findResources('AWS::Lambda::Function');

    // Assess
    for (const m of enabled) {
      const [receiverId] = logicalIds(template, 'AWS::Lambda::Function', `WebhookReceiver${m.id}`);
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: RefSchema.parse(functions[receiverId ?? 'missing']?.Properties.LoggingConfig.LogGroup),
        FilterPattern: '{ $.message = "webhook secret not configured" }',
        MetricTransformations: [{ MetricNamespace: 'omnihub', MetricName: 'WebhookSecretNotConfigured', MetricValue: '1' }],
      });
    }
  });

  it('counts "event parked" log lines of each receiver, the identity resolver and each connector-sync and backfill function into omnihub/ParkedEvents', () => {
    // Prepare
    const functions = template.findResources('AWS::Lambda::Function');
    const logGroupOf = (prefix: string) => {
      const [id] = logicalIds(template, 'AWS::Lambda::Function', prefix);
      return RefSchema.parse(functions[id ?? 'missing']?.Properties.LoggingConfig.LogGroup);
    };
    const parking = ['IdentityResolver', ...enabled.flatMap((m) => [`WebhookReceiver${m.id}`, `ConnectorSync${m.id}`, `BackfillBackfill${m.id}`, ...(m.orders ? [`OrderSync${m.id}`] : []), ...(m.orders?.observe ? [`BackfillOrdersBackfill${m.id}`] : [])])];

    // Assess
    expect(PARKED_FILTER_PATTERN).toBe('{ $.message = "event parked" }');
    template.resourceCountIs('AWS::Logs::MetricFilter', parking.length + enabled.length); // + each receiver's webhook secret not configured
    for (const prefix of parking) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: logGroupOf(prefix),
        FilterPattern: '{ $.message = "event parked" }',
        MetricTransformations: [{ MetricNamespace: 'omnihub', MetricName: 'ParkedEvents', MetricValue: '1' }],
      });
    }
  });

  it('creates omnihub/<id> (API credentials) and omnihub/<id>/webhook (signing secret) per enabled connector, with placeholders for their keys', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2 * enabled.length);
    const placeholder = (schema: ZodMiniObject) => JSON.stringify(Object.fromEntries(Object.keys(schema.shape).map((key) => [key, 'REPLACE_ME'])));
    for (const manifest of enabled) {
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `omnihub/${manifest.id}`, SecretString: placeholder(manifest.secretSchema) });
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `omnihub/${manifest.id}/webhook`,
        SecretString: placeholder(manifest.webhookSecretSchema),
      });
    }
  });

  it('outputs the webhook URLs, table, bus and secret names, and both put-secret-value commands per connector', () => {
    for (const output of ['WebhookUrlShopify', 'WebhookUrlHubspot', 'WebhookUrlSquare', 'TableName', 'EventBusName']) {
      template.hasOutput(output, {});
    }
    // Function URLs differ per receiver: no common base (the HTTP API has one, test/infra/webhook-receivers.test.ts).
    expect(Object.keys(template.findOutputs('*'))).not.toContain('WebhookBaseUrl');
    template.hasOutput('SecretShopify', { Value: 'omnihub/shopify' });
    template.hasOutput('SecretShopifyWebhook', { Value: 'omnihub/shopify/webhook' });
    template.hasOutput('SecretShopifySetCommand', {
      Value:
        `aws secretsmanager put-secret-value --secret-id omnihub/shopify --secret-string '{"accessToken":"<accessToken>"}' && ` +
        `aws secretsmanager put-secret-value --secret-id omnihub/shopify/webhook --secret-string '{"webhookSecret":"<webhookSecret>"}'`,
    });
    template.hasOutput('SecretHubspotSetCommand', {
      Value:
        `aws secretsmanager put-secret-value --secret-id omnihub/hubspot --secret-string '{"accessToken":"<accessToken>"}' && ` +
        `aws secretsmanager put-secret-value --secret-id omnihub/hubspot/webhook --secret-string '{"clientSecret":"<clientSecret>"}'`,
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
