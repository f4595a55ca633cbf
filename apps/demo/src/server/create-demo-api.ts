import type { ExecutionStore, NodeRegistry } from '@spane/core';
import type { WorkflowEngine } from '@spane/engine';
import { createWebhookHandler } from '@spane/triggers';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { ApiError, toApiError } from './api-error.ts';
import { bearerAuth } from './bearer-auth.ts';
import { addExecutionRoutes } from './execution-routes.ts';
import { NodeActivity } from './node-activity.ts';
import { describeNodeTypes, type NodeTypeDescription } from './node-type-catalog.ts';
import { addObservabilityRoutes } from './observability-routes.ts';
import { buildOpenApiDocument } from './openapi-document.ts';
import { addOperationsRoutes, addShutdownRoute } from './operations-routes.ts';
import { RouteCatalog } from './route-catalog.ts';
import { serveStaticPage } from './static-page.ts';
import { DEFAULT_MAX_BODY_BYTES } from './validate-input.ts';
import { addWorkflowRoutes } from './workflow-routes.ts';

/** What {@link createDemoApi} assembles. */
export interface DemoApiOptions {
  engine: WorkflowEngine;
  store: ExecutionStore;
  registry: NodeRegistry;
  /** Descriptions and config schemas of the registry's node types, for the editor. */
  nodeTypes?: Readonly<Record<string, NodeTypeDescription>> | undefined;
  /** When set, `/api/*` and `/circuit-breakers` need `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Largest request body. Default is 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** The built page's folder; without it, only the API is served. */
  webDir?: string | undefined;
  /** Where unexpected (5xx) errors are reported. Default is `console.error`. */
  onServerError?: ((error: unknown) => void) | undefined;
}

/** The assembled API: a Hono app (`app.fetch` is a Web-standard handler) and its route catalog. */
export interface DemoApi {
  app: Hono;
  routes: RouteCatalog;
  /** Stops listening to the engine's events. */
  close(): void;
}

/** Where webhooks are served: `POST /api/webhooks/:path` (their triggers check signatures). */
const WEBHOOK_BASE = '/api/webhooks';

/** Paths that are open even with a token: webhooks (their triggers check signatures). */
function isOpenPath(path: string): boolean {
  return path.startsWith(`${WEBHOOK_BASE}/`);
}

/**
 * The demo's HTTP API on Hono: the seeds' REST endpoints over a {@link WorkflowEngine} and its
 * store, with valibot input checks, `{ error: { code, message, path? } }` errors (4xx for bad
 * input, never a 500), a body size limit, optional bearer auth, an OpenAPI document at
 * `/api/openapi.json`, and the page at `/`.
 */
export function createDemoApi(options: DemoApiOptions): DemoApi {
  const { engine, store } = options;
  const app = new Hono();
  const routes = new RouteCatalog(app);
  const activity = new NodeActivity(engine);
  const report = options.onServerError ?? ((error: unknown) => console.error(error));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.onError((error, c) => {
    const known = toApiError(error);
    if (known) return c.json(known.toBody(), known.status);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(
        { error: { code: 'BAD_REQUEST', message: error.message || 'Bad request' } },
        error.status,
      );
    }
    report(error);
    return c.json({ error: { code: 'INTERNAL', message: 'Internal server error' } }, 500);
  });
  app.notFound((c) =>
    c.json(
      { error: { code: 'NOT_FOUND', message: `No route for ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );

  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new ApiError({
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body is larger than ${maxBodyBytes} bytes`,
      });
    },
  });
  // Webhooks enforce the same limit themselves, streaming.
  app.use('*', (c, next) => (isOpenPath(c.req.path) ? next() : limitBody(c, next)));
  if (options.token) {
    const guard = bearerAuth(options.token);
    const apiGuard: MiddlewareHandler = (c, next) =>
      isOpenPath(c.req.path) ? next() : guard(c, next);
    app.use('/api/*', apiGuard);
    app.use('/circuit-breakers', guard);
    app.use('/circuit-breakers/*', guard);
  }

  const deps = {
    engine,
    store,
    activity,
    nodeTypes: describeNodeTypes(options.registry, options.nodeTypes ?? {}),
  };
  addWorkflowRoutes(routes, deps);
  addExecutionRoutes(routes, deps);
  addOperationsRoutes(routes, deps);
  addShutdownRoute(routes, deps);
  const closeObservability = addObservabilityRoutes(routes, deps);
  const webhooks = createWebhookHandler({ engine, basePath: WEBHOOK_BASE, maxBodyBytes });
  app.all(`${WEBHOOK_BASE}/*`, (c) => webhooks(c.req.raw));
  routes.document({
    method: 'post',
    path: `${WEBHOOK_BASE}/:path`,
    summary:
      'Start the workflows whose webhook trigger has this path (any method a trigger names); signed with x-spane-signature when the trigger has a secret',
    tag: 'triggers',
    auth: 'signature',
    status: 202,
  });
  routes.add(
    {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This document',
      tag: 'meta',
      auth: 'bearer',
    },
    (c) =>
      c.json(
        buildOpenApiDocument(routes.docs(), {
          title: 'SPANE demo API',
          version: '1',
          tokenRequired: options.token !== undefined,
        }),
      ),
  );
  if (options.webDir) serveStaticPage(app, options.webDir);
  return {
    app,
    routes,
    close: () => {
      activity.close();
      closeObservability();
    },
  };
}
