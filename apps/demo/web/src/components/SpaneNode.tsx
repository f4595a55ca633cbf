import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import type { NodeStatus } from '../types.ts';

/** What a node of the canvas shows. */
export type SpaneNodeData = {
  label: string;
  type: string;
  status?: NodeStatus | undefined;
  attempts?: number | undefined;
  durationMs?: number | undefined;
};

export type SpaneFlowNode = Node<SpaneNodeData, 'spane'>;

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** One node on a canvas; carries `data-node-id` and `data-status` for tests and users' scripts. */
export function SpaneNode({ id, data, selected }: NodeProps<SpaneFlowNode>) {
  const status = data.status;
  return (
    <div
      className={`spane-node ${status ? `status-${status}` : ''} ${selected ? 'selected' : ''}`}
      data-node-id={id}
      data-status={status ?? 'none'}
    >
      <Handle type="target" position={Position.Left} />
      <div className="spane-node-head">
        <span className="spane-node-label">{data.label}</span>
        {status && <span className={`badge badge-${status}`}>{status}</span>}
      </div>
      <div className="spane-node-meta">
        <span className="spane-node-type">{data.type}</span>
        {status && status !== 'pending' && status !== 'skipped' && (
          <span>
            {data.attempts ? `attempt ${data.attempts}` : ''}
            {data.attempts && data.durationMs !== undefined ? ' · ' : ''}
            {formatDuration(data.durationMs)}
          </span>
        )}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

export const nodeTypes = { spane: SpaneNode };
