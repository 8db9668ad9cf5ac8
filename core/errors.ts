/**
 * Expected outcomes (bad signature, duplicate delivery, stale update...) are values.
 * These are for the unexpected: each has a stable code, and metadata that never holds PII.
 */
export class OmnihubError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { cause?: unknown; retryable?: boolean; metadata?: Record<string, string | number | boolean> } = {},
  ) {
    super(message, { cause: options.cause });
    // A literal, not new.target.name: the bundles are minified and would log a mangled class name.
    this.name = 'OmnihubError';
  }
  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
  get metadata(): Record<string, string | number | boolean> {
    return this.options.metadata ?? {};
  }
}

/**
 * A SaaS API call failed in a way the connector could not absorb (after the SDK's and our
 * own rate-limit retries). `retryable` tells the sync function whether SQS should redeliver
 * the message or park it in the dead-letter queue at once.
 */
export class ConnectorError extends OmnihubError {
  constructor(
    readonly system: string,
    readonly status: number | undefined,
    message: string,
    options: { cause?: unknown; retryable: boolean; metadata?: Record<string, string | number | boolean> },
  ) {
    super(`CONNECTOR.${system.toUpperCase()}.${status ?? 'NETWORK'}`, message, options);
    this.name = 'ConnectorError';
  }
}

export class ConfigError extends OmnihubError {
  constructor(message: string) {
    super('CONFIG.INVALID', message);
    this.name = 'ConfigError';
  }
}
