import { manifests } from '../../connectors/manifests';
import { bundleBudget, bundleSettings } from '../../functions/catalog';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contextWith, synthOmnihub, type Synthesized, SYNTH_TIMEOUT_MS } from './synth';

const FunctionCodeSchema = z.object({
  Properties: z.object({
    Code: z.object({ S3Key: z.string().regex(/^[0-9a-f]{64}\.zip$/) }),
    Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
  }),
});

/** The deployed function's name (functions/catalog.ts bundleBudgets), from the variables the stack sets on it. */
function functionName(logicalId: string, variables: Record<string, unknown>): string {
  // infra/constructs/backfill.ts: the backfill function of a connector sets the same variables as its sync.
  if (typeof variables.CONNECTOR_ID === 'string') {
    if (logicalId.startsWith('BackfillOrdersBackfill')) return `backfill-${variables.CONNECTOR_ID}-orders`;
    const role = logicalId.startsWith('BackfillBackfill') ? 'backfill' : logicalId.startsWith('OrderSync') ? 'orders' : logicalId.startsWith('NoticeSender') ? 'notices' : 'sync';
    return `${role}-${variables.CONNECTOR_ID}`;
  }
  // infra/omnihub-stack.ts: WebhookReceiver-<connector>, one per connector that receives webhooks.
  if ('CONNECTOR_SECRETS' in variables) {
    const connectorId = manifests.map((m) => m.id).find((id) => logicalId.startsWith(`WebhookReceiver${id}`));
    return `webhook-receiver-${connectorId ?? 'unknown'}`;
  }
  return 'identity-resolver';
}

/**
 * The one synth in the suite that runs esbuild (local, no Docker), as `cdk synth` does.
 * It fails here, with esbuild's message, when a function entry does not compile.
 */
describe('Lambda bundles', () => {
  let synth: Synthesized;

  beforeAll(() => {
    // Every connector on (cdk.json ships Klaviyo and Twilio off): each of their bundles is built and sized.
    synth = synthOmnihub(contextWith('twilio', { enabled: true, notices: { storeName: 'Main Street Goods' } }, contextWith('klaviyo', { enabled: true })), { bundle: true });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('bundles every function into one minified ESM file that defines require for CommonJS dependencies', () => {
    // Prepare
    const functions = Object.entries(synth.template.findResources('AWS::Lambda::Function'));

    // Assess
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, resource] of functions) {
      const hash = FunctionCodeSchema.parse(resource).Properties.Code.S3Key.replace(/\.zip$/, '');
      const dir = join(synth.assembly.directory, `asset.${hash}`);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(bundleSettings.banner), id).toBe(true);
      expect(code, id).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
      // The source map beside it is what NODE_OPTIONS=--enable-source-maps reads.
      expect(existsSync(join(dir, 'index.mjs.map')), id).toBe(true);
    }
  });

  it('keeps every bundle within its size budget (each connector\'s receiver within 150 KB, the others within 300 KB)', () => {
    // Prepare
    const functions = Object.entries(synth.template.findResources('AWS::Lambda::Function')).map(([id, resource]) => ({ id, ...FunctionCodeSchema.parse(resource).Properties }));

    // Act
    const sizes = Object.fromEntries(
      functions.map(({ id, Code, Environment }) => [
        functionName(id, Environment.Variables),
        statSync(join(synth.assembly.directory, `asset.${Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs')).size,
      ]),
    );

    // Assess: each function deploys its own bundle (CDK caches asset bundling by the asset's
    // source and bundling options: a key that named neither the entry nor the defines once
    // gave every function the receiver's code)...
    expect(new Set(functions.map(({ Code }) => Code.S3Key)).size).toBe(functions.length);
    // ...and every function the stack deploys is within its own budget.
    expect(Object.keys(sizes).sort()).toEqual([
      'backfill-hubspot',
      'backfill-klaviyo',
      'backfill-shopify',
      'backfill-shopify-orders',
      'backfill-square',
      'backfill-square-orders',
      'identity-resolver',
      'notices-twilio',
      'orders-hubspot',
      'orders-klaviyo',
      'orders-shopify',
      'orders-square',
      'sync-hubspot',
      'sync-klaviyo',
      'sync-shopify',
      'sync-square',
      'webhook-receiver-hubspot',
      'webhook-receiver-shopify',
      'webhook-receiver-square',
      'webhook-receiver-twilio',
    ]);
    // Each receiver is its own connector's: the two others' would cost it 7-10 KB each (test/infra/receiver-bundles.test.ts checks what each holds).
    for (const id of ['hubspot', 'shopify', 'square', 'twilio']) expect(sizes[`webhook-receiver-${id}`], id).toBeLessThanOrEqual(150_000);
    const over = Object.entries(sizes).flatMap(([name, bytes]) => (bytes > bundleBudget(name) ? [`${name}: ${bytes} bytes > ${bundleBudget(name)}`] : []));
    expect(over).toEqual([]);
  });
});
