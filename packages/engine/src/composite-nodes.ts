import {
  applyMapping,
  collectWorkflowOutput,
  type ExecutionResult,
  type ExecutionState,
  type ExecutionStore,
  getPath,
  isTerminalStatus,
  MAX_SUBWORKFLOW_DEPTH,
  type NodeDefinition,
  NodeExecutionError,
  SubWorkflowDepthError,
  successResult,
  WorkflowError,
} from '@spane/core';
import type { EngineEvents } from './engine-events.ts';
import type { ExecutionJobContext } from './node-jobs.ts';
import {
  childExecutionId,
  PARENT_LINK_KEY,
  type ParentLink,
  readParentLink,
} from './parent-link.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** Config of a `sub-workflow` node (validated at registration). */
interface SubWorkflowConfig {
  workflowId: string;
  inputMapping?: Record<string, string> | undefined;
  outputMapping?: Record<string, string> | undefined;
  continueOnFail?: boolean | undefined;
}

/** Config of a `map` node: a sub-workflow per item of an array in the node's input. */
interface MapConfig extends SubWorkflowConfig {
  itemsPath?: string | undefined;
  concurrency?: number | undefined;
}

/** What a composite node's run works on. */
export interface CompositeRun {
  context: ExecutionJobContext;
  node: Readonly<NodeDefinition>;
  /** The parent execution (its depth matters). */
  execution: Pick<ExecutionState, 'depth' | 'status'>;
  inputData: unknown;
  /** The job id that started the node: children are derived from it. */
  generation: string;
}

/**
 * The built-in `sub-workflow` and `map` nodes. They hold no worker slot while children run: a run
 * starts child executions and returns; each child reports back when it ends (a continuation job of
 * the parent node), and the node's result is committed when every child it waits for has ended.
 * A run returns the node's result, or `undefined` while children are still running.
 */
export class CompositeNodes {
  readonly #store: ExecutionStore;
  readonly #catalog: WorkflowCatalog;
  readonly #events: EngineEvents;
  readonly #startEntryNodes: (execution: ExecutionState) => Promise<void>;
  readonly #cancel: (executionId: string) => Promise<unknown>;
  readonly #pause: (executionId: string) => Promise<unknown>;

  constructor(deps: {
    store: ExecutionStore;
    catalog: WorkflowCatalog;
    events: EngineEvents;
    /** Enqueues a new child's entry nodes. */
    startEntryNodes: (execution: ExecutionState) => Promise<void>;
    /** Cancels a child without reporting back (a failed `map` item stops its siblings). */
    cancel: (executionId: string) => Promise<unknown>;
    /** Pauses a child (a `map` item started while its parent is paused). */
    pause: (executionId: string) => Promise<unknown>;
  }) {
    this.#store = deps.store;
    this.#catalog = deps.catalog;
    this.#events = deps.events;
    this.#startEntryNodes = deps.startEntryNodes;
    this.#cancel = deps.cancel;
    this.#pause = deps.pause;
  }

  /** Whether a composite node may keep its edges active when it fails. */
  static continueOnFail(node: Readonly<NodeDefinition>): boolean {
    return (node.config as SubWorkflowConfig | undefined)?.continueOnFail === true;
  }

  /** First run of the node: start its children (or finish at once when there is nothing to run). */
  async start(run: CompositeRun): Promise<ExecutionResult | undefined> {
    const config = run.node.config as unknown as MapConfig;
    const depth = run.execution.depth + 1;
    if (depth > MAX_SUBWORKFLOW_DEPTH) {
      throw new SubWorkflowDepthError(config.workflowId, depth, MAX_SUBWORKFLOW_DEPTH);
    }
    if (run.node.type === 'sub-workflow') {
      const child = await this.#startChild(run, applyMapping(run.inputData, config.inputMapping));
      return isTerminalStatus(child.status)
        ? this.#finishSubWorkflow(run, child.executionId)
        : undefined;
    }
    const items = this.#items(run, config);
    if (items.length === 0) return successResult([], { metadata: { items: 0 } });
    const width = Math.min(items.length, config.concurrency ?? items.length);
    for (let index = 0; index < width; index++) {
      await this.#startChild(run, applyMapping(items[index], config.inputMapping), index);
    }
    return undefined;
  }

