import { Background, Controls, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
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
  const byId = new Map((states ?? []).map((state) => [state.id, state]));
  const nodes: SpaneFlowNode[] = layout.nodes.map((node) => {
    const state = byId.get(node.id);
    return {
      ...(node as SpaneFlowNode),
      selected: props.selected === node.id,
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
