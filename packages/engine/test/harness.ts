import { randomUUID } from 'node:crypto';
import type { ExecutionStore, NodeRegistry, WorkflowDefinition } from '@spane/core';
import { type EngineConfig, WorkflowEngine } from '../src/index.ts';

/** The Redis the test setup started (scripts/test-services.ts); tests fail loudly without it. */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error('REDIS_URL is not set: run the tests through `npm test` (it starts Redis)');
  return url;
}

/** A store under test, made fresh per engine. */
export interface StoreFactory {
  name: string;
  create(): Promise<ExecutionStore>;
}

/** An engine on its own queue prefix, so tests never see each other's jobs. */
export async function startEngine(options: {
  registry: NodeRegistry;
  store: ExecutionStore;
  workflows?: WorkflowDefinition[];
  config?: EngineConfig;
  concurrency?: number;
  workers?: boolean;
}): Promise<WorkflowEngine> {
  const engine = new WorkflowEngine({
    registry: options.registry,
    store: options.store,
    connection: redisUrl(),
    config: {
      prefix: `t-${randomUUID().slice(0, 8)}`,
      defaultRetryPolicy: { maxAttempts: 1, backoff: { type: 'fixed', delay: 10 } },
      ...options.config,
    },
  });
  for (const workflow of options.workflows ?? []) await engine.registerWorkflow(workflow);
  if (options.workers !== false) engine.startWorkers(options.concurrency ?? 10);
  return engine;
}

/** A chain/fan-out definition builder for tests. */
export function node(
  id: string,
  type: string,
  outputs: string[] = [],
  extra: Record<string, unknown> = {},
) {
  return { id, type, outputs, ...extra };
}
