/** `WorkflowEngine.getWorkerStatus`: what health checks read about this process's workers. */
import { NodeRegistry } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { engineFixture, memoryStore, redisQueue } from './harness.ts';

describe('worker status', () => {
  const { setup } = engineFixture({
    name: 'Redis + memory store',
    queue: redisQueue,
    store: memoryStore,
  });

  it('getWorkerStatus counts no workers before startWorkers, and the node and workflow workers after', async () => {
    const { engine } = await setup(new NodeRegistry(), [], { workers: false });
    expect(engine.getWorkerStatus()).toEqual({ started: 0, running: 0 });
    await engine.startWorkers(2);
    expect(engine.getWorkerStatus()).toEqual({ started: 2, running: 2 });
  });
});
