import {
  ExecutionNotFoundError,
  type ExecutionStore,
  setOwn,
  storedResult,
  WorkflowError,
} from '@spane/core';
import { nodeJobTags } from '@spane/queue';
import type { EngineEvents } from './engine-events.ts';
import type { OutcomeDispatcher } from './outcome-dispatcher.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** Replays: a new execution of an old one's version and data, optionally reusing results. */
export class ExecutionReplayer {
  readonly #store: ExecutionStore;
  readonly #catalog: WorkflowCatalog;
  readonly #outcomes: OutcomeDispatcher;
  readonly #events: EngineEvents;

  constructor(deps: {
    store: ExecutionStore;
    catalog: WorkflowCatalog;
    outcomes: OutcomeDispatcher;
    events: EngineEvents;
  }) {
    this.#store = deps.store;
    this.#catalog = deps.catalog;
    this.#outcomes = deps.outcomes;
    this.#events = deps.events;
  }

  async replay(executionId: string, options: { fromNodeId?: string | undefined }): Promise<string> {
    const original = await this.#store.getExecution(executionId);
    if (!original) throw new ExecutionNotFoundError(executionId);
    const { graph } = await this.#catalog.version(original.workflowId, original.workflowVersion);
    const from = options.fromNodeId;
    if (from !== undefined && !graph.nodes.has(from)) {
      throw new WorkflowError({
        message: `Workflow "${original.workflowId}" has no node "${from}" to replay from`,
        code: 'VALIDATION_ERROR',
        retryable: false,
        workflowId: original.workflowId,
        executionId,
      });
    }
    const { execution } = await this.#store.createExecution({
      workflowId: original.workflowId,
      workflowVersion: original.workflowVersion,
      initialData: original.initialData,
      status: 'running',
      metadata: { replayOf: executionId, ...(from === undefined ? {} : { replayFromNode: from }) },
    });
    const context = {
      executionId: execution.executionId,
      workflowId: original.workflowId,
      workflowVersion: original.workflowVersion,
    };
    const rerun = new Set<string>();
    if (from !== undefined) {
      const stack = [from];
      while (stack.length > 0) {
        const id = stack.pop() as string;
        if (rerun.has(id)) continue;
        rerun.add(id);
        stack.push(...(graph.children.get(id) ?? []));
      }
    }
    // Reuse, in topological order, every resolved result outside the re-run set.
    const reused: typeof original.nodeResults = {};
    if (from !== undefined) {
      for (const id of graph.topologicalOrder) {
        const result = storedResult(original.nodeResults, id);
        if (rerun.has(id) || result === undefined || (!result.success && !result.skipped)) continue;
        if (
          !(graph.parents.get(id) ?? []).every(
            (parent) => storedResult(reused, parent) !== undefined,
          )
        )
          continue;
        await this.#outcomes.copyResult(graph, execution.executionId, id, result);
        setOwn(reused, id, result);
      }
    }
    const started = { executionId: execution.executionId, workflowId: original.workflowId };
    this.#events.emit('execution:enqueued', started);
    this.#events.emit('execution:started', started);
    await this.#outcomes.continueFrom(graph, context, reused, nodeJobTags.replay);
    return execution.executionId;
  }
}
