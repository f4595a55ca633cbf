import {
  assembleNodeInput,
  compileWorkflow,
  ExecutionLedger,
  type ExecutionResult,
  type NodeRegistry,
  resolveNodeEdges,
  skippedResult,
  type WorkflowDefinition,
} from '@spane/core';

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs a workflow in this process through core's scheduler (no queue, no store): the same rules
 * the engine applies, one node at a time. Used when no Redis is available.
 */
export async function dryRun(
  definition: WorkflowDefinition,
  registry: NodeRegistry,
  initialData: unknown,
): Promise<{ status: string; nodeResults: Record<string, ExecutionResult> }> {
  const graph = compileWorkflow(definition, { isKnownNodeType: (type) => registry.has(type) });
  const ledger = new ExecutionLedger('running');
  const executionId = `dry-${definition.id}`;
  const edges = (nodeId: string, active: readonly string[]) =>
    (graph.children.get(nodeId) ?? []).map((child) => ({
      child,
      active: active.includes(child),
      parentCount: graph.parents.get(child)?.length ?? 0,
    }));
  const ready = [...graph.entryNodes];
  while (ready.length > 0 && ledger.status === 'running') {
    const nodeId = ready.shift() as string;
    const node = graph.nodes.get(nodeId);
    const executor = node ? registry.get(node.type) : undefined;
    const parentResults: Record<string, ExecutionResult> = {};
    for (const parent of graph.parents.get(nodeId) ?? []) {
      const result = ledger.results.get(parent);
      if (result) parentResults[parent] = result;
    }
    let result: ExecutionResult;
    try {
      if (!executor) throw new Error(`no executor for "${node?.type}"`);
      result = await executor.execute({
        workflowId: definition.id,
        executionId,
        nodeId,
        inputData: assembleNodeInput(graph, nodeId, { initialData, parentResults }),
        nodeConfig: { ...(node?.config ?? {}) },
        previousResults: parentResults,
        depth: 0,
        attempt: 1,
        idempotencyKey: `${executionId}:${nodeId}`,
        signal: new AbortController().signal,
        logger: quietLogger,
      });
    } catch (error) {
      result = { success: false, error: (error as Error).message };
    }
    const resolution = resolveNodeEdges(graph, nodeId, result, { continueOnFail: false });
    const commit = ledger.commit({
      executionId,
      nodeId,
      result,
      resolution: resolution.kind,
      edges: resolution.kind === 'resolved' ? edges(nodeId, resolution.active) : [],
      totalNodes: graph.size,
    });
    ready.push(...commit.ready);
    const toSkip = [...commit.skipped];
    while (toSkip.length > 0) {
      const skipped = toSkip.shift() as string;
      const next = ledger.commit({
        executionId,
        nodeId: skipped,
        result: skippedResult(),
        resolution: 'resolved',
        edges: edges(skipped, []),
        totalNodes: graph.size,
      });
      ready.push(...next.ready);
      toSkip.push(...next.skipped);
    }
  }
  return { status: ledger.status, nodeResults: Object.fromEntries(ledger.results) };
}
