import { describe, expect, it } from 'vitest';
import { checkInvariants, type Effect, type ScenarioRecord } from './invariants.ts';

const start = (executionId: string, nodeId: string, pid: number, at: number): Effect => ({
  executionId,
  nodeId,
  phase: 'start',
  pid,
  at,
});

function record(overrides: Partial<ScenarioRecord> = {}): ScenarioRecord {
  return {
    executions: 2,
    nodesPerExecution: 1,
    statuses: ['completed', 'completed'],
    storedResults: { rows: 2, distinct: 2 },
    effects: [start('e1', 'a', 10, 100), start('e2', 'a', 10, 110)],
    kills: [],
    restarts: [],
    queuedJobs: 0,
    crashedWorkers: 0,
    restartSlackMs: 1_000,
    ...overrides,
  };
}

describe('checkInvariants', () => {
  it('passes a clean run', () => {
    const figures = checkInvariants(record());
    expect(figures.violations).toEqual([]);
    expect(figures).toMatchObject({ completed: 2, duplicates: 0, unexplained: 0 });
  });

  it('explains a re-run by the kill of the worker that held the node, and times the recovery', () => {
    const figures = checkInvariants(
      record({
        effects: [start('e1', 'a', 10, 100), start('e1', 'a', 11, 4_100), start('e2', 'a', 11, 50)],
        kills: [{ pid: 10, at: 200 }],
      }),
    );
    expect(figures).toMatchObject({ duplicates: 1, explainedByKill: 1, unexplained: 0 });
    expect(figures.recoverAfterKillMs).toEqual({ p50: 3_900, max: 3_900 });
    expect(figures.firstRerunAfterKillMs).toEqual({ p50: 3_900, max: 3_900 });
  });

  it('times the first re-run after each kill apart from the later ones', () => {
    const figures = checkInvariants(
      record({
        executions: 3,
        statuses: ['completed', 'completed', 'completed'],
        storedResults: { rows: 3, distinct: 3 },
        effects: [
          start('e1', 'a', 10, 100),
          start('e2', 'a', 10, 110),
          start('e3', 'a', 12, 120),
          start('e1', 'a', 11, 2_200), // 2 s after the first kill
          start('e2', 'a', 11, 9_200), // 9 s after it: queued behind others
          start('e3', 'a', 13, 15_000), // 5 s after the second kill
        ],
        kills: [
          { pid: 10, at: 200 },
          { pid: 12, at: 10_000 },
        ],
      }),
    );
    expect(figures.recoverAfterKillMs).toEqual({ p50: 5_000, max: 9_000 });
    expect(figures.firstRerunAfterKillMs).toEqual({ p50: 2_000, max: 5_000 });
  });

  it('explains a re-run by a restart, and flags one explained by neither', () => {
    const explained = checkInvariants(
      record({
        effects: [start('e1', 'a', 10, 100), start('e1', 'a', 10, 900), start('e2', 'a', 10, 50)],
        restarts: [{ server: 'postgres', from: 500, to: 700 }],
      }),
    );
    expect(explained).toMatchObject({ explainedByRestart: 1, unexplained: 0 });
    const unexplained = checkInvariants(
      record({ effects: [start('e1', 'a', 10, 100), start('e1', 'a', 10, 900)] }),
    );
    expect(unexplained.unexplained).toBe(1);
    expect(unexplained.violations).toContain('1 re-runs explained by no kill nor restart');
  });

  it('reports executions left unfinished, results stored twice, queued jobs and crashed workers', () => {
    const figures = checkInvariants(
      record({
        statuses: ['completed', 'running'],
        storedResults: { rows: 3, distinct: 2 },
        queuedJobs: 1,
        crashedWorkers: 1,
      }),
    );
    expect(figures.violations).toEqual([
      '1 executions did not complete',
      'node results: 3 rows, 2 distinct, expected 2 once each',
      '1 jobs left in the node queue',
      '1 worker processes died by themselves',
    ]);
  });
});
