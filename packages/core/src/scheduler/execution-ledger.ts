import type { ExecutionResult, ExecutionStatus } from '../model/execution.ts';
import { canTransition } from '../model/execution-status.ts';
import type {
  NodeOutcomeCommit,
  NodeOutcomeCommitResult,
  StatusChange,
} from '../ports/execution-store.ts';
import { decideNodeOutcome, type NodeProgress, toCommitResult } from './outcome-decision.ts';

/**
 * The scheduling state of one execution held in memory: status, node results, readiness counters
 * and held nodes. Synchronous, so each call is atomic within one process. The in-memory store keeps
 * one per execution; tests and dry runs use it to drive the scheduler without I/O.
 */
export class ExecutionLedger {
  status: ExecutionStatus;
  resolvedCount = 0;
  readonly results = new Map<string, ExecutionResult>();
  readonly progress = new Map<string, NodeProgress>();
  readonly held = new Set<string>();
  /** Nodes whose failure failed the execution (not those that failed with `continueOnFail`). */
  readonly failedNodes = new Set<string>();
  error: string | undefined;

  constructor(status: ExecutionStatus = 'running') {
    this.status = status;
  }

  /** Applies a node's outcome; see `ExecutionStore.commitNodeOutcome`. */
  commit(commit: NodeOutcomeCommit): NodeOutcomeCommitResult {
    const decision = decideNodeOutcome(
      {
        status: this.status,
        resolvedCount: this.resolvedCount,
        hasResult: (id) => this.results.has(id),
        progress: (id) => this.progress.get(id) ?? { resolvedParents: 0, activeParents: 0 },
      },
      commit,
    );
    if (decision.writeResult) {
      this.results.set(commit.nodeId, commit.result);
      // A node held by a redelivery while paused may already have been queued and run.
      this.held.delete(commit.nodeId);
      if (commit.resolution === 'failed') this.failedNodes.add(commit.nodeId);
    }
    for (const [child, counters] of decision.progress) this.progress.set(child, counters);
    for (const id of decision.hold) this.held.add(id);
    // A finished execution has nothing left to hand over on resume.
    if (decision.transitioned !== undefined) this.held.clear();
    this.resolvedCount = decision.resolvedCount;
    if (decision.transitioned === 'failed' && commit.error !== undefined) this.error = commit.error;
    this.status = decision.status;
    return toCommitResult(decision);
  }

  /** Moves to `to` when the lifecycle (and `from`, when given) allows it. */
  setStatus(to: ExecutionStatus, from?: readonly ExecutionStatus[]): StatusChange {
    const previous = this.status;
    const allowed = canTransition(previous, to) && (from === undefined || from.includes(previous));
    if (allowed) this.status = to;
    return { changed: allowed, status: this.status, previous };
  }

  /** Holds nodes while paused; false (and nothing held) otherwise. */
  hold(nodeIds: readonly string[]): boolean {
    if (this.status !== 'paused') return false;
    for (const id of nodeIds) this.held.add(id);
    return true;
  }

  /** paused → running, handing over the held nodes. */
  resume(): { changed: boolean; status: ExecutionStatus; held: string[] } {
    if (this.status !== 'paused') return { changed: false, status: this.status, held: [] };
    this.status = 'running';
    const held = [...this.held];
    this.held.clear();
    return { changed: true, status: this.status, held };
  }

  /**
   * For a DLQ retry: drops the node's failed result and reopens a failed execution. A running one
   * is accepted too: another node that failed it was retried first.
   */
  reopen(nodeId: string): boolean {
    if ((this.status !== 'failed' && this.status !== 'running') || !this.failedNodes.has(nodeId))
      return false;
    this.results.delete(nodeId);
    this.failedNodes.delete(nodeId);
    this.status = 'running';
    this.error = undefined;
    return true;
  }
}
