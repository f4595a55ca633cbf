import type { Edge, Node } from '@xyflow/react';
import type { NodeDefinition } from './types.ts';

const COLUMN = 260;
const ROW = 110;

/** Edges of a definition, whichever side declares them, without duplicates. */
export function edgesOf(
  nodes: readonly NodeDefinition[],
): Array<{ source: string; target: string }> {
  const seen = new Set<string>();
  const edges: Array<{ source: string; target: string }> = [];
  const add = (source: string, target: string) => {
    const key = `${source}->${target}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ source, target });
  };
  for (const node of nodes) {
    for (const child of node.outputs ?? []) add(node.id, child);
    for (const parent of node.inputs ?? []) add(parent, node.id);
  }
  return edges;
}

/** Positions nodes left to right by depth (longest path from an entry node), rows centred. */
export function layoutDag<T extends Record<string, unknown>>(
  nodes: readonly NodeDefinition[],
  dataOf: (node: NodeDefinition) => T,
): { nodes: Array<Node<T>>; edges: Edge[] } {
  const edges = edgesOf(nodes);
  const parents = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  for (const edge of edges) parents.get(edge.target)?.push(edge.source);
  const depth = new Map<string, number>();
  const depthOf = (id: string, trail: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (trail.has(id)) return 0;
    trail.add(id);
    const value =
      Math.max(-1, ...(parents.get(id) ?? []).map((parent) => depthOf(parent, trail))) + 1;
    trail.delete(id);
    depth.set(id, value);
    return value;
  };
  const columns = new Map<number, string[]>();
  for (const node of nodes) {
    const d = depthOf(node.id, new Set());
    columns.set(d, [...(columns.get(d) ?? []), node.id]);
  }
  const tallest = Math.max(1, ...[...columns.values()].map((ids) => ids.length));
  const position = new Map<string, { x: number; y: number }>();
  for (const [d, ids] of columns) {
    const offset = ((tallest - ids.length) * ROW) / 2;
    for (const [row, id] of ids.entries()) {
      position.set(id, { x: d * COLUMN, y: offset + row * ROW });
    }
  }
  return {
    nodes: nodes.map((node) => ({
      id: node.id,
      type: 'spane',
      position: position.get(node.id) ?? { x: 0, y: 0 },
      data: dataOf(node),
    })),
    edges: edges.map((edge) => ({
      id: `${edge.source}->${edge.target}`,
      source: edge.source,
      target: edge.target,
    })),
  };
}
