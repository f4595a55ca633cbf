import { decideNodeOutcome, type NodeOutcomeCommit, type OutcomeDecision } from '@spane/core/store';
import type { UnitWrites } from './commit-batch.ts';
import type { KnownState } from './known-states.ts';
import { outcomeSnapshot, type SnapshotNode } from './outcome-snapshot.ts';

/** One commit of a unit, with its result already serialized. */
export interface UnitCommit {
  commit: NodeOutcomeCommit;
  resultJson: string;
}

/** The commits of one execution decided in order, as one write. */
export interface UnitDecision {
  decisions: OutcomeDecision[];
  /** Undefined when no commit changes anything. */
  writes: UnitWrites | undefined;
  /** Rows the decisions took to be absent because they were not known. */
  absent: string[];
  /** The execution after the writes (its version moved by `writes.bumps`). */
  after: KnownState;
}

/** Whether a decision changes anything in the database. */
export function writesSomething(decision: OutcomeDecision): boolean {
  return (
    decision.writeResult ||
    decision.progress.size > 0 ||
    decision.hold.length > 0 ||
    decision.transitioned !== undefined
  );
}

/**
 * Decides the commits of one execution one after the other, each on the state the ones before it
 * leave, as if they had committed one by one; folds their writes into one. Rows the state does not
 * know are taken to be absent (and listed in `absent`, for the write's guard to check).
 */
export function decideUnit(state: KnownState, commits: readonly UnitCommit[]): UnitDecision {
  const nodes = new Map(state.nodes);
  const absent = new Set<string>();
  let status = state.status;
  let resolvedCount = state.resolvedCount;
  let ended = false;
  let error: string | null = null;
  let bumps = 0;
  const results: UnitWrites['results'] = [];
  const progress: UnitWrites['progress'] = new Map();
  const hold = new Set<string>();
  const decisions: OutcomeDecision[] = [];
  for (const { commit, resultJson } of commits) {
    if (!state.complete) {
      for (const id of [commit.nodeId, ...commit.edges.map((edge) => edge.child)]) {
        if (!nodes.has(id)) {
          absent.add(id);
          nodes.set(id, { resolvedParents: 0, activeParents: 0, hasResult: false });
        }
      }
    }
    const decision = decideNodeOutcome(outcomeSnapshot(status, resolvedCount, nodes), commit);
    decisions.push(decision);
    if (!writesSomething(decision)) continue;
    bumps++;
    status = decision.status;
    resolvedCount = decision.resolvedCount;
    if (decision.transitioned !== undefined) {
      ended = true;
      if (decision.transitioned === 'failed' && commit.error !== undefined) error = commit.error;
    }
    if (decision.writeResult) {
      const row = nodes.get(commit.nodeId);
      nodes.set(commit.nodeId, {
        resolvedParents: row?.resolvedParents ?? 0,
        activeParents: row?.activeParents ?? 0,
        hasResult: true,
      });
      results.push({
        nodeId: commit.nodeId,
        json: resultJson,
        failed: commit.resolution === 'failed',
      });
    }
    for (const [child, counters] of decision.progress) {
      const row: SnapshotNode | undefined = nodes.get(child);
      nodes.set(child, { ...counters, hasResult: row?.hasResult ?? false });
      progress.set(child, counters);
    }
    for (const id of decision.hold) hold.add(id);
  }
  return {
    decisions,
    writes:
      bumps === 0
        ? undefined
        : { bumps, resolvedCount, status, ended, error, results, progress, hold: [...hold] },
    absent: [...absent],
    after: {
      version: state.version + bumps,
      status,
      resolvedCount,
      nodes,
      complete: state.complete,
    },
  };
}
