/**
 * Health, liveness and readiness of a SPANE process, with Web-standard handlers for
 * `/health`, `/health/live` and `/health/ready` (Kubernetes probes).
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ExecutionStore } from '@spane/core';
import { jsonResponse, type RequestHandler } from '../http-responses.ts';
import type { HealthEngine } from '../observed-engine.ts';
import { withTimeout } from '../with-timeout.ts';
import type {
  HealthCheck,
  HealthReport,
  HealthStatus,
  Liveness,
  Readiness,
} from './health-types.ts';

/** Options of {@link createHealthMonitor}. */
export interface CreateHealthMonitorOptions {
  engine: HealthEngine;
  store: Pick<ExecutionStore, 'ping'>;
  /** How long the queue and store checks wait, in ms. Default is 2000. */
  timeoutMs?: number | undefined;
  /** Waiting node jobs above which health is `degraded`. Default is 10000. */
  backlogThreshold?: number | undefined;
  /** Event-loop delay (p99 since the last check) above which health is `degraded`, in ms. Default is 500. */
  eventLoopLagThresholdMs?: number | undefined;
}

/** Health of one process; see {@link createHealthMonitor}. */
export interface HealthMonitor {
  /** Every check, with its latency, and the overall status. */
  getHealth(): Promise<HealthReport>;
  /** The process answers (it does as long as this runs). */
  getLiveness(): Liveness;
  /** Whether to send this process work: not while shutting down, nor when the queue or store is unreachable. */
  getReadiness(): Promise<Readiness>;
  /** Turns readiness false from now on (called by the shutdown handlers as a signal arrives). */
  markShuttingDown(): void;
  /** `/health`: 200 when healthy or degraded, 503 when unhealthy, the report as JSON. */
  readonly handler: RequestHandler;
  /** `/health/live`: 200. */
  readonly livenessHandler: RequestHandler;
  /** `/health/ready`: 200 when ready, else 503. */
  readonly readinessHandler: RequestHandler;
  /** Stops the event-loop delay sampling. */
  close(): void;
}

async function timed(
  what: string,
  timeoutMs: number,
  work: () => Promise<Partial<HealthCheck> | undefined>,
): Promise<HealthCheck> {
  const started = performance.now();
  try {
    const extra = await withTimeout(work(), timeoutMs, what);
    return {
      status: 'pass',
      message: `${what} is reachable`,
      ...extra,
      latencyMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return {
      status: 'fail',
      message: `${what} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      latencyMs: Math.round(performance.now() - started),
    };
  }
}

/**
 * Watches an engine's queue server, its store, its workers, the node backlog and the event loop.
 *
 * ```ts
 * const health = createHealthMonitor({ engine, store });
 * app.get('/health', (c) => health.handler(c.req.raw));
 * app.get('/health/live', (c) => health.livenessHandler(c.req.raw));
 * app.get('/health/ready', (c) => health.readinessHandler(c.req.raw));
 * ```
 */
export function createHealthMonitor(options: CreateHealthMonitorOptions): HealthMonitor {
  const { engine, store } = options;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const backlogThreshold = options.backlogThreshold ?? 10_000;
  const lagThresholdMs = options.eventLoopLagThresholdMs ?? 500;
  const createdAt = Date.now();
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  let shuttingDown = false;

  const uptime = () => Math.round((Date.now() - createdAt) / 1000);
  const isShuttingDown = () =>
    shuttingDown || (engine.getShutdownStatus?.().state ?? 'running') !== 'running';

  const queueCheck = async () => {
    let waiting = 0;
    const check = await timed('The queue server', timeoutMs, async () => {
      const stats = await engine.getQueueStats();
      waiting = stats.queues.node.waiting + stats.queues.node.prioritized;
      return { details: { waiting, active: stats.queues.node.active } };
    });
    return { check, waiting };
  };
  const storeCheck = () =>
    timed('The store', timeoutMs, async () => {
      await store.ping();
      return undefined;
    });

  const getHealth = async (): Promise<HealthReport> => {
    const [queue, storeResult] = await Promise.all([queueCheck(), storeCheck()]);
    const workers = engine.getWorkerStatus();
    const workersCheck: HealthCheck =
      workers.running < workers.started
        ? {
            status: 'warn',
            message: `${workers.started - workers.running} of ${workers.started} workers stopped`,
            details: workers,
          }
        : {
            status: 'pass',
            message: workers.started === 0 ? 'No workers in this process' : 'All workers running',
            details: workers,
          };
    const backlog: HealthCheck =
      queue.check.status !== 'pass'
        ? { status: 'warn', message: 'Unknown: the queue server is unreachable' }
        : queue.waiting > backlogThreshold
          ? {
              status: 'warn',
              message: `${queue.waiting} node jobs waiting (threshold ${backlogThreshold})`,
              details: { waiting: queue.waiting, threshold: backlogThreshold },
            }
          : {
              status: 'pass',
              message: `${queue.waiting} node jobs waiting`,
              details: { waiting: queue.waiting, threshold: backlogThreshold },
            };
    const p99 = lag.percentile(99) / 1e6;
    const max = lag.max / 1e6;
    lag.reset();
    const eventLoop: HealthCheck = {
      status: p99 > lagThresholdMs ? 'warn' : 'pass',
      message: `Event-loop delay p99 ${p99.toFixed(1)} ms`,
      details: {
        p99Ms: Number(p99.toFixed(1)),
        maxMs: Number(max.toFixed(1)),
        thresholdMs: lagThresholdMs,
      },
    };
    const shutdown: HealthCheck = isShuttingDown()
      ? { status: 'warn', message: 'Shutting down' }
      : { status: 'pass', message: 'Running' };
    const checks = {
      queue: queue.check,
      store: storeResult,
      workers: workersCheck,
      backlog,
      eventLoop,
      shutdown,
    };
    const all = Object.values(checks);
    const status: HealthStatus =
      queue.check.status === 'fail' || storeResult.status === 'fail'
        ? 'unhealthy'
        : all.some((check) => check.status !== 'pass')
          ? 'degraded'
          : 'healthy';
    return { status, checks, uptime: uptime(), timestamp: new Date().toISOString() };
  };

  const getReadiness = async (): Promise<Readiness> => {
    const reasons: string[] = [];
    if (isShuttingDown()) return { ready: false, reasons: ['shutting down'] };
    const [queue, storeResult] = await Promise.all([queueCheck(), storeCheck()]);
    if (queue.check.status === 'fail') reasons.push(queue.check.message);
    if (storeResult.status === 'fail') reasons.push(storeResult.message);
    return { ready: reasons.length === 0, reasons };
  };

  const getLiveness = (): Liveness => ({ alive: true, uptime: uptime() });

  return {
    getHealth,
    getLiveness,
    getReadiness,
    markShuttingDown() {
      shuttingDown = true;
    },
    handler: async () => {
      const report = await getHealth();
      return jsonResponse(report, report.status === 'unhealthy' ? 503 : 200);
    },
    livenessHandler: async () => jsonResponse(getLiveness()),
    readinessHandler: async () => {
      const readiness = await getReadiness();
      return jsonResponse(readiness, readiness.ready ? 200 : 503);
    },
    close() {
      lag.disable();
    },
  };
}
