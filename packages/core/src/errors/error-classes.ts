import { WorkflowError } from './workflow-error.ts';

/** One problem found in a workflow definition, with where it is. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `nodes[3].inputs[0]`. Empty for the whole definition. */
  path: string;
  message: string;
  /** The kind of problem. */
  kind:
    | 'schema'
    | 'duplicate-id'
    | 'unknown-reference'
    | 'edge-mismatch'
    | 'cycle'
    | 'entry-node'
    | 'unknown-node-type'
    | 'node-config'
    | 'trigger';
  /** For a cycle: its nodes in edge order, the first repeated at the end. */
  cycle?: readonly string[] | undefined;
  /** For a problem in one node (its config, its type): that node's id. */
  nodeId?: string | undefined;
}

/** A workflow definition (or a node config) failed validation; `issues` says where and why. */
export class WorkflowValidationError extends WorkflowError {
  readonly issues: readonly ValidationIssue[];

  constructor(
    issues: readonly ValidationIssue[],
    options: {
      workflowId?: string | undefined;
      code?: 'VALIDATION_ERROR' | 'CYCLE_DETECTED' | 'INVALID_TRIGGER';
    } = {},
  ) {
    const head = issues
      .slice(0, 5)
      .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
      .join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    super({
      message: `Invalid workflow definition${options.workflowId ? ` "${options.workflowId}"` : ''}: ${head}${more}`,
      code: options.code ?? 'VALIDATION_ERROR',
      retryable: false,
      workflowId: options.workflowId,
    });
    this.issues = Object.freeze([...issues]);
  }
}

/** Another name for {@link WorkflowValidationError}. */
export const ValidationError = WorkflowValidationError;

/**
 * The workflow graph has a cycle. A {@link WorkflowValidationError} whose `cycle` lists the nodes
 * on the (first) cycle in edge order, the first repeated at the end.
 */
export class CycleDetectedError extends WorkflowValidationError {
  readonly cycle: readonly string[];

  constructor(
    cycle: readonly string[],
    options: { workflowId?: string | undefined; issues?: readonly ValidationIssue[] } = {},
  ) {
    const issues = options.issues ?? [
      { path: 'nodes', message: `cycle: ${cycle.join(' -> ')}`, kind: 'cycle' as const, cycle },
    ];
    super(issues, { workflowId: options.workflowId, code: 'CYCLE_DETECTED' });
    this.cycle = Object.freeze([...cycle]);
  }
}

/**
 * A schedule or webhook trigger is invalid: a cron pattern that does not parse, a time zone that is
 * not an IANA zone, an interval that is not positive, an end before the start. Each issue's `path`
 * names the trigger (`triggers[0].config.cron` in a definition, `cron` for a direct call). Nothing
 * was registered.
 */
export class InvalidTriggerError extends WorkflowValidationError {
  constructor(
    issues: readonly ValidationIssue[],
    options: { workflowId?: string | undefined } = {},
  ) {
    super(issues, { workflowId: options.workflowId, code: 'INVALID_TRIGGER' });
  }
}

/** No workflow is registered under this id (or not at this version). */
export class WorkflowNotFoundError extends WorkflowError {
  constructor(workflowId: string, version?: number) {
    super({
      message:
        version === undefined
          ? `Workflow "${workflowId}" is not registered`
          : `Workflow "${workflowId}" has no version ${version}`,
      code: 'WORKFLOW_NOT_FOUND',
      retryable: false,
      workflowId,
    });
  }
}

/** No execution exists with this id. */
export class ExecutionNotFoundError extends WorkflowError {
  constructor(executionId: string) {
    super({
      message: `Execution "${executionId}" does not exist`,
      code: 'EXECUTION_NOT_FOUND',
      retryable: false,
      executionId,
    });
  }
}

/** No executor is registered for a node's type. */
export class UnknownNodeTypeError extends WorkflowError {
  readonly nodeType: string;

  constructor(nodeType: string, options: { nodeId?: string; workflowId?: string } = {}) {
    super({
      message: `No executor is registered for node type "${nodeType}"`,
      code: 'UNKNOWN_NODE_TYPE',
      retryable: false,
      nodeId: options.nodeId,
      workflowId: options.workflowId,
    });
    this.nodeType = nodeType;
  }
}

