import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface WebhookApiProps {
  /** Connector id → its own webhook receiver: one route each, integrated with that connector's receiver only. */
  receivers: ReadonlyMap<string, IFunction>;
  throttle: { rate: number; burst: number };
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * HTTP API with one literal route `POST /webhooks/<id>` per enabled connector that receives
 * webhooks, each integrated with that connector's own receiver, so a disabled connector's URL
 * answers 404 at the edge without invoking anything. Stage throttling caps
 * what a flood can cost; vendors retry a 429.
 */
export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'omnihub webhooks: POST /webhooks/<connector>',
      createDefaultStage: false,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rate, burstLimit: props.throttle.burst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // JSON, and no $context.identity.sourceIp: a caller's IP address is personal data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            userAgent: '$context.identity.userAgent',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });

    for (const [connectorId, receiver] of props.receivers) {
      const integration = new HttpLambdaIntegration(`Receiver-${connectorId}`, receiver, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      });
      const [route] = this.api.addRoutes({ path: `/webhooks/${connectorId}`, methods: [HttpMethod.POST], integration });
      if (route) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'SaaS webhooks cannot use IAM, Cognito or JWT authorizers; the receiver verifies the vendor HMAC signature over the raw body before anything is stored or emitted.',
        });
      }
    }
  }

  /** The stage URL (ends with "/"). */
  get url(): string {
    return this.stage.url;
  }

  /** The URL to register with a connector's vendor. */
  urlOf(connectorId: string): string {
    return `${this.stage.url}webhooks/${connectorId}`;
  }
}
