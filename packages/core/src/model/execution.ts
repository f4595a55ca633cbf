/**
 * What executors see and return, and what the store keeps about an execution.
 * @module
 */
import type { RateLimitError } from '../errors/error-classes.ts';

/** What an executor returns for one node; `Output` types its `data` (default `unknown`). */
export interface ExecutionResult<Output = unknown> {
  success: boolean;
  data?: Output;
  error?: string | undefined;
  /** The node did not run (its branch was not taken) or chose not to. */
  skipped?: boolean | undefined;
  /** Which outputs to follow. Must be a subset of the node's outputs; the others become inactive. */
  nextNodes?: string[] | undefined;
  /** Free-form data about the run (attempts, timings). */
  metadata?: Record<string, unknown> | undefined;
}

/** The lifecycle of an execution. `completed`, `failed` and `cancelled` are terminal. */
export type ExecutionStatus =
  | 'pending'
  | 'running'
  | 'paused'
  | 'completed'
  | 'failed'
  | 'cancelled';

/** The statuses an execution can never leave (save for an explicit DLQ retry of a failed one). */
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = Object.freeze([
  'completed',
  'failed',
  'cancelled',
]);

/** True for `completed`, `failed` and `cancelled`. */
export function isTerminalStatus(status: ExecutionStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** Where one node stands within an execution. */
export type NodeStatus = 'pending' | 'held' | 'completed' | 'failed' | 'skipped';

/** A minimal structured logger, handed to executors. */
export interface NodeLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Everything an executor gets for one attempt of one node. `Input` types `inputData` and `Config`
 * types `nodeConfig`; {@link defineNode} fills both from its schemas and declared parents.
 */
export interface ExecutionContext<Input = unknown, Config = Record<string, unknown>> {
  workflowId: string;
  executionId: string;
  nodeId: string;
  /**
   * The initial data (entry nodes), the parent's data (one parent in the definition), or
   * `{ [parentId]: data }` of the parents that completed (several parents in the definition).
   */
  inputData: Input;
  nodeConfig: Config;
  /** The results of this node's parents. */
  previousResults: Record<string, ExecutionResult>;
  parentExecutionId?: string | undefined;
  /** Sub-workflow nesting depth: 0 for a top-level execution. */
  depth: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** Stable across attempts and redeliveries of this node in this execution: use it for your side effects. */
  idempotencyKey: string;
  /** Aborted on timeout and on cancel. */
  signal: AbortSignal;
  /**
   * When this attempt times out, in epoch ms (`Date.now()` scale): the node's `timeout` from the
   * attempt's start. Absent when the node has no timeout. Work that can starve the event loop (so
   * the `signal`'s timer cannot fire) checks it itself.
   */
  deadline?: number | undefined;
  logger: NodeLogger;
  /**
   * Every node result of the execution so far, read from the store only when this property is
   * first read (a promise: `await ctx.allNodeResults`), so a node that never reads it costs
   * nothing. Reading a key off the promise without awaiting it throws. Set by the engine.
   */
  readonly allNodeResults?: Promise<Record<string, ExecutionResult>>;
  /**
   * Postpones this node's job by `durationMs` without using an attempt (the upstream said "429,
   * retry in 30 s"): `throw await ctx.rateLimit(30_000)`. The job is postponed once the attempt
   * ends, even if the executor returns instead of throwing. Set by the engine.
   */
  rateLimit?: ((durationMs: number) => Promise<RateLimitError>) | undefined;
}

/** A problem an executor found in a node's config; `path` is inside the config, e.g. `cases[1].when`. */
export interface NodeConfigIssue {
  path: string;
  message: string;
}

/** What {@link INodeExecutor.validateConfig} knows of the node besides its config. */
export interface NodeConfigTarget {
  nodeId: string;
  /** The node's children in the definition: the ids a result's `nextNodes` may name. */
  outputs: readonly string[];
}

/** Runs one node type. Register it with `NodeRegistry.register`. */
export interface INodeExecutor {
  execute(context: ExecutionContext): Promise<ExecutionResult>;
  /**
   * Checks a node's config when a workflow is registered (and when a stored version is loaded),
   * so a bad config is refused with a `WorkflowValidationError` at `nodes[i].config.<path>` rather
   * than failing executions. Optional; return no issues when the config is fine. It may prepare
   * and cache what `execute` needs (compiled expressions), since it runs once per version.
   */
  validateConfig?(
    config: Readonly<Record<string, unknown>>,
    target: NodeConfigTarget,
  ): readonly NodeConfigIssue[];
}

/** A plain function is accepted wherever an executor is. */
export type NodeExecutorFunction = (context: ExecutionContext) => Promise<ExecutionResult>;

/** An execution as the store keeps it. */
export interface ExecutionState {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  status: ExecutionStatus;
  initialData: unknown;
  /** Results keyed by node id (all of them, or the ones asked for). */
  nodeResults: Record<string, ExecutionResult>;
  parentExecutionId?: string | undefined;
  /** The node of the parent execution that started this one. */
  parentNodeId?: string | undefined;
  depth: number;
  metadata: Record<string, unknown>;
  /** Why the execution failed, when it did. */
  error?: string | undefined;
  /** Nodes resolved so far (completed, skipped or failed with `continueOnFail`). */
  resolvedCount: number;
  /** Optimistic-locking version: bumped by every change to the execution record. */
  version: number;
  startedAt: Date;
  updatedAt: Date;
  completedAt?: Date | undefined;
}

/** An execution without its node results: what history listings return. */
export type ExecutionSummary = Omit<ExecutionState, 'nodeResults' | 'initialData'>;

/** One structured log line of an execution. */
export interface ExecutionLogEntry {
  id?: string | undefined;
  executionId: string;
  nodeId?: string | undefined;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown> | undefined;
  timestamp: Date;
}

/** One span of an execution's trace (a node attempt, a wait, the whole execution). */
export interface ExecutionSpan {
  spanId: string;
  executionId: string;
  parentSpanId?: string | undefined;
  nodeId?: string | undefined;
  name: string;
  status: 'ok' | 'error' | 'unset';
  startTime: Date;
  endTime?: Date | undefined;
  attributes?: Record<string, unknown> | undefined;
}
