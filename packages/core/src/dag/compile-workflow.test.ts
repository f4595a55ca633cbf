import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  CycleDetectedError,
  WorkflowValidationError,
} from '../errors/error-classes.ts';
import type { NodeDefinition, WorkflowDefinition } from '../model/workflow-definition.ts';
import {
  detectCircularReferences,
  validateWorkflowDefinition,
} from '../schema/validate-workflow.ts';
import { compileWorkflow, getCompiledNode } from './compile-workflow.ts';
import { findCycles } from './find-cycles.ts';
import { topologicalOrder } from './topological-order.ts';

// Core compiles without Node or DOM typings; these tests only need the two globals below.
declare const console: { log(...values: unknown[]): void };
declare const performance: { now(): number };

const task = (id: string, extra: Partial<NodeDefinition> = {}): NodeDefinition => ({
  id,
  type: 'task',
  ...extra,
});

function definition(nodes: NodeDefinition[], extra: Partial<WorkflowDefinition> = {}) {
  return { id: 'wf', nodes, ...extra };
}

function chain(size: number, declare: 'inputs' | 'outputs'): NodeDefinition[] {
  return Array.from({ length: size }, (_, i) =>
    declare === 'inputs'
      ? task(`n${i}`, i === 0 ? {} : { inputs: [`n${i - 1}`] })
      : task(`n${i}`, i === size - 1 ? {} : { outputs: [`n${i + 1}`] }),
  );
}

describe('compileWorkflow', () => {
  const diamond = definition([
    task('start', { outputs: ['right', 'left'] }),
    task('left'),
    task('right'),
    task('join', { inputs: ['right', 'left'] }),
    task('side'),
  ]);

  it('lists parents and children in definition order, whatever order they were declared in', () => {
    const graph = compileWorkflow(diamond);
    expect(graph.children.get('start')).toEqual(['left', 'right']);
    expect(graph.parents.get('join')).toEqual(['left', 'right']);
    expect(graph.parents.get('left')).toEqual(['start']);
    expect(graph.children.get('left')).toEqual(['join']);
    expect(graph.parents.get('side')).toEqual([]);
    expect(graph.children.get('side')).toEqual([]);
  });

  it('finds the entry nodes (no inputs) and the terminal nodes (no outputs)', () => {
    const graph = compileWorkflow(diamond);
    expect(graph.entryNodes).toEqual(['start', 'side']);
    expect(graph.terminalNodes).toEqual(['join', 'side']);
    expect(graph.nodeIds).toEqual(['start', 'left', 'right', 'join', 'side']);
    expect(graph.size).toBe(5);
    expect(graph.workflowId).toBe('wf');
  });

  it('orders every node after all of its parents', () => {
    const graph = compileWorkflow(
      definition([
        task('d', { inputs: ['c', 'b'] }),
        task('c', { inputs: ['a'] }),
        task('b', { inputs: ['a', 'c'] }),
        task('a'),
        task('e', { inputs: ['d', 'a'] }),
      ]),
    );
    const position = new Map(graph.topologicalOrder.map((id, i) => [id, i]));
    expect(graph.topologicalOrder).toHaveLength(graph.size);
    for (const id of graph.nodeIds) {
      for (const parent of graph.parents.get(id) ?? []) {
        expect(position.get(parent)).toBeLessThan(position.get(id) as number);
      }
    }
    expect(graph.topologicalOrder[0]).toBe('a');
  });

  it('builds the same graph from edges declared only via outputs or only via inputs', () => {
    const viaInputs = compileWorkflow(definition(chain(4, 'inputs')));
    const viaOutputs = compileWorkflow(definition(chain(4, 'outputs')));
    for (const graph of [viaInputs, viaOutputs]) {
      expect(graph.parents.get('n2')).toEqual(['n1']);
      expect(graph.children.get('n2')).toEqual(['n3']);
      expect(graph.entryNodes).toEqual(['n0']);
      expect(graph.terminalNodes).toEqual(['n3']);
    }
  });

  it('returns a frozen graph: changing it throws in strict mode', () => {
    const graph = compileWorkflow(diamond);
    expect(Object.isFrozen(graph)).toBe(true);
    expect(() => {
      (graph as { size: number }).size = 1;
    }).toThrow(TypeError);
    expect(() => (graph.entryNodes as string[]).push('x')).toThrow(TypeError);
    expect(() => (graph.terminalNodes as string[]).pop()).toThrow(TypeError);
    expect(() => (graph.topologicalOrder as string[]).push('x')).toThrow(TypeError);
    expect(() => (graph.nodeIds as string[]).push('x')).toThrow(TypeError);
    expect(() => (graph.children.get('start') as string[]).push('x')).toThrow(TypeError);
    expect(() => (graph.parents.get('join') as string[]).push('x')).toThrow(TypeError);
    expect(() => {
      (graph.definition.nodes[0] as NodeDefinition).id = 'renamed';
    }).toThrow(TypeError);
    expect(() => {
      (graph.nodes.get('start') as NodeDefinition).type = 'other';
    }).toThrow(TypeError);
  });

  it('copies the definition, so later changes to the input do not reach the graph', () => {
    const input = definition([task('a', { config: { url: 'x' } }), task('b', { inputs: ['a'] })]);
    const graph = compileWorkflow(input);
    (input.nodes[0] as NodeDefinition).config = { url: 'changed' };
    input.nodes.push(task('c'));
    expect(graph.nodes.get('a')?.config).toEqual({ url: 'x' });
    expect(graph.definition.nodes).toHaveLength(2);
    expect(Object.isFrozen(graph.nodes.get('a')?.config)).toBe(true);
  });

  it('keeps extra keys of the nodes in the compiled definitions', () => {
    const graph = compileWorkflow({
      id: 'wf',
      nodes: [{ id: 'a', type: 'task', position: { x: 1, y: 2 } }],
    });
    expect((graph.nodes.get('a') as NodeDefinition & { position?: unknown }).position).toEqual({
      x: 1,
      y: 2,
    });
  });

  it('throws a CycleDetectedError for a cyclic definition', () => {
    expect(() =>
      compileWorkflow(definition([task('a', { inputs: ['b'] }), task('b', { inputs: ['a'] })])),
    ).toThrow(CycleDetectedError);
  });

  it('throws a WorkflowValidationError for an unknown node type when asked to check types', () => {
    expect(() =>
      compileWorkflow(definition([task('a')]), { isKnownNodeType: (type) => type === 'http' }),
    ).toThrow(WorkflowValidationError);
  });

  it('getCompiledNode returns a node, and throws a ConfigurationError naming a missing one', () => {
    const graph = compileWorkflow(diamond);
    expect(getCompiledNode(graph, 'join').id).toBe('join');
    expect(() => getCompiledNode(graph, 'nope')).toThrow(ConfigurationError);
    expect(() => getCompiledNode(graph, 'nope')).toThrow(/nope/);
  });
});

