/**
 * The recovery sweep: the safety net for executions left running or pending with no work in the
 * queues (a process killed between storing an execution or a node result and queueing what came
 * next, jobs lost with a queue server's data, jobs removed by hand). It re-enqueues each orphan's
 * ready nodes under a tag derived from the execution's version, so sweeps racing in several
 * processes add one job, never two.
 * @module
 */
import {
  type ExecutionStore,
  findRunnableNodes,
  getCompiledNode,
  isTerminalStatus,
  toError,
} from '@spane/core';
import { nodeJobTags, type WorkflowQueues } from '@spane/queue';
import type { EngineEvents } from './engine-events.ts';
import type { ExecutionJobContext } from './node-jobs.ts';
import type { OutcomeDispatcher } from './outcome-dispatcher.ts';
import { hasChild, hasLiveChild, listQuietExecutions, readLiveWork } from './quiet-executions.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** An execution the sweep put back to work. */
export interface RecoveredExecution {
  executionId: string;
  workflowId: string;
  /** The nodes enqueued again. */
  nodeIds: string[];
}

/** What a {@link RecoverySweep} reads and acts through. */
export interface RecoverySweepDeps {
  store: ExecutionStore;
  queues: WorkflowQueues;
  catalog: WorkflowCatalog;
  outcomes: OutcomeDispatcher;
  events: EngineEvents;
  /** How long an execution must have been unchanged before it can count as orphaned, in ms. */
  quietMs: number;
}

/** Finds orphaned executions and enqueues their ready nodes again. */
export class RecoverySweep {
  readonly #deps: RecoverySweepDeps;
  #running: Promise<RecoveredExecution[]> | undefined;

  constructor(deps: RecoverySweepDeps) {
    this.#deps = deps;
  }

  /** Runs one sweep (one at a time: concurrent callers share it); returns what it recovered. */
  run(options: { quietMs?: number | undefined } = {}): Promise<RecoveredExecution[]> {
    this.#running ??= this.#run(options.quietMs ?? this.#deps.quietMs).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(quietMs: number): Promise<RecoveredExecution[]> {
    const { store, queues } = this.#deps;
    // Unchanged for at least `quietMs` (`updatedBefore` is exclusive).
    const quiet = await listQuietExecutions(store, new Date(Date.now() - quietMs + 1));
    if (quiet.length === 0) return [];
    // Read after the executions: a job that ends in between leaves a changed execution behind,
    // which the version check below skips.
    const live = await readLiveWork(queues);
    if (!live.complete) return []; // too many jobs to be sure of any orphan
    let orphans = quiet.filter((summary) => !live.byExecution.has(summary.executionId));
    if (orphans.length === 0) return [];
    // A job moving backwards between two state reads (active → delayed for a retry's backoff,
    // active → waiting when stalled) can escape one read: only what a second read misses too counts.
    const again = await readLiveWork(queues);
    if (!again.complete) return [];
    orphans = orphans.filter((summary) => !again.byExecution.has(summary.executionId));
    const recovered: RecoveredExecution[] = [];
    for (const summary of orphans) {
      try {
        const done = await this.#recover(summary.executionId, summary.version);
        if (done) recovered.push(done);
      } catch (error) {
        this.#deps.events.emit('error', {
          error: toError(error),
          context: `recovering execution ${summary.executionId}`,
        });
      }
    }
    return recovered;
  }

  /** Re-enqueues an orphan's ready nodes, unless it changed since it was listed. */
  async #recover(
    executionId: string,
    listedVersion: number,
  ): Promise<RecoveredExecution | undefined> {
    const { store, catalog, outcomes, events } = this.#deps;
    if (await hasLiveChild(store, executionId)) return undefined;
    let execution = await store.getExecution(executionId);
    if (!execution || execution.version !== listedVersion || isTerminalStatus(execution.status))
      return undefined;
    if (execution.status === 'pending') {
      // Its start job is gone: start it here, as the start job would have.
      const change = await store.setExecutionStatus(executionId, 'running', { from: ['pending'] });
      if (!change.changed) return undefined;
      events.emit('execution:started', { executionId, workflowId: execution.workflowId });
      execution = await store.getExecution(executionId);
      if (!execution) return undefined;
    }
    if (execution.status !== 'running') return undefined;
    const { graph } = await catalog.version(execution.workflowId, execution.workflowVersion);
    const priority = execution.metadata.priority;
    const context: ExecutionJobContext = {
      executionId,
      workflowId: execution.workflowId,
      workflowVersion: execution.workflowVersion,
      ...(typeof priority === 'number' ? { priority } : {}),
      parentExecutionId: execution.parentExecutionId ?? null,
    };
    const nodeIds = findRunnableNodes(graph, execution.nodeResults);
    // A sub-workflow or map node whose children already started must be continued by their
    // report, not started afresh (that would run its children again): left to stuck detection.
    const composite = nodeIds.some((id) => {
      const type = getCompiledNode(graph, id).type;
      return type === 'sub-workflow' || type === 'map';
    });
    if (composite && (await hasChild(store, executionId))) return undefined;
    await outcomes.continueFrom(
      graph,
      context,
      execution.nodeResults,
      nodeJobTags.recovery(execution.version),
    );
    events.emit('execution:recovered', { executionId, workflowId: execution.workflowId, nodeIds });
    return { executionId, workflowId: execution.workflowId, nodeIds };
  }
}
