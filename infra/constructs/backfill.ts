import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { EventBridgePutEvents } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EVENT_SOURCE, reconcileRequestDetail } from '../../core/events';
import { backfillEntities } from '../../core/routing';
import { readEveryMinutes, routedConnector } from '../../connectors/manifests';
import type { RouteBinding } from './event-routing';
import { connectorBundleDefine, functionEntries } from '../../functions/catalog';
import type { EnabledConnector } from '../config';
import { backfillTableAccess } from '../table-access';
import { functionMemoryMb } from '../function-sizing';
import { OmnihubFunction, type OmnihubFunctionProps } from './omnihub-function';

export interface BackfillProps {
  connectors: readonly EnabledConnector[];
  table: ITable;
  bus: IEventBus;
  /** Each connector's API secret (`omnihub/<id>`): the backfill reads with the sync's credentials. */
  apiSecrets: ReadonlyMap<string, ISecret>;
  /** The settings every omnihub function shares (log level, retention, country...). */
  functionDefaults: Omit<OmnihubFunctionProps, 'entry' | 'description' | 'memorySize' | 'timeout' | 'define'>;
  /** cdk.json omnihub.reconcileMinutes: 0 creates no schedule (a polled connector's customers follow its own pollMinutes). */
  reconcileMinutes: number;
}

/**
 * The first sync and reconciliation on AWS's own engines (core/backfill, functions/backfill.ts):
 * per enabled connector, a backfill function of its customers fed by the `backfill-pages` route
 * of core/routing.ts (and, where orders are placed, one of its orders fed by `backfill-order-pages`)
 * (bus → rule → SQS → function; each invocation reads pages for up to about four minutes, then
 * puts the request for the next page on the bus, so a run of any size is a chain of short
 * invocations with the checkpoint in the table), and EventBridge Scheduler schedules that ask
 * every `reconcileMinutes` for what changed since the last run, of each.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
 */
export class Backfill extends Construct {
  readonly functions = new Map<string, OmnihubFunction>();
  readonly schedules = new Map<string, Schedule>();

  constructor(scope: Construct, id: string, props: BackfillProps) {
    super(scope, id);
    for (const { manifest, settings } of props.connectors) {
      const secret = props.apiSecrets.get(manifest.id);
      if (!secret) throw new Error(`No secret for connector ${manifest.id}`);
      // Its customers; and, where orders are placed (Shopify, Square), its orders, each bundle
      // holding only that entity's reader.
      for (const entity of backfillEntities(routedConnector(manifest))) {
        const key = functionKey(manifest.id, entity);
        const fn = new OmnihubFunction(this, entity === 'customers' ? `Backfill-${manifest.id}` : `OrdersBackfill-${manifest.id}`, {
          ...props.functionDefaults,
          entry: functionEntries.backfill,
          define: connectorBundleDefine(manifest.id, entity, 'backfill'),
          description: `omnihub: read every ${manifest.displayName} ${entity === 'customers' ? 'customer' : 'order'} into the hub (first sync, reconciliation)`,
          // Five minutes keep a chain short (about 60 invocations an hour) and leave room for a
          // page that waits for the quota.
          memorySize: functionMemoryMb.backfill,
          timeout: Duration.minutes(5),
        })
          .bindTable(props.table, backfillTableAccess(manifest.id, entity))
          .bindBus(props.bus)
          .bindSecret('CONNECTOR_SECRET', secret);
        fn.addEnvironment('CONNECTOR_ID', manifest.id);
        fn.addEnvironment('CONNECTOR_CONFIG', JSON.stringify(settings));
        this.functions.set(key, fn);
      }

      // Customers, and the orders placed in the system (read by its order function, routed by `entity`).
      for (const entity of backfillEntities(routedConnector(manifest))) {
        const minutes = readEveryMinutes(manifest, settings, entity, props.reconcileMinutes);
        if (minutes === 0) continue;
        const key = entity === 'customers' ? manifest.id : `${manifest.id}-${entity}`;
        const what = manifest.inbound === 'poll' && entity === 'customers' ? `poll ${manifest.displayName} for what its customers changed since the last read` : `read what ${entity} changed in ${manifest.displayName} since the last run`;
        this.schedules.set(
          key,
          new Schedule(this, entity === 'customers' ? `Reconcile-${manifest.id}` : `ReconcileOrders-${manifest.id}`, {
            description: `omnihub: ${what}, every ${minutes} min`,
            schedule: ScheduleExpression.rate(Duration.minutes(minutes)),
            target: new EventBridgePutEvents(
              {
                eventBus: props.bus,
                source: EVENT_SOURCE,
                detailType: 'BackfillRequested',
                detail: ScheduleTargetInput.fromObject(reconcileRequestDetail(manifest.id, entity)),
              },
              // A missed reconciliation is followed by the next one: no retries piling up.
              { retryAttempts: 0, maxEventAge: Duration.minutes(Math.max(1, Math.min(minutes, 1440))) },
            ),
          }),
        );
      }
    }
  }

  /** The function a `backfill-pages` or `backfill-order-pages` binding delivers to. */
  targetOf(binding: RouteBinding): OmnihubFunction | undefined {
    return binding.route.target === 'backfill' && binding.connectorId ? this.functions.get(functionKey(binding.connectorId, binding.route.entity ?? 'customers')) : undefined;
  }

  /** Parking target → log group, for the parked-event alarms. */
  parkingLogGroups(): Array<[string, ILogGroup]> {
    return [...this.functions].map(([key, fn]) => [`backfill-${key}`, fn.logGroup]);
  }
}

/** `shopify` for its customers' backfill, `shopify-orders` for its orders' (also the parking target's suffix). */
function functionKey(connectorId: string, entity: 'customers' | 'orders'): string {
  return entity === 'customers' ? connectorId : `${connectorId}-${entity}`;
}
