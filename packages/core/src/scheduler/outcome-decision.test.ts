import { describe, expect, it } from 'vitest';
import type { ExecutionStatus } from '../model/execution.ts';
import { successResult } from '../model/results.ts';
import type { NodeOutcomeCommit } from '../ports/execution-store.ts';
import { decideNodeOutcome, type NodeProgress, type OutcomeSnapshot } from './outcome-decision.ts';

function snapshot(
  options: {
    status?: ExecutionStatus;
    resolvedCount?: number;
    results?: string[];
    progress?: Record<string, NodeProgress>;
  } = {},
): OutcomeSnapshot {
  const results = new Set(options.results ?? []);
  return {
    status: options.status ?? 'running',
    resolvedCount: options.resolvedCount ?? 0,
    hasResult: (id) => results.has(id),
    progress: (id) => options.progress?.[id] ?? { resolvedParents: 0, activeParents: 0 },
  };
}

const commit = (extra: Partial<NodeOutcomeCommit> = {}): NodeOutcomeCommit => ({
  executionId: 'e',
  nodeId: 'p',
  result: successResult(1),
  resolution: 'resolved',
  edges: [
    { child: 'x', active: true, parentCount: 1 },
    { child: 'y', active: false, parentCount: 1 },
    { child: 'z', active: true, parentCount: 2 },
  ],
  totalNodes: 10,
  ...extra,
});

describe('decideNodeOutcome', () => {
  it('counts the node as resolved and bumps the counters of each child', () => {
    const decision = decideNodeOutcome(snapshot({ resolvedCount: 3 }), commit());
    expect(decision.writeResult).toBe(true);
    expect(decision.resolvedCount).toBe(4);
    expect([...decision.progress]).toEqual([
      ['x', { resolvedParents: 1, activeParents: 1 }],
      ['y', { resolvedParents: 1, activeParents: 0 }],
      ['z', { resolvedParents: 1, activeParents: 1 }],
    ]);
    expect(decision.ready).toEqual(['x']);
    expect(decision.skipped).toEqual(['y']);
    expect(decision.transitioned).toBeUndefined();
  });

  it('adds to the counters already stored for a child', () => {
    const decision = decideNodeOutcome(
      snapshot({ progress: { z: { resolvedParents: 1, activeParents: 0 } } }),
      commit({ edges: [{ child: 'z', active: true, parentCount: 2 }] }),
    );
    expect(decision.progress.get('z')).toEqual({ resolvedParents: 2, activeParents: 1 });
    expect(decision.ready).toEqual(['z']);
  });

  it('writes nothing for a node that already has a result', () => {
    const decision = decideNodeOutcome(snapshot({ results: ['p'], resolvedCount: 3 }), commit());
    expect(decision).toMatchObject({ firstWrite: false, writeResult: false, resolvedCount: 3 });
    expect(decision.progress.size).toBe(0);
    // The stored counters (zeros here) decide what is reported: nothing is ready.
    expect(decision.ready).toEqual([]);
  });

  it('does not report a child that already has a result', () => {
    const decision = decideNodeOutcome(snapshot({ results: ['x', 'y'] }), commit());
    expect(decision.ready).toEqual([]);
    expect(decision.skipped).toEqual([]);
    expect(decision.progress.get('x')).toEqual({ resolvedParents: 1, activeParents: 1 });
  });

  it('completes the execution when the resolved count reaches the node count', () => {
    const decision = decideNodeOutcome(
      snapshot({ resolvedCount: 9 }),
      commit({ edges: [], totalNodes: 10 }),
    );
    expect(decision).toMatchObject({ status: 'completed', transitioned: 'completed' });
  });

  it('fails a live execution on a failed resolution without touching any child', () => {
    const decision = decideNodeOutcome(
      snapshot({ status: 'paused' }),
      commit({ resolution: 'failed' }),
    );
    expect(decision).toMatchObject({
      writeResult: true,
      status: 'failed',
      transitioned: 'failed',
      ready: [],
      held: [],
      resolvedCount: 0,
    });
    expect(decision.progress.size).toBe(0);
  });

  it('moves ready children to hold while paused', () => {
    const decision = decideNodeOutcome(snapshot({ status: 'paused' }), commit());
    expect(decision.ready).toEqual([]);
    expect(decision.hold).toEqual(['x']);
    expect(decision.held).toEqual(['x']);
  });

  it('keeps the status of a finished execution and starts nothing', () => {
    for (const status of ['completed', 'failed', 'cancelled', 'pending'] as const) {
      const decision = decideNodeOutcome(
        snapshot({ status, resolvedCount: 9 }),
        commit({ totalNodes: 10 }),
      );
      expect(decision).toMatchObject({ status, ready: [], skipped: [], held: [], hold: [] });
      expect(decision.transitioned).toBeUndefined();
    }
  });
});
