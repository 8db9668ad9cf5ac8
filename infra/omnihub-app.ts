import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfig } from './config';
import { OmnihubStack } from './omnihub-stack';

/** The stack name: one omnihub per account and region (the bus and secret names are fixed). */
export const STACK_NAME = 'Omnihub';

/**
 * Builds the app from its `omnihub` context: config → stack → cdk-nag. Shared by infra/app.ts
 * and the tests, so the tests check exactly what `cdk synth` produces. Throws ConfigError.
 */
export function defineOmnihubApp(app: App): OmnihubStack {
  const config = loadConfig(app.node.tryGetContext('omnihub'));
  const stack = new OmnihubStack(app, STACK_NAME, {
    config,
    description: 'omnihub: one customer record across SaaS tools (webhooks → EventBridge → DynamoDB identity map → connectors)',
  });
  // cdk-nag 3 is a policy-validation plugin: it runs after synthesis and fails it on an unacknowledged error.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
  return stack;
}
