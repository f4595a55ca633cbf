import type { CompiledWorkflow } from '../dag/compile-workflow.ts';
import type { ExecutionResult } from '../model/execution.ts';
import { isEdgeActive, storedResult } from './edge-activation.ts';

/** Where a node stands given its parents' stored results. */
function parentState(
  graph: CompiledWorkflow,
  nodeResults: Readonly<Record<string, ExecutionResult>>,
  id: string,
  failed: ReadonlySet<string>,
): { isEntry: boolean; allResolved: boolean; anyActive: boolean } {
  const parents = graph.parents.get(id) ?? [];
  let anyActive = false;
  for (const parent of parents) {
    const result = storedResult(nodeResults, parent);
    if (result === undefined || failed.has(parent)) {
      return { isEntry: false, allResolved: false, anyActive };
    }
    if (isEdgeActive(result, id)) anyActive = true;
  }
  return { isEntry: parents.length === 0, allResolved: true, anyActive };
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Nodes that may run now given every stored result: no result yet, and either an entry node or
 * every parent resolved with at least one active edge. O(nodes + edges): for recovery paths (a DLQ
 * retry, a replay), never for the per-node hot path. Parents in `failedNodes` (failures that
 * stopped the execution) count as unresolved.
 */
export function findRunnableNodes(
  graph: CompiledWorkflow,
  nodeResults: Readonly<Record<string, ExecutionResult>>,
  options: { failedNodes?: ReadonlySet<string> | undefined } = {},
): string[] {
  const failed = options.failedNodes ?? NONE;
  return graph.nodeIds.filter((id) => {
    if (storedResult(nodeResults, id) !== undefined) return false;
    const state = parentState(graph, nodeResults, id, failed);
    return state.isEntry || (state.allResolved && state.anyActive);
  });
}

/**
 * Nodes that will never run given every stored result: no result yet, every parent resolved, and
 * no edge into them active. Recovery paths (a DLQ retry, a replay) commit them as skipped, which is
 * what the hot path's skip propagation would have done. Parents in `failedNodes` count as
 * unresolved.
 */
export function findSkippableNodes(
  graph: CompiledWorkflow,
  nodeResults: Readonly<Record<string, ExecutionResult>>,
  options: { failedNodes?: ReadonlySet<string> | undefined } = {},
): string[] {
  const failed = options.failedNodes ?? NONE;
  return graph.nodeIds.filter((id) => {
    if (storedResult(nodeResults, id) !== undefined) return false;
    const state = parentState(graph, nodeResults, id, failed);
    return !state.isEntry && state.allResolved && !state.anyActive;
  });
}
