import type { CompiledWorkflow } from '../dag/compile-workflow.ts';
import type { ExecutionResult } from '../model/execution.ts';
import { isEdgeActive, storedResult } from './edge-activation.ts';

/**
 * The input a node receives, shaped by the definition, not by which branches ran: an entry node
 * gets the initial data; a node with one parent in the definition gets that parent's `data`; a
 * node with several parents always gets `{ [parentId]: data }` of the parents that completed and
 * left an active edge to it (skipped parents, parents that failed with `continueOnFail` and
 * parents whose `nextNodes` left this node out are absent).
 */
export function assembleNodeInput(
  graph: CompiledWorkflow,
  nodeId: string,
  sources: { initialData: unknown; parentResults: Readonly<Record<string, ExecutionResult>> },
): unknown {
  const parents = graph.parents.get(nodeId) ?? [];
  if (parents.length === 0) return sources.initialData;
  if (parents.length === 1) return storedResult(sources.parentResults, parents[0] as string)?.data;
  // Object.fromEntries defines own keys, so a node named `__proto__` stays a plain key.
  return Object.fromEntries(
    parents.flatMap((parent) => {
      const result = storedResult(sources.parentResults, parent);
      if (result === undefined || !result.success || result.skipped) return [];
      return isEdgeActive(result, nodeId) ? [[parent, result.data]] : [];
    }),
  );
}

/**
 * An execution's output, as a parent workflow sees it: the data of its terminal node, or, when the
 * workflow has several terminal nodes, `{ [nodeId]: data }` of those that completed.
 */
export function collectWorkflowOutput(
  graph: CompiledWorkflow,
  nodeResults: Readonly<Record<string, ExecutionResult>>,
): unknown {
  if (graph.terminalNodes.length === 1)
    return storedResult(nodeResults, graph.terminalNodes[0] as string)?.data;
  return Object.fromEntries(
    graph.terminalNodes.flatMap((id) => {
      const result = storedResult(nodeResults, id);
      return result?.success && !result.skipped ? [[id, result.data]] : [];
    }),
  );
}
