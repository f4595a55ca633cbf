/**
 * Stuck-run detection: executions running or pending with no node progress for longer than their
 * workflow's `stuckAfter`, or with a node active far past its timeout. Each episode is raised once
 * as `execution:stuck`, and forgotten when the execution moves.
 * @module
 */
import {
  DEFAULT_STUCK_AFTER_MS,
  type ExecutionStore,
  type ExecutionSummary,
  resolveNodeTimeout,
  type WorkflowDefinition,
} from '@spane/core';
import type { WorkflowQueues } from '@spane/queue';
import type { EngineEvents } from './engine-events.ts';
import { hasLiveChild, listQuietExecutions, readLiveWork } from './quiet-executions.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** An execution that `WorkflowEngine.findStuckExecutions` counts as stuck. */
export interface StuckExecution {
  executionId: string;
  workflowId: string;
  status: 'running' | 'pending';
  /** `no-progress`: nothing changed for longer than `stuckAfter`; `node-overdue`: a node ran far past its timeout. */
  reason: 'no-progress' | 'node-overdue';
  /** Since when nothing moved: the execution's last change, or the overdue node's attempt start. */
  since: Date;
  /** The limit it went past, in ms: the workflow's `stuckAfter`, or the node's timeout plus the grace. */
  limitMs: number;
  /** The overdue node (`node-overdue` only). */
  nodeId?: string | undefined;
}

/** What a {@link StuckDetector} reads and reports through. */
export interface StuckDetectorDeps {
  store: ExecutionStore;
  queues: WorkflowQueues;
  catalog: WorkflowCatalog;
  events: EngineEvents;
  /** How far past its timeout an active node may run before its execution counts as stuck, in ms. */
  nodeGraceMs: number;
}

/** Episodes remembered at most (one per stuck execution). */
const MAX_EPISODES = 50_000;

/** Finds stuck executions and raises `execution:stuck` once per episode. */
export class StuckDetector {
  readonly #deps: StuckDetectorDeps;
  /** Stuck executions already reported, with the mark of their episode. */
  readonly #episodes = new Map<string, string>();
  #running: Promise<StuckExecution[]> | undefined;
  /** The check queued behind the running one, shared by every caller that came meanwhile. */
  #next: Promise<StuckExecution[]> | undefined;

  constructor(deps: StuckDetectorDeps) {
    this.#deps = deps;
  }