/** A node's executor failed (threw, or returned `success: false`). */
export class NodeExecutionError extends WorkflowError {
  constructor(
    nodeId: string,
    executionId: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super({
      message: `Node "${nodeId}" failed: ${message}`,
      code: 'NODE_EXECUTION_FAILED',
      retryable: options.retryable ?? true,
      nodeId,
      executionId,
      cause: options.cause,
    });
  }
}

/** A node attempt ran longer than its timeout. Retryable. */
export class NodeTimeoutError extends WorkflowError {
  readonly timeoutMs: number;

  constructor(nodeId: string, executionId: string, timeoutMs: number) {
    super({
      message: `Node "${nodeId}" timed out after ${timeoutMs} ms`,
      code: 'NODE_TIMEOUT',
      retryable: true,
      nodeId,
      executionId,
    });
    this.timeoutMs = timeoutMs;
  }
}

/** A result named, in `nextNodes`, a node that is not one of the node's outputs. Not retryable. */
export class InvalidNextNodesError extends WorkflowError {
  readonly invalid: readonly string[];

  constructor(nodeId: string, invalid: readonly string[], outputs: readonly string[]) {
    super({
      message: `Node "${nodeId}" returned nextNodes [${invalid.join(', ')}] that are not among its outputs [${outputs.join(', ')}]`,
      code: 'INVALID_NEXT_NODES',
      retryable: false,
      nodeId,
    });
    this.invalid = Object.freeze([...invalid]);
  }
}

/** An executor returned something that is not an `ExecutionResult`. Not retryable. */
export class InvalidResultError extends WorkflowError {
  constructor(nodeId: string, detail: string) {
    super({
      message: `Node "${nodeId}" returned an invalid result: ${detail}`,
      code: 'INVALID_RESULT',
      retryable: false,
      nodeId,
    });
  }
}

/** Something is configured wrongly (a node config, an engine option). Not retryable. */
export class ConfigurationError extends WorkflowError {
  constructor(
    message: string,
    options: { nodeId?: string; workflowId?: string; cause?: unknown } = {},
  ) {
    super({ message, code: 'CONFIGURATION_ERROR', retryable: false, ...options });
  }
}

/** A node type exceeded its rate limit. Retryable after a while. */
export class RateLimitError extends WorkflowError {
  readonly nodeType: string;
  readonly retryAfterMs: number;

