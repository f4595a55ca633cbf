import { Background, Controls, type NodeChange, ReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import { layoutDag } from '../layout-dag.ts';
import type { NodeDefinition, NodeView } from '../types.ts';
import { nodeTypes, type SpaneFlowNode, type SpaneNodeData } from './SpaneNode.tsx';

/** A read-only DAG: a workflow's preview, or an execution with each node's state. */
export function DagView(props: {
  nodes: readonly NodeDefinition[];
  states?: readonly NodeView[] | undefined;
  selected?: string | undefined;
  onSelect?: ((nodeId: string) => void) | undefined;
  height?: number | undefined;
  /** A small preview: no zoom controls, never larger than life. */
  compact?: boolean | undefined;
}) {
  const { nodes: definitions, states } = props;
  const shape = definitions
    .map((node) => `${node.id}:${(node.outputs ?? []).join(',')}:${(node.inputs ?? []).join(',')}`)
    .join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the layout depends on the graph's shape only
  const layout = useMemo(
    () =>
      layoutDag<SpaneNodeData>(definitions, (node) => ({
        label: node.name ?? node.id,
        type: node.type,
      })),
    [shape],
  );
  // The nodes are rebuilt on every update; keeping their measured sizes stops React Flow from
  // hiding them again until it has re-measured them.
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const onNodesChange = useCallback((changes: NodeChange<SpaneFlowNode>[]) => {
    const sized = changes.flatMap((change) =>
      change.type === 'dimensions' && change.dimensions
        ? [[change.id, change.dimensions] as const]
        : [],
    );
    if (sized.length > 0) setMeasured((before) => ({ ...before, ...Object.fromEntries(sized) }));
  }, []);
  const byId = new Map((states ?? []).map((state) => [state.id, state]));
  const nodes: SpaneFlowNode[] = layout.nodes.map((node) => {
    const state = byId.get(node.id);
    return {
      ...(node as SpaneFlowNode),
      selected: props.selected === node.id,
      ...(measured[node.id] ? { measured: measured[node.id] } : {}),
      data: {
        ...node.data,
        status: state?.status,
        attempts: state?.attempts,
        durationMs: state?.durationMs,
      },
    };
  });
  const edges = layout.edges.map((edge) => {
    const source = byId.get(edge.source)?.status;
    const target = byId.get(edge.target)?.status;
    return {
      ...edge,
      animated: target === 'running' || target === 'held',
      className:
        source === 'completed' && target !== 'skipped' && target !== 'pending'
          ? 'edge-done'
          : target === 'skipped'
            ? 'edge-skipped'
            : '',
    };
  });
  return (
    <div className="dag" style={{ height: props.height ?? 380 }}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: props.compact ? 0.9 : 1.35 }}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={(_event, node) => props.onSelect?.(node.id)}
        zoomOnScroll={!props.compact}
        panOnDrag={!props.compact}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        {!props.compact && <Controls showInteractive={false} />}
      </ReactFlow>
    </div>
  );
}
