import { FunctionUrlAuthType, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface WebhookFunctionUrlProps {
  /** The receiver: it verifies each vendor's HMAC itself and answers 404 to anything but POST /webhooks/<id>. */
  receiver: LambdaFunction;
}

/**
 * Webhooks through a Lambda function URL (cdk.json `ingress: "functionUrl"`, the default): no
 * per-request charge beyond the invocation, against the HTTP API's $1 per million. What the
 * HTTP API did at its edge moves into the receiver: routing (functions/lib/webhook-route.ts),
 * and throttling, which becomes the receiver's reserved concurrency. Public (AuthType NONE):
 * vendors cannot sign with SigV4; the HMAC of each delivery is the authentication. CDK grants
 * both lambda:InvokeFunctionUrl and lambda:InvokeFunction (invokedViaFunctionUrl), as Lambda
 * requires of public URLs since October 2025.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
export class WebhookFunctionUrl extends Construct {
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookFunctionUrlProps) {
    super(scope, id);
    const functionUrl = props.receiver.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    // The URL ends with "/", as the HTTP API stage URL does.
    this.url = functionUrl.url;
  }
}
