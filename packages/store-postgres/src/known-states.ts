import type { ExecutionStatus, NodeOutcomeCommit, OutcomeDecision } from '@spane/core';
import { LRUCache } from 'lru-cache';
import { outcomeSnapshot, type SnapshotNode } from './outcome-snapshot.ts';

/**
 * What this process knows an execution looked like at one version: what a commit decides from.
 * `complete` means every node row is in `nodes` (rows not there do not exist), as for an
 * execution this process created; otherwise only the rows in `nodes` are known.
 */
export interface KnownState {
  version: number;
  status: ExecutionStatus;
  resolvedCount: number;
  nodes: Map<string, SnapshotNode>;
  complete: boolean;
}

/** Executions whose state a store remembers at most (the least recently used are forgotten). */
const MAX_KNOWN = 20_000;

/**
 * The state of executions as of this process's own last read or write of them, so that a commit
 * can decide without reading first and write in one statement guarded by the version it decided
 * on. A guess, never trusted for correctness: when another writer moved the version, the guarded
 * write does nothing and the commit reads again. Every write that changes what a decision reads
 * (status, resolved count, node rows) bumps the execution's version, which is what makes the
 * guard sufficient.
 */
export class KnownStates {
  readonly #states = new LRUCache<string, KnownState>({ max: MAX_KNOWN });

  /** Remembers an execution as read or written at `state.version`. */
  remember(executionId: string, state: KnownState): void {
    if (state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled') {
      // A terminal execution takes no more ordinary commits: keep the memory for live ones.
      this.#states.delete(executionId);
      return;
    }
    this.#states.set(executionId, state);
  }

  /** Forgets an execution (another kind of write changed it: the next commit reads again). */
  forget(executionId: string): void {
    this.#states.delete(executionId);
  }

  /**
   * The snapshot a commit decides from and the version it is valid at, or `undefined` when
   * nothing is known of the execution. Rows the commit needs that are not known are taken to be
   * absent: `absent` lists them, for the guarded write to check (when they exist, it does
   * nothing and the commit reads again).
   */
  snapshotFor(commit: NodeOutcomeCommit, nodeIds: readonly string[]) {
    const state = this.#states.get(commit.executionId);
    if (state === undefined) return undefined;
    const absent = state.complete ? [] : nodeIds.filter((id) => !state.nodes.has(id));
    return {
      version: state.version,
      absent,
      snapshot: outcomeSnapshot(state.status, state.resolvedCount, state.nodes),
    };
  }

  /**
   * Records a decision applied on top of the state known at `version` (the execution is now at
   * `version + 1`), so the next commit of the execution decides without reading.
   */
  applied(
    commit: NodeOutcomeCommit,
    decision: OutcomeDecision,
    version: number,
    absent: readonly string[],
  ): void {
    const state = this.#states.get(commit.executionId);
    if (state === undefined || state.version !== version) return;
    for (const id of absent) {
      if (!state.nodes.has(id)) {
        state.nodes.set(id, { resolvedParents: 0, activeParents: 0, hasResult: false });
      }
    }
    if (decision.writeResult) {
      const row = state.nodes.get(commit.nodeId);
      state.nodes.set(commit.nodeId, {
        resolvedParents: row?.resolvedParents ?? 0,
        activeParents: row?.activeParents ?? 0,
        hasResult: true,
      });
    }
    for (const [child, progress] of decision.progress) {
      state.nodes.set(child, {
        ...progress,
        hasResult: state.nodes.get(child)?.hasResult ?? false,
      });
    }
    this.remember(commit.executionId, {
      ...state,
      version: version + 1,
      status: decision.status,
      resolvedCount: decision.resolvedCount,
    });
  }
}
