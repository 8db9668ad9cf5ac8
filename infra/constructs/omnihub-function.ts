import { AssetHashType, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { systemLogLevelFor } from '../config';
import type { TableAccess } from '../table-access';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FunctionBuild } from '../../functions/catalog';

const TRACING = { off: Tracing.DISABLED, passThrough: Tracing.PASS_THROUGH, active: Tracing.ACTIVE } as const;

/** The repository root: bundling resolves entries, tsconfig and package-lock.json from here. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface OmnihubFunctionProps {
  /** Entry file, relative to the repository root (e.g. functions/webhook-receiver.ts). */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logLevel: keyof typeof ApplicationLogLevel;
  /** X-Ray for this function: off (no tracing, no X-Ray permission), passThrough (traces a caller started) or active. */
  tracing: 'off' | 'passThrough' | 'active';
  /** Reserved concurrency: the most instances that may run (the webhook receiver behind a function URL). */
  reservedConcurrentExecutions?: number;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  /** Country for phone numbers without one (functions/lib/env.ts DEFAULT_COUNTRY). */
  defaultCountry: string;
  /** Days a parked event is kept (functions/lib/env.ts PARKED_RETENTION_DAYS). */
  parkedRetentionDays: number;
  /** Build-time constants (a sync function's bundle carries only its own connector). */
  define?: Record<string, string>;
}

/**
 * A Lambda function with omnihub's fixed defaults: nodejs24.x on arm64, one minified ESM
 * bundle with source maps, JSON logs into its own log group with retention (system log level
 * following the application's: systemLogLevelFor), X-Ray as configured, and a role that starts empty. The bind* methods set an environment variable (the names
 * functions/lib/env.ts parses) and the matching least-privilege grant in one call.
 */
export class OmnihubFunction extends LambdaFunction {
  private readonly functionTimeout: Duration;

  constructor(scope: Construct, id: string, props: OmnihubFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: log writes scoped to this log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `omnihub ${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      code: bundledCode(props.entry, props.define),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
      // WARN drops the START/REPORT lines (about 300 bytes per invocation); INFO keeps them (Init Duration is read from REPORT).
      systemLogLevelV2: SystemLogLevel[systemLogLevelFor(props.logLevel)],
      tracing: TRACING[props.tracing],
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        DEFAULT_COUNTRY: props.defaultCountry,
        PARKED_RETENTION_DAYS: String(props.parkedRetentionDays),
        // Bundles are minified: map stack traces back to the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.functionTimeout = props.timeout;

    // X-Ray's PutTraceSegments / PutTelemetryRecords have no resource-level permissions.
    if (props.tracing !== 'active') {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason:
          'Tracing is cdk.json "tracing" (default "off"): X-Ray records $5 per million traces, more than the rest of a synced update costs; "sampled" or "active" turns it on.',
      });
    }
    if (props.tracing !== 'off') {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions; that is the only wildcard.',
      });
    }
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Never invoked asynchronously: API Gateway invokes it synchronously and SQS through an event source mapping, whose queue redrive policy is the dead-letter queue.',
    });
  }

  /** Visibility timeout for a queue feeding this function: ≥ 6× its timeout (AWS guidance) plus the batching window. */
  queueVisibilityTimeout(batchingWindow: Duration): Duration {
    return Duration.seconds(this.functionTimeout.toSeconds() * 6 + batchingWindow.toSeconds());
  }

  /**
   * TABLE_NAME + exactly the actions and partition keys this function uses (infra/table-access.ts):
   * one statement per entry, on the table itself (no index), conditioned on dynamodb:LeadingKeys.
   * ForAllValues is true for a request that carries no key at all, hence the Null check beside it.
   * The table uses the AWS-managed key: no KMS grant is needed.
   */
  bindTable(table: ITable, access: readonly TableAccess[]): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    for (const { actions, leadingKeys } of access) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: actions.map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        }),
      );
    }
    return this;
  }

  /** EVENT_BUS_NAME + events:PutEvents on that bus only. */
  bindBus(bus: IEventBus): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /** One secret's ARN in `envName` + read access to that secret only. */
  bindSecret(envName: string, secret: ISecret): this {
    this.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /** A JSON map id → secret ARN in `envName` + read access to exactly those secrets. */
  bindSecretMap(envName: string, secrets: ReadonlyMap<string, ISecret>): this {
    const arns = Object.fromEntries([...secrets].map(([id, secret]) => [id, secret.secretArn]));
    this.addEnvironment(envName, Stack.of(this).toJsonString(arns));
    for (const secret of secrets.values()) secret.grantRead(this);
    return this;
  }
}

/**
 * The function's code: index.mjs (+ its source map) built by functions/build.ts, the bundler
 * the local runtime and the bench use too (its esbuild plugin is why this is not NodejsFunction,
 * whose CLI bundling takes no plugins). Nothing external: the runtime's own AWS SDK, loaded from
 * disk, adds 300-450 ms to init (aws-serverless-facts.md §1.2); the bundles carry lean clients
 * instead (functions/catalog.ts bundleAliases). Synthesis skips it where CDK skips bundling.
 */
function bundledCode(entry: string, define: Record<string, string> = {}): Code {
  return Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling below always succeeds (CDK requires an image to fall back on).
      image: Runtime.NODEJS_24_X.bundlingImage,
      // CDK caches bundling by the source and these options, and `local` (a function) does not
      // count: what is bundled must be named here, or every function gets the first one's code.
      environment: { OMNIHUB_BUNDLE: JSON.stringify({ entry, define }) },
      local: {
        tryBundle(outputDir: string): boolean {
          const job: FunctionBuild = { entry: join(repoRoot, entry), outfile: join(outputDir, 'index.mjs'), define };
          execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'functions/build-cli.ts'), JSON.stringify(job)], { cwd: repoRoot, stdio: 'inherit' });
          return true;
        },
      },
    },
  });
}
