import {
  declaredWebhookRoutes,
  normalizeWebhookPath,
  pickWebhookHeaders,
  type WebhookRoute,
  type WorkflowDefinition,
} from '@spane/core';
import type { ExecutionStarter } from './execution-starter.ts';

/** Options of `triggerWebhook`: what else the request carried. */
export interface TriggerWebhookOptions {
  /** The request's headers; only an allow-list is recorded (never credentials or signatures). */
  headers?: Headers | Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /** The request's query parameters, recorded in the execution's metadata. */
  query?: Readonly<Record<string, string | readonly string[]>> | undefined;
  /** The same key gives back the same execution ids and never starts a second run. */
  idempotencyKey?: string | undefined;
  /** Headers to record. Default is `DEFAULT_WEBHOOK_METADATA_HEADERS` of `@spane/core`. */
  recordHeaders?: readonly string[] | undefined;
}

/**
 * The webhook triggers of the workflows registered with this engine, by path and method, and the
 * start of every workflow that a request matches.
 */
export class WebhookTriggers {
  readonly #starter: ExecutionStarter;
  readonly #byWorkflow = new Map<string, WebhookRoute[]>();

  constructor(deps: { starter: ExecutionStarter }) {
    this.#starter = deps.starter;
  }

  /** Takes the webhook triggers of a just-registered definition (replacing its previous ones). */
  register(definition: WorkflowDefinition): void {
    const routes = declaredWebhookRoutes(definition);
    if (routes.length === 0) this.#byWorkflow.delete(definition.id);
    else this.#byWorkflow.set(definition.id, routes);
  }

  /** The routes at a path (every route without one), in registration order. */
  find(path?: string | undefined): WebhookRoute[] {
    const all = [...this.#byWorkflow.values()].flat();
    if (path === undefined) return all;
    const wanted = normalizeWebhookPath(path);
    return all.filter((route) => route.path === wanted);
  }

  /** Starts every workflow whose trigger matches; returns their execution ids. */
  async trigger(
    path: string,
    method: string,
    body: unknown,
    options: TriggerWebhookOptions = {},
  ): Promise<string[]> {
    const verb = method.toUpperCase();
    const routes = this.find(path).filter((route) => route.method === verb);
    const headers =
      options.headers instanceof Headers
        ? Object.fromEntries(options.headers)
        : (options.headers ?? {});
    const metadata = {
      trigger: 'webhook',
      path: normalizeWebhookPath(path),
      method: verb,
      query: { ...(options.query ?? {}) },
      headers: pickWebhookHeaders(headers, options.recordHeaders),
    };
    const key = options.idempotencyKey;
    return Promise.all(
      routes.map((route) =>
        this.#starter.enqueue(
          route.workflowId,
          body,
          { metadata },
          { startNowWithKey: key === undefined ? undefined : `webhook.${route.workflowId}.${key}` },
        ),
      ),
    );
  }
}
