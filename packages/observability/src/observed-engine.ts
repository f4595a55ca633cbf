/**
 * What the observability helpers need from a `WorkflowEngine`: its public methods only, so any
 * object with the same shape (a wrapper, a test double) works too.
 * @module
 */
import type { WorkflowEngine } from '@spane/engine';

/** The parts of a `WorkflowEngine` that metrics read. */
export type MetricsEngine = Pick<
  WorkflowEngine,
  'on' | 'getQueueStats' | 'getCircuitBreakerStats'
> & {
  /** Stuck-run detection (a `WorkflowEngine` has it): feeds `spane_executions_stuck` when present. */
  findStuckExecutions?: (() => Promise<readonly unknown[]>) | undefined;
};

/** The parts of a `WorkflowEngine` that the event stream handler reads. */
export type StreamEngine = Pick<WorkflowEngine, 'subscribe'>;

/** The parts of a `WorkflowEngine` that the health monitor reads. */
export type HealthEngine = Pick<WorkflowEngine, 'getQueueStats' | 'getWorkerStatus'> & {
  /** Present once the engine has graceful shutdown: readiness turns false while it drains. */
  getShutdownStatus?: (() => { state: 'running' | 'draining' | 'closed' }) | undefined;
};

/** The parts of a `WorkflowEngine` that the shutdown handlers drive. */
export type ShutdownEngine = Pick<WorkflowEngine, 'gracefulShutdown'>;

/** The parts of a `WorkflowEngine` that the shutdown-status handler reads. */
export type ShutdownStatusEngine = Pick<WorkflowEngine, 'getShutdownStatus'>;
