import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { EVENT_SOURCE, reconcileRequestDetail } from '../core/events';
import { hydrateBatchSize, manifests, readEveryMinutes, registeredWebhookUrl } from '../connectors/manifests';
import { backfillEntities, boundFunctionName, hasCapability, MAX_RECEIVE_COUNT, routeBindings, type RoutedConnector } from '../core/routing';
import { startAwsEndpoints } from './aws-endpoints';
import { receiverFunctionName } from '../functions/catalog';
import { bundleFunctionHost, bundleFunctions, receivesWebhooks, stopBundler, type BuiltFunction } from './bundle';
import { startDynamoDbFaults } from './dynamodb-faults';
import { LocalBus } from './local-bus';
import { LocalFunction } from './local-function';
import { LocalQueue, type DeadLetter } from './local-queue';
import { startWebhookServer, type Ingress } from './webhook-server';

/**
 * The embedded runtime behind `npm start` and the integration tests: the same bundled
 * handlers as in AWS, each in its own workers, fed real event shapes (API Gateway HTTP API
 * v2, SQS records carrying EventBridge envelopes), with the rules of core/routing.ts.
 * DynamoDB is DynamoDB Local; EventBridge and Secrets Manager are answered in their wire
 * protocol by aws-endpoints.ts, which serves each connector's two secrets as the stack names
 * them: `omnihub/<id>` (API credentials) and `omnihub/<id>/webhook` (signing secret).
 */
export interface RuntimeConnector extends RoutedConnector {
  config: Record<string, unknown>;
  /** The API credentials (`omnihub/<id>`, the manifest's secretSchema): read by the sync function only. */
  secret: Record<string, string>;
  /** The webhook signing secret (`omnihub/<id>/webhook`, webhookSecretSchema): read by the receiver only. */
  webhookSecret: Record<string, string>;
  /** Send this connector's SDK to a local fake. Unset: the real vendor API. */
  baseUrl?: string;
}

export interface RuntimeOptions {
  root: string;
  dynamodbEndpoint: string;
  tableName: string;
  connectors: RuntimeConnector[];
  port?: number;
  defaultCountry?: string;
  /** cdk.json omnihub.parkedRetentionDays (PARKED_RETENTION_DAYS); default 14. */
  parkedRetentionDays?: number;
  /** Workers per function (execution environments); default 2, so two events for one customer can race. */
  poolSize?: number;
  /** Start every function's workers at once (`npm start`: sooner ready) instead of one after another (cold imports measured alone). */
  startFunctionsTogether?: boolean;
  /** End esbuild's service process once bundled (a process that bundles once: `npm start`), so its memory is not held beside the workers'. */
  stopBundlerWhenBuilt?: boolean;
  /** Resolves when DynamoDB answers and the table exists, if that is still under way: the webhook endpoint opens after it. */
  dynamodbReady?: Promise<unknown>;
  logLevel?: string;
  buildDir?: string;
  /** Every log line any function wrote (JSON from the Powertools logger). */
  onLog?: (line: string, functionName: string) => void;
  onWebhook?: (info: { connector: string; status: number; ms: number }) => void;
  queue?: { visibilityDelayMs?: number; maxReceiveCount?: number; batchSize?: number; batchWindowMs?: number };
  /**
   * cdk.json omnihub.reconcileMinutes: every so many minutes each connector's backfill reads what
   * changed since its last run (the EventBridge Scheduler schedule in AWS). Unset or 0: no timer.
   * A polled connector's customers are read every `pollMinutes` of its config instead.
   */
  reconcileMinutes?: number;
  /** How webhooks reach the receiver, as cdk.json `ingress` (default functionUrl, the deployed default). */
  ingress?: Ingress;
  /** Tag each function's outgoing HTTP requests with this header (`<function>#<invocation>`), so a fake's log names the invocation (crash injection). */
  invocationHeader?: string;
}

