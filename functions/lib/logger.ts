import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { LogSink } from '../../core/log';
import { redact } from './redact';

/**
 * One structured JSON line per event, with the correlation id that follows a change from
 * webhook to last write. Everything except the envelope goes through redact(): emails,
 * phones and tokens never reach CloudWatch in clear.
 */
class RedactingFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: redact(attributes.message, 'message') as string,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        cold_start: attributes.lambdaContext?.coldStart,
        ...(redact(additional) as LogAttributes),
      },
    });
  }
}

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logFormatter: new RedactingFormatter() });
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

/** The port core and connectors log to, backed by the Powertools logger. */
export function asLogSink(logger: Logger): LogSink {
  const attributes = (attrs: Record<string, unknown> | undefined) => ({ ...logKeys.getStore(), ...attrs });
  return {
    debug: (message, attrs) => logger.debug(message, attributes(attrs)),
    info: (message, attrs) => logger.info(message, attributes(attrs)),
    warn: (message, attrs) => logger.warn(message, attributes(attrs)),
    error: (message, attrs) => logger.error(message, attributes(attrs)),
  };
}
