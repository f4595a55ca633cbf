import {
  EnqueueFailedError,
  type ExecutionStore,
  findInvalidId,
  findUnsupportedInput,
  toError,
  UnsupportedInputError,
  validateEnqueueOptions,
  WorkflowError,
} from '@spane/core';
import { type EngineQueue, executionStartJobId, keyedJobId, type WorkflowJob } from '@spane/queue';
import type { EngineEvents } from './engine-events.ts';
import { type ExecutionJobContext, toQueuePriority } from './node-jobs.ts';
import type { OutcomeDispatcher } from './outcome-dispatcher.ts';
import type { EngineTracing, ExecutionSpan } from './tracing-port.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';
import { startScheduledRun } from './workflow-schedules.ts';

/** Options of `enqueueWorkflow`, for whole executions. */
export interface EnqueueWorkflowOptions {
  /** 1–10, higher is more urgent. Default is the engine's `defaultPriority` (5). */
  priority?: number | undefined;
  /** Start after this many ms (a durable delayed job). */
  delay?: number | undefined;
  /** De-duplication key: the same key gives back the same execution, never a second run. */
  jobId?: string | undefined;
  /** Free-form data kept with the execution. */
  metadata?: Record<string, unknown> | undefined;
}

/** One item of `enqueueBulkWorkflows`. */
export interface BulkWorkflowItem extends EnqueueWorkflowOptions {
  workflowId: string;
  initialData?: unknown;
}

/** How the engine itself starts an execution, beyond the caller's options. */
interface StartInternals {
  /** Keyed, yet started at once (a schedule's run is already a queue job). */
  startNowWithKey?: string | undefined;
  /** The seeds' positional form: the execution to record as parent, and the depth. */
  parent?: { executionId: string; depth: number } | undefined;
}

/** Creates executions and starts them: entry nodes at once, or through the workflow queue when delayed or keyed. */
export class ExecutionStarter {
  readonly #store: ExecutionStore;
  readonly #queues: EngineQueue;
  readonly #catalog: WorkflowCatalog;
  readonly #outcomes: OutcomeDispatcher;
  readonly #events: EngineEvents;
  readonly #defaultPriority: number;
  readonly #tracing: EngineTracing | undefined;

  constructor(deps: {
    config: { defaultPriority: number };
    store: ExecutionStore;
    queues: EngineQueue;
    catalog: WorkflowCatalog;
    outcomes: OutcomeDispatcher;
    events: EngineEvents;
    tracing?: EngineTracing | undefined;
  }) {
    this.#store = deps.store;
    this.#queues = deps.queues;
    this.#catalog = deps.catalog;
    this.#outcomes = deps.outcomes;
    this.#events = deps.events;
    this.#defaultPriority = deps.config.defaultPriority;
    this.#tracing = deps.tracing;
  }

  /**
   * Creates an execution of the latest version and starts it; returns its id. With tracing, the
   * start is the execution's span (under the caller's active span), carried in its jobs.
   */
  enqueue(
    workflowId: string,
    initialData: unknown,
    options: EnqueueWorkflowOptions = {},
    internal: StartInternals = {},
  ): Promise<string> {
    if (this.#tracing === undefined)
      return this.#enqueue(workflowId, initialData, options, internal);
    // Started before the first await, so the caller's active span is its parent.
    const span = this.#tracing.startExecution({ workflowId });
    return this.#enqueue(workflowId, initialData, options, internal, span).catch(
      (error: unknown) => {
        span.end('error', toError(error));
        throw error;
      },
    );
  }

