import {
  assembleNodeInput,
  type CompiledWorkflow,
  computeBackoffDelay,
  type ExecutionResult,
  type ExecutionState,
  getCompiledNode,
  isTerminalStatus,
  resolveDelayDuration,
  resolveNodeEdges,
  resolveRetryPolicy,
  setOwn,
  shouldMoveToDLQ,
  storedResult,
  toError,
  WorkflowError,
} from '@spane/core';
import { type Job, type NodeJobData, nodeJobId } from '@spane/queue';
import { DelayedError } from 'bullmq';
import { CompositeNodes } from './composite-nodes.ts';
import { ExecutorRunner, type ExecutorRunnerDeps, isShutdownError } from './executor-runner.ts';
import {
  buildNodeJob,
  type ExecutionJobContext,
  inlineRetryTag,
  nodeJobData,
} from './node-jobs.ts';
import {
  HARD_FAILURE,
  type Outcome,
  OutcomeDispatcher,
  type OutcomeDispatcherDeps,
} from './outcome-dispatcher.ts';
import { readParentLink } from './parent-link.ts';
import { checkInPayload } from './payload-claims.ts';
import type { CircuitBreakers } from './resilience/circuit-breakers.ts';
import type { EngineTracing, NodeSpanOutcome } from './tracing-port.ts';

/** What the node pipeline works with. */
export interface NodePipelineDeps extends OutcomeDispatcherDeps, ExecutorRunnerDeps {
  /** Cancels a child execution and its descendants, without reporting back to the parent. */
  cancelChild: (executionId: string) => Promise<unknown>;
  /** Pauses a child execution and its descendants. */
  pauseChild: (executionId: string) => Promise<unknown>;
  /** OpenTelemetry-style spans per node attempt, when set. */
  tracing?: EngineTracing | undefined;
}

/** Nodes one job may run in a row (a chain) before the rest goes back to the queue. */
const MAX_INLINE_HOPS = 32;

/** How soon a node job whose store or queue call failed runs again. */
const OUTAGE_RETRY_MS = 1_000;

/** How many times in a row one process hands a job back for an outage before failing it. */
const MAX_OUTAGE_RETRIES = 120;

/** Errors thrown on purpose so that BullMQ retries the node (its executor failed). */
const ATTEMPT_FAILURES = new WeakSet<Error>();

/** One node to run: a queue job's, or a lone ready child run next in its parent's job. */
interface NodeStep {
  data: NodeJobData;
  /** Attempts made before this one (BullMQ's count, plus one made inline before the job). */
  attemptsMade: number;
  /** The job's id (or the id the node's job would have): composite generations, the DLQ. */
  jobId: string;
  /** The queue job and its lock token, when the step is a job of its own. */
  job?: Job<NodeJobData> | undefined;
  token?: string | undefined;
}

/**
 * Runs node jobs: loads the node's inputs, runs its executor (or built-in), commits the outcome
 * atomically, and enqueues what became ready. A node that already has a result is never run again,
 * but what it made ready is ensured, so a redelivered job heals a crash between commit and enqueue.
 */
export class NodePipeline {
  readonly #deps: NodePipelineDeps;
  readonly #composite: CompositeNodes;
  readonly #runner: ExecutorRunner;
  readonly #outcomes: OutcomeDispatcher;
  /** Jobs handed back for an outage, by id, with how many times in a row. */
  readonly #outageRetries = new Map<string, number>();

