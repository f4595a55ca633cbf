import { fileURLToPath } from 'node:url';
import { NodeRegistry, successResult } from '@spane/core';
import { afterEach, describe, expect, it } from 'vitest';
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
import { spawnReady } from './support/spawn-ready.ts';

const WORKER = fileURLToPath(new URL('./support/rate-worker.ts', import.meta.url));
const EXECUTIONS = 15;

function defineRateLimitTests(queue: QueueFactory): void {
  describe(`rate limits on the ${queue.name} queue`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('a node type never starts more than max times in any window, across two worker processes', async () => {
      const { store, pool, schema, prefix } = await sharedStore('rate', cleanups);
      await pool.query(
        `CREATE TABLE "${schema}".starts (pid integer NOT NULL, at bigint NOT NULL)`,
      );
      const env = {
        RATE_QUEUE: queue === postgresQueue ? 'postgres' : 'redis',
        RATE_SCHEMA: schema,
        RATE_PREFIX: prefix,
      };
      const workers = await Promise.all([spawnReady(WORKER, env), spawnReady(WORKER, env)]);
      cleanups.push(async () => {
        for (const worker of workers) worker.kill('SIGKILL');
      });
      const producer = await startEngine({
        registry: new NodeRegistry().register('limited', async () => successResult({})),
        store,
        connection: queue.connection(),
        workflows: [rateWorkflow],
        config: { prefix },
        workers: false,
      });
      cleanups.push(() => producer.close());
      const ids = await producer.enqueueBulkWorkflows(
        Array.from({ length: EXECUTIONS }, () => ({ workflowId: rateWorkflow.id })),
      );
      for (const id of ids) {
        expect((await producer.waitForExecution(id, { timeoutMs: 60_000 })).status).toBe(
          'completed',
        );
      }
      const { rows } = await pool.query<{ pid: number; at: string }>(
        `SELECT pid, at FROM "${schema}".starts ORDER BY at`,
      );
      expect(rows).toHaveLength(EXECUTIONS);
      expect(new Set(rows.map((row) => row.pid)).size).toBe(2);
      // Executors record their start a moment after the limiter admits them: allow 50 ms of jitter.
      const times = rows.map((row) => Number(row.at));
      for (let i = 0; i < times.length; i++) {
        const inWindow = times.filter(
          (t) => t >= (times[i] as number) && t < (times[i] as number) + RATE_LIMIT.duration - 50,
        );
        expect(inWindow.length).toBeLessThanOrEqual(RATE_LIMIT.max);
      }
      // 15 starts at 3 per 500 ms take at least 4 full windows.
      expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(4 * 500 - 100);
    }, 90_000);

    it('useNativeRateLimiting applies the global rateLimiter to every node start', async () => {
      const starts: number[] = [];
      const registry = new NodeRegistry().register('tick', async () => {
        starts.push(Date.now());
        return successResult({});
      });
      const store = await memoryStore.create();
      cleanups.push(() => store.close());
      const engine = await startEngine({
        registry,
        store,
        connection: queue.connection(),
        workflows: [{ id: 'ticks', nodes: [node('t', 'tick')] }],
        config: { useNativeRateLimiting: true, rateLimiter: { max: 2, duration: 400 } },
      });
      cleanups.push(() => engine.close());
      const ids = await engine.enqueueBulkWorkflows(
        Array.from({ length: 6 }, () => ({ workflowId: 'ticks' })),
      );
      for (const id of ids) expect((await engine.waitForExecution(id)).status).toBe('completed');
      starts.sort((a, b) => a - b);
      // 2 per 400 ms: never 3 starts within 300 ms (100 ms of slack for a loaded machine), and
      // 6 starts need three windows.
      for (const t of starts) {
        expect(starts.filter((s) => s >= t && s < t + 300).length).toBeLessThanOrEqual(2);
      }
      expect((starts[5] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(2 * 400 - 150);
    });
  });
}

defineRateLimitTests(redisQueue);
defineRateLimitTests(postgresQueue);
