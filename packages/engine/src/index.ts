/**
 * `@spane/engine`: the `WorkflowEngine`, a thin composition of a node registry, a store and BullMQ
 * queues (on Redis or PostgreSQL) that runs DAG workflows with retries, branching, delays,
 * sub-workflows and `map`, pause/resume/cancel, replay, rate limits, circuit breakers and a
 * dead-letter queue.
 *
 * It also re-exports the user-facing names of `@spane/core` (the `NodeRegistry`, the result helpers,
 * the error classes, the definition and context types), so an application imports the engine and
 * one store, and the distributed lock of `@spane/queue`.
 *
 * ```ts
 * import { NodeRegistry, successResult, WorkflowEngine } from '@spane/engine';
 * import { InMemoryExecutionStore } from '@spane/store-memory';
 * ```
 * @module
 */
export {
  type AnyDefinedNode,
  type BackoffPolicy,
  BUILT_IN_NODE_TYPES,
  type BuilderNodeOptions,
  type CircuitBreakerConfig,
  CircuitBreakerOpenError,
  CommonNodeSchemas,
  ConfigurationError,
  CycleDetectedError,
  createValidatedExecutor,
  type DefinedNode,
  type DelayNodeConfig,
  defineNode,
  EngineShutdownError,
  EnqueueFailedError,
  ExecutionCancelledError,
  type ExecutionContext,
  type ExecutionId,
  type ExecutionLogEntry,
  ExecutionNotFoundError,
  type ExecutionPage,
  type ExecutionQuery,
  type ExecutionResult,
  type ExecutionState,
  type ExecutionStatus,
  type ExecutionStore,
  type ExecutionSummary,
  errorResult,
  getUserMessage,
  type INodeExecutor,
  InvalidNextNodesError,
  InvalidResultError,
  InvalidStateTransitionError,
  InvalidTriggerError,
  isRetryableError,
  isTerminalStatus,
  type NodeConfigIssue,
  type NodeConfigTarget,
  type NodeContext,
  type NodeDefinition,
  NodeExecutionError,
  type NodeExecutorFunction,
  type NodeLogger,
  type NodeOptions,
  type NodeOutput,
  NodeRegistry,
  type NodeSpec,
  type NodeStatus,
  NodeTimeoutError,
  PayloadNotFoundError,
  QueueUnavailableError,
  type RateLimitConfig,
  RateLimitError,
  type RetryPolicy,
  type ScheduleTrigger,
  type StoredWorkflow,
  SubWorkflowDepthError,
  type SubWorkflowNodeConfig,
  skippedResult,
  successResult,
  TERMINAL_STATUSES,
  type TypedExecutionState,
  type TypedWorkflow,
  UnknownNodeTypeError,
  UnsupportedInputError,
  type ValidatedExecutorFunction,
  ValidationError,
  type ValidationIssue,
  VersionConflictError,
  validateNodeConfig,
  validateWorkflowDefinition,
  validateWorkflowDefinitionSafe,
  type WebhookMethod,
  type WebhookSecret,
  type WebhookTrigger,
  WorkflowBuilder,
  type WorkflowDefinition,
  WorkflowError,
  type WorkflowErrorCode,
  type WorkflowErrorOptions,
  type WorkflowInput,
  WorkflowNotFoundError,
  type WorkflowOptions,
  type WorkflowOutputs,
  type WorkflowTrigger,
  WorkflowValidationError,
  type WorkflowValidationResult,
  workflow,
} from '@spane/core';
export {
  ClusterPrefixError,
  createLockBackend,
  DistributedLock,
  type DistributedLockOptions,
  type LockBackend,
  type LockOptions,
  LockPresets,
  type QueueConnection,
  type RedisClusterConnection,
} from '@spane/queue';
export {
  type EngineConfig,
  type ResolvedEngineConfig,
  type ResolvedWorkerThreadsConfig,
  resolveEngineConfig,
  type WorkerThreadsConfig,
} from './engine-config.ts';
export type { EngineStreamEvent, SubscribeOptions } from './engine-event-stream.ts';
export {
  type EngineEventMap,
  type EngineEventName,
  EngineEvents,
  type EngineEventTap,
  type ExecutionEventName,
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
export { DataCloneError, WorkerThreadError } from './worker-threads/thread-errors.ts';
export {
  type DLQItem,
  type GracefulShutdownOptions,
  type ShutdownStatus,
  WorkflowEngine,
  type WorkflowEngineOptions,
} from './workflow-engine.ts';
export type { RegisterScheduleOptions, ScheduleInfo } from './workflow-schedules.ts';
