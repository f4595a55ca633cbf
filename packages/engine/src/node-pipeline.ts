import {
  assembleNodeInput,
  BUILT_IN_NODE_TYPES,
  type CompiledWorkflow,
  computeBackoffDelay,
  type EdgeCommit,
  ExecutionCancelledError,
  type ExecutionResult,
  type ExecutionState,
  type ExecutionStore,
  findRunnableNodes,
  findSkippableNodes,
  getCompiledNode,
  isEdgeActive,
  isRetryableError,
  isTerminalStatus,
  type NodeOutcomeCommitResult,
  type NodeRegistry,
  type NodeResolution,
  RateLimitError,
  resolveDelayDuration,
  resolveNodeEdges,
  resolveNodeTimeout,
  resolveRetryPolicy,
  skippedResult,
  successResult,
  toError,
  UnknownNodeTypeError,
  WorkflowError,
} from '@spane/core';
import {
  type Job,
  type NodeJobData,
  nodeJobId,
  type RateLimiterBackend,
  type WorkflowQueues,
} from '@spane/queue';
import { DelayedError } from 'bullmq';
import { CompositeNodes } from './composite-nodes.ts';
import type { ResolvedEngineConfig } from './engine-config.ts';
import type { EngineEvents } from './engine-events.ts';
import { runAttempt } from './node-attempt.ts';
import { buildNodeJob, type ExecutionJobContext } from './node-jobs.ts';
import { readParentLink } from './parent-link.ts';
import { checkInPayload } from './payload-claims.ts';
import { CircuitBreakers } from './resilience/circuit-breakers.ts';
import { createStoreNodeLogger } from './store-node-logger.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** What the node pipeline works with. */
export interface NodePipelineDeps {
  store: ExecutionStore;
  registry: NodeRegistry;
  catalog: WorkflowCatalog;
  queues: WorkflowQueues;
  events: EngineEvents;
  config: ResolvedEngineConfig;
  /** The shared limiter of node types with a rate limit (made on first use). */
  rateLimiter: () => RateLimiterBackend;
  /** Cancels a child execution and its descendants, without reporting back to the parent. */
  cancelChild: (executionId: string) => Promise<unknown>;
}

/** Nodes one job may run in a row (a chain) before the rest goes back to the queue. */
const MAX_INLINE_HOPS = 32;

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

type Outcome = { result: ExecutionResult; resolution: NodeResolution; error?: Error };

/**
 * Runs node jobs: loads the node's inputs, runs its executor (or built-in), commits the outcome
 * atomically, and enqueues what became ready. A node that already has a result is never run again,
 * but what it made ready is ensured, so a redelivered job heals a crash between commit and enqueue.
 */
export class NodePipeline {
  readonly #deps: NodePipelineDeps;
  readonly #composite: CompositeNodes;
  /** Cancel switches of the executors running in this process, by execution. */
  readonly #running = new Map<string, Set<AbortController>>();
  /** Per node type, in this process. */
  readonly breakers: CircuitBreakers;

