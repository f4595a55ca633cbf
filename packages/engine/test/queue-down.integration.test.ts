/**
 * `registerWorkflow` while the queue server is down: a typed `QUEUE_UNAVAILABLE` error, whether the
 * server refuses (PostgreSQL) or commands wait for a reconnect that never comes (Redis), and the
 * definition is still stored. The queues here are ports nothing listens on.
 */
import { NodeRegistry, successResult, WorkflowError } from '@spane/core';
import { freePort } from '@spane/local-services';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { type QueueConnection, WorkflowEngine } from '../src/index.ts';

describe('registerWorkflow with the queue server down', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each([
    ['Redis', (port: number): QueueConnection => `redis://127.0.0.1:${port}`],
    [
      'PostgreSQL',
      (port: number): QueueConnection => ({
        postgres: `postgres://postgres:password@127.0.0.1:${port}/none`,
        poolSize: 1,
      }),
    ],
  ])('on %s throws QUEUE_UNAVAILABLE within queueTimeoutMs', async (_, connection) => {
    const store = new InMemoryExecutionStore();
    cleanups.push(() => store.close());
    const engine = new WorkflowEngine({
      registry: new NodeRegistry().register('t', async () => successResult({})),
      store,
      connection: connection(await freePort()),
      config: { prefix: 'down', queueTimeoutMs: 500 },
    });
    engine.on('error', () => undefined);
    cleanups.push(() => engine.close({ timeoutMs: 100 }));
    const started = Date.now();
    const error = await engine
      .registerWorkflow({
        id: 'nightly',
        nodes: [{ id: 'a', type: 't' }],
        triggers: [{ type: 'schedule', config: { cron: '0 3 * * *' } }],
      })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(WorkflowError.isInstance(error) && error.code).toBe('QUEUE_UNAVAILABLE');
    expect((error as WorkflowError).retryable).toBe(true);
    expect((error as WorkflowError).workflowId).toBe('nightly');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect((await store.getWorkflow('nightly'))?.version).toBe(1);
  });
});
