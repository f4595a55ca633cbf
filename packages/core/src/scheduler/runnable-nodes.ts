import type { CompiledWorkflow } from '../dag/compile-workflow.ts';
import type { ExecutionResult } from '../model/execution.ts';
import { isEdgeActive, storedResult } from './edge-activation.ts';

/**
 * Nodes that may run now given every stored result: no result yet, and either an entry node or
 * every parent resolved with at least one active edge. O(nodes + edges): for recovery paths (a DLQ
 * retry, a replay), never for the per-node hot path.
 */
export function findRunnableNodes(
  graph: CompiledWorkflow,
  nodeResults: Readonly<Record<string, ExecutionResult>>,
  options: { failedNodes?: ReadonlySet<string> | undefined } = {},
): string[] {
  const failed = options.failedNodes ?? new Set<string>();
  const runnable: string[] = [];
  for (const id of graph.nodeIds) {
    if (storedResult(nodeResults, id) !== undefined) continue;
    const parents = graph.parents.get(id) ?? [];
    let allResolved = true;
    let anyActive = parents.length === 0;
    for (const parent of parents) {
      const result = storedResult(nodeResults, parent);
      if (result === undefined || failed.has(parent)) {
        allResolved = false;
        break;
      }
      if (isEdgeActive(result, id)) anyActive = true;
    }
    if (allResolved && anyActive) runnable.push(id);
  }
  return runnable;
}

/**
 * Nodes that will never run given every stored result: no result yet, every parent resolved, and
 * no edge into them active. Recovery paths (a DLQ retry, a replay) commit them as skipped, which is
 * what the hot path's skip propagation would have done. Parents in `failedNodes` (failures that
 * stopped the execution) count as unresolved.
 */
export function findSkippableNodes(
  graph: CompiledWorkflow,
  nodeResults: Readonly<Record<string, ExecutionResult>>,
  options: { failedNodes?: ReadonlySet<string> | undefined } = {},
): string[] {
  const failed = options.failedNodes ?? new Set<string>();
  const skippable: string[] = [];
  for (const id of graph.nodeIds) {
    if (storedResult(nodeResults, id) !== undefined) continue;
    const parents = graph.parents.get(id) ?? [];
    if (parents.length === 0) continue;
    let allResolved = true;
    let anyActive = false;
    for (const parent of parents) {
      const result = storedResult(nodeResults, parent);
      if (result === undefined || failed.has(parent)) {
        allResolved = false;
        break;
      }
      if (isEdgeActive(result, id)) anyActive = true;
    }
    if (allResolved && !anyActive) skippable.push(id);
  }
  return skippable;
}
