import type { ExecutionState } from '@spane/core';
import type { Context } from 'hono';
import type { ApiDeps } from './api-deps.ts';
import { ApiError, notFound } from './api-error.ts';
import { ListExecutionsQuery, NoQuery, ReplayBody } from './api-schemas.ts';
import { buildExecutionView } from './execution-view.ts';
import type { RouteCatalog } from './route-catalog.ts';
import { parseInput, parseJsonBody, pathParam } from './validate-input.ts';

type Control = 'pause' | 'resume' | 'cancel';

const CONTROL_SUMMARY: Record<Control, string> = {
  pause: 'Pause an execution: running nodes finish, nothing new starts',
  resume: 'Resume a paused execution, starting exactly the nodes held',
  cancel: 'Cancel an execution and its sub-workflows',
};

/** `/api/executions`: history with filters and pages, one execution's view, control, replay, logs, trace. */
export function addExecutionRoutes(routes: RouteCatalog, deps: ApiDeps): void {
  const { engine, store, activity } = deps;

  async function mustExist(id: string): Promise<ExecutionState> {
    const execution = await store.getExecution(id, { nodeIds: [] });
    if (!execution) throw notFound('Execution', id);
    return execution;
  }

  routes.add(
    {
      method: 'get',
      path: '/api/executions',
      summary:
        'Executions, newest first: filter by workflowId, status, startedAfter/Before; page with cursor',
      tag: 'executions',
      auth: 'bearer',
      query: ListExecutionsQuery,
    },
    async (c) => {
      const query = parseInput(ListExecutionsQuery, c.req.query(), 'query');
      const page = await store.listExecutions({
        workflowId: query.workflowId,
        status: query.status,
        startedAfter: query.startedAfter ? new Date(query.startedAfter) : undefined,
        startedBefore: query.startedBefore ? new Date(query.startedBefore) : undefined,
        limit: query.limit,
        cursor: query.cursor,
      });
      return c.json({ items: page.items, nextCursor: page.nextCursor ?? null });
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/executions/:id',
      summary:
        "An execution with each node's status, attempts, duration, result and child executions",
      tag: 'executions',
      auth: 'bearer',
      query: NoQuery,
    },
    async (c) => {
      const id = pathParam(c, 'id');
      const execution = await store.getExecution(id);
      if (!execution) throw notFound('Execution', id);
      const [stored, spans, children] = await Promise.all([
        store.getWorkflow(execution.workflowId, execution.workflowVersion),
        store.getTrace(id),
        store.listExecutions({ parentExecutionId: id, limit: 1000 }),
      ]);
      if (!stored)
        throw notFound('Workflow', `${execution.workflowId}@${execution.workflowVersion}`);
      return c.json(
        buildExecutionView({
          execution,
          definition: stored.definition,
          spans,
          active: activity.of(id),
          children: [...children.items].reverse(),
          now: Date.now(),
        }),
      );
    },
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    routes.add(
      {
        method: 'post',
        path: `/api/executions/:id/${action}`,
        summary: CONTROL_SUMMARY[action],
        tag: 'executions',
        auth: 'bearer',
      },
      async (c) => control(c, action),
    );
  }

  async function control(c: Context, action: Control): Promise<Response> {
    const id = pathParam(c, 'id');
    const before = await mustExist(id);
    const changed =
      action === 'pause'
        ? await engine.pauseExecution(id)
        : action === 'resume'
          ? await engine.resumeExecution(id)
          : await engine.cancelExecution(id);
    const after = await mustExist(id);
    if (!changed) {
      throw new ApiError({
        status: 409,
        code: 'INVALID_STATE_TRANSITION',
        message: `Execution "${id}" is ${before.status}: it cannot be ${action === 'cancel' ? 'cancelled' : `${action}d`}`,
      });
    }
    return c.json({ executionId: id, status: after.status });
  }

  routes.add(
    {
      method: 'post',
      path: '/api/executions/:id/replay',
      summary:
        'Replay an execution in a new one, optionally from one node (reusing every other result)',
      tag: 'executions',
      auth: 'bearer',
      body: ReplayBody,
      status: 202,
    },
    async (c) => {
      const id = pathParam(c, 'id');
      const body = await parseJsonBody(c, ReplayBody);
      await mustExist(id);
      const executionId = await engine.replayWorkflow(id, { fromNodeId: body.fromNodeId });
      return c.json({ executionId, replayOf: id }, 202);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/executions/:id/logs',
      summary: "An execution's log lines, oldest first",
      tag: 'executions',
      auth: 'bearer',
    },
    async (c) => {
      const id = pathParam(c, 'id');
      await mustExist(id);
      return c.json({ items: await store.getLogs(id) });
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/executions/:id/trace',
      summary: "An execution's spans (one per node attempt), by start time",
      tag: 'executions',
      auth: 'bearer',
    },
    async (c) => {
      const id = pathParam(c, 'id');
      await mustExist(id);
      return c.json({ items: await store.getTrace(id) });
    },
  );
}