  constructor(deps: NodePipelineDeps) {
    this.#deps = deps;
    this.#runner = new ExecutorRunner(deps);
    this.#outcomes = new OutcomeDispatcher(deps);
    this.#composite = new CompositeNodes({
      store: deps.store,
      catalog: deps.catalog,
      events: deps.events,
      cancel: deps.cancelChild,
      pause: deps.pauseChild,
      startEntryNodes: async (execution) => {
        const { graph } = await deps.catalog.version(
          execution.workflowId,
          execution.workflowVersion,
        );
        const link = readParentLink(execution.metadata);
        await this.enqueueNodes(
          graph,
          {
            executionId: execution.executionId,
            workflowId: execution.workflowId,
            workflowVersion: execution.workflowVersion,
            priority: link?.priority,
            trace: link?.trace,
          },
          graph.entryNodes,
        );
      },
    });
  }

  /**
   * The BullMQ processor of the node queue. When a node leaves exactly one ready child (a chain),
   * the child runs next in the same job: its result is still committed on its own, and a crash
   * mid-chain is healed by the redelivered job, which re-ensures what its node made ready.
   */
  async process(job: Job<NodeJobData>, token?: string): Promise<void> {
    const jobId = String(job.id);
    try {
      await this.#process(job, token);
      this.#outageRetries.delete(jobId);
    } catch (error) {
      const retries = this.#outageRetries.get(jobId) ?? 0;
      this.#outageRetries.delete(jobId);
      // The node's own failure (BullMQ retries it, using an attempt), a hand-back, or a failure
      // nothing can cure: thrown as it is.
      if (
        token === undefined ||
        error instanceof DelayedError ||
        ATTEMPT_FAILURES.has(error as Error) ||
        (WorkflowError.isInstance(error) && !error.retryable) ||
        // A failure that outlasts every outage is a bug, not an outage: it uses an attempt.
        retries >= MAX_OUTAGE_RETRIES
      ) {
        throw error;
      }
      this.#outageRetries.set(jobId, retries + 1);
      // The store or the queue failed around the node (a database restart, a lost connection):
      // that is no fault of the node's, so the job waits a moment and runs again without using an
      // attempt, for as long as the outage lasts.
      this.#deps.events.emit('error', { error: toError(error), context: 'node job' });
      await this.handBack(job, token, OUTAGE_RETRY_MS);
    }
  }

  async #process(job: Job<NodeJobData>, token?: string): Promise<void> {
    let step: NodeStep | undefined = {
      data: job.data,
      attemptsMade: job.attemptsMade + (job.data.attemptOffset ?? 0),
      jobId: String(job.id),
      job,
      token,
    };
    for (let hops = 0; step !== undefined; hops++) {
      if (step.job !== undefined) {
        step = await this.#runStep(step, hops < MAX_INLINE_HOPS);
        continue;
      }
      // An inline node that hits an unexpected error (a store or queue outage) gets a job of its
      // own instead of failing its parent's job, which would blame the wrong node.
      const inline: NodeStep = step;
      try {
        step = await this.#runStep(inline, hops < MAX_INLINE_HOPS);
      } catch (error) {
        this.#deps.events.emit('error', { error: toError(error), context: 'inline node' });
        const { graph } = await this.#deps.catalog.version(
          inline.data.workflowId,
          inline.data.workflowVersion,
        );
        await this.#requeue(graph, this.#contextOf(inline.data), inline.data.nodeId, {
          delay: 1_000,
          attemptsMade: inline.attemptsMade,
        });
        step = undefined;
      }
    }
  }

  /**
   * Gives a job back to the queue without using an attempt, due again in `delayMs`: a node this
   * process will not finish (it is shutting down). Always throws BullMQ's `DelayedError`, which
   * tells the worker the job was moved.
   */
  async handBack(job: Job<NodeJobData>, token: string, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /** Runs one node; returns the lone ready child to run next in the same job, if any. */
  async #runStep(step: NodeStep, mayInline: boolean): Promise<NodeStep | undefined> {
    const { store, catalog } = this.#deps;
    const { executionId, workflowId, workflowVersion, nodeId } = step.data;
    const { graph } = await catalog.version(workflowId, workflowVersion);
    const node = getCompiledNode(graph, nodeId);
    const parents = graph.parents.get(nodeId) ?? [];
    const execution = await store.getExecution(executionId, { nodeIds: [nodeId, ...parents] });
    if (!execution) return undefined;
    const context: ExecutionJobContext = {
      ...this.#contextOf(step.data),
      parentExecutionId: execution.parentExecutionId ?? null,
    };

    const existing = storedResult(execution.nodeResults, nodeId);
    if (existing !== undefined) {
      // Redelivered: what it made ready goes (back) to the queue, where job ids de-duplicate, rather
      // than inline, where a job that was already enqueued would run alongside.
      await this.#outcomes.ensureFrom(graph, context, nodeId, existing);
      // A crash between the failure's commit and its dead-letter item: the item is added again
      // (its id is the job's, so a repeat is one item).
      if (execution.status === 'failed' && existing.metadata?.[HARD_FAILURE] === true) {
        await this.#outcomes.deadLetter(context, nodeId, existing, {
          jobId: step.jobId,
          attempt: Number(existing.metadata?.attempts ?? step.attemptsMade),
          inputData: undefined,
        });
      }
      // A lost report to a parent (a crash right after the last commit) is sent again.
      if (isTerminalStatus(execution.status)) await this.notifyParent(execution);
      return undefined;
    }
    // A child's report, or a delay's end, is taken while paused: that work already ran (like a
    // node that was running when the pause came); what it makes ready is held.
    const continuation = step.data.childExecutionId;
    const finishing = continuation !== undefined || step.data.resumeAfterDelay === true;
    if (execution.status === 'paused' && !finishing) {
      if (await store.holdNodes(executionId, [nodeId])) return undefined;
      const now = await store.getExecution(executionId, { nodeIds: [] });
      if (now?.status !== 'running') return undefined;
    } else if (
      execution.status !== 'running' &&
      !(execution.status === 'paused' && finishing) &&
      // A sub-workflow that ends after another node failed the execution still records its
      // outcome, so a DLQ retry of that node does not run the whole child again.
      !(execution.status === 'failed' && continuation !== undefined && node.type === 'sub-workflow')
    ) {
      return undefined;
    }

    const parentResults: Record<string, ExecutionResult> = {};
    for (const parent of parents) {
      const result = storedResult(execution.nodeResults, parent);
      if (result !== undefined) setOwn(parentResults, parent, result);
    }
    const given = step.data.givenInput;
    const inputData =
      given === undefined
        ? assembleNodeInput(graph, nodeId, { initialData: execution.initialData, parentResults })
        : 'ref' in given
          ? await store.getPayload(given.ref)
          : given.data;
    const policy = resolveRetryPolicy(node, this.#deps.config.defaultRetryPolicy);
    const continueOnFail = policy.continueOnFail || CompositeNodes.continueOnFail(node);
    const attempt = step.attemptsMade + 1;
    const started = Date.now();

    const span = this.#deps.tracing?.startNode({
      workflowId,
      executionId,
      nodeId,
      nodeType: node.type,
      attempt,
      carrier: step.data.trace,
      startTime: started,
    });
    let spanOutcome: NodeSpanOutcome | undefined;
    let spanError: Error | undefined;
    try {
      let outcome: Outcome;
      try {
        if (node.type === 'delay' && !step.data.resumeAfterDelay) {
          await this.#scheduleDelay(
            graph,
            context,
            nodeId,
            resolveDelayDuration(node.config ?? {}, started),
          );
          spanOutcome = 'delayed';
          return undefined;
        }
        let result: ExecutionResult | undefined;
        if (node.type === 'sub-workflow' || node.type === 'map') {
          const run = { context, node, execution, inputData, generation: step.jobId };
          if (continuation === undefined) {
            this.#emitStarted(step, node.type, attempt);
            result = await this.#composite.start(run);
          } else {
            result = await this.#composite.resume(run, continuation);
          }
          if (result === undefined) {
            spanOutcome = 'waiting';
            return undefined; // children still running; they report back
          }
        } else {
          await this.#runner.admit(node.type, executionId);
          this.#emitStarted(step, node.type, attempt);
          const inputs = {
            inputData,
            parentResults,
            depth: execution.depth,
            parentExecutionId: execution.parentExecutionId,
          };
          result = await (span === undefined
            ? this.#runner.run(node, step.data, inputs, attempt)
            : span.run(() => this.#runner.run(node, step.data, inputs, attempt)));
        }
        outcome = {
          result,
          resolution: resolveNodeEdges(graph, nodeId, result, { continueOnFail }),
        };
      } catch (thrown) {
        const error = toError(thrown);
        // Cancelled while it ran: the execution is over, there is no result to record or retry;
        // the attempt's span says it was cancelled (an executor that ignored its signal was abandoned).
        if (WorkflowError.isInstance(error) && error.code === 'EXECUTION_CANCELLED') {
          this.#recordSpan(context, nodeId, attempt, started, error);
          spanOutcome = 'cancelled';
          spanError = error;
          return undefined;
        }
        // The engine is shutting down and the node did not finish in time: it goes back to the
        // queue without using an attempt, for another worker (or this one's successor) to run.
        if (isShutdownError(error)) {
          this.#recordSpan(context, nodeId, attempt, started, error);
          spanOutcome = 'handed-back';
          if (step.job === undefined || step.token === undefined) {
            await this.#requeue(graph, context, nodeId, {
              delay: 1,
              attemptsMade: step.attemptsMade,
            });
            return undefined;
          }
          await this.handBack(step.job, step.token, 0);
        }
        // Turned away (an open breaker, a rate limit): wait and try again without using an attempt.
        if (
          WorkflowError.isInstance(error) &&
          (error.code === 'CIRCUIT_BREAKER_OPEN' || error.code === 'RATE_LIMITED')
        ) {
          const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
          const delay = typeof retryAfterMs === 'number' ? retryAfterMs : 1_000;
          spanOutcome = 'deferred';
          if (step.job === undefined || step.token === undefined) {
            await this.#requeue(graph, context, nodeId, { delay, attemptsMade: step.attemptsMade });
            return undefined;
          }
          await step.job.moveToDelayed(Date.now() + delay, step.token);
          throw new DelayedError();
        }
        this.#recordSpan(context, nodeId, attempt, started, error);
        if (!shouldMoveToDLQ(error, attempt, policy.maxAttempts)) {
          spanOutcome = 'retrying';
          spanError = error;
          this.#deps.events.emit('node:retrying', {
            executionId,
            workflowId,
            nodeId,
            nodeType: node.type,
            attempt,
            error: error.message,
          });
          if (step.job !== undefined) {
            ATTEMPT_FAILURES.add(error);
            throw error; // BullMQ retries the job with its backoff
          }
          // Run inline: the retries go to a job of the node's own.
          await this.#requeue(graph, context, nodeId, {
            delay: computeBackoffDelay(policy.backoff, attempt),
            attemptsMade: attempt,
          });
          return undefined;
        }
        const result: ExecutionResult = {
          success: false,
          error: error.message,
          metadata: {
            attempts: attempt,
            ...(WorkflowError.isInstance(error) ? { code: error.code } : {}),
            ...(continueOnFail ? {} : { [HARD_FAILURE]: true }),
          },
        };
        outcome = {
          result,
          resolution: resolveNodeEdges(graph, nodeId, result, { continueOnFail }),
          error,
        };
      }
      if (!outcome.error) this.#recordSpan(context, nodeId, attempt, started);
      const next = await this.#outcomes.finish(graph, context, nodeId, outcome, {
        jobId: step.jobId,
        attempt,
        inputData,
        durationMs: Date.now() - started,
        mayInline,
      });
      spanOutcome = outcome.error ? 'failed' : 'success';
      spanError = outcome.error;
      return next === undefined ? undefined : this.#inlineStep(context, next);
    } catch (thrown) {
      if (spanOutcome === undefined) {
        spanOutcome = 'error';
        spanError = toError(thrown);
      }
      throw thrown;
    } finally {
      span?.end(spanOutcome ?? 'error', spanError);
    }
  }

  /** `node:started`, with the queue wait of a job's first attempt. */
  #emitStarted(step: NodeStep, nodeType: string, attempt: number): void {
    const { executionId, workflowId, nodeId } = step.data;
    const job = step.job;
    const waitMs =
      job !== undefined && job.attemptsMade === 0 && job.processedOn !== undefined
        ? Math.max(0, job.processedOn - job.timestamp - (job.opts.delay ?? 0))
        : undefined;
    this.#deps.events.emit('node:started', {
      executionId,
      workflowId,
      nodeId,
      nodeType,
      attempt,
      waitMs,
    });
  }

  /** What a node's job data says about its execution. */
  #contextOf(data: NodeJobData): ExecutionJobContext {
    return {
      executionId: data.executionId,
      workflowId: data.workflowId,
      workflowVersion: data.workflowVersion,
      priority: data.priority,
      trace: data.trace,
    };
  }

  /** The step of a lone ready child, run next in the current job. */
  #inlineStep(context: ExecutionJobContext, nodeId: string): NodeStep {
    return {
      data: nodeJobData(context, nodeId),
      attemptsMade: 0,
      jobId: nodeJobId(context.executionId, nodeId),
    };
  }

  /** Puts a node that ran inline into a job of its own (a retry, or a wait for a limit). */
  async #requeue(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    options: { delay: number; attemptsMade: number },
  ): Promise<void> {
    await this.#deps.queues.addNodeJobs([
      buildNodeJob(graph, context, nodeId, {
        defaultRetryPolicy: this.#deps.config.defaultRetryPolicy,
        tag: inlineRetryTag(options.attemptsMade),
        delay: Math.max(1, options.delay),
        attemptOffset: options.attemptsMade,
      }),
    ]);
  }

  /**
   * Records a node's final failure when its job failed outside the pipeline (a stalled job past its
   * limit, a store outage through every attempt).
   */
  async failFromQueue(job: Job<NodeJobData>, error: Error): Promise<void> {
    const { workflowId, workflowVersion, nodeId } = job.data;
    const { graph } = await this.#deps.catalog.version(workflowId, workflowVersion);
    const context = this.#contextOf(job.data);
    // Attempts made before this job (a first attempt run inline) count too.
    const attempts = job.attemptsMade + (job.data.attemptOffset ?? 0);
    const result: ExecutionResult = {
      success: false,
      error: error.message,
      metadata: { attempts, [HARD_FAILURE]: true },
    };
    await this.#outcomes.finish(
      graph,
      context,
      nodeId,
      { result, resolution: { kind: 'failed' }, error },
      {
        jobId: String(job.id),
        attempt: attempts,
        inputData: undefined,
        durationMs: 0,
        mayInline: false,
      },
    );
  }

  async #scheduleDelay(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    delay: number,
  ): Promise<void> {
    const job = buildNodeJob(graph, context, nodeId, {
      defaultRetryPolicy: this.#deps.config.defaultRetryPolicy,
      tag: 'wait',
      delay,
      resumeAfterDelay: true,
    });
    await this.#deps.queues.addNodeJobs([job]);
  }

  /** Circuit-breaker state of this process. */
  get breakers(): CircuitBreakers {
    return this.#runner.breakers;
  }

  /** Aborts the signal of every executor of the execution running in this process. */
  abortExecution(executionId: string): void {
    this.#runner.abortExecution(executionId);
  }

  /** Terminates the worker threads of executors, if any. */
  close(): Promise<void> {
    return this.#runner.close();
  }

  /** Aborts every executor running in this process (a shutdown whose drain time is up). */
  abortAll(reason: Error): void {
    this.#runner.abortAll(reason);
  }

  /** Enqueues the given nodes of an execution (entry nodes at start, held nodes at resume). */
  enqueueNodes(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeIds: readonly string[],
    tag?: string,
  ): Promise<void> {
    return this.#outcomes.enqueueNodes(graph, context, nodeIds, tag);
  }

  /** Enqueues one node to run with the given input instead of its parents' data (`enqueueNode`). */
  async enqueueNodeWithInput(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    inputData: unknown,
  ): Promise<void> {
    const job = buildNodeJob(graph, context, nodeId, {
      defaultRetryPolicy: this.#deps.config.defaultRetryPolicy,
    });
    const claim = await checkInPayload({
      store: this.#deps.store,
      executionId: context.executionId,
      value: inputData,
      threshold: this.#deps.config.payloadThreshold,
    });
    job.data.givenInput = 'reference' in claim ? { ref: claim.reference } : { data: claim.value };
    await this.#deps.queues.addNodeJobs([job]);
  }

  /** Continues an execution from its stored results (a DLQ retry, a replay). */
  continueFrom(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeResults: Readonly<Record<string, ExecutionResult>>,
    tag: string,
  ): Promise<void> {
    return this.#outcomes.continueFrom(graph, context, nodeResults, tag);
  }

  /** Stores a result copied from another execution (a replay's reused results). */
  copyResult(
    graph: CompiledWorkflow,
    executionId: string,
    nodeId: string,
    result: ExecutionResult,
  ): Promise<void> {
    return this.#outcomes.copyResult(graph, executionId, nodeId, result);
  }

  /** Tells a child execution's parent that it ended. */
  notifyParent(child: Pick<ExecutionState, 'executionId' | 'metadata'>): Promise<void> {
    return this.#outcomes.notifyParent(child);
  }
  #recordSpan(
    context: ExecutionJobContext,
    nodeId: string,
    attempt: number,
    started: number,
    error?: Error,
  ): void {
    if (!this.#deps.config.traces) return;
    this.#deps.store
      .addSpan({
        spanId: `${context.executionId}:${nodeId}:${attempt}`,
        executionId: context.executionId,
        nodeId,
        name: `node ${nodeId}`,
        status: error ? 'error' : 'ok',
        startTime: new Date(started),
        endTime: new Date(),
        attributes: { attempt, ...(error ? { error: error.message } : {}) },
      })
      .catch((failure: unknown) =>
        this.#deps.events.emit('error', { error: toError(failure), context: 'span' }),
      );
  }
}
