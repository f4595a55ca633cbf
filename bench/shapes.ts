/**
 * The DAG shapes the benchmark runs, described once and used by both sides: the raw BullMQ side
 * walks them by hand, the engine side registers them as workflow definitions.
 */
import type { WorkflowDefinition } from '@spane/core';

/** The executor type every node of every shape uses. */
export const NOOP_TYPE = 'noop';

export interface Shape {
  /** Also the workflow id on the engine side. */
  readonly id: string;
  readonly nodeIds: readonly string[];
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly parentCount: ReadonlyMap<string, number>;
  readonly entryNodes: readonly string[];
  readonly size: number;
}

function makeShape(id: string, edges: ReadonlyArray<readonly [string, readonly string[]]>): Shape {
  const children = new Map<string, readonly string[]>();
  const parentCount = new Map<string, number>();
  for (const [node, outs] of edges) {
    children.set(node, outs);
    if (!parentCount.has(node)) parentCount.set(node, 0);
    for (const out of outs) parentCount.set(out, (parentCount.get(out) ?? 0) + 1);
  }
  const nodeIds = edges.map(([node]) => node);
  return {
    id,
    nodeIds,
    children,
    parentCount,
    entryNodes: nodeIds.filter((node) => parentCount.get(node) === 0),
    size: nodeIds.length,
  };
}

/** A → B → C. */
export function chainShape(length = 3): Shape {
  const ids = Array.from({ length }, (_, i) => String.fromCharCode(97 + i));
  return makeShape(
    `chain${length}`,
    ids.map((id, i) => [id, i + 1 < length ? [ids[i + 1] as string] : []] as const),
  );
}

/** 1 → N → 1: a root fans out to N middle nodes that all join into one. */
export function fanShape(id: string, width: number): Shape {
  const middles = Array.from({ length: width }, (_, i) => `m${i}`);
  return makeShape(id, [
    ['root', middles],
    ...middles.map((m) => [m, ['join']] as const),
    ['join', []],
  ]);
}

/** The workflow definition of a shape, every node a no-op. */
export function toDefinition(shape: Shape): WorkflowDefinition {
  return {
    id: shape.id,
    nodes: shape.nodeIds.map((id) => ({
      id,
      type: NOOP_TYPE,
      outputs: [...(shape.children.get(id) ?? [])],
    })),
  };
}

/** What a no-op node returns, on both sides. */
export const NOOP_OUTPUT = Object.freeze({ ok: true });