  constructor(deps: NodePipelineDeps) {
    this.#deps = deps;
    this.breakers = new CircuitBreakers({ registry: deps.registry });
    this.#composite = new CompositeNodes({
      store: deps.store,
      catalog: deps.catalog,
      events: deps.events,
      cancel: deps.cancelChild,
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
          },
          graph.entryNodes,
        );
      },
    });
  }

  /** Aborts the signal of every executor of the execution running in this process. */
  abortExecution(executionId: string): void {
    const controllers = this.#running.get(executionId);
    if (!controllers) return;
    for (const controller of controllers)
      controller.abort(new ExecutionCancelledError(executionId));
  }

  /**
   * The BullMQ processor of the node queue. When a node leaves exactly one ready child (a chain),
   * the child runs next in the same job: its result is still committed on its own, and a crash
   * mid-chain is healed by the redelivered job, which re-ensures what its node made ready.
   */
  async process(job: Job<NodeJobData>, token?: string): Promise<void> {
    let step: NodeStep | undefined = {
      data: job.data,
      attemptsMade: job.attemptsMade + (job.data.attemptOffset ?? 0),
      jobId: String(job.id),
      job,
      token,
    };
    for (let hops = 0; step !== undefined; hops++) {
      step = await this.#runStep(step, hops < MAX_INLINE_HOPS);
    }
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
      executionId,
      workflowId,
      workflowVersion,
      priority: step.data.priority,
    };

    const existing = execution.nodeResults[nodeId];
    if (existing !== undefined) {
      const next = await this.#ensure(graph, context, nodeId, existing, mayInline);
      // A lost report to a parent (a crash right after the last commit) is sent again.
      if (isTerminalStatus(execution.status)) await this.notifyParent(execution);
      return next === undefined ? undefined : this.#inlineStep(context, next);
    }
    // A child's report is taken while paused: the child already ran, nothing new starts.
    const continuation = step.data.childExecutionId;
    if (execution.status === 'paused' && continuation === undefined) {
      if (await store.holdNodes(executionId, [nodeId])) return undefined;
      const now = await store.getExecution(executionId, { nodeIds: [] });
      if (now?.status !== 'running') return undefined;
    } else if (
      execution.status !== 'running' &&
      !(execution.status === 'paused' && continuation !== undefined)
    ) {
      return undefined;
    }

    const parentResults: Record<string, ExecutionResult> = {};
    for (const parent of parents) {
      const result = execution.nodeResults[parent];
      if (result !== undefined) parentResults[parent] = result;
    }
    const inputData = assembleNodeInput(graph, nodeId, {
      initialData: execution.initialData,
      parentResults,
    });
    const policy = resolveRetryPolicy(node, this.#deps.config.defaultRetryPolicy);
    const continueOnFail = policy.continueOnFail || CompositeNodes.continueOnFail(node);
    const attempt = step.attemptsMade + 1;
    const started = Date.now();

    let outcome: Outcome;
    try {
      if (node.type === 'delay' && !step.data.resumeAfterDelay) {
        await this.#scheduleDelay(
          graph,
          context,
          nodeId,
          resolveDelayDuration(node.config ?? {}, started),
        );
        return undefined;
      }
      let result: ExecutionResult | undefined;
      if (node.type === 'sub-workflow' || node.type === 'map') {
        const run = { context, node, execution, inputData, generation: step.jobId };
        if (continuation === undefined) {
          this.#deps.events.emit('node:started', { executionId, workflowId, nodeId, attempt });
          result = await this.#composite.start(run);
        } else {
          result = await this.#composite.resume(run, continuation);
        }
        if (result === undefined) return undefined; // children still running; they report back
      } else {
        await this.#admit(node.type, executionId);
        this.#deps.events.emit('node:started', { executionId, workflowId, nodeId, attempt });
        result = await this.#execute(
          graph,
          step.data,
          {
            inputData,
            parentResults,
            depth: execution.depth,
            parentExecutionId: execution.parentExecutionId,
          },
          attempt,
        );
      }
      outcome = {
        result,
        resolution: resolveNodeEdges(graph, nodeId, result, { continueOnFail }),
      };
    } catch (thrown) {
      const error = toError(thrown);
      // Cancelled while it ran: the execution is over, there is nothing to record or retry.
      if (WorkflowError.isInstance(error) && error.code === 'EXECUTION_CANCELLED') return undefined;
      // Turned away (an open breaker, a rate limit): wait and try again without using an attempt.
      if (
        WorkflowError.isInstance(error) &&
        (error.code === 'CIRCUIT_BREAKER_OPEN' || error.code === 'RATE_LIMITED')
      ) {
        const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
        const delay = typeof retryAfterMs === 'number' ? retryAfterMs : 1_000;
        if (step.job === undefined || step.token === undefined) {
          await this.#requeue(graph, context, nodeId, { delay, attemptsMade: step.attemptsMade });
          return undefined;
        }
        await step.job.moveToDelayed(Date.now() + delay, step.token);
        throw new DelayedError();
      }
      this.#recordSpan(context, nodeId, attempt, started, error);
      if (isRetryableError(error) && attempt < policy.maxAttempts) {
        this.#deps.events.emit('node:retrying', {
          executionId,
          workflowId,
          nodeId,
          attempt,
          error: error.message,
        });
        if (step.job !== undefined) throw error; // BullMQ retries the job with its backoff
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
        },
      };
      outcome = {
        result,
        resolution: continueOnFail
          ? { kind: 'resolved', active: [...(graph.children.get(nodeId) ?? [])], inactive: [] }
          : { kind: 'failed' },
        error,
      };
    }
    if (!outcome.error) this.#recordSpan(context, nodeId, attempt, started);
    const next = await this.#finish(graph, context, nodeId, outcome, {
      jobId: step.jobId,
      attempt,
      inputData,
      durationMs: Date.now() - started,
      mayInline,
    });
    return next === undefined ? undefined : this.#inlineStep(context, next);
  }

  /** The step of a lone ready child, run next in the current job. */
  #inlineStep(context: ExecutionJobContext, nodeId: string): NodeStep {
    const data: NodeJobData = {
      executionId: context.executionId,
      workflowId: context.workflowId,
      workflowVersion: context.workflowVersion,
      nodeId,
    };
    if (context.priority !== undefined) data.priority = context.priority;
    return { data, attemptsMade: 0, jobId: nodeJobId(context.executionId, nodeId) };
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
        tag: `inline${options.attemptsMade}`,
        delay: Math.max(1, options.delay),
        attemptOffset: options.attemptsMade,
      }),
    ]);
  }

  /** Whether a ready child may run in its parent's job: ordinary executors without a rate limit. */
  #canInline(graph: CompiledWorkflow, nodeId: string): boolean {
    if (!this.#deps.config.inlineChains) return false;
    const type = getCompiledNode(graph, nodeId).type;
    return (
      !BUILT_IN_NODE_TYPES.includes(type) && this.#deps.registry.getRateLimit(type) === undefined
    );
  }

  /**
   * Records a node's final failure when its job failed outside the pipeline (a stalled job past its
   * limit, a store outage through every attempt).
   */
  async failFromQueue(job: Job<NodeJobData>, error: Error): Promise<void> {
    const { executionId, workflowId, workflowVersion, nodeId } = job.data;
    const { graph } = await this.#deps.catalog.version(workflowId, workflowVersion);
    const context: ExecutionJobContext = {
      executionId,
      workflowId,
      workflowVersion,
      priority: job.data.priority,
    };
    const result: ExecutionResult = {
      success: false,
      error: error.message,
      metadata: { attempts: job.attemptsMade },
    };
    await this.#finish(
      graph,
      context,
      nodeId,
      { result, resolution: { kind: 'failed' }, error },
      {
        jobId: String(job.id),
        attempt: job.attemptsMade,
        inputData: undefined,
        durationMs: 0,
        mayInline: false,
      },
    );
  }

  /**
   * Continues an execution from its stored results (a DLQ retry, a replay): skips what can no
   * longer run, and enqueues what can, under `tag` so finished jobs' ids are not reused.
   */
  async continueFrom(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeResults: Readonly<Record<string, ExecutionResult>>,
    tag: string,
  ): Promise<void> {
    await this.enqueueNodes(graph, context, findRunnableNodes(graph, nodeResults), tag);
    const skippable = findSkippableNodes(graph, nodeResults);
    if (skippable.length > 0) {
      await this.#dispatch(graph, context, {
        firstWrite: false,
        ready: [],
        skipped: skippable,
        held: [],
        status: 'running',
      });
    }
  }

  /**
   * Stores a result copied from another execution (a replay reuses what it does not re-run),
   * counting its edges as a real completion would, without enqueueing anything.
   */
  async copyResult(
    graph: CompiledWorkflow,
    executionId: string,
    nodeId: string,
    result: ExecutionResult,
  ): Promise<void> {
    const children = graph.children.get(nodeId) ?? [];
    await this.#deps.store.commitNodeOutcome({
      executionId,
      nodeId,
      result,
      resolution: 'resolved',
      edges: this.#edges(
        graph,
        nodeId,
        children.filter((child) => isEdgeActive(result, child)),
      ),
      totalNodes: graph.size,
    });
  }

  /** Enqueues the given nodes of an execution (entry nodes at start, held nodes at resume). */
  async enqueueNodes(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeIds: readonly string[],
    tag?: string,
  ): Promise<void> {
    if (nodeIds.length === 0) return;
    const defaultRetryPolicy = this.#deps.config.defaultRetryPolicy;
    await this.#deps.queues.addNodeJobs(
      nodeIds.map((id) => buildNodeJob(graph, context, id, { defaultRetryPolicy, tag })),
    );
  }

  /** Takes a start of the node type's rate limit, across every process; throws when none is left. */
  async #admit(type: string, executionId: string): Promise<void> {
    const limit = this.#deps.registry.getRateLimit(type);
    if (!limit) return;
    const decision = await this.#deps
      .rateLimiter()
      .tryAcquire(`${this.#deps.config.prefix}:${type}`, limit);
    if (!decision.allowed) {
      throw new RateLimitError(type, Math.max(1, Math.ceil(decision.retryAfterMs)), executionId);
    }
  }

  async #execute(
    graph: CompiledWorkflow,
    data: NodeJobData,
    inputs: {
      inputData: unknown;
      parentResults: Record<string, ExecutionResult>;
      depth: number;
      parentExecutionId: string | undefined;
    },
    attempt: number,
  ): Promise<ExecutionResult> {
    const { executionId, workflowId, nodeId } = data;
    const node = getCompiledNode(graph, nodeId);
    if (node.type === 'delay') return successResult(inputs.inputData);
    const executor = this.#deps.registry.get(node.type);
    if (!executor) throw new UnknownNodeTypeError(node.type, { nodeId, workflowId });
    const logger = createStoreNodeLogger(this.#deps.store, { executionId, nodeId }, (error) =>
      this.#deps.events.emit('error', { error: toError(error), context: 'node logger' }),
    );
    const cancel = new AbortController();
    let controllers = this.#running.get(executionId);
    if (!controllers) {
      controllers = new Set();
      this.#running.set(executionId, controllers);
    }
    controllers.add(cancel);
    try {
      return await this.breakers.execute(
        { type: node.type, config: node.circuitBreaker, nodeId, executionId, workflowId },
        () =>
          runAttempt({
            executor,
            timeoutMs: resolveNodeTimeout(node),
            cancelSignal: cancel.signal,
            context: {
              workflowId,
              executionId,
              nodeId,
              inputData: inputs.inputData,
              nodeConfig: { ...(node.config ?? {}) },
              previousResults: inputs.parentResults,
              parentExecutionId: inputs.parentExecutionId,
              depth: inputs.depth,
              attempt,
              idempotencyKey: `${executionId}:${nodeId}`,
              logger,
            },
          }),
      );
    } catch (error) {
      if (cancel.signal.aborted) throw new ExecutionCancelledError(executionId, nodeId);
      throw error;
    } finally {
      controllers.delete(cancel);
      if (controllers.size === 0) this.#running.delete(executionId);
    }
  }

  /**
   * Tells a child execution's parent that it ended: a continuation job of the parent node, whose id
   * names the child, so a repeated report is one job.
   */
  async notifyParent(child: Pick<ExecutionState, 'executionId' | 'metadata'>): Promise<void> {
    const link = readParentLink(child.metadata);
    if (!link) return;
    const { graph } = await this.#deps.catalog.version(link.workflowId, link.workflowVersion);
    await this.#deps.queues.addNodeJobs([
      buildNodeJob(
        graph,
        {
          executionId: link.executionId,
          workflowId: link.workflowId,
          workflowVersion: link.workflowVersion,
          priority: link.priority,
        },
        link.nodeId,
        {
          defaultRetryPolicy: this.#deps.config.defaultRetryPolicy,
          tag: `done.${child.executionId}`,
          childExecutionId: child.executionId,
        },
      ),
    ]);
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

  async #finish(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    outcome: Outcome,
    info: {
      jobId: string;
      attempt: number;
      inputData: unknown;
      durationMs: number;
      mayInline: boolean;
    },
  ): Promise<string | undefined> {
    const { store, events, queues } = this.#deps;
    const { executionId, workflowId } = context;
    const commit = await store.commitNodeOutcome({
      executionId,
      nodeId,
      result: outcome.result,
      resolution: outcome.resolution.kind,
      edges:
        outcome.resolution.kind === 'resolved'
          ? this.#edges(graph, nodeId, outcome.resolution.active)
          : [],
      totalNodes: graph.size,
      error: outcome.error ? `Node "${nodeId}" failed: ${outcome.error.message}` : undefined,
    });
    if (commit.firstWrite) {
      if (outcome.error) {
        events.emit('node:failed', {
          executionId,
          workflowId,
          nodeId,
          error: outcome.error.message,
          final: true,
        });
      } else {
        events.emit('node:completed', {
          executionId,
          workflowId,
          nodeId,
          durationMs: info.durationMs,
        });
      }
      if (outcome.resolution.kind === 'failed') {
        const input = await checkInPayload({
          store,
          executionId,
          value: info.inputData,
          threshold: this.#deps.config.payloadThreshold,
        });
        await queues.addDeadLetter({
          executionId,
          workflowId,
          workflowVersion: context.workflowVersion,
          nodeId,
          jobId: info.jobId,
          error: outcome.error?.message ?? 'failed',
          errorCode: WorkflowError.isInstance(outcome.error) ? outcome.error.code : undefined,
          attemptsMade: info.attempt,
          failedAt: new Date().toISOString(),
          ...('reference' in input
            ? { inputDataRef: input.reference }
            : { inputData: input.value }),
        });
      }
    }
    return this.#dispatch(graph, context, commit, info.mayInline);
  }

  /** Redelivery of a resolved node: re-derive what it made ready or skipped, and ensure it. */
  async #ensure(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    stored: ExecutionResult,
    mayInline: boolean,
  ): Promise<string | undefined> {
    const children = graph.children.get(nodeId) ?? [];
    const commit = await this.#deps.store.commitNodeOutcome({
      executionId: context.executionId,
      nodeId,
      result: stored,
      resolution: 'resolved',
      edges: this.#edges(
        graph,
        nodeId,
        children.filter((child) => isEdgeActive(stored, child)),
      ),
      totalNodes: graph.size,
    });
    return this.#dispatch(graph, context, commit, mayInline);
  }

  /**
   * Enqueues ready children (one bulk call) and propagates skips, reporting completion or failure.
   * With `mayInline`, a lone ready child that can run inline is returned instead of enqueued.
   */
  async #dispatch(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    first: NodeOutcomeCommitResult,
    mayInline = false,
  ): Promise<string | undefined> {
    const { store, events } = this.#deps;
    const { executionId, workflowId } = context;
    const ready = [...first.ready];
    const toSkip = [...first.skipped];
    const outcomes = [first];
    while (toSkip.length > 0) {
      const skipped = toSkip.shift() as string;
      const commit = await store.commitNodeOutcome({
        executionId,
        nodeId: skipped,
        result: skippedResult(),
        resolution: 'resolved',
        edges: this.#edges(graph, skipped, []),
        totalNodes: graph.size,
      });
      if (commit.firstWrite)
        events.emit('node:skipped', { executionId, workflowId, nodeId: skipped });
      ready.push(...commit.ready);
      toSkip.push(...commit.skipped);
      outcomes.push(commit);
    }
    const inline =
      mayInline && ready.length === 1 && this.#canInline(graph, ready[0] as string)
        ? ready.pop()
        : undefined;
    await this.enqueueNodes(graph, context, ready);
    for (const outcome of outcomes) {
      if (outcome.transitioned === undefined) continue;
      const ended = await store.getExecution(executionId, { nodeIds: [] });
      if (outcome.transitioned === 'completed')
        events.emit('execution:completed', { executionId, workflowId });
      else
        events.emit('execution:failed', {
          executionId,
          workflowId,
          error: ended?.error ?? 'failed',
        });
      if (ended?.parentExecutionId !== undefined) await this.notifyParent(ended);
    }
    return inline;
  }

  #edges(graph: CompiledWorkflow, nodeId: string, active: readonly string[]): EdgeCommit[] {
    const activeSet = new Set(active);
    return (graph.children.get(nodeId) ?? []).map((child) => ({
      child,
      active: activeSet.has(child),
      parentCount: graph.parents.get(child)?.length ?? 0,
    }));
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
