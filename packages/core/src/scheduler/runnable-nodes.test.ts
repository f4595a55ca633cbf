import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../dag/compile-workflow.ts';
import { errorResult, skippedResult, successResult } from '../model/results.ts';
import { findRunnableNodes, findSkippableNodes } from './runnable-nodes.ts';

const graph = compileWorkflow({
  id: 'wf',
  nodes: [
    { id: 'a', type: 'task', outputs: ['b', 'c'] },
    { id: 'b', type: 'task', outputs: ['d'] },
    { id: 'c', type: 'task', outputs: ['d'] },
    { id: 'd', type: 'task' },
    { id: 'lonely', type: 'task' },
  ],
});

describe('findRunnableNodes', () => {
  it('starts with the entry nodes when nothing has run', () => {
    expect(findRunnableNodes(graph, {})).toEqual(['a', 'lonely']);
  });

  it('lists the children whose parents all resolved, and not the nodes that already have results', () => {
    expect(findRunnableNodes(graph, { a: successResult(1), lonely: successResult(2) })).toEqual([
      'b',
      'c',
    ]);
  });

  it('waits for every parent of a join', () => {
    const results = { a: successResult(1), lonely: successResult(2), b: successResult(3) };
    expect(findRunnableNodes(graph, results)).toEqual(['c']);
    expect(findRunnableNodes(graph, { ...results, c: successResult(4) })).toEqual(['d']);
  });

  it('runs a join when only one of its incoming edges is active', () => {
    const results = {
      a: successResult(1, { nextNodes: ['b'] }),
      lonely: successResult(2),
      b: successResult(3),
      c: skippedResult(),
    };
    expect(findRunnableNodes(graph, results)).toEqual(['d']);
  });

  it('does not list a node whose incoming edges are all inactive', () => {
    const results = {
      a: successResult(1),
      lonely: successResult(2),
      b: skippedResult(),
      c: successResult(3, { nextNodes: [] }),
    };
    expect(findRunnableNodes(graph, results)).toEqual([]);
  });

  it('treats a continueOnFail failure as resolved with active edges', () => {
    expect(findRunnableNodes(graph, { a: errorResult('x'), lonely: successResult(2) })).toEqual([
      'b',
      'c',
    ]);
  });

  it('does not run the children of a node that failed the execution', () => {
    expect(
      findRunnableNodes(
        graph,
        { a: errorResult('x'), lonely: successResult(2) },
        {
          failedNodes: new Set(['a']),
        },
      ),
    ).toEqual([]);
  });

  it('does not mistake inherited object keys for results of nodes named like them', () => {
    const odd = compileWorkflow({
      id: 'odd',
      nodes: [
        { id: 'constructor', type: 'task', outputs: ['toString'] },
        { id: 'toString', type: 'task' },
      ],
    });
    expect(findRunnableNodes(odd, {})).toEqual(['constructor']);
    expect(findRunnableNodes(odd, { constructor: successResult(1) })).toEqual(['toString']);
  });
});

describe('findSkippableNodes', () => {
  it('lists nodes whose parents all resolved with no edge into them active', () => {
    const results = {
      a: successResult(1, { nextNodes: ['b'] }),
      lonely: successResult(2),
    };
    expect(findSkippableNodes(graph, results)).toEqual(['c']);
  });

  it('skips a join only when every parent deactivated it, and never an entry node', () => {
    const results = {
      a: successResult(1),
      b: skippedResult(),
      c: successResult(3, { nextNodes: [] }),
    };
    expect(findSkippableNodes(graph, results)).toEqual(['d']);
    expect(findSkippableNodes(graph, { ...results, c: successResult(3) })).toEqual([]);
    expect(findSkippableNodes(graph, {})).toEqual([]);
  });

  it('treats parents that failed the execution as unresolved', () => {
    const results = { a: successResult(1), b: skippedResult(), c: errorResult('hard') };
    expect(findSkippableNodes(graph, results, { failedNodes: new Set(['c']) })).toEqual([]);
  });
});
