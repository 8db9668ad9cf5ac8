import { signRequest, type Credentials } from './sigv4';

/**
 * The lean AWS client the Lambda bundles use instead of the AWS SDK v3 clients
 * (functions/catalog.ts maps @aws-sdk/client-dynamodb, lib-dynamodb, client-eventbridge and
 * client-secrets-manager to the modules beside this one): the same wire protocol (awsJson1_0 /
 * awsJson1_1 over HTTPS, SigV4), the same standard retry mode, about 8 KB instead of 250-330 KB
 * of bundled SDK. Credentials come from the environment the Lambda runtime sets
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), endpoints from the SDK's own
 * AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL variables (DynamoDB Local and the local bus).
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export interface ServiceSpec {
  /** SigV4 signing name and endpoint prefix: https://<endpointPrefix>.<region>.amazonaws.com */
  signingName: string;
  endpointPrefix: string;
  /** X-Amz-Target prefix, e.g. DynamoDB_20120810. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  /** The SDK's service id in AWS_ENDPOINT_URL_<ID>: DYNAMODB, EVENTBRIDGE, SECRETS_MANAGER. */
  endpointEnvId: string;
}

/** What an AWS API answered with an error: `name` is the error code (ConditionalCheckFailedException...). */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number; requestId?: string; attempts: number };
  [field: string]: unknown;

  constructor(name: string, message: string, status: number | undefined, requestId: string | undefined, body: Record<string, unknown> = {}) {
    super(message);
    Object.assign(this, body);
    this.name = name;
    this.message = message;
    this.$fault = status !== undefined && status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId, attempts: 1 };
  }
}

/** Error classes by code, so `instanceof ConditionalCheckFailedException` holds as with the SDK. */
export type ErrorClasses = Record<string, new (name: string, message: string, status: number | undefined, requestId: string | undefined, body?: Record<string, unknown>) => AwsServiceError>;

/** One `initialize`-step middleware, as DynamoDBClient.middlewareStack.add takes it (functions/lib/adapters/dynamodb.ts). */
export type Middleware = (
  next: (args: { input: unknown }) => Promise<{ output: unknown }>,
  context: { commandName: string },
) => (args: { input: unknown }) => Promise<{ output: unknown }>;

// The SDK's standard retry mode: 3 attempts, full-jitter backoff from 100 ms (500 ms when
// throttled), at most 20 s; the same error classes. https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
const MAX_ATTEMPTS = 3;
const THROTTLING = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'TransactionInProgressException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

function isThrottling(error: AwsServiceError): boolean {
  return error.$metadata.httpStatusCode === 429 || THROTTLING.has(error.name);
}

function isRetryable(error: unknown): boolean {
  if (error instanceof AwsServiceError) {
    return isThrottling(error) || TRANSIENT.has(error.name) || [500, 502, 503, 504].includes(error.$metadata.httpStatusCode ?? 0);
  }
  // fetch failed before an answer: undici's TypeError carries the socket error as its cause.
  const code = (error as { cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code;
  return error instanceof TypeError || (code !== undefined && NETWORK_CODES.has(code));
}

export class AwsJsonClient {
  readonly middlewareStack = {
    middlewares: [] as Middleware[],
    add(middleware: Middleware, _options?: { step?: string; name?: string }) {
      this.middlewares.push(middleware);
    },
  };

  constructor(
    private readonly spec: ServiceSpec,
    private readonly errors: ErrorClasses = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Calls `operation` with the (already wire-shaped) input through the middlewares. */
  async call<O>(operation: string, input: unknown): Promise<O> {
    let handler = async (args: { input: unknown }) => ({ output: await this.request(operation, args.input) });
    for (const middleware of [...this.middlewareStack.middlewares].reverse()) handler = middleware(handler, { commandName: `${operation}Command` });
    return (await handler({ input })).output as O;
  }

  private async request(operation: string, input: unknown): Promise<unknown> {
    const region = this.env.AWS_REGION ?? this.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('No AWS region: set AWS_REGION (the Lambda runtime sets it)');
    const credentials = credentialsFrom(this.env);
    const url = new URL(this.env[`AWS_ENDPOINT_URL_${this.spec.endpointEnvId}`] ?? this.env.AWS_ENDPOINT_URL ?? `https://${this.spec.endpointPrefix}.${region}.amazonaws.com`);
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(url, operation, body, region, credentials);
      } catch (error) {
        if (error instanceof AwsServiceError) error.$metadata.attempts = attempt;
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        const base = error instanceof AwsServiceError && isThrottling(error) ? 500 : 100;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20_000, base * 2 ** (attempt - 1))));
      }
    }
  }

  private async attempt(url: URL, operation: string, body: string, region: string, credentials: Credentials): Promise<unknown> {
    const headers = signRequest({
      url,
      headers: { 'content-type': `application/x-amz-json-${this.spec.jsonVersion}`, 'x-amz-target': `${this.spec.targetPrefix}.${operation}` },
      body,
      region,
      service: this.spec.signingName,
      credentials,
      now: new Date(),
    });
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (response.ok) return parsed;
    // The error code is __type after its namespace (com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException),
    // or the x-amzn-errortype header. https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#operation-error-serialization
    const type = String(parsed.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP${response.status}`);
    const name = type.split('#').pop()!.split(':')[0]!;
    const message = String(parsed.message ?? parsed.Message ?? name);
    const { __type: _type, message: _m, Message: _M, ...fields } = parsed;
    const ErrorClass = this.errors[name] ?? AwsServiceError;
    throw new ErrorClass(name, message, response.status, response.headers.get('x-amzn-requestid') ?? undefined, fields);
  }
}

function credentialsFrom(env: NodeJS.ProcessEnv): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are unset (the Lambda runtime sets them from the function role)');
  }
  return { accessKeyId, secretAccessKey, sessionToken };
}

/** A named error class for `instanceof` checks (ConditionalCheckFailedException, ResourceNotFoundException...). */
export function errorClass(code: string): ErrorClasses[string] {
  const named = { [code]: class extends AwsServiceError {} }[code]!;
  return named;
}
