import type { Handler, Hono } from 'hono';
import type * as v from 'valibot';

/** How a route is guarded. */
export type RouteAuth = 'bearer' | 'open' | 'signature';

/** What the OpenAPI document says about one route. */
export interface RouteDoc {
  method: 'get' | 'post';
  /** Hono-style path: `/api/executions/:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  body?: v.GenericSchema | undefined;
  query?: v.GenericSchema | undefined;
  /** The success status. Default is 200. */
  status?: number | undefined;
  /** The success body's media type. Default is `application/json`. */
  produces?: string | undefined;
}

/**
 * The routes of the API, registered on a Hono app and remembered for the OpenAPI document, so the
 * document cannot miss a route the server answers.
 */
export class RouteCatalog {
  readonly #docs: RouteDoc[] = [];
  readonly #app: Hono;

  constructor(app: Hono) {
    this.#app = app;
  }

  /** Registers `handler` for the route and records its documentation. */
  add(doc: RouteDoc, handler: Handler): void {
    this.#docs.push(doc);
    this.#app.on(doc.method.toUpperCase(), doc.path, handler);
  }

  /** Records a route that is mounted by other means (a handler of another package). */
  document(doc: RouteDoc): void {
    this.#docs.push(doc);
  }

  /** Every documented route, in registration order. */
  docs(): readonly RouteDoc[] {
    return this.#docs;
  }
}