export interface Runtime {
  url: string;
  /** The local EventBridge/Secrets Manager endpoint (for `npx omnihub replay`). */
  eventsEndpoint: string;
  webhookUrl(connectorId: string): string;
  functions: Map<string, LocalFunction>;
  bundles: Record<string, BuiltFunction>;
  queues: LocalQueue[];
  bus: LocalBus;
  deadLetters(): DeadLetter[];
  /** The billable requests AWS would count for this run so far (test/bench/cost.ts prices them). */
  metering(): RuntimeMetering;
  /** Fault injection for tests and chaos runs. */
  faults: {
    failPutEvents(count: number): void;
    /** Every receiver's `operation` calls to DynamoDB (e.g. "BatchWriteItem") fail until the returned function is called. */
    failReceiverDynamoDb(operation: string): () => void;
    /** Crashes the invocation a tagged request named (`<function>#<invocation>`, see invocationHeader); false if it is not running. */
    crashInvocation(tag: string): Promise<boolean>;
  };
  /** Asks every connector's backfill (or `only` one's) for a reconciliation now: what the timers do every reconcileMinutes, and a polled connector's every pollMinutes. */
  reconcileNow(only?: { connector: string; entity?: 'customers' | 'orders' }): void;
  /** Resolves when every queue is empty and no function is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface RuntimeMetering {
  ingress: { requests: number; httpApiBilledRequests: number };
  events: { entries: number; entryBytes: number; billedEvents: number };
  sqs: { send: number; receive: number; delete: number };
  secretsManagerCalls: number;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const buildDir = options.buildDir ?? path.join(options.root, '.omnihub', 'build');
  const withOrders = options.connectors.filter(hasOrders);
  // A channel without customer records (Twilio) has no customer sync or backfill, as in the stack.
  const withCustomers = options.connectors.filter((c) => hasCapability(c, 'customers'));
  // One receiver per connector that receives webhooks (webhook-receiver-<id>), as the stack deploys them.
  const receiverIds = options.connectors.map((c) => c.id).filter(receivesWebhooks);
  const [bundles, hostFile] = await Promise.all([
    bundleFunctions(
      options.root,
      buildDir,
      withCustomers.map((c) => c.id),
      undefined,
      withOrders.map((c) => c.id),
      options.connectors.filter((c) => c.orders?.observe).map((c) => c.id),
      receiverIds,
      options.connectors.filter((c) => hasCapability(c, 'notices')).map((c) => c.id),
    ),
    bundleFunctionHost(options.root, buildDir),
  ]);
  if (options.stopBundlerWhenBuilt) await stopBundler();

  const bus = new LocalBus();
  const aws = await startAwsEndpoints({
    onEvent: (envelope, entryBytes) => bus.put(envelope, entryBytes),
    secrets: Object.fromEntries(
      options.connectors.flatMap((c) => [
        [`omnihub/${c.id}`, JSON.stringify(c.secret)],
        [`omnihub/${c.id}/webhook`, JSON.stringify(c.webhookSecret)],
      ]),
    ),
  });
  // The receivers reach DynamoDB through a pass-through that tests can make fail (faults below).
  const receiverDynamoDb = await startDynamoDbFaults(options.dynamodbEndpoint);

  // The same variables the CDK stack sets (functions/lib/env.ts), plus the SDK's endpoint overrides.
  const commonEnv: Record<string, string> = {
    TABLE_NAME: options.tableName,
    EVENT_BUS_NAME: 'omnihub',
    DEFAULT_COUNTRY: options.defaultCountry ?? 'US',
    PARKED_RETENTION_DAYS: String(options.parkedRetentionDays ?? 14),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamodbEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
  };
  const onLog = options.onLog ?? ((line: string) => process.stdout.write(`${line}\n`));
  const poolSize = options.poolSize ?? 2;
  const makeFunction = (name: string, bundle: BuiltFunction, env: Record<string, string>, workers = poolSize) =>
    new LocalFunction(name, { hostFile, bundle: bundle.file, env: { ...commonEnv, ...env }, poolSize: workers, timeoutMs: 30_000, onLog, invocationHeader: options.invocationHeader });

  const functions = new Map<string, LocalFunction>();
  const receivers: Record<string, LocalFunction> = {};
  for (const id of receiverIds) {
    const name = receiverFunctionName(id);
    // Its own connector's signing secret only, as the stack binds it.
    receivers[id] = makeFunction(name, bundles[name]!, {
      CONNECTOR_SECRETS: JSON.stringify({ [id]: `omnihub/${id}/webhook` }),
      AWS_ENDPOINT_URL_DYNAMODB: receiverDynamoDb.url,
    });
    functions.set(name, receivers[id]);
  }
  functions.set(
    'identity-resolver',
    makeFunction('identity-resolver', bundles['identity-resolver']!, {
      CONNECTOR_IDS: withCustomers.map((c) => c.id).join(','),
      ORDER_COPY_IDS: options.connectors.filter((c) => c.orders?.project).map((c) => c.id).join(','),
      STATS_IDS: options.connectors.filter((c) => c.stats).map((c) => c.id).join(','),
      MESSAGE_COPY_IDS: options.connectors.filter((c) => c.messages?.project).map((c) => c.id).join(','),
    }),
  );
  const noticeEnvs = new Map<string, Record<string, string>>();
  for (const c of options.connectors) {
    const connectorEnv = {
      CONNECTOR_ID: c.id,
      CONNECTOR_CONFIG: JSON.stringify(c.config),
      CONNECTOR_SECRET: `omnihub/${c.id}`,
      ...(c.baseUrl ? { CONNECTOR_BASE_URL: c.baseUrl } : {}),
    };
    if (hasOrders(c)) functions.set(`orders-${c.id}`, makeFunction(`orders-${c.id}`, bundles[`orders-${c.id}`]!, connectorEnv));
    if (hasCapability(c, 'notices')) {
      // Its status callback URL is the webhook server's, known once it listens (below): set before its first start.
      const env = { ...commonEnv, ...connectorEnv, MESSAGE_COPY_IDS: options.connectors.filter((o) => o.messages?.project).map((o) => o.id).join(',') };
      noticeEnvs.set(c.id, env);
      functions.set(
        `notices-${c.id}`,
        new LocalFunction(`notices-${c.id}`, { hostFile, bundle: bundles[`notices-${c.id}`]!.file, env, poolSize: 1, timeoutMs: 30_000, onLog, invocationHeader: options.invocationHeader }),
      );
    }
    if (!hasCapability(c, 'customers')) continue;
    functions.set(`sync-${c.id}`, makeFunction(`sync-${c.id}`, bundles[`sync-${c.id}`]!, connectorEnv));
    // A run is one chain of pages: one worker is enough.
    functions.set(`backfill-${c.id}`, makeFunction(`backfill-${c.id}`, bundles[`backfill-${c.id}`]!, connectorEnv, 1));
    if (c.orders?.observe) functions.set(`backfill-${c.id}-orders`, makeFunction(`backfill-${c.id}-orders`, bundles[`backfill-${c.id}-orders`]!, connectorEnv, 1));
  }
  // One at a time: each worker's cold import is then measured without the others competing for CPU.
  // The backfill functions start on their first request: most starts of the hub never use them.
  // (The notice functions too: their status callback URL is the webhook server's, which listens last.)
  const eager = [...functions].filter(([name]) => !name.startsWith('backfill-') && !name.startsWith('notices-')).map(([, f]) => f);
  if (options.startFunctionsTogether) await Promise.all(eager.map((f) => f.start()));
  else for (const f of eager) await f.start();

  const queueOptions = {
    batchSize: options.queue?.batchSize ?? 10,
    maxReceiveCount: options.queue?.maxReceiveCount ?? MAX_RECEIVE_COUNT,
    visibilityDelayMs: options.queue?.visibilityDelayMs ?? 500,
    batchWindowMs: options.queue?.batchWindowMs ?? 5,
  };
  const queues: LocalQueue[] = [];
  for (const binding of routeBindings(options.connectors)) {
    const fnName = boundFunctionName(binding.route, binding.connectorId);
    const settings = options.connectors.find((c) => c.id === binding.connectorId)?.config;
    // A backfill request runs pages for most of an invocation: one at a time.
    const batchSize =
      binding.route.target === 'backfill' ? 1 : ((binding.route.batching === 'hydrate' && settings ? hydrateBatchSize(settings) : undefined) ?? queueOptions.batchSize);
    const queue = new LocalQueue(`${binding.route.name}${binding.connectorId ? `-${binding.connectorId}` : ''}`, functions.get(fnName)!, {
      ...queueOptions,
      batchSize,
    });
    queues.push(queue);
    bus.addRule(queue.name, binding.pattern, queue);
  }

  // Reconciliation, and the poll of a connector that sends no webhooks, as the EventBridge
  // Scheduler schedules do it in AWS (infra/constructs/backfill.ts): one timer per schedule.
  const timers = options.connectors.flatMap((c) =>
    backfillEntities(c).flatMap((entity) => {
      const manifest = manifests.find((m) => m.id === c.id) ?? {};
      const minutes = readEveryMinutes(manifest, c.config, entity, options.reconcileMinutes ?? 0);
      if (minutes === 0) return [];
      const timer = setInterval(() => bus.put(reconcileRequest(c.id, entity)), minutes * 60_000);
      timer.unref();
      return [timer];
    }),
  );

  await options.dynamodbReady;
  const server = await startWebhookServer({
    port: options.port ?? 0,
    receivers,
    ingress: options.ingress,
    onRequest: options.onWebhook,
  });
  // The URL a shop registers, fragment included (Twilio's connection overrides): the sandboxes read it as the vendor does.
  const webhookUrl = (id: string) => registeredWebhookUrl(manifests.find((m) => m.id === id) ?? {}, `${server.url}/webhooks/${id}`);
  for (const [id, env] of noticeEnvs) env.STATUS_CALLBACK_URL = webhookUrl(id);

  return {
    url: server.url,
    eventsEndpoint: aws.url,
    webhookUrl,
    functions,
    bundles,
    queues,
    bus,
    deadLetters: () => queues.flatMap((q) => q.deadLetters),
    metering: () => ({
      ingress: { ...server.metered },
      events: { ...bus.metered },
      sqs: queues.reduce(
        (sum, q) => ({ send: sum.send + q.requests.send, receive: sum.receive + q.requests.receive, delete: sum.delete + q.requests.delete }),
        { send: 0, receive: 0, delete: 0 },
      ),
      secretsManagerCalls: aws.calls.getSecretValue,
    }),
    faults: {
      failPutEvents: (count) => aws.failPutEvents(count),
      failReceiverDynamoDb: (operation) => receiverDynamoDb.fail(operation),
      async crashInvocation(tag) {
        const match = /^(.+)#(\d+)$/.exec(tag);
        const fn = match ? functions.get(match[1]!) : undefined;
        return fn ? fn.crash(Number(match![2])) : false;
      },
    },
    async idle() {
      while (queues.some((q) => q.depth > 0)) await Promise.all(queues.map((q) => q.idle()));
    },
    reconcileNow(only) {
      for (const c of options.connectors) {
        if (only && only.connector !== c.id) continue;
        for (const entity of backfillEntities(c)) if (!only?.entity || only.entity === entity) bus.put(reconcileRequest(c.id, entity));
      }
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await server.close();
      await Promise.all([...functions.values()].map((f) => f.stop()));
      await Promise.all([aws.close(), receiverDynamoDb.close()]);
    },
  };
}

/** An activity function (orders-<id>): orders placed in it or copied to it, or messages shown in it. */
function hasOrders(c: RoutedConnector): boolean {
  return c.orders?.observe === true || c.orders?.project === true || c.messages?.project === true;
}

/** The envelope the reconciliation schedule puts on the bus (the same detail the stack's schedule sends). */
function reconcileRequest(connectorId: string, entity: 'customers' | 'orders'): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'BackfillRequested',
    source: EVENT_SOURCE,
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: reconcileRequestDetail(connectorId, entity),
  };
}
