import type { WorkflowDefinition } from '@spane/core';
import * as v from 'valibot';
import type { ApiDeps } from './api-deps.ts';
import { ApiError, notFound } from './api-error.ts';
import { ExecuteNodeBody, ExecuteWorkflowBody, RegisterWorkflowBody } from './api-schemas.ts';
import type { RouteCatalog } from './route-catalog.ts';
import { parseInput, parseJsonBody, pathParam } from './validate-input.ts';

/** How many past versions `GET /api/workflows/:id` lists. */
const MAX_VERSIONS_LISTED = 50;

const WorkflowQuery = v.strictObject({
  version: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'must be a whole number'), v.transform(Number)),
  ),
});

/** `/api/workflows`: register, list, read (with versions), execute, run one node. */
export function addWorkflowRoutes(routes: RouteCatalog, deps: ApiDeps): void {
  const { engine, store } = deps;

  routes.add(
    {
      method: 'post',
      path: '/api/workflows',
      summary: 'Register a workflow definition (a changed one becomes a new version)',
      tag: 'workflows',
      auth: 'bearer',
      body: RegisterWorkflowBody,
      status: 201,
    },
    async (c) => {
      const definition = await parseJsonBody(c, RegisterWorkflowBody);
      const registered = await engine.registerWorkflow(definition as WorkflowDefinition);
      return c.json(registered, 201);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/workflows',
      summary: 'List workflows (latest version of each)',
      tag: 'workflows',
      auth: 'bearer',
    },
    async (c) => {
      const workflows = await store.listWorkflows();
      return c.json({
        items: workflows
          .map((stored) => ({
            workflowId: stored.workflowId,
            name: stored.definition.name,
            description: stored.definition.description,
            version: stored.version,
            nodeCount: stored.definition.nodes.length,
            triggers: stored.definition.triggers ?? [],
            createdAt: stored.createdAt,
            definition: stored.definition,
          }))
          .sort((a, b) => a.workflowId.localeCompare(b.workflowId)),
      });
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/workflows/:id',
      summary: 'A workflow: its latest (or `?version=`) definition and its versions',
      tag: 'workflows',
      auth: 'bearer',
      query: WorkflowQuery,
    },
    async (c) => {
      const id = pathParam(c, 'id');
      const query = parseInput(WorkflowQuery, c.req.query(), 'query');
      const latest = await store.getWorkflow(id);
      if (!latest) throw notFound('Workflow', id);
      const chosen =
        query.version === undefined || query.version === latest.version
          ? latest
          : await store.getWorkflow(id, query.version);
      if (!chosen) throw notFound('Version', `${id}@${query.version}`);
      const versions: Array<{ version: number; createdAt: Date }> = [];
      for (let version = latest.version; version >= 1; version--) {
        if (versions.length >= MAX_VERSIONS_LISTED) break;
        const stored = version === latest.version ? latest : await store.getWorkflow(id, version);
        if (stored) versions.push({ version, createdAt: stored.createdAt });
      }
      return c.json({
        workflowId: id,
        version: chosen.version,
        latestVersion: latest.version,
        createdAt: chosen.createdAt,
        definition: chosen.definition,
        versions,
      });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/workflows/:id/execute',
      summary: 'Start an execution (initialData, priority, delay, jobId)',
      tag: 'workflows',
      auth: 'bearer',
      body: ExecuteWorkflowBody,
      status: 202,
    },
    async (c) => {
      const id = pathParam(c, 'id');
      const body = await parseJsonBody(c, ExecuteWorkflowBody);
      if (!(await store.getWorkflow(id))) throw notFound('Workflow', id);
      const executionId = await engine.enqueueWorkflow(id, body.initialData ?? {}, {
        priority: body.priority,
        delay: body.delay,
        jobId: body.jobId,
      });
      return c.json({ executionId, workflowId: id }, 202);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/workflows/:id/nodes/:nodeId/execute',
      summary: "Run one node of an existing execution (with its parents' data)",
      tag: 'workflows',
      auth: 'bearer',
      body: ExecuteNodeBody,
      status: 202,
    },
    async (c) => {
      const id = pathParam(c, 'id');
      const nodeId = pathParam(c, 'nodeId');
      const body = await parseJsonBody(c, ExecuteNodeBody);
      const execution = await store.getExecution(body.executionId, { nodeIds: [] });
      if (!execution) throw notFound('Execution', body.executionId);
      if (execution.workflowId !== id) {
        throw new ApiError({
          status: 400,
          code: 'VALIDATION_ERROR',
          message: `Execution "${body.executionId}" runs workflow "${execution.workflowId}", not "${id}"`,
          path: 'executionId',
        });
      }
      const stored = await store.getWorkflow(id, execution.workflowVersion);
      if (!stored?.definition.nodes.some((node) => node.id === nodeId)) {
        throw notFound('Node', `${id}/${nodeId}`);
      }
      const jobId = await engine.enqueueNode(body.executionId, id, nodeId);
      return c.json({ jobId, executionId: body.executionId, nodeId }, 202);
    },
  );
}
