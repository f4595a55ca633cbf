import { NodeRegistry, successResult } from '@spane/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../src/index.ts';
import {
  databaseUrl,
  dlqItemsOf,
  type EngineTarget,
  memoryStore,
  node,
  postgresQueue,
  postgresStore,
  redisQueue,
  redisUrl,
  startEngine,
} from './harness.ts';
import { type QueueWrites, watchQueueWrites } from './support/postgres-write-watch.ts';

const FIVE_MB = 5 * 1024 * 1024;
const LARGE = 100 * 1024; // anything this big in the queue is a leak

/** A 5 MB result flows down a chain to a node that fails: the DLQ item carries a reference, not the data. */
function defineLargePayloadTest(target: EngineTarget): void {
  describe(`large payloads on ${target.name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('keeps a 5 MB result in the store: executors see it, the queue never holds it', async () => {
      const blob = 'x'.repeat(FIVE_MB);
      let seen = 0;
      const registry = new NodeRegistry()
        .register('big', async () => successResult({ blob }))
        .register('measure', async (ctx) => {
          seen = ((ctx.inputData as { blob: string }).blob ?? '').length;
          return successResult(ctx.inputData);
        })
        .register('reject', async () => {
          throw new Error('refused');
        });
      const store = await target.store.create();
      cleanups.push(() => store.close());

      // Watch every command the queue sends to Redis (Redis backend only).
      let largestArg = 0;
      let commands = 0;
      let prefix = '';
      if (target.queue === redisQueue) {
        const client = new Redis(redisUrl());
        const monitor = await client.monitor();
        cleanups.push(async () => {
          monitor.disconnect();
          client.disconnect();
        });
        monitor.on('monitor', (_time: string, args: string[]) => {
          if (!prefix || !args.some((arg) => arg.includes(prefix))) return;
          commands++;
          for (const arg of args) largestArg = Math.max(largestArg, arg.length);
        });
      }
      const engine: WorkflowEngine = await startEngine({
        registry,
        store,
        connection: target.queue.connection(),
        workflows: [
          {
            id: 'big',
            nodes: [
              node('make', 'big', ['use']),
              node('use', 'measure', ['refuse']),
              node('refuse', 'reject'),
            ],
          },
        ],
      });
      cleanups.push(() => engine.close());
      prefix = engine.getConfig().prefix;
      // Postgres backend: triggers record every row written for the prefix, as it is written.
      let pgWrites: (() => Promise<QueueWrites>) | undefined;
      if (target.queue === postgresQueue) {
        const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
        pool.on('error', () => undefined); // an idle client's error; the next query reports it
        const watch = await watchQueueWrites(pool, prefix);
        cleanups.push(async () => {
          await watch.stop();
          await pool.end();
        });
        pgWrites = watch.read;
      }

      const done = await engine.waitForExecution(await engine.enqueueWorkflow('big', {}), {
        timeoutMs: 60_000,
      });
      expect(done.status).toBe('failed');
      expect(seen).toBe(FIVE_MB);
      expect((done.nodeResults.make?.data as { blob: string } | undefined)?.blob.length).toBe(
        FIVE_MB,
      );

      // The DLQ item is added right after the failure is committed.
      const items = await dlqItemsOf(engine, done.executionId);
      expect(items).toHaveLength(1);
      expect(items[0]?.data.inputDataRef).toEqual(expect.any(String));
      expect((items[0]?.data.inputData as { blob: string } | undefined)?.blob.length).toBe(FIVE_MB);

      if (target.queue === redisQueue) {
        expect(commands).toBeGreaterThan(0);
        expect(largestArg).toBeLessThan(LARGE);
      } else {
        const writes = await (pgWrites as () => Promise<QueueWrites>)();
        expect(writes.count).toBeGreaterThan(0);
        expect(writes.largest).toBeLessThan(LARGE);
      }
    }, 90_000);
  });
}

defineLargePayloadTest({
  name: 'Redis queue, memory store',
  queue: redisQueue,
  store: memoryStore,
});
defineLargePayloadTest({
  name: 'Postgres queue, Postgres store',
  queue: postgresQueue,
  store: postgresStore,
});
