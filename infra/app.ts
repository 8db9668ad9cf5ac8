import { App } from 'aws-cdk-lib';
import { ConfigError } from '../core/errors';
import { defineOmnihubApp } from './omnihub-app';

/** `cdk synth` / `cdk deploy` entry (cdk.json "app"). A config mistake ends the run with its message. */
const app = new App();
try {
  defineOmnihubApp(app);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
