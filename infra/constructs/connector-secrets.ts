import { type RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { EnabledConnector } from '../config';

export interface ConnectorSecretsProps {
  connectors: readonly EnabledConnector[];
  removalPolicy: RemovalPolicy;
}

/**
 * One Secrets Manager secret `omnihub/<id>` per enabled connector. CloudFormation creates it
 * with placeholders naming the keys of the manifest's secretSchema; the admin then sets the
 * real values with `aws secretsmanager put-secret-value`. The template never holds a real
 * token, and since the placeholder never changes, a later deploy never overwrites the value.
 */
export class ConnectorSecrets extends Construct {
  readonly byConnector = new Map<string, Secret>();

  constructor(scope: Construct, id: string, props: ConnectorSecretsProps) {
    super(scope, id);
    for (const { manifest } of props.connectors) {
      const secret = new Secret(this, manifest.id, {
        secretName: secretName(manifest.id),
        description: `${manifest.displayName} credentials for omnihub (JSON: ${secretKeys(manifest).join(', ')})`,
        secretStringValue: SecretValue.unsafePlainText(JSON.stringify(placeholder(manifest))),
        removalPolicy: props.removalPolicy,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: `${manifest.displayName} issues these credentials (API token, webhook signing secret); AWS cannot rotate them. The admin rotates them in ${manifest.displayName} and updates the secret.`,
      });
      this.byConnector.set(manifest.id, secret);
    }
  }
}

export function secretName(connectorId: string): string {
  return `omnihub/${connectorId}`;
}

/** The JSON keys the connector reads from its secret (the manifest's secretSchema). */
export function secretKeys(manifest: EnabledConnector['manifest']): string[] {
  return Object.keys(manifest.secretSchema.shape);
}

export function placeholder(manifest: EnabledConnector['manifest']): Record<string, string> {
  return Object.fromEntries(secretKeys(manifest).map((key) => [key, 'REPLACE_ME']));
}
