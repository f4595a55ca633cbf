import {
  assembleNodeInput,
  type CompiledWorkflow,
  ConfigurationError,
  type EdgeCommit,
  type ExecutionResult,
  type ExecutionStore,
  getCompiledNode,
  isEdgeActive,
  isRetryableError,
  type NodeOutcomeCommitResult,
  type NodeRegistry,
  type NodeResolution,
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
import type { Job, NodeJobData, WorkflowQueues } from '@spane/queue';
import type { ResolvedEngineConfig } from './engine-config.ts';
import type { EngineEvents } from './engine-events.ts';
import { runAttempt } from './node-attempt.ts';
import { buildNodeJob, type ExecutionJobContext } from './node-jobs.ts';
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
}

type Outcome = { result: ExecutionResult; resolution: NodeResolution; error?: Error };

/**
 * Runs node jobs: loads the node's inputs, runs its executor (or built-in), commits the outcome
 * atomically, and enqueues what became ready. A node that already has a result is never run again,
 * but what it made ready is ensured, so a redelivered job heals a crash between commit and enqueue.
 */
export class NodePipeline {
  readonly #deps: NodePipelineDeps;

  constructor(deps: NodePipelineDeps) {
    this.#deps = deps;
  }

  /** The BullMQ processor of the node queue. */
  async process(job: Job<NodeJobData>): Promise<void> {
    const { store, catalog } = this.#deps;
    const { executionId, workflowId, workflowVersion, nodeId } = job.data;
    const { graph } = await catalog.version(workflowId, workflowVersion);
    const node = getCompiledNode(graph, nodeId);
    const parents = graph.parents.get(nodeId) ?? [];
    const execution = await store.getExecution(executionId, { nodeIds: [nodeId, ...parents] });
    if (!execution) return;
    const context: ExecutionJobContext = {
      executionId,
      workflowId,
      workflowVersion,
      priority: job.data.priority,
    };

    const existing = execution.nodeResults[nodeId];
    if (existing !== undefined) {
      await this.#ensure(graph, context, nodeId, existing);
      return;
    }
    if (execution.status === 'paused') {
      if (await store.holdNodes(executionId, [nodeId])) return;
      const now = await store.getExecution(executionId, { nodeIds: [] });
      if (now?.status !== 'running') return;
    } else if (execution.status !== 'running') {
      return;
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
    const attempt = job.attemptsMade + 1;
    const started = Date.now();

    let outcome: Outcome;
    try {
      if (node.type === 'delay' && !job.data.resumeAfterDelay) {
        await this.#scheduleDelay(
          graph,
          context,
          nodeId,
          resolveDelayDuration(node.config ?? {}, started),
        );
        return;
      }
      this.#deps.events.emit('node:started', { executionId, workflowId, nodeId, attempt });
      const result = await this.#execute(
        graph,
        job,
        {
          inputData,
          parentResults,
          depth: execution.depth,
          parentExecutionId: execution.parentExecutionId,
        },
        attempt,
      );
      outcome = {
        result,
        resolution: resolveNodeEdges(graph, nodeId, result, {
          continueOnFail: policy.continueOnFail,
        }),
      };
    } catch (thrown) {
      const error = toError(thrown);
      this.#recordSpan(context, nodeId, attempt, started, error);
      if (isRetryableError(error) && attempt < policy.maxAttempts) {
        this.#deps.events.emit('node:retrying', {
          executionId,
          workflowId,
          nodeId,
          attempt,
          error: error.message,
        });
        throw error;
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
        resolution: policy.continueOnFail
          ? { kind: 'resolved', active: [...(graph.children.get(nodeId) ?? [])], inactive: [] }
          : { kind: 'failed' },
        error,
      };
    }
    if (!outcome.error) this.#recordSpan(context, nodeId, attempt, started);
    await this.#finish(graph, context, nodeId, outcome, {
      job,
      attempt,
      inputData,
      durationMs: Date.now() - started,
    });
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
        job,
        attempt: job.attemptsMade,
        inputData: undefined,
        durationMs: 0,
      },
    );
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

  async #execute(
    graph: CompiledWorkflow,
    job: Job<NodeJobData>,
    inputs: {
      inputData: unknown;
      parentResults: Record<string, ExecutionResult>;
      depth: number;
      parentExecutionId: string | undefined;
    },
    attempt: number,
  ): Promise<ExecutionResult> {
    const { executionId, workflowId, nodeId } = job.data;
    const node = getCompiledNode(graph, nodeId);
    if (node.type === 'delay') return successResult(inputs.inputData);
    if (node.type === 'sub-workflow' || node.type === 'map') {
      throw new ConfigurationError(
        `The built-in node type "${node.type}" is not supported by this engine version`,
        {
          nodeId,
          workflowId,
        },
      );
    }
    const executor = this.#deps.registry.get(node.type);
    if (!executor) throw new UnknownNodeTypeError(node.type, { nodeId, workflowId });
    const logger = createStoreNodeLogger(this.#deps.store, { executionId, nodeId }, (error) =>
      this.#deps.events.emit('error', { error: toError(error), context: 'node logger' }),
    );
    return runAttempt({
      executor,
      timeoutMs: resolveNodeTimeout(node),
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
    });
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
    info: { job: Job<NodeJobData>; attempt: number; inputData: unknown; durationMs: number },
  ): Promise<void> {
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
        await queues.addDeadLetter({
          executionId,
          workflowId,
          workflowVersion: context.workflowVersion,
          nodeId,
          jobId: info.job.id ?? '',
          error: outcome.error?.message ?? 'failed',
          errorCode: WorkflowError.isInstance(outcome.error) ? outcome.error.code : undefined,
          attemptsMade: info.attempt,
          failedAt: new Date().toISOString(),
          inputData: info.inputData,
        });
      }
    }
    await this.#dispatch(graph, context, commit);
  }

  /** Redelivery of a resolved node: re-derive what it made ready or skipped, and ensure it. */
  async #ensure(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    stored: ExecutionResult,
  ): Promise<void> {
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
    await this.#dispatch(graph, context, commit);
  }

  /** Enqueues ready children (one bulk call) and propagates skips, reporting completion or failure. */
  async #dispatch(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    first: NodeOutcomeCommitResult,
  ): Promise<void> {
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
    await this.enqueueNodes(graph, context, ready);
    for (const outcome of outcomes) {
      if (outcome.transitioned === 'completed')
        events.emit('execution:completed', { executionId, workflowId });
      if (outcome.transitioned === 'failed') {
        const failed = await store.getExecution(executionId, { nodeIds: [] });
        events.emit('execution:failed', {
          executionId,
          workflowId,
          error: failed?.error ?? 'failed',
        });
      }
    }
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
