/**
 * Starting an execution is atomic from the caller's view: when the queue refuses its first job, the
 * execution is marked failed with the cause and a typed error is thrown; none is left running with
 * nothing queued. The queue here is a PostgreSQL port nothing listens on: every add really fails.
 */
import { NodeRegistry, successResult, WorkflowError } from '@spane/core';
import { freePort } from '@spane/local-services';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowEngine } from '../src/index.ts';
import { startEngine } from './harness.ts';

describe('a start the queue refuses', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function brokenEngine() {
    const store = new InMemoryExecutionStore();
    cleanups.push(() => store.close());
    const port = await freePort();
    const engine = new WorkflowEngine({
      registry: new NodeRegistry().register('t', async () => successResult({})),
      store,
      connection: { postgres: `postgres://postgres:password@127.0.0.1:${port}/none`, poolSize: 1 },
      config: { prefix: 'atomic' },
    });
    cleanups.push(() => engine.close({ timeoutMs: 100 }));
    // Registered through a working engine on the same store (registering syncs schedules through
    // the queue, which the broken one cannot reach); the broken one reads it from the store.
    const working = await startEngine({
      registry: new NodeRegistry().register('t', async () => successResult({})),
      store,
      workflows: [{ id: 'one', nodes: [{ id: 'a', type: 't' }] }],
      workers: false,
    });
    cleanups.push(() => working.close());
    return { engine, store };
  }

  it.each([
    ['started at once', {}],
    ['delayed', { delay: 5_000 }],
    ['keyed', { jobId: 'order-1' }],
  ])(
    'marks the execution %s failed with the cause and throws ENQUEUE_FAILED',
    async (_, options) => {
      const { engine, store } = await brokenEngine();
      const failed: string[] = [];
      engine.on('execution:failed', ({ executionId }) => failed.push(executionId));
      const error = await engine.enqueueWorkflow('one', { x: 1 }, options).catch((e: unknown) => e);
      expect(WorkflowError.isInstance(error) && error.code).toBe('ENQUEUE_FAILED');
      const executionId = (error as WorkflowError).executionId as string;
      expect((error as Error).cause).toBeInstanceOf(Error);
      const execution = await store.getExecution(executionId);
      expect(execution?.status).toBe('failed');
      expect(execution?.error).toContain('could not be queued');
      expect(failed).toEqual([executionId]);
      const live = await store.listExecutions({ status: ['pending', 'running'] });
      expect(live.items).toEqual([]);
    },
  );
});
