import type { CompiledWorkflow } from '../dag/compile-workflow.ts';
import type { ExecutionResult } from '../model/execution.ts';
import { isEdgeActive, storedResult } from './edge-activation.ts';

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
    const result = storedResult(sources.parentResults, parent);
    return result !== undefined && isEdgeActive(result, nodeId);
  });
  if (active.length === 1) return storedResult(sources.parentResults, active[0] as string)?.data;
  // Object.fromEntries defines own keys, so a node named `__proto__` stays a plain key.
  return Object.fromEntries(
    active.flatMap((parent) => {
      const result = storedResult(sources.parentResults, parent) as ExecutionResult;
      return result.success && !result.skipped ? [[parent, result.data]] : [];
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
