import { EVENT_SOURCE, type EventType } from './events';

/**
 * THE routing table: which event goes to which function. The CDK stack turns each route
 * into EventBridge rules (bus → SQS queue with DLQ → Lambda), and the local runtime
 * dispatches with the same patterns. There is no second list anywhere.
 */

/** The Lambda functions events can be routed to. */
export type RouteTarget = 'identity-resolver' | 'connector-sync' | 'order-sync' | 'backfill' | 'notice-sender';

/** What routing needs to know of an enabled connector: what it can do (its manifest says). */
export interface RoutedConnector {
  id: string;
  /** Its webhooks name customer records it must read (CustomerReferenced). */
  hydrates: boolean;
  /** Orders are placed in it (observe) and/or it holds copies of them (project). */
  orders?: { observe: boolean; project: boolean };
  /** It holds each customer's cross-channel stats. */
  stats?: boolean;
  /** Messages arrive through it (observe) and/or it shows them on the customer's timeline (project). */
  messages?: { observe: boolean; project: boolean };
  /** False for a channel that holds no customer record (Twilio): no customer sync, no backfill. Default true. */
  customerRecords?: boolean;
  /** It sends the pickup notices (docs/identity.md §12). */
  notices?: boolean;
}

/** The capability a per-connector route needs. */
export type Capability = 'customers' | 'hydrate' | 'read-customers' | 'observe-orders' | 'project-orders' | 'stats' | 'project-messages' | 'notices';

export function hasCapability(connector: RoutedConnector, capability: Capability | undefined): boolean {
  switch (capability) {
    case undefined:
      return true;
    case 'customers':
      return connector.customerRecords !== false;
    case 'hydrate':
      return connector.hydrates;
    // An order names its buyer's record in its origin: that connector must be able to read it.
    case 'read-customers':
      return connector.hydrates || connector.orders?.observe === true;
    case 'observe-orders':
      return connector.orders?.observe === true;
    case 'project-orders':
      return connector.orders?.project === true;
    case 'stats':
      return connector.stats === true;
    case 'project-messages':
      return connector.messages?.project === true;
    case 'notices':
      return connector.notices === true;
  }
}

/** An EventBridge event pattern (the subset omnihub uses: exact values and nested detail fields). */
export type EventPattern = { [key: string]: string[] | EventPattern };

export interface Route {
  /** Stable name, used in construct ids, queue names and log lines. */
  name: string;
  eventType: EventType;
  target: RouteTarget;
  /**
   * 'once': one rule for the whole hub. 'per-connector': one rule and one queue per enabled
   * connector, whose function runs with that connector's id.
   */
  fanOut: 'once' | 'per-connector';
  /** Extra detail filter for per-connector routes; receives the connector id. */
  detailFilter?: (connectorId: string) => EventPattern;
  /** For per-connector routes: only connectors with this capability get the rule. */
  requires?: Capability;
  /** Batched reads of records by id: the queue's batch size is the connector's hydrate batch size (connectors/manifests.ts). */
  batching?: 'hydrate';
  /** For 'backfill' routes: which of the connector's backfill functions, its customers' (default) or its orders'. */
  entity?: 'customers' | 'orders';
}

/**
 * Receives of one message before its queue gives it to the dead-letter queue, in AWS and
 * locally. Some retries are expected and not failures: a sync that finds another sync of the
 * same customer running (`busy`), or the golden record changed while it wrote (`behind`), waits
 * for a redelivery. Under load, those and a crash or two can reach 5 for a message that would
 * have succeeded next time; a poison message still lands in the DLQ within the hour.
 */
export const MAX_RECEIVE_COUNT = 10;

