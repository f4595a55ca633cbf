/** Data of a node job: which node of which execution, pinned to a workflow version. */
export interface NodeJobData {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  nodeId: string;
  /** Carried from the execution so all its nodes share its priority. */
  priority?: number | undefined;
  /** Set on the continuation job of a delay node, once its wait is over. */
  resumeAfterDelay?: boolean | undefined;
  /** Attempts made before this job (a first attempt run inline in the parent's job). */
  attemptOffset?: number | undefined;
  /** Set on the continuation job of a `sub-workflow` or `map` node: the child that finished. */
  childExecutionId?: string | undefined;
  /** W3C trace context of the execution's span (`traceparent`, `tracestate`), when traced. */
  trace?: Record<string, string> | undefined;
  /** Set by `enqueueNode` with input data: the node runs with it instead of its parents' data. */
  givenInput?: { data: unknown } | { ref: string } | undefined;
}

/** Data of a workflow job: start an execution (created earlier, or to create now). */
export interface WorkflowJobData {
  workflowId: string;
  /** The execution to start; absent for schedule ticks, which create a new execution each time. */
  executionId?: string | undefined;
  workflowVersion?: number | undefined;
  initialData?: unknown;
  priority?: number | undefined;
  /**
   * Where the start came from. On a schedule's runs: `definition` for a definition's trigger,
   * `api` for one made by `registerSchedule`.
   */
  source?: string | undefined;
  /**
   * On a schedule's runs: large initial data kept in the store (the claim check), read back when a
   * run starts. It is the id of the store record that holds the data as its initial data.
   */
  initialDataRef?: string | undefined;
  /** W3C trace context of the execution's span, when traced. */
  trace?: Record<string, string> | undefined;
}

/** Data of a dead-letter job: what failed, why, and how to put it back. */
export interface DeadLetterJobData {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  nodeId: string;
  /** The node job's id. */
  jobId: string;
  error: string;
  errorCode?: string | undefined;
  attemptsMade: number;
  failedAt: string;
  /** The input the node had (when small; see `inputDataRef`). */
  inputData?: unknown;
  /** A large input is kept in the store: this is its claim-check reference. */
  inputDataRef?: string | undefined;
}

/** Options of a node job, derived from the node's retry policy and the execution. */
export interface NodeJobOptions {
  jobId: string;
  attempts: number;
  backoff: { type: 'fixed' | 'exponential'; delay: number };
  priority?: number | undefined;
  delay?: number | undefined;
}
