import {
  BUILT_IN_NODE_TYPES,
  type CompiledWorkflow,
  type ExecutionResult,
  type ExecutionState,
  type ExecutionStore,
  findRunnableNodes,
  findSkippableNodes,
  getCompiledNode,
  isEdgeActive,
  type NodeRegistry,
  type NodeResolution,
  skippedResult,
  WorkflowError,
} from '@spane/core';
import type { EdgeCommit, NodeOutcomeCommitResult } from '@spane/core/store';
import { type EngineQueue, nodeJobTags } from '@spane/queue';
import type { ResolvedEngineConfig } from './engine-config.ts';
import type { EngineEvents } from './engine-events.ts';
import { buildNodeJob, type ExecutionJobContext } from './node-jobs.ts';
import { readParentLink } from './parent-link.ts';
import { checkInPayload } from './payload-claims.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** What {@link OutcomeDispatcher} needs. */
export interface OutcomeDispatcherDeps {
  store: ExecutionStore;
  registry: NodeRegistry;
  catalog: WorkflowCatalog;
  queues: EngineQueue;
  events: EngineEvents;
  config: ResolvedEngineConfig;
}

/** Marks, in a result's metadata, a failure that failed the execution (not a `continueOnFail` one). */
export const HARD_FAILURE = 'failedExecution';

/** Descendants a redelivered job re-ensures at most. */
const MAX_RECOVERY_WALK = 256;

/** A node's outcome: its result, how its edges resolve, and the error when it failed. */
export type Outcome = { result: ExecutionResult; resolution: NodeResolution; error?: Error };

/**
 * Commits node outcomes and acts on what they decide: enqueues ready children in one bulk call,
 * propagates skips, reports completion or failure (and to a parent execution), and records final
 * failures in the dead-letter queue. Also the recovery paths' entry points (continue, copy).
 */
export class OutcomeDispatcher {
  readonly #deps: OutcomeDispatcherDeps;