  constructor(nodeType: string, retryAfterMs: number, executionId?: string) {
    super({
      message: `Rate limit reached for node type "${nodeType}"; retry in ${retryAfterMs} ms`,
      code: 'RATE_LIMITED',
      retryable: true,
      executionId,
    });
    this.nodeType = nodeType;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Options of {@link CircuitBreakerOpenError}; every field is optional. */
export interface CircuitBreakerOpenErrorOptions {
  /** How long until the breaker lets a probe through, in ms: when a retry may succeed. */
  retryAfterMs?: number | undefined;
  nodeId?: string | undefined;
  executionId?: string | undefined;
  workflowId?: string | undefined;
}

/**
 * The circuit breaker of a node type is open: calls fail fast until it half-opens. Retryable;
 * `retryAfterMs` (when known) says how long to wait before the retry.
 */
export class CircuitBreakerOpenError extends WorkflowError {
  /** The breaker's name: the node type it guards. */
  readonly breaker: string;
  /** When a retry may get through, in ms from when the error was made; `undefined` if unknown. */
  readonly retryAfterMs: number | undefined;

  constructor(breaker: string, options: CircuitBreakerOpenErrorOptions = {}) {
    super({
      message: `Circuit breaker "${breaker}" is open${options.retryAfterMs === undefined ? '' : `; retry in ${options.retryAfterMs} ms`}`,
      code: 'CIRCUIT_BREAKER_OPEN',
      retryable: true,
      nodeId: options.nodeId,
      executionId: options.executionId,
      workflowId: options.workflowId,
    });
    this.breaker = breaker;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** An optimistic write found a newer version than it expected. */
export class VersionConflictError extends WorkflowError {
  readonly expectedVersion: number;
  readonly actualVersion: number;

  constructor(executionId: string, expectedVersion: number, actualVersion: number) {
    super({
      message: `Execution "${executionId}" is at version ${actualVersion}, not ${expectedVersion}`,
      code: 'VERSION_CONFLICT',
      retryable: true,
      executionId,
    });
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** A status change that the execution lifecycle does not allow (e.g. leaving a terminal state). */
export class InvalidStateTransitionError extends WorkflowError {
  readonly from: string;
  readonly to: string;

  constructor(executionId: string, from: string, to: string) {
    super({
      message: `Execution "${executionId}" cannot go from ${from} to ${to}`,
      code: 'INVALID_STATE_TRANSITION',
      retryable: false,
      executionId,
    });
    this.from = from;
    this.to = to;
  }
}

/** Sub-workflows nested deeper than allowed. */
export class SubWorkflowDepthError extends WorkflowError {
  constructor(workflowId: string, depth: number, maxDepth: number) {
    super({
      message: `Sub-workflow "${workflowId}" would run at depth ${depth}, beyond the maximum of ${maxDepth}`,
      code: 'SUBWORKFLOW_DEPTH_EXCEEDED',
      retryable: false,
      workflowId,
    });
  }
}

/** The execution was cancelled while the node ran. */
export class ExecutionCancelledError extends WorkflowError {
  constructor(executionId: string, nodeId?: string) {
    super({
      message: `Execution "${executionId}" was cancelled`,
      code: 'EXECUTION_CANCELLED',
      retryable: false,
      executionId,
      nodeId,
    });
  }
}

/**
 * The engine is shutting down: raised as the abort reason of executors still running when the
 * drain time is up, and for work refused while the engine drains or after it closed.
 */
export class EngineShutdownError extends WorkflowError {
  constructor(message = 'The engine is shutting down') {
    super({ message, code: 'ENGINE_SHUTDOWN', retryable: true });
  }
}

/**
 * User data the engine cannot keep faithfully (a function, a BigInt, a cycle, a string PostgreSQL
 * cannot hold, nesting too deep, an id too long, an option out of range): refused before any store
 * or queue sees it, the same on every store. `path` says where in `what` the problem is.
 */
export class UnsupportedInputError extends WorkflowError {
  readonly what: string;
  readonly path: string;

  constructor(
    what: string,
    problem: { path: string; message: string },
    options: { workflowId?: string | undefined; executionId?: string | undefined } = {},
  ) {
    super({
      message: `Unsupported ${what}${problem.path ? ` at ${problem.path}` : ''}: ${problem.message}`,
      code: 'UNSUPPORTED_INPUT',
      retryable: false,
      workflowId: options.workflowId,
      executionId: options.executionId,
    });
    this.what = what;
    this.path = problem.path;
  }
}

/** Starting an execution failed after it was created (the queue refused its first job); `cause` says why. */
export class EnqueueFailedError extends WorkflowError {
  constructor(executionId: string, workflowId: string, cause: unknown) {
    super({
      message: `Execution "${executionId}" of "${workflowId}" could not be queued: ${causeMessage(cause)}`,
      code: 'ENQUEUE_FAILED',
      retryable: true,
      executionId,
      workflowId,
      cause,
    });
  }
}

/**
 * The queue server did not answer (it is down or unreachable) while an operation needed it; `cause`
 * says why, when the server refused rather than stayed silent. Retry once it is back.
 */
export class QueueUnavailableError extends WorkflowError {
  constructor(
    operation: string,
    cause: unknown,
    options: { workflowId?: string | undefined } = {},
  ) {
    super({
      message: `The queue server is unavailable: ${operation} failed: ${causeMessage(cause)}`,
      code: 'QUEUE_UNAVAILABLE',
      retryable: true,
      workflowId: options.workflowId,
      cause,
    });
  }
}

function causeMessage(cause: unknown): string {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return 'unknown error';
  }
}

/** A claim-check reference points at a payload the store no longer has. */
export class PayloadNotFoundError extends WorkflowError {
  constructor(reference: string) {
    super({
      message: `Payload "${reference}" was not found`,
      code: 'PAYLOAD_NOT_FOUND',
      retryable: false,
    });
  }
}
