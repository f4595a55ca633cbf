/**
 * `@spane/engine`: the `WorkflowEngine`, a thin composition of a node registry, a store and BullMQ
 * queues (on Redis or PostgreSQL) that runs DAG workflows with retries, branching, delays,
 * sub-workflows and `map`, pause/resume/cancel, replay, rate limits, circuit breakers and a
 * dead-letter queue. The distributed lock is re-exported from `@spane/queue` for one-import use.
 * @module
 */
export {
  createLockBackend,
  DistributedLock,
  type LockBackend,
  type LockOptions,
  LockPresets,
  type QueueConnection,
} from '@spane/queue';
export {
  type EngineConfig,
  type ResolvedEngineConfig,
  resolveEngineConfig,
} from './engine-config.ts';
export type { EngineStreamEvent, SubscribeOptions } from './engine-event-stream.ts';
export {
  type EngineEventMap,
  type EngineEventName,
  EngineEvents,
  type EngineEventTap,
} from './engine-events.ts';
export {
  type EngineLogger,
  type EngineLogMethod,
  REDACTED,
  redactSecrets,
  SECRET_FIELD,
} from './engine-logger.ts';
export type { BulkWorkflowItem, EnqueueWorkflowOptions } from './execution-starter.ts';
export type { RecoveredExecution } from './recovery-sweep.ts';
export {
  type CircuitBreakerCall,
  type CircuitBreakerState,
  type CircuitBreakerStateChange,
  type CircuitBreakerStats,
  CircuitBreakers,
  type CircuitBreakersOptions,
  DEFAULT_CIRCUIT_BREAKER_TIMEOUT_MS,
  DEFAULT_HALF_OPEN_RETRY_AFTER_MS,
} from './resilience/circuit-breakers.ts';
export type { StuckExecution } from './stuck-detector.ts';
export type {
  EngineTracing,
  ExecutionSpan,
  ExecutionSpanOutcome,
  NodeSpan,
  NodeSpanInfo,
  NodeSpanOutcome,
  TraceCarrier,
} from './tracing-port.ts';
export type { TriggerWebhookOptions } from './webhook-triggers.ts';
export {
  type DLQItem,
  type GracefulShutdownOptions,
  type ShutdownStatus,
  WorkflowEngine,
  type WorkflowEngineOptions,
} from './workflow-engine.ts';
export type { RegisterScheduleOptions, ScheduleInfo } from './workflow-schedules.ts';
