import {
  addEdge,
  Background,
  type Connection,
  Controls,
  type Edge,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesState,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { ConfigForm } from '../components/ConfigForm.tsx';
import { nodeTypes, type SpaneFlowNode } from '../components/SpaneNode.tsx';
import { layoutDag } from '../layout-dag.ts';
import { navigate } from '../router.tsx';
import type { NodeDefinition, NodeTypeInfo, WorkflowDetail } from '../types.ts';
import { useApi } from '../use-api.ts';

const DRAG_TYPE = 'application/x-spane-node-type';

/** The definition the canvas describes: nodes with their configs, edges as `outputs`. */
function toDefinition(
  meta: { id: string; name: string },
  nodes: SpaneFlowNode[],
  edges: Edge[],
  configs: Record<string, Record<string, unknown>>,
) {
  return {
    id: meta.id,
    ...(meta.name ? { name: meta.name } : {}),
    nodes: nodes.map((node) => ({
      id: node.id,
      type: node.data.type,
      ...(configs[node.id] && Object.keys(configs[node.id] ?? {}).length > 0
        ? { config: configs[node.id] }
        : {}),
      outputs: edges.filter((edge) => edge.source === node.id).map((edge) => edge.target),
    })),
  };
}

function Editor(props: { from: string | null }) {
  const { data: types } = useApi<{ items: NodeTypeInfo[] }>('/api/node-types');
  const [nodes, setNodes, onNodesChange] = useNodesState<SpaneFlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const [configs, setConfigs] = useState<Record<string, Record<string, unknown>>>({});
  const [selected, setSelected] = useState<string>();
  const [meta, setMeta] = useState({ id: 'my-workflow', name: '' });
  const [input, setInput] = useState('{}');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [saved, setSaved] = useState<number>();
  const flow = useReactFlow();
  const counter = useRef(0);

  useEffect(() => {
    if (!props.from) return;
    api<WorkflowDetail>(`/api/workflows/${encodeURIComponent(props.from)}`)
      .then((detail) => {
        const layout = layoutDag(detail.definition.nodes, (node: NodeDefinition) => ({
          label: node.id,
          type: node.type,
        }));
        setNodes(layout.nodes as SpaneFlowNode[]);
        setEdges(layout.edges);
        setConfigs(
          Object.fromEntries(detail.definition.nodes.map((node) => [node.id, node.config ?? {}])),
        );
        setMeta({ id: detail.workflowId, name: detail.definition.name ?? '' });
        setSaved(detail.version);
      })
      .catch((failure: unknown) => setMessage({ kind: 'error', text: String(failure) }));
  }, [props.from, setNodes, setEdges]);

  function addNode(type: string, position?: { x: number; y: number }) {
    const taken = new Set(nodes.map((node) => node.id));
    let id = type;
    while (taken.has(id)) id = `${type}-${++counter.current}`;
    const at = position ?? { x: 80 + nodes.length * 60, y: 80 + (nodes.length % 3) * 90 };
    setNodes((current) => [
      ...current,
      { id, type: 'spane', position: at, data: { label: id, type } },
    ]);
    setSelected(id);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    const type = event.dataTransfer.getData(DRAG_TYPE);
    if (!type) return;
    addNode(type, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  }

  function renameSelected(next: string) {
    if (!selected || !next || nodes.some((node) => node.id === next)) return;
    setNodes((current) =>
      current.map((node) =>
        node.id === selected ? { ...node, id: next, data: { ...node.data, label: next } } : node,
      ),
    );
    setEdges((current) =>
      current.map((edge) => ({
        ...edge,
        id: edge.id.replaceAll(selected, next),
        source: edge.source === selected ? next : edge.source,
        target: edge.target === selected ? next : edge.target,
      })),
    );
    setConfigs((current) => {
      const { [selected]: config, ...rest } = current;
      return { ...rest, [next]: config ?? {} };
    });
    setSelected(next);
  }

  async function save(): Promise<boolean> {
    setMessage(undefined);
    try {
      const result = await api<{ version: number }>('/api/workflows', {
        method: 'POST',
        body: toDefinition(meta, nodes, edges, configs),
      });
      setSaved(result.version);
      setMessage({ kind: 'ok', text: `Saved ${meta.id} as version ${result.version}` });
      return true;
    } catch (failure) {
      setMessage({
        kind: 'error',
        text: failure instanceof Error ? failure.message : String(failure),
      });
      return false;
    }
  }

  async function run() {
    let initialData: unknown;
    try {
      initialData = JSON.parse(input);
    } catch {
      setMessage({ kind: 'error', text: 'The input is not valid JSON' });
      return;
    }
    if (!(await save())) return;
    try {
      const { executionId } = await api<{ executionId: string }>(
        `/api/workflows/${encodeURIComponent(meta.id)}/execute`,
        {
          method: 'POST',
          body: { initialData },
        },
      );
      navigate(`/executions/${executionId}`);
    } catch (failure) {
      setMessage({
        kind: 'error',
        text: failure instanceof Error ? failure.message : String(failure),
      });
    }
  }

  const selectedNode = nodes.find((node) => node.id === selected);
  const selectedType = types?.items.find((info) => info.type === selectedNode?.data.type);
  return (
    <section className="editor">
      <aside className="panel palette" data-testid="palette">
        <h3>Node types</h3>
        <p className="muted small">Drag onto the canvas (or click to add).</p>
        {types?.items.map((info) => (
          <button
            type="button"
            key={info.type}
            className={`palette-item ${info.builtIn ? 'built-in' : ''}`}
            draggable
            data-node-type={info.type}
            title={info.description}
            onDragStart={(event) => {
              event.dataTransfer.setData(DRAG_TYPE, info.type);
              event.dataTransfer.effectAllowed = 'move';
            }}
            onClick={() => addNode(info.type)}
          >
            <b>{info.type}</b>
            <span className="muted small">{info.description}</span>
          </button>
        ))}
      </aside>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the canvas is the palette's drop target */}
      <div
        className="panel canvas"
        data-testid="canvas"
        onDrop={onDrop}
        onDragOver={(event) => event.preventDefault()}
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={(connection: Connection) =>
            setEdges((current) =>
              addEdge({ ...connection, id: `${connection.source}->${connection.target}` }, current),
            )
          }
          onNodeClick={(_event, node) => setSelected(node.id)}
          onPaneClick={() => setSelected(undefined)}
          deleteKeyCode={['Backspace', 'Delete']}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <Controls />
        </ReactFlow>
        {nodes.length === 0 && (
          <div className="canvas-hint">
            Drag node types here, then connect them from the right handle to the left one.
          </div>
        )}
      </div>
      <aside className="panel side">
        <h3>Workflow</h3>
        <label className="field">
          id
          <input
            data-testid="workflow-id"
            value={meta.id}
            onChange={(event) => setMeta({ ...meta, id: event.target.value.trim() })}
          />
        </label>
        <label className="field">
          name
          <input
            data-testid="workflow-name"
            value={meta.name}
            onChange={(event) => setMeta({ ...meta, name: event.target.value })}
          />
        </label>
        <div className="actions">
          <button type="button" className="button" data-testid="save" onClick={() => void save()}>
            Save{saved ? ` (v${saved})` : ''}
          </button>
        </div>
        <label className="field">
          Run with input (JSON)
          <textarea
            data-testid="editor-input"
            rows={3}
            value={input}
            onChange={(event) => setInput(event.target.value)}
          />
        </label>
        <button
          type="button"
          className="button primary"
          data-testid="save-and-run"
          onClick={() => void run()}
        >
          Save and run ▶
        </button>
        {message && (
          <p className={message.kind === 'ok' ? 'ok' : 'error'} data-testid="editor-message">
            {message.text}
          </p>
        )}
        {selectedNode && (
          <div className="node-config" data-testid="node-config">
            <h3>
              Node <code>{selectedNode.data.type}</code>
            </h3>
            <label className="field">
              id
              <input
                data-testid="node-id"
                defaultValue={selectedNode.id}
                key={selectedNode.id}
                onBlur={(event) => renameSelected(event.target.value.trim())}
              />
            </label>
            {selectedType && (
              <ConfigForm
                key={selectedNode.id}
                schema={selectedType.configSchema}
                value={configs[selectedNode.id] ?? {}}
                onChange={(value) =>
                  setConfigs((current) => ({ ...current, [selectedNode.id]: value }))
                }
              />
            )}
          </div>
        )}
      </aside>
    </section>
  );
}

/** `/editor`: build a workflow on a canvas from the registered node types, save it and run it. */
export function EditorPage(props: { from: string | null }) {
  return (
    <ReactFlowProvider>
      <Editor from={props.from} />
    </ReactFlowProvider>
  );
}