  /**
   * The executions stuck now. One check at a time: a caller that comes while a check runs gets the
   * next one (shared with the others who came meanwhile), never the running one, which may have
   * read the executions before a change the caller has already seen.
   */
  find(): Promise<StuckExecution[]> {
    if (this.#running === undefined) return this.#start();
    this.#next ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined;
        return this.#start();
      });
    return this.#next;
  }

  #start(): Promise<StuckExecution[]> {
    const run: Promise<StuckExecution[]> = this.#find().finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #find(): Promise<StuckExecution[]> {
    const now = Date.now();
    const stuck = new Map<string, StuckExecution>();
    for (const found of await this.#overdueNodes(now)) stuck.set(found.executionId, found);
    for (const found of await this.#noProgress(now)) {
      if (!stuck.has(found.executionId)) stuck.set(found.executionId, found);
    }
    this.#report([...stuck.values()]);
    return [...stuck.values()].sort((a, b) => a.since.getTime() - b.since.getTime());
  }

  /** Running or pending executions quiet for longer than their workflow's `stuckAfter`. */
  async #noProgress(now: number): Promise<StuckExecution[]> {
    const { store, queues } = this.#deps;
    const floor = await this.#smallestStuckAfter();
    const quiet = await listQuietExecutions(store, new Date(now - floor));
    const overdue: Array<{ execution: ExecutionSummary; limitMs: number }> = [];
    for (const execution of quiet) {
      const limitMs = await this.#stuckAfter(execution);
      if (limitMs !== undefined && now - execution.updatedAt.getTime() > limitMs)
        overdue.push({ execution, limitMs });
    }
    if (overdue.length === 0) return [];
    const live = await readLiveWork(queues);
    const found: StuckExecution[] = [];
    for (const { execution, limitMs } of overdue) {
      const jobs = live.byExecution.get(execution.executionId) ?? [];
      // A delayed job is a planned wait (a delay node, a retry's backoff, a start not yet due).
      if (jobs.some((job) => job.state === 'delayed')) continue;
      // Waiting on a sub-workflow that has not ended: the child is judged on its own.
      if (await hasLiveChild(store, execution.executionId)) continue;
      found.push({
        executionId: execution.executionId,
        workflowId: execution.workflowId,
        status: execution.status as StuckExecution['status'],
        reason: 'no-progress',
        since: execution.updatedAt,
        limitMs,
      });
    }
    return found;
  }

  /** Executions with a node active for longer than its timeout plus the grace. */
  async #overdueNodes(now: number): Promise<StuckExecution[]> {
    const { store, queues, catalog, nodeGraceMs } = this.#deps;
    const active = await queues.liveJobs('node', { states: ['active'] });
    const found: StuckExecution[] = [];
    for (const job of active) {
      if (job.processedOn === undefined) continue;
      const { executionId, workflowId, workflowVersion, nodeId } = job.data;
      const graph = await catalog.version(workflowId, workflowVersion).catch(() => undefined);
      const node = graph?.graph.nodes.get(nodeId);
      const timeout = node ? resolveNodeTimeout(node) : undefined;
      if (timeout === undefined || now - job.processedOn <= timeout + nodeGraceMs) continue;
      const execution = await store.getExecution(executionId, { nodeIds: [] });
      if (execution?.status !== 'running' && execution?.status !== 'pending') continue;
      found.push({
        executionId,
        workflowId,
        status: execution.status,
        reason: 'node-overdue',
        since: new Date(job.processedOn),
        limitMs: timeout + nodeGraceMs,
        nodeId,
      });
    }
    return found;
  }

  /** Raises `execution:stuck` for each new episode and forgets the executions that moved. */
  #report(stuck: readonly StuckExecution[]): void {
    const current = new Set<string>();
    for (const found of stuck) {
      current.add(found.executionId);
      const mark = `${found.reason}|${found.since.getTime()}|${found.nodeId ?? ''}`;
      if (this.#episodes.get(found.executionId) === mark) continue;
      if (this.#episodes.size >= MAX_EPISODES) break;
      this.#episodes.set(found.executionId, mark);
      this.#deps.events.emit('execution:stuck', {
        executionId: found.executionId,
        workflowId: found.workflowId,
        reason: found.reason,
        since: found.since.getTime(),
        ...(found.nodeId === undefined ? {} : { nodeId: found.nodeId }),
      });
    }
    for (const executionId of this.#episodes.keys()) {
      if (!current.has(executionId)) this.#episodes.delete(executionId);
    }
  }

  /** The `stuckAfter` of an execution's workflow version, or `undefined` when it cannot be read. */
  async #stuckAfter(execution: ExecutionSummary): Promise<number | undefined> {
    const version = await this.#deps.catalog
      .version(execution.workflowId, execution.workflowVersion)
      .catch(() => undefined);
    if (!version) return undefined;
    return stuckAfterOf(version.graph.definition as WorkflowDefinition);
  }

  /** The smallest `stuckAfter` of the latest stored workflows: how quiet a candidate must be. */
  async #smallestStuckAfter(): Promise<number> {
    const workflows = await this.#deps.store.listWorkflows();
    return Math.min(
      DEFAULT_STUCK_AFTER_MS,
      ...workflows.map((stored) => stuckAfterOf(stored.definition)),
    );
  }
}

/** A definition's `stuckAfter`, or the default. */
function stuckAfterOf(definition: WorkflowDefinition): number {
  const value = definition.stuckAfter;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_STUCK_AFTER_MS;
}
