/**
 * The base error of SPANE. Every error the engine raises on purpose is a `WorkflowError` with a
 * stable string `code`, so callers can branch on it without parsing messages.
 * @module
 */

/** Every code a {@link WorkflowError} can carry. */
export type WorkflowErrorCode =
  | 'WORKFLOW_ERROR'
  | 'VALIDATION_ERROR'
  | 'CYCLE_DETECTED'
  | 'INVALID_TRIGGER'
  | 'WORKFLOW_NOT_FOUND'
  | 'EXECUTION_NOT_FOUND'
  | 'UNKNOWN_NODE_TYPE'
  | 'NODE_EXECUTION_FAILED'
  | 'NODE_TIMEOUT'
  | 'INVALID_NEXT_NODES'
  | 'INVALID_RESULT'
  | 'CONFIGURATION_ERROR'
  | 'RATE_LIMITED'
  | 'CIRCUIT_BREAKER_OPEN'
  | 'VERSION_CONFLICT'
  | 'INVALID_STATE_TRANSITION'
  | 'SUBWORKFLOW_DEPTH_EXCEEDED'
  | 'EXECUTION_CANCELLED'
  | 'PAYLOAD_NOT_FOUND'
  | 'LOCK_NOT_ACQUIRED'
  | 'SIGNAL_PAYLOAD_TOO_LARGE'
  | 'SIGNAL_MALFORMED'
  | 'SIGNAL_CHANNEL_CLOSED'
  | 'ENGINE_SHUTDOWN'
  | 'UNSUPPORTED_INPUT'
  | 'ENQUEUE_FAILED'
  | 'QUEUE_UNAVAILABLE'
  | 'CLUSTER_PREFIX_NOT_HASH_TAG'
  | 'INVALID_EVENT_ID'
  | 'EVENT_LOG_CLOSED'
  | 'EXPRESSION_ERROR'
  | 'HTTP_REQUEST_FAILED'
  | 'WORKER_THREAD_FAILED'
  | 'DATA_CLONE_FAILED';

const MARKER = Symbol.for('spane.error');

/** Options shared by every error constructor. */
export interface WorkflowErrorOptions {
  message: string;
  code?: WorkflowErrorCode | undefined;
  /** Whether retrying the same work can succeed. Default is `true`. */
  retryable?: boolean | undefined;
  executionId?: string | undefined;
  nodeId?: string | undefined;
  workflowId?: string | undefined;
  cause?: unknown;
}

/** Base class of every SPANE error: a code, the ids it concerns, and whether a retry can help. */
export class WorkflowError extends Error {
  readonly code: WorkflowErrorCode;
  readonly retryable: boolean;
  readonly executionId: string | undefined;
  readonly nodeId: string | undefined;
  readonly workflowId: string | undefined;
  readonly timestamp: Date;
  readonly [MARKER] = true;

  constructor(options: WorkflowErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'WORKFLOW_ERROR';
    this.retryable = options.retryable ?? true;
    this.executionId = options.executionId;
    this.nodeId = options.nodeId;
    this.workflowId = options.workflowId;
    this.timestamp = new Date();
  }

  /** The original error this one wraps, if any. */
  get originalCause(): Error | undefined {
    return this.cause instanceof Error ? this.cause : undefined;
  }

  /** True for any `WorkflowError`, even one created by another copy of this package. */
  static isInstance(value: unknown): value is WorkflowError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[MARKER] === true
    );
  }

  /** A JSON-safe view, for logs, DLQ records and API responses. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      executionId: this.executionId,
      nodeId: this.nodeId,
      workflowId: this.workflowId,
      timestamp: this.timestamp.toISOString(),
    };
  }
}
