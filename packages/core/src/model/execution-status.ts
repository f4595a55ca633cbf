import type { ExecutionStatus } from './execution.ts';

const ALLOWED: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  pending: ['running', 'cancelled', 'failed'],
  running: ['paused', 'completed', 'failed', 'cancelled'],
  paused: ['running', 'completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/**
 * Whether the lifecycle allows going from `from` to `to`. Terminal statuses allow nothing; the only
 * way out of `failed` is an explicit DLQ retry (`ExecutionStore.reopenNode`).
 */
export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return ALLOWED[from].includes(to);
}
