/**
 * `@spane/observability`: watching SPANE run. This version holds the structured JSON logger with
 * secret redaction; metrics, health, traces and event streams arrive in a later release.
 * @module
 */
export {
  createJsonLogger,
  type JsonLogger,
  type JsonLoggerOptions,
  type LogLevel,
} from './json-logger.ts';
