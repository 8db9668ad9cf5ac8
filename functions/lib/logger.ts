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

/** The port core and connectors log to, backed by the Powertools logger. */
export function asLogSink(logger: Logger): LogSink {
  return {
    debug: (message, attrs) => logger.debug(message, attrs ?? {}),
    info: (message, attrs) => logger.info(message, attrs ?? {}),
    warn: (message, attrs) => logger.warn(message, attrs ?? {}),
    error: (message, attrs) => logger.error(message, attrs ?? {}),
  };
}
