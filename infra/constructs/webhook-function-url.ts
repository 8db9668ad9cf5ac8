import { FunctionUrlAuthType, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface WebhookFunctionUrlProps {
  /**
   * Connector id → its own receiver: it verifies its vendor's HMAC itself and answers 404 to
   * anything but POST /webhooks/<its connector>.
   */
  receivers: ReadonlyMap<string, LambdaFunction>;
}

/**
 * Webhooks through Lambda function URLs (cdk.json `ingress: "functionUrl"`, the default), one per
 * connector's receiver: no per-request charge beyond the invocation, against the HTTP API's $1
 * per million. What the HTTP API did at its edge moves into each receiver: routing
 * (functions/lib/webhook-route.ts), and throttling, which becomes each receiver's reserved
 * concurrency. Public (AuthType NONE): vendors cannot sign with SigV4; the HMAC of each delivery
 * is the authentication. CDK grants both lambda:InvokeFunctionUrl and lambda:InvokeFunction
 * (invokedViaFunctionUrl), as Lambda requires of public URLs since October 2025.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
export class WebhookFunctionUrl extends Construct {
  private readonly urls = new Map<string, string>();

  constructor(scope: Construct, id: string, props: WebhookFunctionUrlProps) {
    super(scope, id);
    for (const [connectorId, receiver] of props.receivers) {
      // The URL ends with "/", as the HTTP API stage URL does.
      this.urls.set(connectorId, receiver.addFunctionUrl({ authType: FunctionUrlAuthType.NONE }).url);
    }
  }

  /** The URL to register with a connector's vendor: its receiver's URL, path /webhooks/<id> (the route shape of the HTTP API). */
  urlOf(connectorId: string): string {
    const url = this.urls.get(connectorId);
    if (!url) throw new Error(`No webhook receiver for connector "${connectorId}"`);
    return `${url}webhooks/${connectorId}`;
  }
}
