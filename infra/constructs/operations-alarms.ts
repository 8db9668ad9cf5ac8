import { ArnFormat, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The metric every "event parked" log line counts into (no dimensions: one alarm for all functions). */
export const PARKED_METRIC = { namespace: 'omnihub', metricName: 'ParkedEvents' } as const;
/** functions/lib/sqs-batch.ts and the receiver log exactly this message (ERROR, JSON) when they park an event. */
export const PARKED_FILTER_PATTERN = '{ $.message = "event parked" }';
/** Webhooks refused because a connector's signing secret is a placeholder (functions/lib/receive-webhook.ts). */
export const SECRET_NOT_CONFIGURED_METRIC = { namespace: 'omnihub', metricName: 'WebhookSecretNotConfigured' } as const;
export const SECRET_NOT_CONFIGURED_FILTER_PATTERN = '{ $.message = "webhook secret not configured" }';

const PERIOD = Duration.minutes(5);

export interface OperationsAlarmsProps {
  /** Route binding name → its dead-letter queue (EventRouting.deadLetterQueues). */
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  /**
   * Every function that parks events: its log group, its name (the metric filter is named after
   * it) and the parking target it parks under (`webhook-receiver`, shared by every connector's
   * receiver; `identity-resolver`; `sync-<connector>` ...).
   */
  parkingLogGroups: ReadonlyArray<{ target: string; name: string; logGroup: ILogGroup }>;
  /** Connector id → its webhook receiver's log group: each logs a refused webhook whose signing secret is not configured. */
  receiverLogGroups: ReadonlyMap<string, ILogGroup>;
  /** Subscribed to the topic when set (cdk.json omnihub.alarmEmail). */
  alarmEmail?: string | undefined;
  removalPolicy: RemovalPolicy;
}

/**
 * Tells an operator that something did not arrive: one alarm per dead-letter queue (a message
 * there was given up on) and one on events parked by any function (could never be applied).
 * All notify one SNS topic; an email subscription is added when omnihub.alarmEmail is set.
 */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const alarmArns = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // A customer managed key, not alias/aws/sns: the AWS managed key's policy cannot be edited,
    // and without kms:GenerateDataKey* / kms:Decrypt CloudWatch alarms cannot publish to the topic.
    const key = new Key(this, 'TopicKey', {
      description: 'omnihub: encrypts the operations alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // Unconditioned, as AWS documents it for alarms: the key serves this topic only, and the
    // topic policy below is what limits publishing to this account's alarms. A condition the
    // KMS request does not carry would silently drop every notification.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToTheEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'omnihub alarms',
      masterKey: key,
      // Denies sns:Publish without TLS (AwsSolutions-SNS3).
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one: allow this account's alarms explicitly.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': alarmArns },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );

    if (props.alarmEmail) {
      const subscription = this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An email subscription for alarms: SNS retries email delivery itself, and a dead-letter queue of undelivered alarm emails would need an alarm of its own; the alarm state and history stay in CloudWatch.',
      });
    }
    const action = new SnsAction(this.topic);

    for (const [name, queue] of props.deadLetterQueues) {
      const alarm = new Alarm(this, `DeadLetters-${name}`, {
        alarmName: `${stack.stackName}-dead-letters-${name}`,
        alarmDescription:
          `Messages of route ${name} were given up on and wait in its dead-letter queue. ` +
          'Read them in the SQS console, fix the cause, then redrive them to the source queue.',
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: Stats.MAXIMUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    }

    // One metric filter per function, all into one metric without dimensions: one alarm for every function.
    for (const { name, logGroup } of props.parkingLogGroups) {
      new MetricFilter(this, `Parked-${name}`, {
        logGroup,
        filterPattern: FilterPattern.literal(PARKED_FILTER_PATTERN),
        metricNamespace: PARKED_METRIC.namespace,
        metricName: PARKED_METRIC.metricName,
        metricValue: '1',
      });
    }
    const targets = [...new Set(props.parkingLogGroups.map(({ target }) => target))];
    const parked = new Alarm(this, 'ParkedEvents', {
      alarmName: `${stack.stackName}-parked-events`,
      alarmDescription:
        'Events were parked: they can never be applied as they are. ' +
        `List them with \`npx omnihub parked <target>\` (targets: ${targets.join(', ')}), fix the cause, then \`npx omnihub replay\`.`,
      metric: new Metric({ ...PARKED_METRIC, statistic: Stats.SUM, period: PERIOD }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    parked.addAlarmAction(action);
    this.alarms.push(parked);

    // One filter per connector's receiver, into one metric: one alarm (its log line names the secret).
    for (const [connectorId, logGroup] of props.receiverLogGroups) {
      new MetricFilter(this, `WebhookSecretNotConfiguredFilter-${connectorId}`, {
        logGroup,
        filterPattern: FilterPattern.literal(SECRET_NOT_CONFIGURED_FILTER_PATTERN),
        metricNamespace: SECRET_NOT_CONFIGURED_METRIC.namespace,
        metricName: SECRET_NOT_CONFIGURED_METRIC.metricName,
        metricValue: '1',
      });
    }
    const notConfigured = new Alarm(this, 'WebhookSecretNotConfigured', {
      alarmName: `${stack.stackName}-webhook-secret-not-configured`,
      alarmDescription:
        'A connector sends webhooks but its signing secret omnihub/<connector>/webhook still holds its placeholder (or nothing): ' +
        'they are refused with 503 and the vendor retries for a while. Set the secret with the stack output Secret<Connector>SetCommand; ' +
        'the log line "webhook secret not configured" of that connector\'s receiver names the secret.',
      metric: new Metric({ ...SECRET_NOT_CONFIGURED_METRIC, statistic: Stats.SUM, period: PERIOD }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    notConfigured.addAlarmAction(action);
    this.alarms.push(notConfigured);
  }
}
