import type { ExecutionStatus } from '@spane/core';
import type { NodeOutcomeCommit, NodeProgress, OutcomeSnapshot } from '@spane/core/store';

/** One row a commit reads: a node's readiness counters and whether it has a result. */
export interface SnapshotNode {
  resolvedParents: number;
  activeParents: number;
  hasResult: boolean;
}

const ZERO: NodeProgress = { resolvedParents: 0, activeParents: 0 };

/** The rows a commit reads: the committing node and its children (never other nodes). */
export function snapshotNodeIds(commit: NodeOutcomeCommit): string[] {
  return [commit.nodeId, ...commit.edges.map((edge) => edge.child)];
}

/** What core's `decideNodeOutcome` needs, from the execution row and the rows read. */
export function outcomeSnapshot(
  status: string,
  resolvedCount: number,
  nodes: ReadonlyMap<string, SnapshotNode>,
): OutcomeSnapshot {
  return {
    status: status as ExecutionStatus,
    resolvedCount,
    hasResult: (id) => nodes.get(id)?.hasResult ?? false,
    progress: (id) => {
      const node = nodes.get(id);
      return node === undefined
        ? ZERO
        : { resolvedParents: node.resolvedParents, activeParents: node.activeParents };
    },
  };
}
