import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../dag/compile-workflow.ts';
import { errorResult, skippedResult, successResult } from '../model/results.ts';
import { assembleNodeInput, collectWorkflowOutput } from './node-input.ts';

const graph = compileWorkflow({
  id: 'wf',
  nodes: [
    { id: 'start', type: 'task', outputs: ['check', 'fetchA', 'fetchB', 'fetchC'] },
    { id: 'check', type: 'if', outputs: ['ifTrue', 'ifFalse'] },
    { id: 'ifTrue', type: 'task', outputs: ['join'] },
    { id: 'ifFalse', type: 'task', outputs: ['join'] },
    { id: 'join', type: 'task' },
    { id: 'fetchA', type: 'task', outputs: ['merge'] },
    { id: 'fetchB', type: 'task', outputs: ['merge'] },
    { id: 'fetchC', type: 'task', outputs: ['merge'] },
    { id: 'merge', type: 'task' },
  ],
});

describe('assembleNodeInput', () => {
  it('gives an entry node the initial data', () => {
    expect(
      assembleNodeInput(graph, 'start', { initialData: { order: 7 }, parentResults: {} }),
    ).toEqual({ order: 7 });
  });

  it("gives a node with one parent that parent's data directly", () => {
    expect(
      assembleNodeInput(graph, 'check', {
        initialData: 'ignored',
        parentResults: { start: successResult({ total: 3 }) },
      }),
    ).toEqual({ total: 3 });
  });

  it('gives a node with several active parents their data keyed by parent id', () => {
    expect(
      assembleNodeInput(graph, 'merge', {
        initialData: 'ignored',
        parentResults: {
          fetchA: successResult('a'),
          fetchB: successResult({ b: true }),
          fetchC: successResult(null),
        },
      }),
    ).toEqual({ fetchA: 'a', fetchB: { b: true }, fetchC: null });
  });

  it('leaves out parents that failed with continueOnFail when several parents are active', () => {
    expect(
      assembleNodeInput(graph, 'merge', {
        initialData: 'ignored',
        parentResults: {
          fetchA: successResult('a'),
          fetchB: errorResult('down', { partial: 1 }),
          fetchC: successResult('c'),
        },
      }),
    ).toEqual({ fetchA: 'a', fetchC: 'c' });
  });

  it('leaves out skipped parents when several parents are still active', () => {
    expect(
      assembleNodeInput(graph, 'merge', {
        initialData: 'ignored',
        parentResults: {
          fetchA: successResult('a'),
          fetchB: skippedResult('not needed'),
          fetchC: successResult('c'),
        },
      }),
    ).toEqual({ fetchA: 'a', fetchC: 'c' });
  });

  it('gives an if/else join the branch that ran keyed by its id, the same shape whichever ran', () => {
    expect(
      assembleNodeInput(graph, 'join', {
        initialData: 'ignored',
        parentResults: { ifTrue: successResult({ branch: 'ifTrue' }), ifFalse: skippedResult() },
      }),
    ).toEqual({ ifTrue: { branch: 'ifTrue' } });
    expect(
      assembleNodeInput(graph, 'join', {
        initialData: 'ignored',
        parentResults: { ifTrue: skippedResult(), ifFalse: successResult({ branch: 'ifFalse' }) },
      }),
    ).toEqual({ ifFalse: { branch: 'ifFalse' } });
  });

  it('keys the only completed parent of a multi-parent node by its id', () => {
    expect(
      assembleNodeInput(graph, 'merge', {
        initialData: 'ignored',
        parentResults: {
          fetchA: skippedResult(),
          fetchB: successResult('only b'),
          fetchC: skippedResult(),
        },
      }),
    ).toEqual({ fetchB: 'only b' });
  });

  it('leaves out a parent whose nextNodes did not name the node', () => {
    expect(
      assembleNodeInput(graph, 'merge', {
        initialData: 'ignored',
        parentResults: {
          fetchA: successResult('a', { nextNodes: [] }),
          fetchB: successResult('b'),
          fetchC: successResult('c', { nextNodes: ['merge'] }),
        },
      }),
    ).toEqual({ fetchB: 'b', fetchC: 'c' });
  });

  it('keeps a falsy value of the only completed parent, keyed by its id', () => {
    expect(
      assembleNodeInput(graph, 'join', {
        initialData: 'ignored',
        parentResults: { ifTrue: skippedResult(), ifFalse: successResult(0) },
      }),
    ).toEqual({ ifFalse: 0 });
  });

  it("gives a node with one parent that parent's data even when it failed with continueOnFail", () => {
    expect(
      assembleNodeInput(graph, 'check', {
        initialData: 'ignored',
        parentResults: { start: errorResult('down', { partial: 1 }) },
      }),
    ).toEqual({ partial: 1 });
  });

  it('does not treat inherited object keys as results of parents named like them', () => {
    const odd = compileWorkflow({
      id: 'odd',
      nodes: [
        { id: 'constructor', type: 'task', outputs: ['toString'] },
        { id: 'valueOf', type: 'task', outputs: ['toString'] },
        { id: 'toString', type: 'task' },
      ],
    });
    const input = assembleNodeInput(odd, 'toString', {
      initialData: 'ignored',
      parentResults: { valueOf: successResult('v') },
    }) as Record<string, unknown>;
    expect(Object.keys(input)).toEqual(['valueOf']);
    expect(input.valueOf).toBe('v');
  });

  it('keeps a parent named __proto__ as an own key of the merged input', () => {
    const odd = compileWorkflow({
      id: 'odd',
      nodes: [
        { id: '__proto__', type: 'task', outputs: ['join'] },
        { id: 'other', type: 'task', outputs: ['join'] },
        { id: 'join', type: 'task' },
      ],
    });
    const parentResults = Object.fromEntries([
      ['__proto__', successResult({ polluted: true })],
      ['other', successResult('o')],
    ]);
    const input = assembleNodeInput(odd, 'join', {
      initialData: 'ignored',
      parentResults,
    }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.hasOwn(input, '__proto__')).toBe(true);
    expect(Object.keys(input).sort()).toEqual(['__proto__', 'other']);
    expect((input as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('collectWorkflowOutput', () => {
  it('returns the data of the only terminal node', () => {
    const chain = compileWorkflow({
      id: 'chain',
      nodes: [
        { id: 'a', type: 'task', outputs: ['b'] },
        { id: 'b', type: 'task' },
      ],
    });
    expect(
      collectWorkflowOutput(chain, { a: successResult('first'), b: successResult({ done: 1 }) }),
    ).toEqual({ done: 1 });
  });

  it('keys the output by node id when there are several terminal nodes, leaving out the skipped ones', () => {
    expect(graph.terminalNodes).toEqual(['join', 'merge']);
    expect(
      collectWorkflowOutput(graph, { join: successResult('j'), merge: successResult({ m: 2 }) }),
    ).toEqual({ join: 'j', merge: { m: 2 } });
    expect(
      collectWorkflowOutput(graph, { join: skippedResult(), merge: successResult(3) }),
    ).toEqual({ merge: 3 });
  });

  it('keys terminal nodes named like inherited object properties as plain own keys', () => {
    const odd = compileWorkflow({
      id: 'odd',
      nodes: [
        { id: '__proto__', type: 'task' },
        { id: 'toString', type: 'task' },
        { id: 'constructor', type: 'task' },
      ],
    });
    const output = collectWorkflowOutput(
      odd,
      Object.fromEntries([
        ['__proto__', successResult({ polluted: true })],
        ['toString', successResult('t')],
      ]),
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.keys(output).sort()).toEqual(['__proto__', 'toString']);
    expect(output.toString).toBe('t');
  });
});
