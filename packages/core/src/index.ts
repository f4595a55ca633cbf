/**
 * `@spane/core`: the pure heart of SPANE. Workflow and execution types, validation (valibot), the
 * compiled DAG and the scheduler's rules as pure functions, retry and delay policies, sub-workflow
 * data mapping, the `NodeRegistry`, error classes, and the `ExecutionStore` port every store
 * implements. No I/O: it runs anywhere and is tested without Redis.
 *
 * ```ts
 * import { compileWorkflow, NodeRegistry, successResult } from '@spane/core';
 * const graph = compileWorkflow(definition);
 * ```
 *
 * The store-facing contract (the commit of a node's outcome, the ledger) is `@spane/core/store`;
 * the store conformance suite is `@spane/core/testing`.
 * @module
 */
export {
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_LOGS_PER_EXECUTION,
  DEFAULT_MAX_SPANS_PER_EXECUTION,
  DEFAULT_PAYLOAD_THRESHOLD_BYTES,
  DEFAULT_REMOVE_ON_COMPLETE_COUNT,
  DEFAULT_REMOVE_ON_FAIL_COUNT,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_STUCK_AFTER_MS,
  DEFAULT_WORKER_CONCURRENCY,
  DEFAULT_WORKFLOW_CACHE_SIZE,
  DEFAULT_WORKFLOW_CACHE_TTL_MS,
  MAX_BACKOFF_DELAY_MS,
  MAX_SUBWORKFLOW_DEPTH,
} from './constants.ts';
export { type CompiledWorkflow, compileWorkflow, getCompiledNode } from './dag/compile-workflow.ts';
export { findCycles } from './dag/find-cycles.ts';
export { topologicalOrder } from './dag/topological-order.ts';
export {
  type AnyDefinedNode,
  type DefinedNode,
  type DefinedNodeTypes,
  defineNode,
  type JoinInput,
  type NodeConfigInput,
  type NodeContext,
  type NodeEntryInput,
  type NodeOutput,
  type NodeParents,
  type NodeSpec,
  type UntypedConfig,
} from './definition/define-node.ts';
export type {
  ExecutionId,
  TypedExecutionState,
} from './definition/typed-execution.ts';
export {
  type BuilderNodeOptions,
  type NodeOptions,
  type TypedWorkflow,
  WorkflowBuilder,
  type WorkflowInput,
  type WorkflowOptions,
  type WorkflowOutputs,
  type WorkflowSource,
  workflow,
} from './definition/workflow-builder.ts';
export {
  CircuitBreakerOpenError,
  type CircuitBreakerOpenErrorOptions,
  ConfigurationError,
  CycleDetectedError,
  EngineShutdownError,
  EnqueueFailedError,
  ExecutionCancelledError,
  ExecutionNotFoundError,
  InvalidNextNodesError,
  InvalidResultError,
  InvalidStateTransitionError,
  InvalidTriggerError,
  NodeExecutionError,
  NodeTimeoutError,
  PayloadNotFoundError,
  QueueUnavailableError,
  RateLimitError,
  SubWorkflowDepthError,
  UnknownNodeTypeError,
  UnsupportedInputError,
  ValidationError,
  type ValidationIssue,
  VersionConflictError,
  WorkflowNotFoundError,
  WorkflowValidationError,
} from './errors/error-classes.ts';
export {
  getUserMessage,
  isRetryableError,
  shouldMoveToDLQ,
  toError,
} from './errors/error-helpers.ts';
export {
  WorkflowError,
  type WorkflowErrorCode,
  type WorkflowErrorOptions,
} from './errors/workflow-error.ts';
export { applyMapping, getPath, setPath } from './mapping/data-mapping.ts';
export {
  type ExecutionContext,
  type ExecutionLogEntry,
  type ExecutionResult,
  type ExecutionSpan,
  type ExecutionState,
  type ExecutionStatus,
  type ExecutionSummary,
  type INodeExecutor,
  isTerminalStatus,
  type NodeConfigIssue,
  type NodeConfigTarget,
  type NodeExecutorFunction,
  type NodeLogger,
  type NodeStatus,
  TERMINAL_STATUSES,
} from './model/execution.ts';
export { extendContext } from './model/extend-context.ts';
export { errorResult, skippedResult, successResult } from './model/results.ts';
export {
  type BackoffPolicy,
  BUILT_IN_NODE_TYPES,
  type CircuitBreakerConfig,
  type DelayNodeConfig,
  type NodeDefinition,
  type RetryPolicy,
  type ScheduleTrigger,
  type SubWorkflowNodeConfig,
  type WebhookMethod,
  type WebhookSecret,
  type WebhookTrigger,
  type WorkflowDefinition,
  type WorkflowTrigger,
} from './model/workflow-definition.ts';
export { parseDuration, resolveDelayDuration } from './policy/duration.ts';
export {
  delayUntil,
  type EnqueueOptionsInput,
  findInvalidId,
  MAX_START_DELAY_MS,
  validateEnqueueOptions,
} from './policy/enqueue-options.ts';
export {
  describeThrown,
  findUnsupportedInput,
  type InputPolicyOptions,
  type InputViolation,
  MAX_ID_LENGTH,
  MAX_INPUT_DEPTH,
} from './policy/input-policy.ts';
export {
  classifyNodeFailure,
  type NodeFailureClass,
  type NodeFailureContext,
  TURNED_AWAY_RETRY_MS,
} from './policy/node-failure.ts';
export { setOwn } from './policy/own-keys.ts';
export {
  computeBackoffDelay,
  DEFAULT_RETRY_POLICY,
  type ResolvedRetryPolicy,
  resolveNodeTimeout,
  resolveRetryPolicy,
} from './policy/retry-policy.ts';
export type {
  ExecutionPage,
  ExecutionQuery,
  ExecutionStore,
  StoredWorkflow,
} from './ports/execution-store.ts';
export { NodeRegistry, type RateLimitConfig } from './registry/node-registry.ts';
export {
  isEdgeActive,
  type NodeResolution,
  resolveNodeEdges,
  storedResult,
} from './scheduler/edge-activation.ts';
export { assembleNodeInput, collectWorkflowOutput } from './scheduler/node-input.ts';
export { findRunnableNodes, findSkippableNodes } from './scheduler/runnable-nodes.ts';
export {
  CommonNodeSchemas,
  createValidatedExecutor,
  type ValidatedExecutorFunction,
  validateNodeConfig,
} from './schema/node-config.ts';
export {
  detectCircularReferences,
  isBuiltInNodeType,
  type ValidateWorkflowOptions,
  validateWorkflowDefinition,
  validateWorkflowDefinitionSafe,
  type WorkflowValidationResult,
} from './schema/validate-workflow.ts';
export {
  CircuitBreakerSchema,
  DelayConfigSchema,
  MapConfigSchema,
  NodeDefinitionSchema,
  RetryPolicySchema,
  SubWorkflowConfigSchema,
  WorkflowDefinitionSchema,
  WorkflowTriggerSchema,
} from './schema/workflow-schema.ts';
export { type ByteStream, readLimitedBody } from './streams/read-limited-body.ts';
export {
  type CronChecker,
  checkDeclaredSchedules,
  checkSchedule,
  type DeclaredSchedule,
  declaredSchedules,
  isIanaTimeZone,
  type ScheduleSpec,
  scheduleDateMs,
  schedulerIdOf,
} from './triggers/schedule-spec.ts';
export {
  checkDeclaredWebhooks,
  DEFAULT_WEBHOOK_METADATA_HEADERS,
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  declaredWebhookRoutes,
  normalizeWebhookPath,
  pickWebhookHeaders,
  type WebhookRoute,
} from './triggers/webhook-routes.ts';
