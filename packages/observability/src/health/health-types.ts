/**
 * The shapes the health monitor reports.
 * @module
 */

/** Overall: `healthy`, `degraded` (working, but look: a backlog, a slow event loop, a stopped worker) or `unhealthy`. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** One check: `pass`, `warn` (degrades) or `fail` (unhealthy when the queue or store fails). */
export interface HealthCheck {
  status: 'pass' | 'warn' | 'fail';
  message: string;
  /** How long the check took, in ms. */
  latencyMs?: number | undefined;
  details?: Record<string, unknown> | undefined;
}

/** What `getHealth` returns. */
export interface HealthReport {
  status: HealthStatus;
  checks: {
    queue: HealthCheck;
    store: HealthCheck;
    workers: HealthCheck;
    backlog: HealthCheck;
    eventLoop: HealthCheck;
    shutdown: HealthCheck;
  };
  /** Seconds since the monitor was created. */
  uptime: number;
  timestamp: string;
}

/** What `getReadiness` returns: not ready while shutting down or when the queue or store is unreachable. */
export interface Readiness {
  ready: boolean;
  /** Why not, when not ready. */
  reasons: string[];
}

/** What `getLiveness` returns: the process answers. */
export interface Liveness {
  alive: true;
  uptime: number;
}
