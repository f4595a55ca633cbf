import { describe, expect, it } from 'vitest';
import { type ExecutionStatus, isTerminalStatus, TERMINAL_STATUSES } from './execution.ts';
import { canTransition } from './execution-status.ts';

const STATUSES: ExecutionStatus[] = [
  'pending',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
];

// Row: from; columns: to, in the order of STATUSES.
const TABLE: Record<ExecutionStatus, boolean[]> = {
  pending: [false, true, false, false, true, true],
  running: [false, false, true, true, true, true],
  paused: [false, true, false, true, true, true],
  completed: [false, false, false, false, false, false],
  failed: [false, false, false, false, false, false],
  cancelled: [false, false, false, false, false, false],
};

describe('canTransition', () => {
  for (const from of STATUSES) {
    STATUSES.forEach((to, i) => {
      const allowed = TABLE[from][i] as boolean;
      it(`${allowed ? 'allows' : 'forbids'} ${from} → ${to}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
      });
    });
  }
});

describe('terminal statuses', () => {
  it('are completed, failed and cancelled', () => {
    expect(STATUSES.filter(isTerminalStatus)).toEqual(['completed', 'failed', 'cancelled']);
    expect([...TERMINAL_STATUSES]).toEqual(['completed', 'failed', 'cancelled']);
    expect(Object.isFrozen(TERMINAL_STATUSES)).toBe(true);
  });

  it('allow no transition at all', () => {
    for (const from of TERMINAL_STATUSES) {
      expect(STATUSES.some((to) => canTransition(from, to))).toBe(false);
    }
  });
});