export const routes: readonly Route[] = [
  {
    name: 'resolve-observations',
    eventType: 'CustomerObserved',
    target: 'identity-resolver',
    fanOut: 'once',
  },
  {
    // Deletions, redactions and merges change links: the resolver owns links, as it owns customers.
    name: 'resolve-removals',
    eventType: 'CustomerRecordRemoved',
    target: 'identity-resolver',
    fanOut: 'once',
  },
  {
    name: 'resolve-merges',
    eventType: 'CustomerRecordsMerged',
    target: 'identity-resolver',
    fanOut: 'once',
  },
  {
    name: 'hydrate-references',
    eventType: 'CustomerReferenced',
    target: 'connector-sync',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ system: [connectorId] }),
    requires: 'read-customers',
    batching: 'hydrate',
  },
  {
    // Each connector hears the changes its record must follow (`systems`, set by the resolver):
    // its own system's too when that record may lack a golden value (a merge, a new link).
    name: 'sync-changes',
    eventType: 'CustomerChanged',
    target: 'connector-sync',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ systems: [connectorId] }),
    requires: 'customers',
  },
  {
    // Customer stats live on the customer's record: its connector's customer function writes them.
    name: 'write-stats',
    eventType: 'CustomerStatsChanged',
    target: 'connector-sync',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ systems: [connectorId] }),
    requires: 'stats',
  },
  {
    // Orders (docs/identity.md §9): the origin's order function reads what its webhooks named...
    name: 'read-orders',
    eventType: 'OrderReferenced',
    target: 'order-sync',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ system: [connectorId] }),
    requires: 'observe-orders',
  },
  {
    // ...the resolver records the revision, its buyer, pickup moves and stats...
    name: 'resolve-orders',
    eventType: 'OrderObserved',
    target: 'identity-resolver',
    fanOut: 'once',
  },
  {
    // ...and each system that holds copies projects it.
    name: 'project-orders',
    eventType: 'OrderChanged',
    target: 'order-sync',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ systems: [connectorId] }),
    requires: 'project-orders',
  },
  {
    // The first sync and reconciliation: one run at a time per connector, its pages chained
    // through this queue (core/backfill, functions/backfill.ts).
    name: 'backfill-pages',
    eventType: 'BackfillRequested',
    target: 'backfill',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ connector: [connectorId], entity: ['customers'] }),
    requires: 'customers',
  },
  {
    // Past orders, and those whose webhooks never came: the origin's own order backfill
    // function (its bundle holds the order reader only), pages chained the same way.
    name: 'backfill-order-pages',
    eventType: 'BackfillRequested',
    target: 'backfill',
    entity: 'orders',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ connector: [connectorId], entity: ['orders'] }),
    requires: 'observe-orders',
  },
  {
    // Messages (docs/identity.md §11): the resolver finds the customer by the phone and records it...
    name: 'resolve-messages',
    eventType: 'MessageObserved',
    target: 'identity-resolver',
    fanOut: 'once',
  },
  {
    // ...and the status callbacks of the messages omnihub sent, forward only...
    name: 'resolve-message-statuses',
    eventType: 'MessageStatusReported',
    target: 'identity-resolver',
    fanOut: 'once',
  },
  {
    // ...and each system that shows conversations copies it once, in its activity function (with its orders).
    name: 'project-messages',
    eventType: 'MessageLogged',
    target: 'order-sync',
    fanOut: 'per-connector',
    detailFilter: (connectorId) => ({ systems: [connectorId] }),
    requires: 'project-messages',
  },
  {
    // Pickup notices (docs/identity.md §12): an order ready for pickup, told to its customer once.
    name: 'send-pickup-notices',
    eventType: 'OrderStatusChanged',
    target: 'notice-sender',
    fanOut: 'per-connector',
    detailFilter: () => ({ to: ['ready_for_pickup'] }),
    requires: 'notices',
  },
];

/** What a connector's backfill and reconciliation read: its customers, and the orders placed in it when it has any. */
export function backfillEntities(connector: RoutedConnector): Array<'customers' | 'orders'> {
  // The same capabilities the backfill-pages and backfill-order-pages routes require.
  return [...(hasCapability(connector, 'customers') ? (['customers'] as const) : []), ...(connector.orders?.observe ? (['orders'] as const) : [])];
}

/** The function a per-connector route binding delivers to, by the name the local runtime and the bench use (`sync-shopify`, `backfill-square-orders` ...). */
export function boundFunctionName(route: Route, connectorId: string | undefined): string {
  switch (route.target) {
    case 'identity-resolver':
      return 'identity-resolver';
    case 'connector-sync':
      return `sync-${connectorId}`;
    case 'order-sync':
      return `orders-${connectorId}`;
    case 'backfill':
      return `backfill-${connectorId}${route.entity === 'orders' ? '-orders' : ''}`;
    case 'notice-sender':
      return `notices-${connectorId}`;
  }
}

/** The EventBridge pattern of a route (for one connector when the route fans out). */
export function eventPattern(route: Route, connectorId?: string): EventPattern {
  const pattern: EventPattern = { source: [EVENT_SOURCE], 'detail-type': [route.eventType] };
  if (route.detailFilter) {
    if (!connectorId) throw new Error(`Route ${route.name} needs a connector id`);
    pattern.detail = route.detailFilter(connectorId);
  }
  return pattern;
}

/** Does an event match a pattern? Implements the EventBridge rules omnihub's patterns use (exact match, nested objects). */
export function matchesPattern(pattern: EventPattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((v) => expected.includes(v as string));
    }
    return actual !== null && typeof actual === 'object' && matchesPattern(expected, actual as Record<string, unknown>);
  });
}

/** The functions a route resolves to, given the enabled connectors and what each can do. */
export function routeBindings(enabled: ReadonlyArray<RoutedConnector>): Array<{ route: Route; connectorId?: string; pattern: EventPattern }> {
  return routes.flatMap((route) => {
    if (route.fanOut === 'once') return [{ route, pattern: eventPattern(route) }];
    return enabled
      .filter((c) => hasCapability(c, route.requires))
      .map((c) => ({ route, connectorId: c.id, pattern: eventPattern(route, c.id) }));
  });
}
