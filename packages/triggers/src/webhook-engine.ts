import type { WebhookRoute } from '@spane/core';

/** Options the handler passes to {@link WebhookEngine.triggerWebhook}. */
export interface WebhookTriggerCall {
  headers?: Readonly<Record<string, string>> | undefined;
  query?: Readonly<Record<string, string | readonly string[]>> | undefined;
  idempotencyKey?: string | undefined;
  recordHeaders?: readonly string[] | undefined;
}

/**
 * What the webhook handler needs of an engine: the routes at a path, and starting the workflows
 * that a request matches. `WorkflowEngine` of `@spane/engine` has both; typing it by shape keeps
 * this package free of the engine at run time.
 */
export interface WebhookEngine {
  getWebhookTriggers(path?: string): readonly WebhookRoute[];
  triggerWebhook(
    path: string,
    method: string,
    body: unknown,
    options?: WebhookTriggerCall,
  ): Promise<string[]>;
}
