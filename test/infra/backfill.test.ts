import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { manifests } from '../../connectors/manifests';
import { ConfigError } from '../../core/errors';
import { BackfillEnvSchema } from '../../functions/lib/env';
import { loadConfig } from '../../infra/config';
import { cdkJson, contextWith, logicalIds, synthOmnihub, type Synthesized, SYNTH_TIMEOUT_MS } from './synth';

const ScheduleSchema = z.object({
  Properties: z.object({
    ScheduleExpression: z.string(),
    State: z.string().optional(),
    Target: z.object({
      Arn: z.unknown(),
      RoleArn: z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }),
      Input: z.string(),
      EventBridgeParameters: z.object({ DetailType: z.string(), Source: z.string() }),
      RetryPolicy: z.object({ MaximumRetryAttempts: z.number() }).optional(),
    }),
  }),
});

/** Every connector but a channel that holds no customer record (Twilio): what has a backfill. */
const withCustomerRecords = manifests.filter((manifest) => manifest.customerRecords !== false);

function schedules(synth: Synthesized) {
  return Object.values(synth.template.findResources('AWS::Scheduler::Schedule')).map((raw) => ScheduleSchema.parse(raw).Properties);
}

describe('Backfill construct with the cdk.json context and klaviyo enabled (every connector on, reconcileMinutes 15, klaviyo polled every 5 min)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthOmnihub(contextWith('twilio', { enabled: true }, contextWith('klaviyo', { enabled: true, pollMinutes: 5 })));
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth.cleanup());

  it('deploys no backfill for a channel without customer records (Twilio), and no schedule for it', () => {
    for (const manifest of manifests.filter((m) => m.customerRecords === false)) {
      expect(logicalIds(synth.template, 'AWS::Lambda::Function', `BackfillBackfill${manifest.id}`), manifest.id).toEqual([]);
      expect(schedules(synth).filter((s) => JSON.parse(s.Target.Input).connector === manifest.id), manifest.id).toEqual([]);
    }
    expect(manifests.some((m) => m.customerRecords === false)).toBe(true);
  });

  it('deploys one backfill function per enabled connector with the variables functions/backfill.ts parses and a 5-minute timeout', () => {
    // Prepare
    const required = Object.keys(BackfillEnvSchema.shape).filter((key) => !BackfillEnvSchema.shape[key as keyof typeof BackfillEnvSchema.shape].safeParse(undefined).success);

    // Assess
    for (const manifest of withCustomerRecords) {
      const [id] = logicalIds(synth.template, 'AWS::Lambda::Function', `BackfillBackfill${manifest.id}`);
      expect(id, manifest.id).toBeDefined();
      const fn = z
        .object({ Properties: z.object({ Timeout: z.number(), MemorySize: z.number(), Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }) })
        .parse(synth.template.findResources('AWS::Lambda::Function')[id!]);
      expect(fn.Properties.Timeout).toBe(300);
      // Where orders are placed, a second one reads them, with its own checkpoint.
      expect(logicalIds(synth.template, 'AWS::Lambda::Function', `BackfillOrdersBackfill${manifest.id}`), manifest.id).toHaveLength(manifest.orders?.observe ? 1 : 0);
      expect(fn.Properties.MemorySize).toBe(256);
      for (const key of required) expect(Object.keys(fn.Properties.Environment.Variables), `${manifest.id} ${key}`).toContain(key);
      expect(fn.Properties.Environment.Variables.CONNECTOR_ID).toBe(manifest.id);
    }
  });

  it('asks each connector for a reconciliation of its customers, and of its orders where orders are placed, every reconcileMinutes (a polled one every pollMinutes) through the bus, with no retries piling up', () => {
    // Act
    const found = schedules(synth);

    // Assess
    const expected = withCustomerRecords.flatMap((manifest) => (manifest.orders?.observe ? [[manifest.id, 'customers'], [manifest.id, 'orders']] : [[manifest.id, 'customers']]));
    expect(found.map((s) => [JSON.parse(s.Target.Input).connector, JSON.parse(s.Target.Input).entity]).sort()).toEqual(expected.sort());
    for (const [id, entity] of expected) {
      const schedule = found.find((s) => JSON.parse(s.Target.Input).connector === id && JSON.parse(s.Target.Input).entity === entity);
      // Klaviyo sends no webhooks: its poll reads it every pollMinutes, the others are reconciled every reconcileMinutes.
      expect(schedule!.ScheduleExpression, id).toBe(manifests.find((m) => m.id === id)?.inbound === 'poll' ? 'rate(5 minutes)' : 'rate(15 minutes)');
      expect(schedule!.Target.EventBridgeParameters).toEqual({ DetailType: 'BackfillRequested', Source: 'omnihub' });
      expect(JSON.parse(schedule!.Target.Input)).toEqual({ schemaVersion: 1, correlationId: `reconcile:${id}${entity === 'orders' ? '/orders' : ''}`, connector: id, entity, mode: 'reconcile' });
      expect(schedule!.Target.RetryPolicy?.MaximumRetryAttempts).toBe(0);
    }
  });

  it('lets the schedules put events on the omnihub bus and do nothing else', () => {
    // Prepare
    const roleIds = new Set(schedules(synth).map((s) => s.Target.RoleArn['Fn::GetAtt'][0]));
    const policies = Object.values(synth.template.findResources('AWS::IAM::Policy')).filter((raw) =>
      z.object({ Properties: z.object({ Roles: z.array(z.object({ Ref: z.string() })) }) }).parse(raw).Properties.Roles.some((role) => roleIds.has(role.Ref)),
    );
    const [busId] = logicalIds(synth.template, 'AWS::Events::EventBus');

    // Assess
    expect(roleIds.size).toBeGreaterThan(0);
    const actions = policies.flatMap((raw) =>
      z
        .object({ Properties: z.object({ PolicyDocument: z.object({ Statement: z.array(z.object({ Action: z.union([z.string(), z.array(z.string())]), Resource: z.unknown() })) }) }) })
        .parse(raw)
        .Properties.PolicyDocument.Statement.map((statement) => ({ actions: [statement.Action].flat(), resource: statement.Resource })),
    );
    for (const { actions: list, resource } of actions) {
      expect(list).toEqual(['events:PutEvents']);
      expect(resource).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
    }
  });

  it('routes BackfillRequested for each connector to its own backfill function of customers, or of orders where orders are placed, one request per invocation', () => {
    for (const manifest of withCustomerRecords) {
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['omnihub'], 'detail-type': ['BackfillRequested'], detail: { connector: [manifest.id], entity: ['customers'] } },
      });
      const orderRules = Object.values(synth.template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': ['BackfillRequested'], detail: { connector: [manifest.id], entity: ['orders'] } } } }));
      expect(orderRules, manifest.id).toHaveLength(manifest.orders?.observe ? 1 : 0);
    }
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, FunctionName: Match.anyValue() });
  });
});

