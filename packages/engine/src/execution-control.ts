import {
  type ExecutionStatus,
  type ExecutionStore,
  type ExecutionSummary,
  getCompiledNode,
  isTerminalStatus,
  type RetryPolicy,
  resolveRetryPolicy,
  setOwn,
} from '@spane/core';
import { type EngineQueue, nodeJobTags } from '@spane/queue';
import type { EngineEvents } from './engine-events.ts';
import type { OutcomeDispatcher } from './outcome-dispatcher.ts';
import { readParentLink } from './parent-link.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

const LIVE: readonly ExecutionStatus[] = ['pending', 'running', 'paused'];

/**
 * Pause, resume and cancel, each reaching every descendant (sub-workflows and map items).
 * Terminal executions never change.
 */
export class ExecutionControl {
  readonly #store: ExecutionStore;
  readonly #queues: EngineQueue;
  readonly #catalog: WorkflowCatalog;
  readonly #outcomes: OutcomeDispatcher;
  /** The executors of this process, whose signals a cancel aborts. */
  readonly #runner: { abortExecution(executionId: string): void };
  readonly #events: EngineEvents;
  /** Tells every engine process to abort the executors of a cancelled execution. */
  readonly #broadcastCancel: (executionId: string) => Promise<void>;
  readonly #retryDefaults: RetryPolicy;

  constructor(deps: {
    store: ExecutionStore;
    queues: EngineQueue;
    catalog: WorkflowCatalog;
    outcomes: OutcomeDispatcher;
    /** The executors of this process, whose signals a cancel aborts. */
    runner: { abortExecution(executionId: string): void };
    events: EngineEvents;
    broadcastCancel: (executionId: string) => Promise<void>;
    config: { defaultRetryPolicy: RetryPolicy };
  }) {
    this.#store = deps.store;
    this.#queues = deps.queues;
    this.#catalog = deps.catalog;
    this.#outcomes = deps.outcomes;
    this.#runner = deps.runner;
    this.#events = deps.events;
    this.#broadcastCancel = deps.broadcastCancel;
    this.#retryDefaults = deps.config.defaultRetryPolicy;
  }

  /**
   * Pauses a running execution: running nodes finish and record, nothing new starts until
   * {@link ExecutionControl.resume}. Returns false when it was not running.
   */
  async pause(executionId: string): Promise<boolean> {
    const change = await this.#store.setExecutionStatus(executionId, 'paused', {
      from: ['running'],
    });
    for (const child of await this.#children(executionId, ['running'])) {
      await this.pause(child.executionId);
    }
    if (change.changed) {
      this.#events.emit('execution:paused', {
        executionId,
        workflowId: await this.#workflowOf(executionId),
      });
    }
    return change.changed;
  }

  /** Resumes a paused execution: exactly the nodes held while paused start. */
  async resume(executionId: string): Promise<boolean> {
    const resumed = await this.#store.resumeExecution(executionId);
    if (resumed.changed) {
      const execution = await this.#store.getExecution(executionId, { nodeIds: [] });
      if (execution) {
        const { graph } = await this.#catalog.version(
          execution.workflowId,
          execution.workflowVersion,
        );
        const held = [...new Set(resumed.held)];
        try {
          await this.#outcomes.enqueueNodes(
            graph,
            {
              executionId,
              workflowId: execution.workflowId,
              workflowVersion: execution.workflowVersion,
              priority:
                typeof execution.metadata.priority === 'number'
                  ? execution.metadata.priority
                  : readParentLink(execution.metadata)?.priority,
            },
            held,
            nodeJobTags.resume(Date.now()),
          );
        } catch (error) {
          // The queue refused (Redis down): paused again with the same nodes held, so the caller
          // can resume again rather than lose them.
          await this.#store.setExecutionStatus(executionId, 'paused', { from: ['running'] });
          await this.#store.holdNodes(executionId, held);
          throw error;
        }
        this.#events.emit('execution:resumed', { executionId, workflowId: execution.workflowId });
      }
    }
    for (const child of await this.#children(executionId, ['paused'])) {
      await this.resume(child.executionId);
    }
    return resumed.changed;
  }

  /**
   * Cancels an execution and its descendants: nothing new starts, running executors see their
   * signal aborted (in every process), waiting and delayed jobs are removed. Returns false when it
   * had already ended.
   */
  async cancel(
    executionId: string,
    options: { notifyParent?: boolean | undefined } = {},
  ): Promise<boolean> {
    const change = await this.#store.setExecutionStatus(executionId, 'cancelled', { from: LIVE });
    if (!change.changed) return false;
    this.#runner.abortExecution(executionId);
    await this.#broadcastCancel(executionId);
    const execution = await this.#store.getExecution(executionId, { nodeIds: [] });
    if (execution) {
      const { graph } = await this.#catalog.version(
        execution.workflowId,
        execution.workflowVersion,
      );
      // Every job the execution can have that is known (its nodes' own, a delay's wait, inline
      // retries, its children's reports: see the queue's job-id module) and its start.
      await this.#queues.removeExecutionJobs({
        executionId,
        nodes: graph.nodeIds.map((nodeId) => ({
          nodeId,
          maxAttempts: resolveRetryPolicy(getCompiledNode(graph, nodeId), this.#retryDefaults)
            .maxAttempts,
        })),
        children: await this.#children(executionId),
      });
      this.#events.emit('execution:cancelled', { executionId, workflowId: execution.workflowId });
    }
    for (const child of await this.#children(executionId, LIVE)) {
      await this.cancel(child.executionId, { notifyParent: false });
    }
    // A child cancelled on its own fails its parent's node (unless it continues on failure).
    if (execution?.parentExecutionId !== undefined && options.notifyParent !== false) {
      const parent = await this.#store.getExecution(execution.parentExecutionId, { nodeIds: [] });
      if (parent && !isTerminalStatus(parent.status)) await this.#outcomes.notifyParent(execution);
    }
    return true;
  }

  /** Runs an operation on many executions; returns, per id, whether it changed anything. */
  async bulk(
    executionIds: readonly string[],
    operation: (executionId: string) => Promise<boolean>,
  ): Promise<Record<string, boolean>> {
    const outcome: Record<string, boolean> = {};
    for (const id of executionIds) setOwn(outcome, id, await operation(id));
    return outcome;
  }

  async #children(
    executionId: string,
    status?: readonly ExecutionStatus[],
  ): Promise<ExecutionSummary[]> {
    const children: ExecutionSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.listExecutions({
        parentExecutionId: executionId,
        status,
        limit: 500,
        cursor,
      });
      children.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return children;
  }

  async #workflowOf(executionId: string): Promise<string> {
    return (await this.#store.getExecution(executionId, { nodeIds: [] }))?.workflowId ?? '';
  }
}
