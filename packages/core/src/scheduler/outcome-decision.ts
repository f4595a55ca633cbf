import type { ExecutionStatus } from '../model/execution.ts';
import type { NodeOutcomeCommit, NodeOutcomeCommitResult } from '../ports/execution-store.ts';

/** A child's readiness counters: parents resolved so far, and how many of them left an active edge. */
export interface NodeProgress {
  resolvedParents: number;
  activeParents: number;
}

/** What a store reads (under its lock) before deciding a commit: the node, its children, the execution. */
export interface OutcomeSnapshot {
  status: ExecutionStatus;
  resolvedCount: number;
  /** Whether a node (the committing one, or a child) already has a result. */
  hasResult(nodeId: string): boolean;
  /** A child's counters (zeros when none are stored yet). */
  progress(nodeId: string): NodeProgress;
}

/** The writes a store must apply, atomically, to carry out a commit. */
export interface OutcomeDecision extends NodeOutcomeCommitResult {
  /** Write the committed result (false on a repeated commit). */
  writeResult: boolean;
  /** New counters of the children (empty on a repeated commit). */
  progress: Map<string, NodeProgress>;
  resolvedCount: number;
  /** Nodes to add to the execution's held set. */
  hold: string[];
}

const ZERO: NodeProgress = { resolvedParents: 0, activeParents: 0 };

/**
 * Decides a node commit from a snapshot: pure, so every store applies the same rules. O(the node's
 * children). A repeated commit (the node already has a result) writes nothing but still reports
 * which children are ready or skipped and have no result, so a redelivered job can ensure them.
 */
export function decideNodeOutcome(
  snapshot: OutcomeSnapshot,
  commit: NodeOutcomeCommit,
): OutcomeDecision {
  const firstWrite = !snapshot.hasResult(commit.nodeId);
  const progress = new Map<string, NodeProgress>();
  let resolvedCount = snapshot.resolvedCount;
  let status = snapshot.status;
  let transitioned: 'completed' | 'failed' | undefined;
  const live = status === 'running' || status === 'paused';

  if (firstWrite && commit.resolution === 'failed') {
    if (live) {
      status = 'failed';
      transitioned = 'failed';
    }
    return {
      firstWrite,
      writeResult: true,
      progress,
      resolvedCount,
      hold: [],
      ready: [],
      skipped: [],
      held: [],
      status,
      transitioned,
    };
  }
  if (!firstWrite && commit.resolution === 'failed') {
    return {
      firstWrite,
      writeResult: false,
      progress,
      resolvedCount,
      hold: [],
      ready: [],
      skipped: [],
      held: [],
      status,
    };
  }

  const ready: string[] = [];
  const skipped: string[] = [];
  for (const edge of commit.edges) {
    const before = snapshot.progress(edge.child) ?? ZERO;
    const after = firstWrite
      ? {
          resolvedParents: before.resolvedParents + 1,
          activeParents: before.activeParents + (edge.active ? 1 : 0),
        }
      : before;
    if (firstWrite) progress.set(edge.child, after);
    if (after.resolvedParents < edge.parentCount || snapshot.hasResult(edge.child)) continue;
    if (after.activeParents > 0) ready.push(edge.child);
    else skipped.push(edge.child);
  }
  if (firstWrite) resolvedCount += 1;
  if (live && resolvedCount >= commit.totalNodes) {
    status = 'completed';
    transitioned = 'completed';
  }

  if (!live) {
    return {
      firstWrite,
      writeResult: firstWrite,
      progress,
      resolvedCount,
      hold: [],
      ready: [],
      skipped: [],
      held: [],
      status,
    };
  }
  const paused = status === 'paused';
  return {
    firstWrite,
    writeResult: firstWrite,
    progress,
    resolvedCount,
    hold: paused ? ready : [],
    ready: paused ? [] : ready,
    skipped,
    held: paused ? ready : [],
    status,
    transitioned,
  };
}

/** What a decision tells the caller of `commitNodeOutcome` (`transitioned` only when it did). */
export function toCommitResult(decision: OutcomeDecision): NodeOutcomeCommitResult {
  const { firstWrite, ready, skipped, held, status, transitioned } = decision;
  return transitioned === undefined
    ? { firstWrite, ready, skipped, held, status }
    : { firstWrite, ready, skipped, held, status, transitioned };
}
