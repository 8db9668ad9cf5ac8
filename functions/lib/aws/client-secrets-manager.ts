import { AwsJsonClient, errorClass } from './aws-json';

/**
 * What the bundles get for `@aws-sdk/client-secrets-manager` (functions/catalog.ts bundleAliases):
 * GetSecretValue over the lean client (awsJson1_1). https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export const ResourceNotFoundException = errorClass('ResourceNotFoundException');

export class GetSecretValueCommand {
  readonly operation = 'GetSecretValue';
  constructor(readonly input: { SecretId: string; VersionId?: string; VersionStage?: string }) {}
}

export class SecretsManagerClient extends AwsJsonClient {
  constructor(_config: Record<string, never> = {}) {
    super({ signingName: 'secretsmanager', endpointPrefix: 'secretsmanager', targetPrefix: 'secretsmanager', jsonVersion: '1.1', endpointEnvId: 'SECRETS_MANAGER' }, { ResourceNotFoundException });
  }

  send(command: GetSecretValueCommand): Promise<{ ARN?: string; Name?: string; SecretString?: string; VersionId?: string }> {
    return this.call(command.operation, command.input);
  }
}