  /** A child ended: finish a sub-workflow node; for a map node, start the next item or finish. */
  async resume(run: CompositeRun, childId: string): Promise<ExecutionResult | undefined> {
    if (run.node.type === 'sub-workflow') return this.#finishSubWorkflow(run, childId);
    const config = run.node.config as unknown as MapConfig;
    const child = await this.#store.getExecution(childId, { nodeIds: [] });
    if (!child || !isTerminalStatus(child.status)) return undefined;
    const link = readParentLink(child.metadata);
    const index = link?.index ?? 0;
    const generation = link?.generation ?? run.generation;
    const items = this.#items(run, config);
    if (child.status !== 'completed' && !config.continueOnFail) {
      const siblings = await this.#itemExecutions({ ...run, generation }, items.length);
      // Report the item that failed, not a sibling this node cancelled because of it.
      const failed = child.status === 'failed' ? -1 : firstFailed(siblings);
      const culprit =
        failed >= 0
          ? { child: siblings[failed] as ExecutionState, index: failed }
          : { child, index };
      for (const sibling of siblings) {
        if (sibling && !isTerminalStatus(sibling.status)) await this.#cancel(sibling.executionId);
      }
      throw this.#childFailure(run, culprit.child, culprit.index);
    }
    const width = Math.min(items.length, config.concurrency ?? items.length);
    const next = index + width;
    if (next < items.length) {
      await this.#startChild(
        { ...run, generation },
        applyMapping(items[next], config.inputMapping),
        next,
      );
      return undefined;
    }
    return this.#collect({ ...run, generation }, config, items.length);
  }

  #items(run: CompositeRun, config: MapConfig): unknown[] {
    const items = config.itemsPath ? getPath(run.inputData, config.itemsPath) : run.inputData;
    if (!Array.isArray(items)) {
      throw new WorkflowError({
        message: `Map node "${run.node.id}" needs an array ${config.itemsPath ? `at "${config.itemsPath}" of` : 'as'} its input`,
        code: 'VALIDATION_ERROR',
        retryable: false,
        nodeId: run.node.id,
        executionId: run.context.executionId,
      });
    }
    return items;
  }

  /** Every item ended: the children's outputs in item order, failed items marked. */
  async #collect(
    run: CompositeRun,
    config: MapConfig,
    count: number,
  ): Promise<ExecutionResult | undefined> {
    const summaries = await this.#itemExecutions(run, count);
    if (summaries.some((child) => !child || !isTerminalStatus(child.status))) return undefined;
    const ended = summaries as ExecutionState[];
    if (!config.continueOnFail) {
      const bad = ended.findIndex((child) => child.status !== 'completed');
      if (bad >= 0) {
        const failed = firstFailed(ended);
        const index = failed >= 0 ? failed : bad;
        throw this.#childFailure(run, ended[index] as ExecutionState, index);
      }
    }
    const results: unknown[] = [];
    const failedItems: number[] = [];
    for (const [index, summary] of ended.entries()) {
      if (summary.status !== 'completed') {
        failedItems.push(index);
        results.push({ error: summary.error ?? `item ${index} was ${summary.status}` });
        continue;
      }
      const child = (await this.#store.getExecution(summary.executionId)) as ExecutionState;
      const { graph } = await this.#catalog.version(child.workflowId, child.workflowVersion);
      results.push(
        applyMapping(collectWorkflowOutput(graph, child.nodeResults), config.outputMapping),
      );
    }
    return successResult(results, { metadata: { items: count, failedItems } });
  }

  async #finishSubWorkflow(
    run: CompositeRun,
    childId: string,
  ): Promise<ExecutionResult | undefined> {
    const config = run.node.config as unknown as SubWorkflowConfig;
    const child = await this.#store.getExecution(childId);
    if (!child || !isTerminalStatus(child.status)) return undefined;
    if (child.status !== 'completed') throw this.#childFailure(run, child);
    const { graph } = await this.#catalog.version(child.workflowId, child.workflowVersion);
    return successResult(
      applyMapping(collectWorkflowOutput(graph, child.nodeResults), config.outputMapping),
      { metadata: { childExecutionId: child.executionId } },
    );
  }

  #childFailure(run: CompositeRun, child: ExecutionState, index?: number): Error {
    const which = index === undefined ? 'sub-workflow' : `item ${index}`;
    return new NodeExecutionError(
      run.node.id,
      run.context.executionId,
      `${which} (execution ${child.executionId}) ${child.status}${child.error ? `: ${child.error}` : ''}`,
      { retryable: false },
    );
  }

  #link(run: CompositeRun): ParentLink {
    return {
      executionId: run.context.executionId,
      workflowId: run.context.workflowId,
      workflowVersion: run.context.workflowVersion,
      nodeId: run.node.id,
      priority: run.context.priority,
      generation: run.generation,
      ...(run.context.trace === undefined ? {} : { trace: run.context.trace }),
    };
  }

  /** Creates (or finds, on redelivery) a child execution and enqueues its entry nodes. */
  async #startChild(
    run: CompositeRun,
    initialData: unknown,
    index?: number,
  ): Promise<ExecutionState> {
    const config = run.node.config as unknown as SubWorkflowConfig;
    const { version, graph } = await this.#catalog.latest(config.workflowId);
    const link: ParentLink = { ...this.#link(run), ...(index === undefined ? {} : { index }) };
    const { execution, created } = await this.#store.createExecution({
      executionId: childExecutionId(link),
      workflowId: config.workflowId,
      workflowVersion: version,
      initialData,
      status: 'running',
      parentExecutionId: run.context.executionId,
      parentNodeId: run.node.id,
      depth: run.execution.depth + 1,
      metadata: { [PARENT_LINK_KEY]: link },
    });
    if (run.execution.status === 'paused') {
      // Started while its parent is paused (a map item): paused at once, its entry nodes held, so
      // the resume cascade starts it with the rest.
      await this.#pause(execution.executionId);
      await this.#store.holdNodes(execution.executionId, graph.entryNodes);
      return execution;
    }
    if (created || (execution.status === 'running' && execution.resolvedCount === 0)) {
      await this.#startEntryNodes(execution);
      if (created) {
        const started = { executionId: execution.executionId, workflowId: config.workflowId };
        this.#events.emit('execution:enqueued', started);
        this.#events.emit('execution:started', started);
      }
      // A cancel or pause of the parent that listed its children just before this one existed:
      // the parent's status, read after the child was created, catches it up.
      const parent = await this.#store.getExecution(run.context.executionId, { nodeIds: [] });
      if (parent?.status === 'cancelled' || parent?.status === 'failed') {
        await this.#cancel(execution.executionId);
      } else if (parent?.status === 'paused') {
        await this.#pause(execution.executionId);
      }
    }
    return execution;
  }

  /** The executions of a map node's items (`null` for one not started yet), read at once. */
  #itemExecutions(run: CompositeRun, count: number): Promise<Array<ExecutionState | null>> {
    const link = this.#link(run);
    return Promise.all(
      Array.from({ length: count }, (_, index) =>
        this.#store.getExecution(childExecutionId({ ...link, index }), { nodeIds: [] }),
      ),
    );
  }
}

/** The first item (in item order) whose execution failed, or -1. */
function firstFailed(items: ReadonlyArray<ExecutionState | null>): number {
  return items.findIndex((item) => item?.status === 'failed');
}
