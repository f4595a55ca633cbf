import { randomUUID } from 'node:crypto';
import { NodeRegistry, type WorkflowDefinition } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { afterEach } from 'vitest';
import { type BuiltinNodesOptions, registerBuiltinNodes } from '../../src/index.ts';

/** The Redis the test setup started; tests fail loudly without it. */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through `npm test`');
  return url;
}

const engines: WorkflowEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

/**
 * An engine on real Redis (its own prefix) with the built-in nodes registered, workers started,
 * one attempt per node unless a node says otherwise; closed after the test.
 */
export async function startEngine(
  workflows: WorkflowDefinition[],
  options: BuiltinNodesOptions = {},
): Promise<WorkflowEngine> {
  const registry = new NodeRegistry();
  registerBuiltinNodes(registry, options);
  const engine = new WorkflowEngine({
    registry,
    store: new InMemoryExecutionStore(),
    connection: redisUrl(),
    config: {
      prefix: `n-${randomUUID().slice(0, 8)}`,
      defaultRetryPolicy: { maxAttempts: 1, backoff: { type: 'fixed', delay: 10 } },
    },
  });
  engines.push(engine);
  for (const workflow of workflows) await engine.registerWorkflow(workflow);
  await engine.startWorkers(4);
  return engine;
}
