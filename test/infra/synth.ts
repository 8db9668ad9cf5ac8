import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineOmnihubApp } from '../../infra/omnihub-app';
import type { OmnihubStack } from '../../infra/omnihub-stack';

/** cdk.json as the CLI reads it: the tests use its feature flags and its omnihub context. */
const CdkJsonSchema = z.object({
  app: z.string(),
  context: z.record(z.string(), z.unknown()).and(z.object({ omnihub: z.record(z.string(), z.unknown()) })),
});
export const cdkJson = CdkJsonSchema.parse(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')));

/** The validation report CDK writes into the cloud assembly (cdk-nag 3 findings land here). */
const ValidationReportSchema = z.object({
  pluginReports: z.array(
    z.object({
      pluginName: z.string(),
      violations: z.array(z.object({ ruleName: z.string(), severity: z.string(), description: z.string() })),
    }),
  ),
});
export type ValidationReport = z.infer<typeof ValidationReportSchema>;

export interface Synthesized {
  app: App;
  stack: OmnihubStack;
  template: Template;
  assembly: CloudAssembly;
  report: ValidationReport;
  /** Delete the cloud assembly (bundles are tens of MB). */
  cleanup(): void;
}

/**
 * Synthesize the real app (infra/omnihub-app.ts: config → stack → cdk-nag) with cdk.json's
 * feature flags and the given omnihub context. esbuild bundling is skipped unless asked
 * for: template assertions do not need the bundles, and bundling is the slow part.
 * Synthesis throws if cdk-nag reports an unacknowledged error (vitest sets NODE_ENV=test,
 * which makes CDK fail in-process with the report).
 */
export function synthOmnihub(omnihub: unknown, options: { bundle?: boolean } = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'omnihub-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJson.context,
      omnihub,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = defineOmnihubApp(app);
  const assembly = app.synth();
  const report = ValidationReportSchema.parse(
    JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')),
  );
  const template = Template.fromStack(stack);
  return { app, stack, template, assembly, report, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** A copy of cdk.json's omnihub context with `patch` applied to one connector. */
export function contextWith(connectorId: string, patch: Record<string, unknown>, base: Record<string, unknown> = cdkJson.context.omnihub): Record<string, unknown> {
  const context = structuredClone(base);
  const connectors = z.record(z.string(), z.record(z.string(), z.unknown())).parse(context.connectors);
  connectors[connectorId] = { ...connectors[connectorId], ...patch };
  return { ...context, connectors };
}

/** Logical ids of the resources of a type whose logical id starts with `prefix`. */
export function logicalIds(template: Template, type: string, prefix = ''): string[] {
  return Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
}

/** vitest.config.ts raises the infra test timeout but not the hook timeout: synth hooks pass this. */
export const SYNTH_TIMEOUT_MS = 180_000;
