import {
  assembleNodeInput,
  type CompiledWorkflow,
  classifyNodeFailure,
  type ExecutionResult,
  type ExecutionState,
  type ExecutionStore,
  getCompiledNode,
  isTerminalStatus,
  type NodeDefinition,
  type ResolvedRetryPolicy,
  resolveDelayDuration,
  resolveNodeEdges,
  resolveRetryPolicy,
  setOwn,
  storedResult,
  toError,
  WorkflowError,
} from '@spane/core';
import {
  type EngineQueue,
  type NodeJob,
  type NodeJobData,
  type NodeJobOutcome,
  nodeJobId,
  nodeJobTags,
} from '@spane/queue';
import { CompositeNodes } from './composite-nodes.ts';
import type { ResolvedEngineConfig } from './engine-config.ts';
import type { EngineEvents } from './engine-events.ts';
import type { ExecutorRunner } from './executor-runner.ts';
import { buildNodeJob, type ExecutionJobContext, nodeJobData } from './node-jobs.ts';
import { HARD_FAILURE, type Outcome, type OutcomeDispatcher } from './outcome-dispatcher.ts';
import { readParentLink } from './parent-link.ts';
import type { EngineTracing, NodeSpan, NodeSpanOutcome } from './tracing-port.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** What the node pipeline works with. */
export interface NodePipelineDeps {
  store: ExecutionStore;
  catalog: WorkflowCatalog;
  queues: EngineQueue;
  events: EngineEvents;
  config: ResolvedEngineConfig;
  /** Runs executors (rate limits, breakers, cancel switches, worker threads). */
  runner: ExecutorRunner;
  /** Commits outcomes and enqueues what they make ready. */
  outcomes: OutcomeDispatcher;
  /** Cancels and pauses child executions (a failed `map` item, a `map` item started while paused). */
  children: {
    cancel(executionId: string, options: { notifyParent: false }): Promise<unknown>;
    pause(executionId: string): Promise<unknown>;
  };
  /** OpenTelemetry-style spans per node attempt, when set. */
  tracing?: EngineTracing | undefined;
}

/** Nodes one job may run in a row (a chain) before the rest goes back to the queue. */
const MAX_INLINE_HOPS = 32;

/** How soon a node job whose store or queue call failed runs again. */
const OUTAGE_RETRY_MS = 1_000;

/** How many times in a row one process hands a job back for an outage before failing it. */
const MAX_OUTAGE_RETRIES = 120;

const DONE: NodeJobOutcome = Object.freeze({ kind: 'done' });

/** One node to run: a queue job's, or a lone ready child run next in its parent's job. */
interface NodeStep {
  data: NodeJobData;
  /** Attempts made before this one (the queue's count, plus one made inline before the job). */
  attemptsMade: number;
  /** The job's id (or the id the node's job would have): composite generations, the DLQ. */
  jobId: string;
  /** The queue job, when the step is a job of its own. */
  job?: NodeJob | undefined;
}

/** How a step ends: the next node to run inline, or what its job reports to the queue. */
type StepEnd = { kind: 'next'; step: NodeStep } | NodeJobOutcome;

/** What the gate found: the node may run, in this execution. */
interface Admitted {
  graph: CompiledWorkflow;
  node: Readonly<NodeDefinition>;
  execution: ExecutionState;
  context: ExecutionJobContext;
  parents: readonly string[];
  /** A child's report, when the step continues a composite node. */
  continuation: string | undefined;
}

/** The node's inputs. */
interface StepInputs {
  inputData: unknown;
  parentResults: Record<string, ExecutionResult>;
}

/** One attempt in progress: what classify and commit need, and what its span will say. */
interface Attempt {
  number: number;
  started: number;
  policy: ResolvedRetryPolicy;
  continueOnFail: boolean;
  span: NodeSpan | undefined;
  spanOutcome?: NodeSpanOutcome | undefined;
  spanError?: Error | undefined;
}

/** What running a node gave: an outcome to commit, or nothing yet (a wait, children running). */
type RunEnd = { kind: 'outcome'; outcome: Outcome } | { kind: 'parked' };

