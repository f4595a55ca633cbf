import { ConfigurationError } from '../errors/error-classes.ts';
import type { NodeDefinition, WorkflowDefinition } from '../model/workflow-definition.ts';
import {
  type ValidateWorkflowOptions,
  validateWorkflowDefinition,
} from '../schema/validate-workflow.ts';
import { collectGraphEdges } from './graph-edges.ts';
import { topologicalOrder } from './topological-order.ts';

/**
 * A validated workflow turned into the lookup tables the scheduler needs. Immutable: compile a
 * definition once and cache it per version.
 */
export interface CompiledWorkflow {
  readonly workflowId: string;
  readonly definition: Readonly<WorkflowDefinition>;
  /** Node ids in definition order. */
  readonly nodeIds: readonly string[];
  readonly nodes: ReadonlyMap<string, Readonly<NodeDefinition>>;
  readonly parents: ReadonlyMap<string, readonly string[]>;
  readonly children: ReadonlyMap<string, readonly string[]>;
  /** Nodes with no inputs: they get the initial data. */
  readonly entryNodes: readonly string[];
  /** Nodes with no outputs: their data is the execution's output. */
  readonly terminalNodes: readonly string[];
  /** Every node after all of its parents. */
  readonly topologicalOrder: readonly string[];
  readonly size: number;
}

/**
 * Validates a definition once and returns its immutable graph: parents, children, entry and
 * terminal nodes and a topological order.
 *
 * @throws WorkflowValidationError (or CycleDetectedError) when the definition is not valid.
 *
 * ```ts
 * const graph = compileWorkflow(definition);
 * graph.children.get('fetch'); // ['transform']
 * ```
 */
export function compileWorkflow(
  definition: unknown,
  options: ValidateWorkflowOptions = {},
): CompiledWorkflow {
  const workflow = validateWorkflowDefinition(definition, options);
  const edges = collectGraphEdges(workflow.nodes);
  const frozenLists = (map: Map<string, string[]>): ReadonlyMap<string, readonly string[]> =>
    new Map([...map].map(([id, list]) => [id, Object.freeze(list)]));
  const parents = frozenLists(edges.parents);
  const children = frozenLists(edges.children);
  const nodes = new Map(
    workflow.nodes.map((node) => [node.id, deepFreeze(structuredCloneJson(node))]),
  );
  const { order } = topologicalOrder(edges.ids, parents, children);
  return Object.freeze({
    workflowId: workflow.id,
    definition: deepFreeze(structuredCloneJson(workflow)),
    nodeIds: Object.freeze([...edges.ids]),
    nodes,
    parents,
    children,
    entryNodes: Object.freeze(edges.ids.filter((id) => (parents.get(id)?.length ?? 0) === 0)),
    terminalNodes: Object.freeze(edges.ids.filter((id) => (children.get(id)?.length ?? 0) === 0)),
    topologicalOrder: Object.freeze(order),
    size: edges.ids.length,
  });
}

/** The node's definition, or a thrown error naming the missing node. */
export function getCompiledNode(graph: CompiledWorkflow, nodeId: string): Readonly<NodeDefinition> {
  const node = graph.nodes.get(nodeId);
  if (!node) {
    throw new ConfigurationError(`Workflow "${graph.workflowId}" has no node "${nodeId}"`, {
      nodeId,
      workflowId: graph.workflowId,
    });
  }
  return node;
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
