import { createShutdownStatusHandler } from '@spane/observability';
import type { ApiDeps } from './api-deps.ts';
import { notFound } from './api-error.ts';
import { ListDlqQuery } from './api-schemas.ts';
import type { RouteCatalog } from './route-catalog.ts';
import { parseInput, pathParam } from './validate-input.ts';

/** The dead-letter queue, queue stats, node types and circuit breakers. */
export function addOperationsRoutes(routes: RouteCatalog, deps: ApiDeps): void {
  const { engine, nodeTypes } = deps;

  routes.add(
    {
      method: 'get',
      path: '/api/dlq',
      summary: 'Dead-lettered nodes, oldest first (start, limit)',
      tag: 'operations',
      auth: 'bearer',
      query: ListDlqQuery,
    },
    async (c) => {
      const query = parseInput(ListDlqQuery, c.req.query(), 'query');
      const start = query.start ?? 0;
      const items = await engine.getDLQItems(start, start + (query.limit ?? 100) - 1);
      return c.json({ items });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/dlq/:id/retry',
      summary: 'Put a dead-lettered node back: the execution runs on from it',
      tag: 'operations',
      auth: 'bearer',
    },
    async (c) => {
      const id = pathParam(c, 'id');
      if (!(await engine.retryDLQItem(id))) throw notFound('Dead-letter item', id);
      return c.json({ retried: true, id });
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/stats',
      summary: 'Job counts of the node, workflow and dead-letter queues',
      tag: 'operations',
      auth: 'bearer',
    },
    async (c) => c.json(await engine.getQueueStats()),
  );

  routes.add(
    {
      method: 'get',
      path: '/api/schedules',
      summary: 'Every schedule (cron or interval), soonest first, with its next run',
      tag: 'triggers',
      auth: 'bearer',
    },
    async (c) => c.json({ items: await engine.getJobSchedulers() }),
  );

  routes.add(
    {
      method: 'get',
      path: '/api/node-types',
      summary: 'Every node type, with its config as JSON Schema',
      tag: 'operations',
      auth: 'bearer',
    },
    (c) => c.json({ items: nodeTypes }),
  );

  routes.add(
    {
      method: 'get',
      path: '/circuit-breakers',
      summary: "This process's circuit breakers, per node type",
      tag: 'operations',
      auth: 'bearer',
    },
    (c) => c.json(engine.getCircuitBreakerStats()),
  );

  routes.add(
    {
      method: 'post',
      path: '/circuit-breakers/:name/reset',
      summary: 'Close a circuit breaker',
      tag: 'operations',
      auth: 'bearer',
    },
    (c) => {
      const name = pathParam(c, 'name');
      const known =
        name in engine.getCircuitBreakerStats() || nodeTypes.some((info) => info.type === name);
      if (!known) throw notFound('Circuit breaker', name);
      engine.resetCircuitBreaker(name);
      return c.json({ reset: true, name, state: engine.getCircuitBreakerStats()[name] ?? null });
    },
  );
}

/** `/shutdown/status`: where the engine stands in its shutdown (open, like the health probes). */
export function addShutdownRoute(routes: RouteCatalog, deps: Pick<ApiDeps, 'engine'>): void {
  const shutdownStatus = createShutdownStatusHandler({ engine: deps.engine });
  routes.add(
    {
      method: 'get',
      path: '/shutdown/status',
      summary: "The engine's shutdown state (running, draining, closed) and its active nodes",
      tag: 'health',
      auth: 'open',
    },
    (c) => shutdownStatus(c.req.raw),
  );
}
