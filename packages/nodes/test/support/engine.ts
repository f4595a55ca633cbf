import { randomUUID } from 'node:crypto';
import { NodeRegistry, type WorkflowDefinition } from '@spane/core';
import { type QueueConnection, WorkflowEngine } from '@spane/engine';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { afterEach } from 'vitest';
import { type BuiltinNodesOptions, registerBuiltinNodes } from '../../src/index.ts';

/** The Redis the test setup started; tests fail loudly without it. */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through `npm test`');
  return url;
}

/** The PostgreSQL the test setup started; tests fail loudly without it. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through `npm test`');
  return url;
}

/** The queue backends the integration tests run on. */
export const backends: Array<{ name: string; connection: () => QueueConnection }> = [
  { name: 'Redis', connection: redisUrl },
  { name: 'Postgres', connection: () => ({ postgres: databaseUrl(), poolSize: 6 }) },
];

const engines: WorkflowEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

/**
 * An engine on real Redis (its own prefix; or the given connection) with the built-in nodes
 * registered, workers started, one attempt per node unless a node says otherwise; closed after
 * the test.
 */
export async function startEngine(
  workflows: WorkflowDefinition[],
  options: BuiltinNodesOptions & { connection?: QueueConnection } = {},
): Promise<WorkflowEngine> {
  const registry = new NodeRegistry();
  const { connection, ...nodeOptions } = options;
  registerBuiltinNodes(registry, nodeOptions);
  const engine = new WorkflowEngine({
    registry,
    store: new InMemoryExecutionStore(),
    connection: connection ?? redisUrl(),
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
