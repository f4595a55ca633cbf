import {
  assembleNodeInput,
  compileWorkflow,
  type ExecutionResult,
  type ExecutionSpan,
  type ExecutionState,
  type ExecutionSummary,
  type WorkflowDefinition,
} from '@spane/core';
import type { ActiveNode } from './node-activity.ts';

/** Where a node stands, as the run view shows it. */
export type NodeViewStatus =
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  | 'skipped'
  | 'paused'
  | 'held';

/** One node of an execution, with what the run view shows about it. */
export interface NodeView {
  id: string;
  type: string;
  name?: string | undefined;
  status: NodeViewStatus;
  /** Attempts made so far (0 before the first). */
  attempts: number;
  /** How long the last attempt took (or has taken so far, while running), in ms. */
  durationMs?: number | undefined;
  /** What the node gets (or got) as `inputData`, once every parent has resolved. */
  input?: unknown;
  result?: ExecutionResult | undefined;
  /** Child executions this node started (`sub-workflow`, `map`), oldest first. */
  childExecutionIds: string[];
}

/** An execution with the state of each of its nodes: `GET /api/executions/:id`. */
export interface ExecutionView extends ExecutionState {
  nodes: NodeView[];
  /** The definition of the version the execution runs. */
  workflow: WorkflowDefinition;
}

/** The facts a node's status is read from. */
export interface ExecutionFacts {
  execution: ExecutionState;
  definition: WorkflowDefinition;
  spans: readonly ExecutionSpan[];
  active: ReadonlyMap<string, ActiveNode>;
  children: readonly ExecutionSummary[];
  now: number;
}

function statusOf(
  nodeId: string,
  facts: ExecutionFacts,
  parents: readonly string[],
): NodeViewStatus {
  const result = facts.execution.nodeResults[nodeId];
  if (result) return result.skipped ? 'skipped' : result.success ? 'completed' : 'failed';
  if (facts.active.has(nodeId)) return 'running';
  const ready = parents.every((parent) => facts.execution.nodeResults[parent] !== undefined);
  switch (facts.execution.status) {
    case 'running':
      // Ready and unfinished: queued, waiting on a delay, or on its child executions.
      return ready ? 'running' : 'pending';
    case 'paused':
      return ready ? 'held' : 'paused';
    default:
      return 'pending';
  }
}

/** Reads each node's status, attempts and duration from the stored execution and live activity. */
export function buildExecutionView(facts: ExecutionFacts): ExecutionView {
  const graph = compileWorkflow(facts.definition);
  const nodes = facts.definition.nodes.map((node): NodeView => {
    const parents = graph.parents.get(node.id) ?? [];
    const spans = facts.spans.filter((span) => span.nodeId === node.id);
    const last = spans.at(-1);
    const active = facts.active.get(node.id);
    const result = facts.execution.nodeResults[node.id];
    const storedAttempts = Number(result?.metadata?.attempts);
    const attempts = Math.max(
      Number.isFinite(storedAttempts) ? storedAttempts : 0,
      spans.length,
      active?.attempt ?? 0,
      result && !result.skipped ? 1 : 0,
    );
    const durationMs = active
      ? facts.now - active.startedAt
      : last?.endTime
        ? last.endTime.getTime() - last.startTime.getTime()
        : undefined;
    const resolved = parents.every((parent) => facts.execution.nodeResults[parent] !== undefined);
    return {
      id: node.id,
      type: node.type,
      name: node.name,
      status: statusOf(node.id, facts, parents),
      input: resolved
        ? assembleNodeInput(graph, node.id, {
            initialData: facts.execution.initialData,
            parentResults: facts.execution.nodeResults,
          })
        : undefined,
      attempts,
      durationMs,
      result,
      childExecutionIds: facts.children
        .filter((child) => child.parentNodeId === node.id)
        .map((child) => child.executionId),
    };
  });
  return { ...facts.execution, workflow: facts.definition, nodes };
}
