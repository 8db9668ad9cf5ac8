import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionMemoryMb } from '../../infra/function-sizing';
import { cdkJson, logicalIds, synthOmnihub, type Synthesized, SYNTH_TIMEOUT_MS } from './synth';

/**
 * The settings that set the AWS bill (README "What it costs"), pinned: a change that makes a
 * synced update dearer (an HTTP API in front, tracing, INFO logs, more memory, smaller batches)
 * fails here and has to be made on purpose.
 */
const FunctionProps = z.object({
  MemorySize: z.number(),
  LoggingConfig: z.object({ ApplicationLogLevel: z.string(), SystemLogLevel: z.string() }),
  TracingConfig: z.object({ Mode: z.string() }).optional(),
  ReservedConcurrentExecutions: z.number().optional(),
});
function functionProps(template: Template, prefix: string) {
  const [id] = logicalIds(template, 'AWS::Lambda::Function', prefix);
  return FunctionProps.parse(template.findResources('AWS::Lambda::Function')[id ?? 'missing']?.Properties);
}
const PREFIXES = ['WebhookReceivershopify', 'IdentityResolver', 'ConnectorSyncshopify', 'ConnectorSynchubspot'];

describe('the default deployed shape (cdk.json)', () => {
  let synth: Synthesized;
  let template: Template;
  beforeAll(() => {
    synth = synthOmnihub(cdkJson.context.omnihub);
    template = synth.template;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('takes webhooks through a public function URL on each connector\'s receiver, and has no HTTP API', () => {
    // Prepare
    const [receiverId] = logicalIds(template, 'AWS::Lambda::Function', 'WebhookReceivershopify');
    const urls = template.findResources('AWS::Lambda::Url');
    const [urlId, ...otherUrls] = Object.keys(urls).filter((id) => JSON.stringify(urls[id]?.Properties.TargetFunctionArn) === JSON.stringify({ 'Fn::GetAtt': [receiverId, 'Arn'] }));
    // Assess
    expect(otherUrls).toEqual([]);
    expect(Object.keys(urls)).toHaveLength(logicalIds(template, 'AWS::Lambda::Function', 'WebhookReceiver').length);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [receiverId, 'Arn'] } });
    // Lambda requires both statements of a public URL since October 2025.
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.hasOutput('WebhookUrlShopify', { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, 'webhooks/shopify']] } });
  });

  it('caps each receiver at webhookConcurrency reserved instances (a flood gets 429s), and reserves nothing elsewhere', () => {
    for (const id of logicalIds(template, 'AWS::Lambda::Function', 'WebhookReceiver')) expect(functionProps(template, id).ReservedConcurrentExecutions, id).toBe(10);
    for (const prefix of PREFIXES.slice(1)) expect(functionProps(template, prefix).ReservedConcurrentExecutions, prefix).toBeUndefined();
  });

  it('traces nothing: no tracing mode and no X-Ray permission on any function', () => {
    for (const prefix of PREFIXES) expect(functionProps(template, prefix).TracingConfig, prefix).toBeUndefined();
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('xray:');
  });

  it('logs at WARN, the application and the platform (no START/REPORT lines), which keeps every alarmed line (ERROR)', () => {
    for (const prefix of PREFIXES) {
      expect(functionProps(template, prefix).LoggingConfig, prefix).toMatchObject({ ApplicationLogLevel: 'WARN', SystemLogLevel: 'WARN' });
    }
  });

  it('sizes the functions as measured (infra/function-sizing.ts): receiver 512 MB, resolver 256 MB, connector sync 384 MB, backfill 256 MB, notices 256 MB', () => {
    expect(functionMemoryMb).toEqual({ 'webhook-receiver': 512, 'identity-resolver': 256, 'connector-sync': 384, 'order-sync': 256, backfill: 256, 'notice-sender': 256 });
    expect(PREFIXES.map((prefix) => functionProps(template, prefix).MemorySize)).toEqual([512, 256, 384, 384]);
  });

  it('hands SQS messages over in batches: 10 per invocation (HubSpot hydrate: 100; a backfill request, which pages for minutes: 1), a 1 s batching window, failures reported per message', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) =>
      z.object({ BatchSize: z.number(), MaximumBatchingWindowInSeconds: z.number(), FunctionResponseTypes: z.array(z.string()) }).parse(m.Properties),
    );
    const backfills = logicalIds(template, 'AWS::Lambda::Function', 'BackfillBackfill').length + logicalIds(template, 'AWS::Lambda::Function', 'BackfillOrdersBackfill').length;
    expect(mappings.length).toBeGreaterThan(0);
    expect(mappings.map((m) => m.BatchSize).sort((a, b) => a - b)).toEqual([...Array(backfills).fill(1), ...Array(mappings.length - 1 - backfills).fill(10), 100]);
    for (const mapping of mappings) expect(mapping).toMatchObject({ MaximumBatchingWindowInSeconds: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });
});

describe('tracing "sampled"', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthOmnihub({ ...cdkJson.context.omnihub, tracing: 'sampled' });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('starts traces at the receiver only; the other functions record the traces its events carry', () => {
    expect(PREFIXES.map((prefix) => functionProps(synth.template, prefix).TracingConfig?.Mode)).toEqual(['Active', 'PassThrough', 'PassThrough', 'PassThrough']);
  });

  it('passes cdk-nag with no unacknowledged error', () => {
    expect(synth.report.pluginReports.flatMap((p) => p.violations.filter((v) => v.severity === 'error'))).toEqual([]);
  });
});
