/**
 * Health probes, metrics and each execution's live event stream, served by `@spane/observability`'s
 * own handlers (the demo adds routes and documentation, not logic).
 * @module
 */
import type { ExecutionStore } from '@spane/core';
import type { WorkflowEngine } from '@spane/engine';
import { createEventStreamHandler, createHealthMonitor, createMetrics } from '@spane/observability';
import { notFound } from './api-error.ts';
import type { RouteCatalog } from './route-catalog.ts';

/** What {@link addObservabilityRoutes} serves from. */
export interface ObservabilityDeps {
  engine: WorkflowEngine;
  store: ExecutionStore;
}

/** Mounts `/health*`, `/metrics*` and `/api/executions/:id/events`; returns what stops them. */
export function addObservabilityRoutes(
  routes: RouteCatalog,
  { engine, store }: ObservabilityDeps,
): () => void {
  const health = createHealthMonitor({ engine, store });
  const metrics = createMetrics({ engine, store });
  const events = createEventStreamHandler({
    engine,
    executionId: (request) => new URL(request.url).pathname.split('/')[3],
  });
  const open = { tag: 'operations', auth: 'open' } as const;
  routes.add(
    {
      ...open,
      method: 'get',
      path: '/health',
      summary: 'Health, every check with its latency (503 when unhealthy)',
    },
    (c) => health.handler(c.req.raw),
  );
  routes.add({ ...open, method: 'get', path: '/health/live', summary: 'Liveness' }, (c) =>
    health.livenessHandler(c.req.raw),
  );
  routes.add(
    {
      ...open,
      method: 'get',
      path: '/health/ready',
      summary: 'Readiness (503 while shutting down or when the queue or store is unreachable)',
    },
    (c) => health.readinessHandler(c.req.raw),
  );
  routes.add(
    {
      ...open,
      method: 'get',
      path: '/metrics',
      summary: 'Metrics in the Prometheus text format',
      produces: 'text/plain',
    },
    (c) => metrics.prometheusHandler(c.req.raw),
  );
  routes.add(
    {
      ...open,
      method: 'get',
      path: '/metrics/json',
      summary: 'Metrics as JSON (histograms with p50/p90/p95/p99)',
    },
    (c) => metrics.jsonHandler(c.req.raw),
  );
  routes.add(
    {
      method: 'get',
      path: '/api/executions/:id/events',
      summary: "The execution's events as server-sent events (resumable with Last-Event-ID)",
      tag: 'executions',
      auth: 'bearer',
      produces: 'text/event-stream',
    },
    async (c) => {
      // An unknown execution is a 404, not a stream that never sends anything.
      const id = c.req.param('id') ?? '';
      if (!(await store.getExecution(id, { nodeIds: [] }))) throw notFound('Execution', id);
      return events(c.req.raw);
    },
  );
  engine.on('shutdown:started', () => health.markShuttingDown());
  return () => {
    health.close();
    metrics.close();
  };
}
