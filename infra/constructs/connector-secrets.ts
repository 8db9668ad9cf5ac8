import { type RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { EnabledConnector } from '../config';

export interface ConnectorSecretsProps {
  connectors: readonly EnabledConnector[];
  removalPolicy: RemovalPolicy;
}

type Manifest = EnabledConnector['manifest'];

/**
 * Two Secrets Manager secrets per enabled connector, so each function can read only the one
 * it needs:
 *  - `omnihub/<id>`: the API credentials (manifest.secretSchema), read by that connector's sync function;
 *  - `omnihub/<id>/webhook`: the webhook signing secret (manifest.webhookSecretSchema), read by the
 *    receiver; none for a connector whose changes are polled (manifest.inbound "poll").
 * CloudFormation creates both with `REPLACE_ME` placeholders naming their keys; the admin sets
 * the real values with the Secret…SetCommand output. A placeholder never works: the receiver
 * answers that connector's webhooks 503 (and alarms) until the signing secret is set. The
 * template never holds a real value, and since the placeholder never changes, a later deploy
 * never overwrites what the admin set.
 */
export class ConnectorSecrets extends Construct {
  /** Connector id → its API secret (`omnihub/<id>`). */
  readonly api = new Map<string, Secret>();
  /** Connector id → its webhook signing secret (`omnihub/<id>/webhook`). */
  readonly webhook = new Map<string, Secret>();

  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: ConnectorSecretsProps) {
    super(scope, id);
    this.removalPolicy = props.removalPolicy;
    for (const { manifest } of props.connectors) {
      this.api.set(
        manifest.id,
        this.secret(manifest.id, {
          name: secretName(manifest.id),
          description: `${manifest.displayName} API credentials for omnihub, read by its sync function (JSON: ${apiSecretKeys(manifest).join(', ')})`,
          keys: apiSecretKeys(manifest),
          what: 'API token',
          displayName: manifest.displayName,
        }),
      );
      // A polled connector (Klaviyo) receives nothing: no signing secret.
      if (!receivesWebhooks(manifest)) continue;
      this.webhook.set(
        manifest.id,
        this.secret(`WebhookSecret-${manifest.id}`, {
          name: webhookSecretName(manifest.id),
          description: `${manifest.displayName} webhook signing secret for omnihub, read by the webhook receiver (JSON: ${webhookSecretKeys(manifest).join(', ')})`,
          keys: webhookSecretKeys(manifest),
          what: 'webhook signing secret',
          displayName: manifest.displayName,
        }),
      );
    }
  }

  private secret(id: string, spec: { name: string; description: string; keys: string[]; what: string; displayName: string }): Secret {
    const secret = new Secret(this, id, {
      secretName: spec.name,
      description: spec.description,
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(placeholderOf(spec.keys))),
      removalPolicy: this.removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: `${spec.displayName} issues this ${spec.what}; AWS cannot rotate it. The admin rotates it in ${spec.displayName} and updates the secret.`,
    });
    return secret;
  }
}

export function secretName(connectorId: string): string {
  return `omnihub/${connectorId}`;
}

export function webhookSecretName(connectorId: string): string {
  return `omnihub/${connectorId}/webhook`;
}

/** The JSON keys the sync function reads from `omnihub/<id>` (the manifest's secretSchema). */
export function apiSecretKeys(manifest: Manifest): string[] {
  return Object.keys(manifest.secretSchema.shape);
}

/** The JSON keys the receiver reads from `omnihub/<id>/webhook` (the manifest's webhookSecretSchema). */
export function webhookSecretKeys(manifest: Manifest): string[] {
  return Object.keys(manifest.webhookSecretSchema.shape);
}

/** What the stack deploys: every key `REPLACE_ME` (functions/lib/adapters/secrets.ts treats it as unset). */
export function placeholderOf(keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, 'REPLACE_ME']));
}

/** `aws secretsmanager put-secret-value` for one secret, with `<key>` where each value goes. */
export function putSecretValueCommand(name: string, keys: readonly string[]): string {
  const template = JSON.stringify(Object.fromEntries(keys.map((key) => [key, `<${key}>`])));
  return `aws secretsmanager put-secret-value --secret-id ${name} --secret-string '${template}'`;
}

/** Whether a connector's changes arrive as webhooks (every connector but a polled one). */
export function receivesWebhooks(manifest: Pick<Manifest, 'inbound'>): boolean {
  return (manifest.inbound ?? 'webhooks') === 'webhooks';
}
