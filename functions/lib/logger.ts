import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogSink } from '../../core/log';
import { redact } from './redact';

/**
 * One structured JSON line per event on stdout, with the correlation id that follows a change
 * from webhook to last write: `level`, `message`, `timestamp`, `service`, then the keys.
 * Everything except the envelope goes through redact(): emails, phones and tokens never reach
 * CloudWatch in clear.
 *
 * Why not Powertools Logger: this is all of it omnihub uses, in 2 KB instead of 23 KB of every
 * bundle (the receiver's budget is 150 KB, and init time grows with bundle size). The line has
 * the shape Powertools writes, and the level follows the same variables:
 * https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/#log-levels
 */

/** Powertools' numeric levels: a line is written when its level is at least the configured one. */
const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type LineLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Logger extends LogSink {
  /** Keys added to every line until resetKeys (one invocation's request id, connector). */
  appendKeys(keys: Record<string, unknown>): void;
  resetKeys(): void;
}

/**
 * The configured level: POWERTOOLS_LOG_LEVEL (default INFO), or Lambda's own application log
 * level (AWS_LAMBDA_LOG_LEVEL, set by the function's logging config) when that is stricter:
 * Lambda drops lines below it anyway, so they are not even built.
 */
export function logLevelFrom(env: NodeJS.ProcessEnv): number {
  const named = (value: string | undefined) => (value ? LEVELS[value.toUpperCase() as keyof typeof LEVELS] : undefined);
  return Math.max(named(env.POWERTOOLS_LOG_LEVEL) ?? LEVELS.INFO, named(env.AWS_LAMBDA_LOG_LEVEL) ?? 0);
}

export function createLogger(
  serviceName: string,
  options: { env?: NodeJS.ProcessEnv; write?: (line: string) => void } = {},
): Logger {
  const threshold = logLevelFrom(options.env ?? process.env);
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  let keys: Record<string, unknown> = {};
  const line = (level: LineLevel) => (message: string, attrs?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const additional = redact({ ...keys, ...attrs }) as Record<string, unknown>;
    write(JSON.stringify({ level, message: redact(message, 'message'), timestamp: new Date().toISOString(), service: serviceName, ...additional }));
  };
  return {
    debug: line('DEBUG'),
    info: line('INFO'),
    warn: line('WARN'),
    error: line('ERROR'),
    appendKeys: (more) => void (keys = { ...keys, ...more }),
    resetKeys: () => void (keys = {}),
  };
}

const logKeys = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `work` with keys added to every line logged through a LogSink meanwhile, however deep:
 * one SQS batch syncs several customers, and a connector client's own lines must still name
 * the change (correlation id) and the customer they belong to.
 */
export function withLogKeys<T>(keys: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  return logKeys.run({ ...logKeys.getStore(), ...keys }, work);
}

/** The port core and connectors log to, with the keys of the work in hand (withLogKeys). */
export function asLogSink(logger: Logger): LogSink {
  const attributes = (attrs: Record<string, unknown> | undefined) => ({ ...logKeys.getStore(), ...attrs });
  return {
    debug: (message, attrs) => logger.debug(message, attributes(attrs)),
    info: (message, attrs) => logger.info(message, attributes(attrs)),
    warn: (message, attrs) => logger.warn(message, attributes(attrs)),
    error: (message, attrs) => logger.error(message, attributes(attrs)),
  };
}
