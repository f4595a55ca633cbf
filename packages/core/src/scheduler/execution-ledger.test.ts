import { describe, expect, it } from 'vitest';
import { type CompiledWorkflow, compileWorkflow } from '../dag/compile-workflow.ts';
import type { ExecutionResult, ExecutionStatus } from '../model/execution.ts';
import { errorResult, skippedResult, successResult } from '../model/results.ts';
import type { NodeOutcomeCommitResult } from '../ports/execution-store.ts';
import { resolveNodeEdges } from './edge-activation.ts';
import { ExecutionLedger } from './execution-ledger.ts';

/**
 *   a ─┬─ b ─┬─ d ── e
 *      └─ c ─┘
 *      └─ f        (c → f as well)
 */
const graph = compileWorkflow({
  id: 'wf',
  nodes: [
    { id: 'a', type: 'task', outputs: ['b', 'c'] },
    { id: 'b', type: 'task', outputs: ['d'] },
    { id: 'c', type: 'task', outputs: ['d', 'f'] },
    { id: 'd', type: 'task', outputs: ['e'] },
    { id: 'e', type: 'task' },
    { id: 'f', type: 'task' },
  ],
});

function commitNode(
  ledger: ExecutionLedger,
  nodeId: string,
  result: ExecutionResult,
  options: { continueOnFail?: boolean; graph?: CompiledWorkflow } = {},
): NodeOutcomeCommitResult {
  const g = options.graph ?? graph;
  const resolution = resolveNodeEdges(g, nodeId, result, {
    continueOnFail: options.continueOnFail ?? false,
  });
  if (resolution.kind === 'failed') {
    return ledger.commit({
      executionId: 'exec-1',
      nodeId,
      result,
      resolution: 'failed',
      edges: [],
      totalNodes: g.size,
      error: result.error,
    });
  }
  const active = new Set(resolution.active);
  return ledger.commit({
    executionId: 'exec-1',
    nodeId,
    result,
    resolution: 'resolved',
    edges: (g.children.get(nodeId) ?? []).map((child) => ({
      child,
      active: active.has(child),
      parentCount: g.parents.get(child)?.length ?? 0,
    })),
    totalNodes: g.size,
  });
}

function skip(ledger: ExecutionLedger, nodeId: string): NodeOutcomeCommitResult {
  return commitNode(ledger, nodeId, skippedResult());
}

