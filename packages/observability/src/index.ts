/**
 * `@spane/observability`: watching SPANE run. Prometheus metrics on prom-client, health with
 * liveness and readiness probes, the engine's durable event stream as server-sent events, and a
 * structured JSON logger with secret redaction, OpenTelemetry spans (`createTracing`), and process
 * signal handling for a graceful shutdown. Every piece is opt-in: an engine that does not use
 * this package pays nothing for it.
 * @module
 */
export {
  type CreateEventStreamHandlerOptions,
  createEventStreamHandler,
} from './events/create-event-stream-handler.ts';
export { formatSseComment, formatSseEvent } from './events/sse-format.ts';
export {
  type CreateHealthMonitorOptions,
  createHealthMonitor,
  type HealthMonitor,
} from './health/create-health-monitor.ts';
export type {
  HealthCheck,
  HealthReport,
  HealthStatus,
  Liveness,
  Readiness,
} from './health/health-types.ts';
export type { RequestHandler } from './http-responses.ts';
export {
  createJsonLogger,
  type JsonLogger,
  type JsonLoggerOptions,
  type JsonLogMethod,
  type LogLevel,
} from './json-logger.ts';
export {
  type CreateMetricsOptions,
  createMetrics,
  type SpaneMetrics,
} from './metrics/create-metrics.ts';
export {
  type HistogramSummary,
  type MetricsJson,
  quantileFromBuckets,
} from './metrics/metrics-json.ts';
export type {
  HealthEngine,
  MetricsEngine,
  ShutdownEngine,
  ShutdownStatusEngine,
  StreamEngine,
} from './observed-engine.ts';
export {
  type CreateShutdownStatusHandlerOptions,
  createShutdownStatusHandler,
} from './shutdown/create-shutdown-status-handler.ts';
export {
  type InstallShutdownHandlersOptions,
  installShutdownHandlers,
  type ShutdownContext,
  type ShuttingDownMarker,
  signalExitCode,
} from './shutdown/install-shutdown-handlers.ts';
export { ShutdownError, type ShutdownErrorCode } from './shutdown/shutdown-error.ts';
export {
  type CreateTracingOptions,
  createTracing,
} from './tracing/create-tracing.ts';
export { SPANE_ATTRIBUTES } from './tracing/span-attributes.ts';
export { w3cTraceContext } from './tracing/w3c-trace-context.ts';
export { TimeoutError } from './with-timeout.ts';