/**
 * Runs node jobs, one step per node: **gate** (is there a node to run: the execution, a stored
 * result, pause and status), **inputs**, **run** (the executor, a built-in, a delay or a composite
 * node), and **classify** (a failure is cancelled, postponed, retried or final, by core's
 * `classifyNodeFailure`); then the outcome is committed atomically by the {@link OutcomeDispatcher},
 * which enqueues what became ready. A node that already has a result is never run again, but what
 * it made ready is ensured, so a redelivered job heals a crash between commit and enqueue.
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
    this.#runner = deps.runner;
    this.#outcomes = deps.outcomes;
    this.#composite = new CompositeNodes({
      store: deps.store,
      catalog: deps.catalog,
      events: deps.events,
      cancel: (executionId) => deps.children.cancel(executionId, { notifyParent: false }),
      pause: (executionId) => deps.children.pause(executionId),
      startEntryNodes: async (execution) => {
        const { graph } = await deps.catalog.version(
          execution.workflowId,
          execution.workflowVersion,
        );
        const link = readParentLink(execution.metadata);
        await deps.outcomes.enqueueNodes(
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
   * The processor of the node queue. When a node leaves exactly one ready child (a chain), the
   * child runs next in the same job: its result is still committed on its own, and a crash
   * mid-chain is healed by the redelivered job, which re-ensures what its node made ready.
   */
  async process(job: NodeJob): Promise<NodeJobOutcome> {
    try {
      const outcome = await this.#process(job);
      this.#outageRetries.delete(job.id);
      return outcome;
    } catch (error) {
      const retries = this.#outageRetries.get(job.id) ?? 0;
      this.#outageRetries.delete(job.id);
      // A failure nothing can cure is thrown as it is (the queue uses an attempt).
      if (
        !job.canPostpone ||
        (WorkflowError.isInstance(error) && !error.retryable) ||
        // A failure that outlasts every outage is a bug, not an outage: it uses an attempt.
        retries >= MAX_OUTAGE_RETRIES
      ) {
        throw error;
      }
      this.#outageRetries.set(job.id, retries + 1);
      // The store or the queue failed around the node (a database restart, a lost connection):
      // that is no fault of the node's, so the job waits a moment and runs again without using an
      // attempt, for as long as the outage lasts.
      this.#deps.events.emit('error', { error: toError(error), context: 'node job' });
      return { kind: 'postpone', delayMs: OUTAGE_RETRY_MS };
    }
  }

  async #process(job: NodeJob): Promise<NodeJobOutcome> {
    const first: NodeStep = {
      data: job.data,
      attemptsMade: job.attemptsMade + (job.data.attemptOffset ?? 0),
      jobId: job.id,
      job,
    };
    let end = await this.#runStep(first, true);
    for (let hops = 1; end.kind === 'next'; hops++) {
      // An inline node that hits an unexpected error (a store or queue outage) gets a job of its
      // own instead of failing its parent's job, which would blame the wrong node.
      const inline = end.step;
      try {
        end = await this.#runStep(inline, hops < MAX_INLINE_HOPS);
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
        return DONE;
      }
    }
    return end;
  }

  /** Runs one node: gate → inputs → run → classify → commit. */
  async #runStep(step: NodeStep, mayInline: boolean): Promise<StepEnd> {
    const admitted = await this.#gate(step);
    if (admitted === undefined) return DONE;
    const inputs = await this.#inputs(step, admitted);
    const { node, execution } = admitted;
    const policy = resolveRetryPolicy(node, this.#deps.config.defaultRetryPolicy);
    const number = step.attemptsMade + 1;
    const started = Date.now();
    const attempt: Attempt = {
      number,
      started,
      policy,
      continueOnFail: policy.continueOnFail || CompositeNodes.continueOnFail(node),
      span: this.#deps.tracing?.startNode({
        workflowId: execution.workflowId,
        executionId: execution.executionId,
        nodeId: node.id,
        nodeType: node.type,
        attempt: number,
        carrier: step.data.trace,
        startTime: started,
      }),
    };
    try {
      let ran: RunEnd | StepEnd;
      try {
        ran = await this.#run(step, admitted, inputs, attempt);
      } catch (thrown) {
        ran = await this.#classify(step, admitted, attempt, toError(thrown));
      }
      if (ran.kind === 'parked') return DONE;
      if (ran.kind !== 'outcome') return ran;
      return await this.#commit(step, admitted, inputs, attempt, ran.outcome, mayInline);
    } catch (thrown) {
      if (attempt.spanOutcome === undefined) {
        attempt.spanOutcome = 'error';
        attempt.spanError = toError(thrown);
      }
      throw thrown;
    } finally {
      attempt.span?.end(attempt.spanOutcome ?? 'error', attempt.spanError);
    }
  }

  /**
   * Gate: loads the node's execution and decides whether the node runs. A redelivered node (one
   * with a result) re-ensures what it made ready, its DLQ item and its parent's report instead;
   * a paused execution holds the node; an ended one runs nothing.
   */
  async #gate(step: NodeStep): Promise<Admitted | undefined> {
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
      if (isTerminalStatus(execution.status)) await this.#outcomes.notifyParent(execution);
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
    return { graph, node, execution, context, parents, continuation };
  }

  /** Inputs: the parents' results, and the node's input (given by `enqueueNode`, or assembled). */
  async #inputs(step: NodeStep, admitted: Admitted): Promise<StepInputs> {
    const { graph, node, execution, parents } = admitted;
    const parentResults: Record<string, ExecutionResult> = {};
    for (const parent of parents) {
      const result = storedResult(execution.nodeResults, parent);
      if (result !== undefined) setOwn(parentResults, parent, result);
    }
    const given = step.data.givenInput;
    const inputData =
      given === undefined
        ? assembleNodeInput(graph, node.id, { initialData: execution.initialData, parentResults })
        : 'ref' in given
          ? await this.#deps.store.getPayload(given.ref)
          : given.data;
    return { inputData, parentResults };
  }

  /**
   * Run: a delay schedules its wait, a composite node starts (or continues) its children, any other
   * node runs its executor. Throws what the attempt threw, for {@link NodePipeline.#classify}.
   */
  async #run(
    step: NodeStep,
    admitted: Admitted,
    inputs: StepInputs,
    attempt: Attempt,
  ): Promise<RunEnd> {
    const { graph, node, execution, context, continuation } = admitted;
    if (node.type === 'delay' && !step.data.resumeAfterDelay) {
      await this.#scheduleDelay(
        graph,
        context,
        node.id,
        resolveDelayDuration(node.config ?? {}, attempt.started),
      );
      attempt.spanOutcome = 'delayed';
      return { kind: 'parked' };
    }
    let result: ExecutionResult | undefined;
    if (node.type === 'sub-workflow' || node.type === 'map') {
      const run = { context, node, execution, inputData: inputs.inputData, generation: step.jobId };
      if (continuation === undefined) {
        this.#emitStarted(step, node.type, attempt.number);
        result = await this.#composite.start(run);
      } else {
        result = await this.#composite.resume(run, continuation);
      }
      if (result === undefined) {
        attempt.spanOutcome = 'waiting';
        return { kind: 'parked' }; // children still running; they report back
      }
    } else {
      await this.#runner.admit(node.type, execution.executionId);
      this.#emitStarted(step, node.type, attempt.number);
      const runInputs = {
        inputData: inputs.inputData,
        parentResults: inputs.parentResults,
        depth: execution.depth,
        parentExecutionId: execution.parentExecutionId,
      };
      const span = attempt.span;
      const call = () => this.#runner.run(node, step.data, runInputs, attempt.number);
      result = await (span === undefined ? call() : span.run(call));
    }
    const resolution = resolveNodeEdges(graph, node.id, result, {
      continueOnFail: attempt.continueOnFail,
    });
    return { kind: 'outcome', outcome: { result, resolution } };
  }

  /**
   * Classify: acts on core's verdict for a failed attempt. Cancelled: nothing to record. Postponed
   * (shutdown, a breaker or a limit): the job goes back without using an attempt. Retry: the job's
   * attempt fails (the queue retries with backoff), or a node run inline gets a job of its own.
   * Final: a failed outcome to commit.
   */
  async #classify(
    step: NodeStep,
    admitted: Admitted,
    attempt: Attempt,
    error: Error,
  ): Promise<RunEnd | StepEnd> {
    const { graph, node, context } = admitted;
    const verdict = classifyNodeFailure(error, {
      attempt: attempt.number,
      maxAttempts: attempt.policy.maxAttempts,
      backoff: attempt.policy.backoff,
    });
    switch (verdict.kind) {
      case 'cancelled':
        // The execution is over; the attempt's span says it was cancelled (an executor that
        // ignored its signal was abandoned).
        this.#recordSpan(context, node.id, attempt, error);
        attempt.spanOutcome = 'cancelled';
        attempt.spanError = error;
        return DONE;
      case 'postpone':
        // Shutdown: for another worker (or this one's successor) to run. Turned away: wait.
        if (verdict.reason === 'shutdown') this.#recordSpan(context, node.id, attempt, error);
        attempt.spanOutcome = verdict.reason === 'shutdown' ? 'handed-back' : 'deferred';
        if (step.job?.canPostpone) return { kind: 'postpone', delayMs: verdict.delayMs };
        await this.#requeue(graph, context, node.id, {
          delay: verdict.delayMs,
          attemptsMade: step.attemptsMade,
        });
        return DONE;
      case 'retry':
        this.#recordSpan(context, node.id, attempt, error);
        attempt.spanOutcome = 'retrying';
        attempt.spanError = error;
        this.#deps.events.emit('node:retrying', {
          executionId: context.executionId,
          workflowId: context.workflowId,
          nodeId: node.id,
          nodeType: node.type,
          attempt: attempt.number,
          error: error.message,
        });
        if (step.job !== undefined) return { kind: 'retry', error }; // the queue's backoff
        // Run inline: the retries go to a job of the node's own.
        await this.#requeue(graph, context, node.id, {
          delay: verdict.delayMs,
          attemptsMade: attempt.number,
        });
        return DONE;
      case 'final': {
        this.#recordSpan(context, node.id, attempt, error);
        const result: ExecutionResult = {
          success: false,
          error: error.message,
          metadata: {
            attempts: attempt.number,
            ...(WorkflowError.isInstance(error) ? { code: error.code } : {}),
            ...(attempt.continueOnFail ? {} : { [HARD_FAILURE]: true }),
          },
        };
        const resolution = resolveNodeEdges(graph, node.id, result, {
          continueOnFail: attempt.continueOnFail,
        });
        return { kind: 'outcome', outcome: { result, resolution, error } };
      }
    }
  }

  /** Commits the outcome; a lone ready child is the next step, run inline. */
  async #commit(
    step: NodeStep,
    admitted: Admitted,
    inputs: StepInputs,
    attempt: Attempt,
    outcome: Outcome,
    mayInline: boolean,
  ): Promise<StepEnd> {
    const { graph, node, context } = admitted;
    if (!outcome.error) this.#recordSpan(context, node.id, attempt);
    const next = await this.#outcomes.finish(graph, context, node.id, outcome, {
      jobId: step.jobId,
      attempt: attempt.number,
      inputData: inputs.inputData,
      durationMs: Date.now() - attempt.started,
      mayInline,
    });
    attempt.spanOutcome = outcome.error ? 'failed' : 'success';
    attempt.spanError = outcome.error;
    return next === undefined ? DONE : { kind: 'next', step: this.#inlineStep(context, next) };
  }

  /** `node:started`, with the queue wait of a job's first attempt. */
  #emitStarted(step: NodeStep, nodeType: string, attempt: number): void {
    const { executionId, workflowId, nodeId } = step.data;
    this.#deps.events.emit('node:started', {
      executionId,
      workflowId,
      nodeId,
      nodeType,
      attempt,
      waitMs: step.job?.queueWaitMs,
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
        tag: nodeJobTags.inlineRetry(options.attemptsMade),
        delay: Math.max(1, options.delay),
        attemptOffset: options.attemptsMade,
      }),
    ]);
  }

  /**
   * Records a node's final failure when the queue gave up on its job outside the pipeline (a
   * stalled job past its limit, a store outage through every attempt).
   */
  async failFromQueue(job: NodeJob, error: Error): Promise<void> {
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
        jobId: job.id,
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
      tag: nodeJobTags.delayWait,
      delay,
      resumeAfterDelay: true,
    });
    await this.#deps.queues.addNodeJobs([job]);
  }

  #recordSpan(context: ExecutionJobContext, nodeId: string, attempt: Attempt, error?: Error): void {
    if (!this.#deps.config.traces) return;
    this.#deps.store
      .addSpan({
        spanId: `${context.executionId}:${nodeId}:${attempt.number}`,
        executionId: context.executionId,
        nodeId,
        name: `node ${nodeId}`,
        status: error ? 'error' : 'ok',
        startTime: new Date(attempt.started),
        endTime: new Date(),
        attributes: { attempt: attempt.number, ...(error ? { error: error.message } : {}) },
      })
      .catch((failure: unknown) =>
        this.#deps.events.emit('error', { error: toError(failure), context: 'span' }),
      );
  }
}
