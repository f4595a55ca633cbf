import type { CompiledWorkflow } from '../dag/compile-workflow.ts';
import { InvalidNextNodesError } from '../errors/error-classes.ts';
import type { ExecutionResult } from '../model/execution.ts';

/** How a node's final result affects the graph. */
export type NodeResolution =
  | {
      /** The node is done: its children count it as resolved. */
      kind: 'resolved';
      /** Children whose edge from this node is active. */
      active: string[];
      /** Children whose edge from this node is inactive (branch not taken, or node skipped). */
      inactive: string[];
    }
  | {
      /** The node failed for good and without `continueOnFail`: the execution fails. */
      kind: 'failed';
    };

/**
 * Decides which outgoing edges a node's final result activates: a success follows `nextNodes` (or
 * every output), a skip follows none, a failure with `continueOnFail` keeps every edge active, and
 * any other failure fails the execution.
 *
 * @throws InvalidNextNodesError when `nextNodes` names a node that is not one of the outputs.
 */
export function resolveNodeEdges(
  graph: CompiledWorkflow,
  nodeId: string,
  result: ExecutionResult,
  options: { continueOnFail: boolean },
): NodeResolution {
  const children = graph.children.get(nodeId) ?? [];
  if (!result.success) {
    return options.continueOnFail
      ? { kind: 'resolved', active: [...children], inactive: [] }
      : { kind: 'failed' };
  }
  if (result.skipped) return { kind: 'resolved', active: [], inactive: [...children] };
  if (result.nextNodes === undefined)
    return { kind: 'resolved', active: [...children], inactive: [] };
  const chosen = new Set(result.nextNodes);
  const invalid = [...chosen].filter((id) => !children.includes(id));
  if (invalid.length > 0) {
    const error = new InvalidNextNodesError(nodeId, invalid, children);
    throw error;
  }
  return {
    kind: 'resolved',
    active: children.filter((id) => chosen.has(id)),
    inactive: children.filter((id) => !chosen.has(id)),
  };
}

/** Whether the edge from a parent (with this stored result) to `childId` is active. */
export function isEdgeActive(parentResult: ExecutionResult, childId: string): boolean {
  if (!parentResult.success) return true; // stored failures are continueOnFail ones
  if (parentResult.skipped) return false;
  return parentResult.nextNodes === undefined || parentResult.nextNodes.includes(childId);
}

/**
 * A node's stored result, looked up as an own key only: a node named like an inherited property
 * (`constructor`, `toString`) must not pick up `Object.prototype`'s members as its result.
 */
export function storedResult(
  nodeResults: Readonly<Record<string, ExecutionResult>>,
  nodeId: string,
): ExecutionResult | undefined {
  return Object.hasOwn(nodeResults, nodeId) ? nodeResults[nodeId] : undefined;
}
