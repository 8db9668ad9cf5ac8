/**
 * The logging port core and connectors write to. Functions pass the Powertools Logger
 * (which redacts PII); tests can pass a capturing sink. Never put an email, phone or token
 * in `attrs`: use ids.
 */
export interface LogSink {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}