describe('Backfill construct, other settings', () => {
  it('creates no schedule when reconcileMinutes is 0, and no backfill function for a disabled connector', () => {
    // Prepare
    const synth = synthOmnihub({ ...contextWith('hubspot', { enabled: false }), reconcileMinutes: 0 });
    try {
      // Assess
      synth.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
      expect(logicalIds(synth.template, 'AWS::Lambda::Function', 'BackfillBackfillshopify')).toHaveLength(1);
      expect(logicalIds(synth.template, 'AWS::Lambda::Function', 'BackfillBackfillhubspot')).toHaveLength(0);
    } finally {
      synth.cleanup();
    }
  }, SYNTH_TIMEOUT_MS);

  it('rejects a reconcileMinutes that is not a whole number of minutes from 0 to 1440, naming the key and the fix', () => {
    for (const reconcileMinutes of [-1, 2.5, 1441, '15']) {
      let error: unknown;
      try {
        loadConfig({ ...cdkJson.context.omnihub, reconcileMinutes });
      } catch (caught) {
        error = caught;
      }
      expect(error, String(reconcileMinutes)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('omnihub.reconcileMinutes');
      expect((error as ConfigError).message).toContain('fix:      "reconcileMinutes": 15');
    }
  });

  it('reconciles every 15 minutes when cdk.json does not say', () => {
    const { reconcileMinutes: _omitted, ...context } = cdkJson.context.omnihub;
    expect(loadConfig(context).reconcileMinutes).toBe(15);
  });
});
