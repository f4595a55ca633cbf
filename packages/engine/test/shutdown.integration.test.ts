import { randomUUID } from 'node:crypto';
import { type ExecutionStore, NodeRegistry, successResult, WorkflowError } from '@spane/core';
import { waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../src/index.ts';
import {
  type EngineTarget,
  memoryStore,
  postgresQueue,
  postgresStore,
  redisQueue,
  startEngine,
} from './harness.ts';

const targets: EngineTarget[] = [
  { name: 'Redis queue, memory store', queue: redisQueue, store: memoryStore },
  { name: 'Postgres queue, Postgres store', queue: postgresQueue, store: postgresStore },
];

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

for (const target of targets) {
  describe(`graceful shutdown (${target.name})`, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function engineOn(
      store: ExecutionStore,
      registry: NodeRegistry,
      options: { prefix: string; workers?: boolean; concurrency?: number },
    ): Promise<WorkflowEngine> {
      const engine = await startEngine({
        registry,
        store,
        connection: target.queue.connection(),
        workflows: [{ id: 'one', nodes: [{ id: 'work', type: 'work' }] }],
        config: { prefix: options.prefix, abortGraceMs: 100 },
        concurrency: options.concurrency ?? 2,
        workers: options.workers ?? true,
      });
      cleanups.push(() => engine.close({ timeoutMs: 100 }));
      return engine;
    }

    async function newStore(): Promise<ExecutionStore> {
      const store = await target.store.create();
      cleanups.unshift(() => store.close());
      return store;
    }

    it(`${target.name}: gracefulShutdown lets an active node finish, reporting draining then closed`, async () => {
      const started = gate();
      const release = gate();
      const registry = new NodeRegistry().register('work', async () => {
        started.open();
        await release.promise;
        return successResult({ done: true });
      });
      const store = await newStore();
      const engine = await engineOn(store, registry, { prefix: `sd-${randomUUID().slice(0, 8)}` });
      const events: string[] = [];
      engine.on('shutdown:started', () => events.push('started'));
      engine.on('shutdown:completed', ({ abandonedNodes }) =>
        events.push(`completed:${abandonedNodes}`),
      );
      expect(engine.getShutdownStatus()).toEqual({ state: 'running', activeNodes: 0 });
      const executionId = await engine.enqueueWorkflow('one', {});
      await started.promise;
      expect(engine.getShutdownStatus().activeNodes).toBe(1);

      const shutdown = engine.gracefulShutdown({ timeoutMs: 20_000 });
      const draining = engine.getShutdownStatus();
      expect(draining.state).toBe('draining');
      expect(draining.since).toBeTypeOf('number');
      await expect(engine.enqueueWorkflow('one', {})).rejects.toMatchObject({
        code: 'ENGINE_SHUTDOWN',
      });
      release.open();
      await shutdown;

      expect(engine.getShutdownStatus()).toMatchObject({ state: 'closed', activeNodes: 0 });
      expect(events).toEqual(['started', 'completed:0']);
      const execution = await store.getExecution(executionId);
      expect(execution?.status).toBe('completed');
      expect(execution?.nodeResults.work?.data).toEqual({ done: true });
    });

    it(`${target.name}: a node that ignores its aborted signal is handed back to the queue and finished by another worker`, async () => {
      const started = gate();
      const never = gate(); // the first attempt ignores its signal and never settles on its own
      const reasons: unknown[] = [];
      let calls = 0;
      const registry = new NodeRegistry().register('work', async (context) => {
        calls++;
        if (calls === 1) {
          context.signal?.addEventListener('abort', () => reasons.push(context.signal?.reason));
          started.open();
          await never.promise;
          return successResult({ by: 'abandoned' });
        }
        return successResult({ by: 'second worker' });
      });
      cleanups.push(async () => never.open());
      const store = await newStore();
      const prefix = `sd-${randomUUID().slice(0, 8)}`;
      const first = await engineOn(store, registry, { prefix });
      const executionId = await first.enqueueWorkflow('one', {});
      await started.promise;
      const second = await engineOn(store, registry, { prefix });
      let abandoned = -1;
      first.on('shutdown:completed', ({ abandonedNodes }) => {
        abandoned = abandonedNodes;
      });

      await first.gracefulShutdown({ timeoutMs: 50 });

      expect(abandoned).toBe(1);
      expect(first.getShutdownStatus()).toMatchObject({ state: 'closed', activeNodes: 0 });
      expect(reasons).toHaveLength(1);
      expect(WorkflowError.isInstance(reasons[0]) && reasons[0].code).toBe('ENGINE_SHUTDOWN');
      const done = await second.waitForExecution(executionId, { timeoutMs: 25_000 });
      expect(done.status).toBe('completed');
      expect(done.nodeResults.work?.data).toEqual({ by: 'second worker' });
      expect(calls).toBe(2);
    });

    it(`${target.name}: cancelling an execution whose executor ignores its signal frees the worker slot`, async () => {
      const started = gate();
      const never = gate();
      const registry = new NodeRegistry().register('work', async (context) => {
        if ((context.inputData as { hang?: boolean }).hang) {
          started.open();
          await never.promise;
        }
        return successResult({ ran: true });
      });
      cleanups.push(async () => never.open());
      const store = await newStore();
      // One slot: the next execution can only run once the hung attempt is abandoned.
      const engine = await engineOn(store, registry, {
        prefix: `sd-${randomUUID().slice(0, 8)}`,
        concurrency: 1,
      });
      const hung = await engine.enqueueWorkflow('one', { hang: true });
      await started.promise;
      expect(await engine.cancelExecution(hung)).toBe(true);
      const next = await engine.enqueueWorkflow('one', {});
      const done = await engine.waitForExecution(next, { timeoutMs: 25_000 });
      expect(done.status).toBe('completed');
      await waitFor(() => engine.getShutdownStatus().activeNodes === 0, {
        what: 'the cancelled node to leave the engine',
      });
      const cancelled = await store.getExecution(hung);
      expect(cancelled?.status).toBe('cancelled');
      expect(cancelled?.nodeResults.work).toBeUndefined();
      await waitFor(async () => (await store.getTrace(hung)).length > 0, {
        what: 'the span of the cancelled node',
      });
      const [span] = await store.getTrace(hung);
      expect(span?.status).toBe('error');
      expect(String(span?.attributes?.error)).toContain('cancelled');
    });

    it(`${target.name}: close returns within its timeout while an executor never settles`, async () => {
      const started = gate();
      const never = gate();
      const registry = new NodeRegistry().register('work', async () => {
        started.open();
        await never.promise;
        return successResult({});
      });
      cleanups.push(async () => never.open());
      const store = await newStore();
      const engine = await engineOn(store, registry, { prefix: `sd-${randomUUID().slice(0, 8)}` });
      await engine.enqueueWorkflow('one', {});
      await started.promise;
      await engine.close({ timeoutMs: 50 });
      expect(engine.getShutdownStatus()).toMatchObject({ state: 'closed', activeNodes: 0 });
    });
  });
}