describe('ExecutionLedger.commit', () => {
  it('keeps the first result of a node: a second commit writes nothing and says so', () => {
    const ledger = new ExecutionLedger();
    const first = commitNode(ledger, 'a', successResult('first'));
    expect(first.firstWrite).toBe(true);
    const progressBefore = [...ledger.progress].map(([id, counters]) => [id, { ...counters }]);
    const second = commitNode(ledger, 'a', successResult('second', { nextNodes: [] }));
    expect(second.firstWrite).toBe(false);
    expect(ledger.results.get('a')?.data).toBe('first');
    expect(ledger.resolvedCount).toBe(1);
    expect([...ledger.progress]).toEqual(progressBefore);
  });

  it('makes a child ready only once all of its parents resolved', () => {
    const ledger = new ExecutionLedger();
    expect(commitNode(ledger, 'a', successResult(1)).ready).toEqual(['b', 'c']);
    const afterB = commitNode(ledger, 'b', successResult(2));
    expect(afterB.ready).toEqual([]);
    expect(afterB.skipped).toEqual([]);
    expect(commitNode(ledger, 'c', successResult(3)).ready).toEqual(['d', 'f']);
  });

  it('makes a join ready when one incoming edge is active and the other parent was skipped', () => {
    const ledger = new ExecutionLedger();
    const afterA = commitNode(ledger, 'a', successResult(1, { nextNodes: ['b'] }));
    expect(afterA.ready).toEqual(['b']);
    expect(afterA.skipped).toEqual(['c']);
    const afterSkip = skip(ledger, 'c');
    expect(afterSkip.ready).toEqual([]);
    expect(afterSkip.skipped).toEqual(['f']);
    expect(commitNode(ledger, 'b', successResult(2)).ready).toEqual(['d']);
  });

  it('skips a child whose parents all resolved without an active edge, and the skip propagates', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    commitNode(ledger, 'b', successResult(2, { nextNodes: [] }));
    const afterC = commitNode(ledger, 'c', successResult(3, { nextNodes: ['f'] }));
    expect(afterC.ready).toEqual(['f']);
    expect(afterC.skipped).toEqual(['d']);
    expect(skip(ledger, 'd').skipped).toEqual(['e']);
  });

  it('reports completion exactly once, on the commit that resolves the last node', () => {
    const ledger = new ExecutionLedger();
    const transitions: Array<string | undefined> = [];
    for (const id of ['a', 'b', 'c', 'f', 'd', 'e']) {
      transitions.push(commitNode(ledger, id, successResult(id)).transitioned);
    }
    expect(transitions).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'completed',
    ]);
    expect(ledger.status).toBe('completed');
    const again = commitNode(ledger, 'e', successResult('e'));
    expect(again.transitioned).toBeUndefined();
    expect(again.status).toBe('completed');
  });

  it('counts continueOnFail failures as resolved and keeps their edges active', () => {
    const ledger = new ExecutionLedger();
    const result = commitNode(ledger, 'a', errorResult('flaky'), { continueOnFail: true });
    expect(result.ready).toEqual(['b', 'c']);
    expect(ledger.status).toBe('running');
    expect(ledger.resolvedCount).toBe(1);
    expect(ledger.failedNodes.size).toBe(0);
  });

  it('fails the execution on a hard failure, after which nothing becomes ready', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    const failure = commitNode(ledger, 'b', errorResult('boom'));
    expect(failure).toMatchObject({ firstWrite: true, status: 'failed', transitioned: 'failed' });
    expect(failure.ready).toEqual([]);
    expect(ledger.status).toBe('failed');
    expect(ledger.error).toBe('boom');
    expect(ledger.failedNodes.has('b')).toBe(true);
    expect(ledger.results.get('b')?.success).toBe(false);

    // c was in flight: its commit is stored but makes nothing ready (f alone would have been).
    const inFlight = commitNode(ledger, 'c', successResult(3));
    expect(inFlight).toMatchObject({ firstWrite: true, ready: [], skipped: [], held: [] });
    expect(inFlight.transitioned).toBeUndefined();
    expect(ledger.results.get('c')?.data).toBe(3);
    expect(ledger.status).toBe('failed');
  });

  it('reports the failure transition once even when another node fails hard afterwards', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    expect(commitNode(ledger, 'b', errorResult('first')).transitioned).toBe('failed');
    const second = commitNode(ledger, 'c', errorResult('second'));
    expect(second.transitioned).toBeUndefined();
    expect(ledger.error).toBe('first');
  });

  it('sends children that become ready while paused to the held set instead of ready', () => {
    const ledger = new ExecutionLedger();
    expect(ledger.setStatus('paused').changed).toBe(true);
    const result = commitNode(ledger, 'a', successResult(1));
    expect(result.ready).toEqual([]);
    expect(result.held).toEqual(['b', 'c']);
    expect(result.status).toBe('paused');
    expect([...ledger.held]).toEqual(['b', 'c']);
  });

  it('still propagates skips while paused', () => {
    const ledger = new ExecutionLedger();
    ledger.setStatus('paused');
    const result = commitNode(ledger, 'a', successResult(1, { nextNodes: ['c'] }));
    expect(result.skipped).toEqual(['b']);
    expect(result.held).toEqual(['c']);
  });

  it('completes a paused execution when its last node resolves', () => {
    const ledger = new ExecutionLedger();
    for (const id of ['a', 'b', 'c', 'f', 'd']) commitNode(ledger, id, successResult(id));
    ledger.setStatus('paused');
    const last = commitNode(ledger, 'e', successResult('e'));
    expect(last.transitioned).toBe('completed');
    expect(ledger.status).toBe('completed');
  });

  it('stops holding a node once it has a result, and holds nothing after completion', () => {
    // Found by the deep property run (seed 974838373): a redelivered commit while paused held
    // children that were already queued; they ran during the pause and the execution completed
    // with them still held.
    const ledger = new ExecutionLedger();
    for (const id of ['a', 'b', 'c']) commitNode(ledger, id, successResult(id));
    ledger.setStatus('paused');
    expect(commitNode(ledger, 'c', successResult('again')).held).toEqual(['d', 'f']);
    commitNode(ledger, 'f', successResult('f'));
    expect([...ledger.held]).toEqual(['d']);
    commitNode(ledger, 'd', successResult('d'));
    ledger.hold(['e']);
    expect(commitNode(ledger, 'e', successResult('e')).transitioned).toBe('completed');
    expect(ledger.held.size).toBe(0);
  });

  it('ignores the outcome of in-flight nodes for readiness once cancelled, but keeps their results', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    expect(ledger.setStatus('cancelled').changed).toBe(true);
    const result = commitNode(ledger, 'c', successResult(3));
    expect(result).toMatchObject({ ready: [], skipped: [], held: [], status: 'cancelled' });
    expect(result.transitioned).toBeUndefined();
    expect(ledger.results.has('c')).toBe(true);
  });

  it('starts nothing for a pending execution', () => {
    const ledger = new ExecutionLedger('pending');
    expect(commitNode(ledger, 'a', successResult(1)).ready).toEqual([]);
  });
});

