import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../dag/compile-workflow.ts';
import { InvalidNextNodesError } from '../errors/error-classes.ts';
import { isRetryableError } from '../errors/error-helpers.ts';
import { errorResult, skippedResult, successResult } from '../model/results.ts';
import { isEdgeActive, resolveNodeEdges } from './edge-activation.ts';

const graph = compileWorkflow({
  id: 'wf',
  nodes: [
    { id: 'check', type: 'if', outputs: ['yes', 'no', 'always'] },
    { id: 'yes', type: 'task' },
    { id: 'no', type: 'task' },
    { id: 'always', type: 'task' },
  ],
});

describe('resolveNodeEdges', () => {
  it('activates every outgoing edge for a success without nextNodes', () => {
    expect(resolveNodeEdges(graph, 'check', successResult(1), { continueOnFail: false })).toEqual({
      kind: 'resolved',
      active: ['yes', 'no', 'always'],
      inactive: [],
    });
  });

  it('activates only the named children for a success with nextNodes, in definition order', () => {
    const result = successResult(1, { nextNodes: ['always', 'yes'] });
    expect(resolveNodeEdges(graph, 'check', result, { continueOnFail: false })).toEqual({
      kind: 'resolved',
      active: ['yes', 'always'],
      inactive: ['no'],
    });
  });

  it('deactivates every edge for a success with an empty nextNodes', () => {
    const result = successResult(1, { nextNodes: [] });
    expect(resolveNodeEdges(graph, 'check', result, { continueOnFail: false })).toEqual({
      kind: 'resolved',
      active: [],
      inactive: ['yes', 'no', 'always'],
    });
  });

  it('throws a non-retryable InvalidNextNodesError when nextNodes names a node that is not a child', () => {
    const result = successResult(1, { nextNodes: ['yes', 'check', 'ghost'] });
    let caught: unknown;
    try {
      resolveNodeEdges(graph, 'check', result, { continueOnFail: false });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidNextNodesError);
    const error = caught as InvalidNextNodesError;
    expect(error.retryable).toBe(false);
    expect(isRetryableError(error)).toBe(false);
    expect(error.code).toBe('INVALID_NEXT_NODES');
    expect(error.nodeId).toBe('check');
    expect(error.invalid).toEqual(['check', 'ghost']);
    expect(error.message).toContain('ghost');
  });

  it('rejects nextNodes on a node without children', () => {
    expect(() =>
      resolveNodeEdges(graph, 'yes', successResult(1, { nextNodes: ['no'] }), {
        continueOnFail: false,
      }),
    ).toThrow(InvalidNextNodesError);
  });

  it('deactivates every edge of a skipped node', () => {
    expect(resolveNodeEdges(graph, 'check', skippedResult(), { continueOnFail: false })).toEqual({
      kind: 'resolved',
      active: [],
      inactive: ['yes', 'no', 'always'],
    });
  });

  it('keeps every edge active for a failure with continueOnFail', () => {
    expect(resolveNodeEdges(graph, 'check', errorResult('boom'), { continueOnFail: true })).toEqual(
      {
        kind: 'resolved',
        active: ['yes', 'no', 'always'],
        inactive: [],
      },
    );
  });

  it('fails the execution for a failure without continueOnFail', () => {
    expect(
      resolveNodeEdges(graph, 'check', errorResult('boom'), { continueOnFail: false }),
    ).toEqual({ kind: 'failed' });
  });

  it('resolves a terminal node with no edges at all', () => {
    expect(resolveNodeEdges(graph, 'yes', successResult(1), { continueOnFail: false })).toEqual({
      kind: 'resolved',
      active: [],
      inactive: [],
    });
  });
});

describe('isEdgeActive', () => {
  it('treats a plain success as active toward every child', () => {
    expect(isEdgeActive(successResult(1), 'yes')).toBe(true);
  });

  it('follows nextNodes of a success', () => {
    const result = successResult(1, { nextNodes: ['yes'] });
    expect(isEdgeActive(result, 'yes')).toBe(true);
    expect(isEdgeActive(result, 'no')).toBe(false);
  });

  it('treats a skipped parent as inactive', () => {
    expect(isEdgeActive(skippedResult(), 'yes')).toBe(false);
  });

  it('treats a stored failure (a continueOnFail one) as active', () => {
    expect(isEdgeActive(errorResult('boom'), 'yes')).toBe(true);
  });
});
