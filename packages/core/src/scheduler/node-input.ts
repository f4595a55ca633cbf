import type { CompiledWorkflow } from '../dag/compile-workflow.ts';
import type { ExecutionResult } from '../model/execution.ts';
import { isEdgeActive } from './edge-activation.ts';

/**
 * The input a node receives: the initial data for an entry node; the data of its single active
 * parent; or, with several active parents, `{ [parentId]: data }` of those that completed.
 */
export function assembleNodeInput(
  graph: CompiledWorkflow,
  nodeId: string,
  sources: { initialData: unknown; parentResults: Readonly<Record<string, ExecutionResult>> },
): unknown {
  const parents = graph.parents.get(nodeId) ?? [];
  if (parents.length === 0) return sources.initialData;
  const active = parents.filter((parent) => {
    const result = sources.parentResults[parent];
    return result !== undefined && isEdgeActive(result, nodeId);
  });
  if (active.length === 1) return sources.parentResults[active[0] as string]?.data;
  const merged: Record<string, unknown> = {};
  for (const parent of active) {
    const result = sources.parentResults[parent] as ExecutionResult;
    if (result.success && !result.skipped) merged[parent] = result.data;
  }
  return merged;
}

/**
 * An execution's output, as a parent workflow sees it: the data of its terminal node, or, when the
 * workflow has several terminal nodes, `{ [nodeId]: data }` of those that completed.
 */
export function collectWorkflowOutput(
  graph: CompiledWorkflow,
  nodeResults: Readonly<Record<string, ExecutionResult>>,
): unknown {
  if (graph.terminalNodes.length === 1) return nodeResults[graph.terminalNodes[0] as string]?.data;
  const output: Record<string, unknown> = {};
  for (const id of graph.terminalNodes) {
    const result = nodeResults[id];
    if (result?.success && !result.skipped) output[id] = result.data;
  }
  return output;
}
