import type { ExecutionStatus } from '@spane/core';
import { LRUCache } from 'lru-cache';
import type { SnapshotNode } from './outcome-snapshot.ts';

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

  /** What is known of an execution, if anything. */
  get(executionId: string): KnownState | undefined {
    return this.#states.get(executionId);
  }
}