  constructor(deps: OutcomeDispatcherDeps) {
    this.#deps = deps;
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
    // Other nodes that failed the execution stay failed (their own DLQ items retry them): nothing
    // below them runs or is skipped yet.
    const failedNodes = new Set(
      Object.entries(nodeResults)
        .filter(([, result]) => result.metadata?.[HARD_FAILURE] === true)
        .map(([id]) => id),
    );
    await this.enqueueNodes(
      graph,
      context,
      findRunnableNodes(graph, nodeResults, { failedNodes }),
      tag,
    );
    const skippable = findSkippableNodes(graph, nodeResults, { failedNodes });
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
    await this.#commitStored(graph, executionId, nodeId, result);
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
          trace: link.trace,
        },
        link.nodeId,
        {
          defaultRetryPolicy: this.#deps.config.defaultRetryPolicy,
          tag: nodeJobTags.childDone(child.executionId),
          childExecutionId: child.executionId,
        },
      ),
    ]);
  }

  /** Commits a node's outcome; returns the lone ready child to run inline, when allowed. */
  async finish(
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
    const { store, events } = this.#deps;
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
      const nodeType = graph.nodes.get(nodeId)?.type ?? 'unknown';
      if (outcome.error) {
        events.emit('node:failed', {
          executionId,
          workflowId,
          nodeId,
          nodeType,
          error: outcome.error.message,
          final: true,
          attempt: info.attempt,
          durationMs: info.durationMs,
          deadLettered: outcome.resolution.kind === 'failed',
        });
      } else {
        events.emit('node:completed', {
          executionId,
          workflowId,
          nodeId,
          nodeType,
          attempt: info.attempt,
          durationMs: info.durationMs,
        });
      }
      if (outcome.resolution.kind === 'failed') {
        await this.deadLetter(context, nodeId, outcome.result, info, outcome.error);
      }
    }
    // Only the commit that stored the result runs the child inline: a losing duplicate enqueues
    // (job ids de-duplicate) rather than run the child alongside the winner.
    return this.#dispatch(graph, context, commit, info.mayInline && commit.firstWrite);
  }

  /** Puts a node's final failure in the dead-letter queue; its id is the job's, so once per job. */
  async deadLetter(
    context: ExecutionJobContext,
    nodeId: string,
    result: ExecutionResult,
    info: { jobId: string; attempt: number; inputData: unknown },
    error?: Error,
  ): Promise<void> {
    const input = await checkInPayload({
      store: this.#deps.store,
      executionId: context.executionId,
      value: info.inputData,
      threshold: this.#deps.config.payloadThreshold,
    });
    const code = WorkflowError.isInstance(error) ? error.code : result.metadata?.code;
    await this.#deps.queues.addDeadLetter({
      executionId: context.executionId,
      workflowId: context.workflowId,
      workflowVersion: context.workflowVersion,
      nodeId,
      jobId: info.jobId,
      error: error?.message ?? result.error ?? 'failed',
      errorCode: typeof code === 'string' ? code : undefined,
      attemptsMade: info.attempt,
      failedAt: new Date().toISOString(),
      ...('reference' in input ? { inputDataRef: input.reference } : { inputData: input.value }),
    });
  }

  /**
   * Redelivery of a resolved node: re-ensures what it made ready or skipped, then walks on through
   * descendants that already have results (a chain run inline, a run of skips) whose own follow-up
   * may have been lost with the crashed worker. Bounded, and only on this recovery path.
   */
  async ensureFrom(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    stored: ExecutionResult,
  ): Promise<void> {
    const seen = new Set([nodeId]);
    const queue: Array<[string, ExecutionResult]> = [[nodeId, stored]];
    for (let budget = MAX_RECOVERY_WALK; queue.length > 0 && budget > 0; budget--) {
      const [id, result] = queue.shift() as [string, ExecutionResult];
      await this.#ensure(graph, context, id, result);
      const next = (graph.children.get(id) ?? []).filter((child) => !seen.has(child));
      if (next.length === 0) continue;
      const results = await this.#deps.store.getNodeResults(context.executionId, next);
      for (const [child, childResult] of Object.entries(results)) {
        seen.add(child);
        queue.push([child, childResult]);
      }
    }
  }

  /** Re-derives what a resolved node made ready or skipped, and ensures it. */
  async #ensure(
    graph: CompiledWorkflow,
    context: ExecutionJobContext,
    nodeId: string,
    stored: ExecutionResult,
  ): Promise<void> {
    // A hard failure made nothing ready (and may be being reopened by a DLQ retry right now).
    if (stored.metadata?.[HARD_FAILURE] === true) return;
    const commit = await this.#commitStored(graph, context.executionId, nodeId, stored);
    await this.#dispatch(graph, context, commit);
  }

  /** Commits a result that is already known (stored, or copied) as resolved, with its edges. */
  #commitStored(
    graph: CompiledWorkflow,
    executionId: string,
    nodeId: string,
    result: ExecutionResult,
  ): Promise<NodeOutcomeCommitResult> {
    const active = (graph.children.get(nodeId) ?? []).filter((child) =>
      isEdgeActive(result, child),
    );
    return this.#deps.store.commitNodeOutcome({
      executionId,
      nodeId,
      result,
      resolution: 'resolved',
      edges: this.#edges(graph, nodeId, active),
      totalNodes: graph.size,
    });
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
        events.emit('node:skipped', {
          executionId,
          workflowId,
          nodeId: skipped,
          nodeType: graph.nodes.get(skipped)?.type ?? 'unknown',
        });
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
      // Read the ended execution only when something needs it: the failure's text, or a parent to
      // report to (a root execution that completes costs no extra read).
      const ended =
        outcome.transitioned === 'failed' || context.parentExecutionId !== null
          ? await store.getExecution(executionId, { nodeIds: [] })
          : undefined;
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

  /** Whether a ready child may run in its parent's job: ordinary executors without a rate limit. */
  #canInline(graph: CompiledWorkflow, nodeId: string): boolean {
    if (!this.#deps.config.inlineChains) return false;
    const type = getCompiledNode(graph, nodeId).type;
    return (
      !BUILT_IN_NODE_TYPES.includes(type) && this.#deps.registry.getRateLimit(type) === undefined
    );
  }

  #edges(graph: CompiledWorkflow, nodeId: string, active: readonly string[]): EdgeCommit[] {
    const activeSet = new Set(active);
    return (graph.children.get(nodeId) ?? []).map((child) => ({
      child,
      active: activeSet.has(child),
      parentCount: graph.parents.get(child)?.length ?? 0,
    }));
  }
}
