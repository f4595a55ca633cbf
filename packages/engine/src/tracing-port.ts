/**
 * W3C trace context (`traceparent`, `tracestate`) as a plain object of strings: what a node's job
 * carries so that its span is a child of its execution's span in whichever process runs it.
 */
export type TraceCarrier = Record<string, string>;

/**
 * How an execution's span ended: `started` (its entry nodes are queued), `queued` (a delayed or
 * keyed start job is queued) or `error` (the start failed).
 */
export type ExecutionSpanOutcome = 'started' | 'queued' | 'error';

/**
 * How a node attempt's span ended: `success`; `failed` (final: the node's failure was recorded);
 * `retrying` (another attempt follows); `cancelled`; `handed-back` (a shutdown gave it back to the
 * queue); `deferred` (an open circuit breaker or a rate limit turned it away); `delayed` (a delay
 * node scheduled its wait); `waiting` (a sub-workflow or map started children that report back);
 * `error` (the engine failed around the node: a store or queue outage).
 */
export type NodeSpanOutcome =
  | 'success'
  | 'failed'
  | 'retrying'
  | 'cancelled'
  | 'handed-back'
  | 'deferred'
  | 'delayed'
  | 'waiting'
  | 'error';

/** The span of an execution's start, open until {@link ExecutionSpan.end}. */
export interface ExecutionSpan {
  /** The span's context to carry in the execution's jobs; `undefined` when nothing records it. */
  readonly carrier: TraceCarrier | undefined;
  /** Names the execution, once it has an id. */
  setExecutionId(executionId: string): void;
  end(outcome: ExecutionSpanOutcome, error?: Error | undefined): void;
}

/** The span of one node attempt, open until {@link NodeSpan.end}. */
export interface NodeSpan {
  /** Runs `fn` with this span active, so spans the executor makes are its children. */
  run<T>(fn: () => T): T;
  end(outcome: NodeSpanOutcome, error?: Error | undefined): void;
}

/** What a node attempt's span is about. */
export interface NodeSpanInfo {
  workflowId: string;
  executionId: string;
  nodeId: string;
  nodeType: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The execution span's context, from the job (absent on jobs made without tracing). */
  carrier: TraceCarrier | undefined;
  /** When the attempt started, ms since the epoch. */
  startTime: number;
}

/**
 * The engine's tracing port: a span per execution start and one per node attempt. The engine
 * calls it only when the `tracing` option is set (no option, no cost); `@spane/observability`'s
 * `createTracing()` implements it on OpenTelemetry's API.
 */
export interface EngineTracing {
  /** Starts the span of an execution (under the caller's active span, if any). */
  startExecution(info: { workflowId: string }): ExecutionSpan;
  /** Starts the span of a node attempt, a child of the execution's span in `carrier`. */
  startNode(info: NodeSpanInfo): NodeSpan;
}
