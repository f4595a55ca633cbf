/**
 * A PostgreSQL restart (`pg_ctl restart -m fast`) or a Redis restart under load costs a pause, never
 * the process: every execution completes, and errors arrive through the engine's `error` event.
 * The servers restarted here are this file's own (the rest of the suite keeps its shared ones).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type ExecutionStore,
  isTerminalStatus,
  NodeRegistry,
  successResult,
  type WorkflowDefinition,
} from '@spane/core';
import {
  type LocalPostgresServer,
  type LocalRedisServer,
  startPostgresServer,
  startRedisServer,
} from '@spane/local-services';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { waitFor } from '@spane/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type QueueConnection, WorkflowEngine } from '../src/index.ts';

const EXECUTIONS = 40;

const diamond: WorkflowDefinition = {
  id: 'diamond',
  nodes: [
    { id: 'a', type: 'step', outputs: ['b', 'c'] },
    { id: 'b', type: 'step', outputs: ['d'] },
    { id: 'c', type: 'step', outputs: ['d'] },
    { id: 'd', type: 'step' },
  ],
};

const registry = new NodeRegistry().register('step', async (context) => {
  await new Promise((resolve) => setTimeout(resolve, 15));
  return successResult({ node: context.nodeId });
});

let postgres: LocalPostgresServer;
let redis: LocalRedisServer;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([
    startPostgresServer({ database: 'spane_restart', settings: { fsync: false } }),
    startRedisServer({ persistence: true }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([postgres?.stop(), redis?.stop()]);
}, 60_000);

interface Case {
  name: string;
  connection: () => QueueConnection;
  restart: () => Promise<void>;
}

const cases: Case[] = [
  {
    name: 'PostgreSQL restart, Redis queue and Postgres store',
    connection: () => redis.url,
    restart: () => postgres.restart({ mode: 'fast' }),
  },
  {
    name: 'PostgreSQL restart, Postgres queue and Postgres store',
    connection: () => ({ postgres: postgres.url, poolSize: 8 }),
    restart: () => postgres.restart({ mode: 'fast' }),
  },
  {
    name: 'Redis restart, Redis queue and Postgres store',
    connection: () => redis.url,
    restart: () => redis.restart(),
  },
];

describe('a server restart under load', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  for (const testCase of cases) {
    it(`${testCase.name}: every execution completes and the process lives on`, async () => {
      const store: ExecutionStore = await PostgresExecutionStore.create({
        connectionString: postgres.url,
        schema: `restart_${randomBytes(4).toString('hex')}`,
        poolSize: 4,
      });
      cleanups.push(() => store.close());
      const engine = new WorkflowEngine({
        registry,
        store,
        connection: testCase.connection(),
        config: {
          prefix: `rs-${randomUUID().slice(0, 8)}`,
          defaultRetryPolicy: { maxAttempts: 3, backoff: { type: 'fixed', delay: 200 } },
        },
      });
      cleanups.push(() => engine.close({ timeoutMs: 2_000 }));
      const errors: string[] = [];
      engine.on('error', ({ context }) => errors.push(context));
      await engine.registerWorkflow(diamond);
      await engine.startWorkers(8);

      const ids: string[] = [];
      for (let i = 0; i < EXECUTIONS; i++) ids.push(await engine.enqueueWorkflow('diamond', { i }));
      // Restart while work is in flight: some executions are done, most are not.
      await waitFor(
        async () =>
          (await store.listExecutions({ status: ['completed'], limit: 1 })).items.length > 0,
        { timeoutMs: 30_000, what: 'a first completed execution' },
      );
      await testCase.restart();

      await waitFor(
        async () => {
          for (const id of ids) {
            const execution = await store.getExecution(id, { nodeIds: [] }).catch(() => null);
            if (!execution || !isTerminalStatus(execution.status)) return false;
          }
          return true;
        },
        { timeoutMs: 90_000, intervalMs: 200, what: 'every execution to end' },
      );
      for (const id of ids) {
        const done = await store.getExecution(id);
        expect(done?.status).toBe('completed');
        expect(Object.keys(done?.nodeResults ?? {}).sort()).toEqual(['a', 'b', 'c', 'd']);
      }
      // The engine still takes new work after the restart.
      const after = await engine.waitForExecution(await engine.enqueueWorkflow('diamond', {}), {
        timeoutMs: 30_000,
      });
      expect(after.status).toBe('completed');
      expect(errors.every((context) => typeof context === 'string')).toBe(true);
    }, 150_000);
  }
});
