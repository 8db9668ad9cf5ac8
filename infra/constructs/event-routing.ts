import { Duration, Validations } from 'aws-cdk-lib';
import { type EventPattern as CdkEventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, type EventPattern, type routeBindings } from '../../core/routing';
import type { OmnihubFunction } from './omnihub-function';

export type RouteBinding = ReturnType<typeof routeBindings>[number];

export interface EventRoutingProps {
  bus: IEventBus;
  /** From core/routing.ts routeBindings(): the only list of routes. */
  bindings: readonly RouteBinding[];
  /** The function a binding delivers to (identity-resolver, or the binding's connector-sync). */
  targetOf(binding: RouteBinding): OmnihubFunction;
  /** Messages per invocation for a binding, when it is not the default 10. */
  batchSizeOf?(binding: RouteBinding): number | undefined;
}

/** SQS → Lambda batching: full batches in a burst (a bulk import), at most 1 s of added latency when quiet. */
const BATCH_SIZE = 10;
const BATCHING_WINDOW = Duration.seconds(1);
/** Sync functions call rate-limited SaaS APIs whose quota the business shares with its other apps. */
const CONNECTOR_MAX_CONCURRENCY = 5;

/**
 * One EventBridge rule per routing binding: bus → rule → SQS queue → Lambda. The queue makes
 * delivery to Lambda a synchronous poll (EventBridge's async Lambda invoke would bypass its
 * own retry policy and DLQ). Each binding has one dead-letter queue that receives both what
 * EventBridge could not deliver to the queue and what the function failed 5 times, so one
 * place per route holds everything that did not arrive.
 */
export class EventRouting extends Construct {
  readonly queues = new Map<string, Queue>();
  /** Binding name → its dead-letter queue (what OperationsAlarms watches). */
  readonly deadLetterQueues = new Map<string, Queue>();

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    for (const binding of props.bindings) {
      const name = bindingName(binding);
      const routeScope = new Construct(this, name);
      const fn = props.targetOf(binding);

      const deadLetters = new Queue(routeScope, 'DeadLetterQueue', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // The longest SQS allows: time to notice, fix and redrive.
        retentionPeriod: Duration.days(14),
      });
      Validations.of(deadLetters).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This is the dead-letter queue itself (the last stop); an operator inspects and redrives its messages.',
      });
      const queue = new Queue(routeScope, 'Queue', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: fn.queueVisibilityTimeout(BATCHING_WINDOW),
        // Never 1: SQS may count a receive the consumer never saw.
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      });

      const rule = new Rule(routeScope, 'Rule', {
        eventBus: props.bus,
        description: `omnihub route ${name} → ${binding.route.target}`,
        eventPattern: toCdkEventPattern(binding.pattern),
      });
      // Retry for a day (the most EventBridge allows) before the DLQ. The target also adds the
      // queue policies that let this rule, and only it, send to both queues.
      rule.addTarget(
        new SqsQueue(queue, {
          deadLetterQueue: deadLetters,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      );

      fn.addEventSource(
        new SqsEventSource(queue, {
          batchSize: props.batchSizeOf?.(binding) ?? BATCH_SIZE,
          maxBatchingWindow: BATCHING_WINDOW,
          // One bad message is retried alone instead of re-driving its whole batch.
          reportBatchItemFailures: true,
          ...(binding.route.target === 'connector-sync' || binding.route.target === 'order-sync' ? { maxConcurrency: CONNECTOR_MAX_CONCURRENCY } : {}),
        }),
      );
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings take no on-failure destination (streams and Kafka only); the queue redrive policy moves a message failed 5 times to the route dead-letter queue.',
      });
      this.queues.set(name, queue);
      this.deadLetterQueues.set(name, deadLetters);
    }
  }
}

/** Stable construct name: the route's name, plus the connector for per-connector routes. */
export function bindingName(binding: RouteBinding): string {
  return binding.connectorId ? `${binding.route.name}-${binding.connectorId}` : binding.route.name;
}

/**
 * core/routing.ts writes patterns in EventBridge's own JSON; CDK's EventPattern spells the
 * envelope keys in camelCase and renders them back. Fail loudly on a key we do not map
 * rather than drop a filter.
 */
function toCdkEventPattern(pattern: EventPattern): CdkEventPattern {
  const { source, 'detail-type': detailType, detail, ...rest } = pattern;
  const unmapped = Object.keys(rest);
  if (unmapped.length > 0) throw new Error(`Event pattern keys not mapped to CDK: ${unmapped.join(', ')}`);
  return {
    ...(source ? { source: valueList('source', source) } : {}),
    ...(detailType ? { detailType: valueList('detail-type', detailType) } : {}),
    ...(detail ? { detail: objectPattern('detail', detail) } : {}),
  };
}

function valueList(key: string, value: string[] | EventPattern): string[] {
  if (!Array.isArray(value)) throw new Error(`Event pattern "${key}" must be a list of values`);
  return value;
}

function objectPattern(key: string, value: string[] | EventPattern): EventPattern {
  if (Array.isArray(value)) throw new Error(`Event pattern "${key}" must be an object`);
  return value;
}
