import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NodeRegistry, successResult } from '@spane/core';
import { killChild, spawnReady, waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../src/index.ts';
import {
  memoryStore,
  node,
  postgresQueue,
  type QueueFactory,
  redisQueue,
  startEngine,
} from './harness.ts';
import { RATE_LIMIT, rateWorkflow } from './support/rate-workflow.ts';
import { sharedStore } from './support/shared-store.ts';

const WORKER = fileURLToPath(new URL('./support/rate-worker.ts', import.meta.url));

/** Waits until the node queue holds exactly `delayed` delayed jobs and nothing waits or runs. */
function nodeQueueSettles(engine: WorkflowEngine, delayed: number, what: string) {
  let last: unknown;
  return waitFor(
    async () => {
      const { queues } = await engine.getQueueStats();
      last = queues.node;
      const { waiting, prioritized, active } = queues.node;
      return queues.node.delayed === delayed && waiting + prioritized + active === 0;
    },
    { what: () => `${what} (node queue last: ${JSON.stringify(last)})`, timeoutMs: 60_000 },
  );
}

function defineRateLimitTests(queue: QueueFactory): void {
  describe(`rate limits on the ${queue.name} queue`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('a node type never starts more than max times in its window, across two worker processes', async () => {
      const { store, pool, schema, prefix } = await sharedStore('rate', cleanups);
      await pool.query(
        `CREATE TABLE "${schema}".starts (pid integer NOT NULL, at bigint NOT NULL)`,
      );
      const env = {
        RATE_QUEUE: queue === postgresQueue ? 'postgres' : 'redis',
        RATE_SCHEMA: schema,
        RATE_PREFIX: prefix,
      };
      const spawnWorker = () =>
        spawnReady(WORKER, {
          env,
          onSpawn: (child: ChildProcess) => cleanups.push(() => killChild(child)),
        });
      const starts = async () =>
        (await pool.query<{ pid: number }>(`SELECT pid FROM "${schema}".starts`)).rows;
      const producer = await startEngine({
        registry: new NodeRegistry().register('limited', async () => successResult({})),
        store,
        connection: queue.connection(),
        workflows: [rateWorkflow],
        config: { prefix },
        workers: false,
      });
      cleanups.push(() => producer.close());
      const enqueue = (count: number) =>
        producer.enqueueBulkWorkflows(
          Array.from({ length: count }, () => ({ workflowId: rateWorkflow.id })),
        );

      // The first process uses up the window: max starts, all of them its own.
      const first = await spawnWorker();
      for (const id of await enqueue(RATE_LIMIT.max)) {
        expect((await producer.waitForExecution(id)).status).toBe('completed');
      }
      await killChild(first);
      // Another process sees the same window: it turns every node away, to wait out the window.
      await spawnWorker();
      const turnedAway = await enqueue(12);
      await nodeQueueSettles(producer, 12, 'the second process to turn all 12 nodes away');
      const rows = await starts();
      expect(rows).toHaveLength(RATE_LIMIT.max);
      expect(new Set(rows.map((row) => row.pid))).toEqual(new Set([first.pid]));
      for (const id of turnedAway) {
        const execution = await store.getExecution(id);
        expect(execution?.status).toBe('running');
        expect(execution?.nodeResults.only).toBeUndefined();
      }
    }, 90_000);

    it('useNativeRateLimiting applies the global rateLimiter to every node start', async () => {
      let starts = 0;
      const registry = new NodeRegistry().register('tick', async () => {
        starts++;
        return successResult({});
      });
      const store = await memoryStore.create();
      cleanups.push(() => store.close());
      const engine = await startEngine({
        registry,
        store,
        connection: queue.connection(),
        workflows: [{ id: 'ticks', nodes: [node('t', 'tick')] }],
        // 2 per minute: the worker takes 2 node jobs and leaves the rest waiting.
        config: { useNativeRateLimiting: true, rateLimiter: { max: 2, duration: 60_000 } },
      });
      cleanups.push(() => engine.close());
      const ids = await engine.enqueueBulkWorkflows(
        Array.from({ length: 6 }, () => ({ workflowId: 'ticks' })),
      );
      // Two executions complete, their jobs end, and the other four wait: the limit holds them.
      await waitFor(
        async () => {
          const states = await Promise.all(
            ids.map(async (id) => (await store.getExecution(id))?.status),
          );
          const { queues } = await engine.getQueueStats();
          return (
            states.filter((status) => status === 'completed').length === 2 &&
            states.filter((status) => status === 'running').length === 4 &&
            queues.node.active === 0 &&
            queues.node.waiting + queues.node.prioritized === 4
          );
        },
        { what: 'two executions done and four held by the native limiter' },
      );
      expect(starts).toBe(2);
    });
  });
}

defineRateLimitTests(redisQueue);
defineRateLimitTests(postgresQueue);