describe('topologicalOrder', () => {
  it('reports the nodes on or behind a cycle as blocked', () => {
    const parents = new Map([
      ['a', []],
      ['b', ['a', 'c']],
      ['c', ['b']],
      ['d', ['c']],
    ]);
    const children = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['b', 'd']],
      ['d', []],
    ]);
    expect(topologicalOrder(['a', 'b', 'c', 'd'], parents, children)).toEqual({
      order: ['a'],
      blocked: ['b', 'c', 'd'],
    });
  });
});

describe('large workflows', () => {
  const SIZE = 5000;

  it('validates and compiles a 5,000-node chain without overflowing the stack', () => {
    const nodes = chain(SIZE, 'inputs');
    const started = performance.now();
    validateWorkflowDefinition(definition(nodes));
    const validated = performance.now();
    const graph = compileWorkflow(definition(nodes));
    const compiled = performance.now();
    console.log(
      `5,000-node chain: validate ${(validated - started).toFixed(1)} ms, compile (incl. validation) ${(compiled - validated).toFixed(1)} ms`,
    );
    expect(graph.size).toBe(SIZE);
    expect(graph.entryNodes).toEqual(['n0']);
    expect(graph.terminalNodes).toEqual([`n${SIZE - 1}`]);
    expect(graph.topologicalOrder[SIZE - 1]).toBe(`n${SIZE - 1}`);
  });

  it('rejects a 5,000-node chain with a back edge, naming the whole cycle, without overflowing the stack', () => {
    const nodes = chain(SIZE, 'outputs');
    nodes[SIZE - 1] = task(`n${SIZE - 1}`, { outputs: ['n0'] });
    const started = performance.now();
    let caught: unknown;
    try {
      compileWorkflow(definition(nodes));
    } catch (error) {
      caught = error;
    }
    const elapsed = performance.now() - started;
    console.log(`5,000-node chain with a back edge: rejected in ${elapsed.toFixed(1)} ms`);
    expect(caught).toBeInstanceOf(CycleDetectedError);
    const cycle = (caught as CycleDetectedError).cycle;
    expect(cycle).toHaveLength(SIZE + 1);
    expect(cycle[0]).toBe('n0');
    expect(cycle[1]).toBe('n1');
    expect(cycle[SIZE - 1]).toBe(`n${SIZE - 1}`);
    expect(cycle[SIZE]).toBe('n0');
    expect(detectCircularReferences({ nodes })).toHaveLength(1);
  });

  it('finds a cycle through a deep chain with findCycles alone', () => {
    const ids = Array.from({ length: SIZE }, (_, i) => `n${i}`);
    const children = new Map(
      ids.map((id, i) => [id, i === SIZE - 1 ? [`n${SIZE - 2}`] : [`n${i + 1}`]]),
    );
    expect(findCycles(ids, children)).toEqual([[`n${SIZE - 2}`, `n${SIZE - 1}`, `n${SIZE - 2}`]]);
  });
});