describe('ExecutionLedger redelivery', () => {
  it('reports again the children that are ready but have no result yet, so they can be ensured', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    const again = commitNode(ledger, 'a', successResult(1));
    expect(again.firstWrite).toBe(false);
    expect(again.ready).toEqual(['b', 'c']);
    expect(ledger.resolvedCount).toBe(1);
  });

  it('does not report children that already have results', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    commitNode(ledger, 'b', successResult(2));
    const again = commitNode(ledger, 'a', successResult(1));
    expect(again.ready).toEqual(['c']);
  });

  it('uses the stored outcome, not the redelivered one, to report children', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1, { nextNodes: ['b'] }));
    const again = commitNode(ledger, 'a', successResult(1, { nextNodes: ['c'] }));
    expect(again.ready).toEqual(['b']);
    expect(again.skipped).toEqual(['c']);
  });

  it('does not report a child that still waits for another parent', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    commitNode(ledger, 'b', successResult(2));
    expect(commitNode(ledger, 'b', successResult(2)).ready).toEqual([]);
  });

  it('ignores a repeated hard failure', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', errorResult('boom'));
    const again = commitNode(ledger, 'a', errorResult('boom again'));
    expect(again).toMatchObject({ firstWrite: false, status: 'failed' });
    expect(again.transitioned).toBeUndefined();
    expect(ledger.results.get('a')?.error).toBe('boom');
  });
});

describe('ExecutionLedger status changes', () => {
  it('hold() holds nodes only while paused', () => {
    const ledger = new ExecutionLedger();
    expect(ledger.hold(['b'])).toBe(false);
    expect(ledger.held.size).toBe(0);
    ledger.setStatus('paused');
    expect(ledger.hold(['b', 'c'])).toBe(true);
    expect([...ledger.held]).toEqual(['b', 'c']);
  });

  it('resume() hands the held nodes back exactly once', () => {
    const ledger = new ExecutionLedger();
    ledger.setStatus('paused');
    commitNode(ledger, 'a', successResult(1));
    const resumed = ledger.resume();
    expect(resumed).toEqual({ changed: true, status: 'running', held: ['b', 'c'] });
    expect(ledger.held.size).toBe(0);
    expect(ledger.resume()).toEqual({ changed: false, status: 'running', held: [] });
  });

  it('resume() does nothing unless paused', () => {
    const ledger = new ExecutionLedger('failed');
    expect(ledger.resume()).toEqual({ changed: false, status: 'failed', held: [] });
  });

  it.each(['completed', 'failed', 'cancelled'] as const)(
    'never leaves the terminal status %s through setStatus',
    (terminal) => {
      const ledger = new ExecutionLedger(terminal);
      for (const to of [
        'pending',
        'running',
        'paused',
        'completed',
        'failed',
        'cancelled',
      ] as const) {
        expect(ledger.setStatus(to)).toEqual({
          changed: false,
          status: terminal,
          previous: terminal,
        });
      }
      expect(ledger.status).toBe(terminal);
    },
  );

  it('setStatus honours the expected previous statuses', () => {
    const ledger = new ExecutionLedger('running');
    expect(ledger.setStatus('cancelled', ['paused'])).toEqual({
      changed: false,
      status: 'running',
      previous: 'running',
    });
    expect(ledger.setStatus('cancelled', ['running', 'paused'])).toEqual({
      changed: true,
      status: 'cancelled',
      previous: 'running',
    });
  });

  it('reopen() drops the failed result of a hard-failed node and runs the execution again', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    commitNode(ledger, 'b', errorResult('boom'));
    expect(ledger.reopen('b')).toBe(true);
    expect(ledger.status).toBe('running');
    expect(ledger.error).toBeUndefined();
    expect(ledger.results.has('b')).toBe(false);
    expect(ledger.failedNodes.has('b')).toBe(false);
    commitNode(ledger, 'c', successResult(3));
    expect(commitNode(ledger, 'b', successResult(2)).ready).toEqual(['d']);
  });

  it('reopen() refuses a node that did not fail the execution', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', errorResult('soft'), { continueOnFail: true });
    commitNode(ledger, 'b', errorResult('hard'));
    expect(ledger.reopen('a')).toBe(false);
    expect(ledger.reopen('c')).toBe(false);
    expect(ledger.status).toBe('failed');
    expect(ledger.results.has('a')).toBe(true);
  });

  it('reopen() takes a second failed node after the first one was retried', () => {
    const ledger = new ExecutionLedger();
    commitNode(ledger, 'a', successResult(1));
    commitNode(ledger, 'b', errorResult('hard'));
    commitNode(ledger, 'c', errorResult('also hard'));
    expect(ledger.reopen('b')).toBe(true);
    expect(ledger.status).toBe('running');
    expect(ledger.reopen('c')).toBe(true);
    expect(ledger.reopen('a')).toBe(false);
  });

  it.each(['paused', 'cancelled'] as ExecutionStatus[])(
    'reopen() refuses while the execution is %s',
    (status) => {
      const ledger = new ExecutionLedger();
      commitNode(ledger, 'a', successResult(1));
      commitNode(ledger, 'b', errorResult('hard'));
      ledger.status = status;
      expect(ledger.reopen('b')).toBe(false);
      expect(ledger.results.has('b')).toBe(true);
    },
  );
});