  async #enqueue(
    workflowId: string,
    initialData: unknown,
    options: EnqueueWorkflowOptions,
    internal: StartInternals,
    span?: ExecutionSpan,
  ): Promise<string> {
    checkStartInput(workflowId, initialData, options);
    const { version, graph } = await this.#catalog.latest(workflowId);
    const priority = toQueuePriority(options.priority ?? this.#defaultPriority);
    // `startNowWithKey`: keyed, yet started at once (a schedule's run is already a queue job).
    const viaQueue =
      internal.startNowWithKey === undefined &&
      ((options.delay ?? 0) > 0 || options.jobId !== undefined);
    const metadata: Record<string, unknown> = { ...(options.metadata ?? {}) };
    if (priority !== undefined) metadata.priority = priority;
    const { execution, created } = await this.#store.createExecution({
      workflowId,
      workflowVersion: version,
      initialData,
      status: viaQueue ? 'pending' : 'running',
      idempotencyKey: internal.startNowWithKey ?? options.jobId,
      metadata,
      ...(internal.parent === undefined
        ? {}
        : { parentExecutionId: internal.parent.executionId, depth: internal.parent.depth }),
    });
    const context: ExecutionJobContext = {
      executionId: execution.executionId,
      workflowId,
      workflowVersion: version,
      priority,
      trace: span?.carrier,
    };
    span?.setExecutionId(execution.executionId);
    if (created)
      this.#events.emit('execution:enqueued', { executionId: execution.executionId, workflowId });
    try {
      if (viaQueue) {
        // A start job whose id is the caller's key: re-adding it is a no-op, so a retried call after
        // a crash between create and add still starts the execution exactly once.
        await this.#queues.addWorkflowJob(
          {
            workflowId,
            executionId: execution.executionId,
            workflowVersion: version,
            priority,
            trace: context.trace,
          },
          {
            jobId:
              options.jobId === undefined
                ? executionStartJobId(execution.executionId)
                : keyedJobId(options.jobId),
            delay: options.delay,
            priority,
          },
        );
        span?.end('queued');
        return execution.executionId;
      }
      if (created || (execution.status === 'running' && execution.resolvedCount === 0)) {
        await this.#outcomes.enqueueNodes(graph, context, graph.entryNodes);
        if (created)
          this.#events.emit('execution:started', {
            executionId: execution.executionId,
            workflowId,
          });
      }
    } catch (error) {
      if (created) await this.#abandonStart(execution.executionId, workflowId, error);
      throw error;
    }
    span?.end('started');
    return execution.executionId;
  }

  /**
   * The queue refused the first job of an execution just created: the execution is marked failed
   * with the cause, so none is left running with nothing queued, and the caller gets an
   * `EnqueueFailedError`. Throws it (after reporting a store that cannot be told either).
   */
  async #abandonStart(executionId: string, workflowId: string, cause: unknown): Promise<never> {
    const failure = new EnqueueFailedError(executionId, workflowId, cause);
    try {
      const change = await this.#store.setExecutionStatus(executionId, 'failed', {
        from: ['pending', 'running'],
        error: failure.message,
      });
      if (change.changed)
        this.#events.emit('execution:failed', { executionId, workflowId, error: failure.message });
    } catch (storeError) {
      this.#events.emit('error', {
        error: toError(storeError),
        context: 'failing an unqueued start',
      });
    }
    throw failure;
  }

  /** Starts many executions, concurrently (one queue add per execution; batching them is a known optimisation). */
  async enqueueBulk(items: readonly BulkWorkflowItem[]): Promise<string[]> {
    return Promise.all(items.map((item) => this.enqueue(item.workflowId, item.initialData, item)));
  }

  /** The processor of the workflow queue: starts a pending execution, or creates one for a schedule tick. */
  async process(job: WorkflowJob): Promise<string> {
    const data = job.data;
    const tick = job.scheduledTick;
    if (tick) return startScheduledRun(job, tick, { store: this.#store, starter: this });
    if (data.executionId === undefined) {
      return this.enqueue(data.workflowId, data.initialData, {
        metadata: { source: data.source ?? 'queue' },
      });
    }
    const executionId = data.executionId;
    const change = await this.#store.setExecutionStatus(executionId, 'running', {
      from: ['pending'],
    });
    const current = await this.#store.getExecution(executionId, { nodeIds: [] });
    if (!current)
      throw new WorkflowError({
        message: `Execution "${executionId}" vanished before it started`,
        executionId,
      });
    if (!change.changed && !(current.status === 'running' && current.resolvedCount === 0))
      return executionId;
    const { graph } = await this.#catalog.version(current.workflowId, current.workflowVersion);
    const context: ExecutionJobContext = {
      executionId,
      workflowId: current.workflowId,
      workflowVersion: current.workflowVersion,
      priority: data.priority,
      trace: data.trace,
    };
    await this.#outcomes.enqueueNodes(graph, context, graph.entryNodes);
    if (change.changed)
      this.#events.emit('execution:started', { executionId, workflowId: current.workflowId });
    return executionId;
  }

  /** Reports a start job's failure (it is retried by the queue). */
  reportFailure(error: unknown): void {
    this.#events.emit('error', { error: toError(error), context: 'workflow job' });
  }
}

/**
 * Applies the input policy to a start, before any store or queue sees it: a workflow id, options
 * in range, initial data that every store can hold. Throws `UnsupportedInputError`.
 */
export function checkStartInput(workflowId: unknown, initialData: unknown, options: unknown): void {
  const badId = findInvalidId(workflowId, 'workflowId');
  if (badId) throw new UnsupportedInputError('workflow id', badId);
  const id = workflowId as string;
  const badOptions = validateEnqueueOptions(options);
  if (badOptions) throw new UnsupportedInputError('start options', badOptions, { workflowId: id });
  const badData = findUnsupportedInput(initialData);
  if (badData) throw new UnsupportedInputError('initial data', badData, { workflowId: id });
}
