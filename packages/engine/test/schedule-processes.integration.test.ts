import { fileURLToPath } from 'node:url';
import { NodeRegistry, successResult } from '@spane/core';
import { killChild, spawnReady, waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresQueue, type QueueFactory, redisQueue, startEngine } from './harness.ts';
import { scheduledRuns } from './schedules-suite.ts';
import { scheduledWorkflow } from './support/schedule-workflow.ts';
import { sharedStore } from './support/shared-store.ts';

const WORKER = fileURLToPath(new URL('./support/schedule-worker.ts', import.meta.url));

function defineScheduleProcessTests(queue: QueueFactory): void {
  describe(`schedules across processes on the ${queue.name} queue`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('two engine processes registering the same schedule start one execution per tick', async () => {
      const { store, pool, schema, prefix } = await sharedStore('sched', cleanups);
      await pool.query(
        `CREATE TABLE "${schema}".runs (execution_id text NOT NULL, pid integer NOT NULL)`,
      );
      const env = {
        SCHEDULE_QUEUE: queue === postgresQueue ? 'postgres' : 'redis',
        SCHEDULE_SCHEMA: schema,
        SCHEDULE_PREFIX: prefix,
      };
      const spawnWorker = () =>
        spawnReady(WORKER, { env, onSpawn: (child) => cleanups.push(() => killChild(child)) });
      await Promise.all([spawnWorker(), spawnWorker()]);
      const observer = await startEngine({
        registry: new NodeRegistry().register('record', async () => successResult({})),
        store,
        connection: queue.connection(),
        config: { prefix },
        workers: false,
      });
      cleanups.push(() => observer.close());
      const runs = await waitFor(
        async () => {
          const found = await scheduledRuns(store, scheduledWorkflow.id);
          return found.length >= 6 ? found : undefined;
        },
        { what: 'six scheduled executions', timeoutMs: 60_000 },
      );
      // One scheduler, whichever process registered first.
      expect((await observer.getJobSchedulers()).map((s) => s.id)).toEqual([
        'schedule:every-quarter-second:every:250',
      ]);
      // Stop the ticks, then compare: every tick has exactly one execution.
      expect(await observer.removeWorkflowSchedulers(scheduledWorkflow.id)).toBe(1);
      await waitFor(
        async () => {
          const { workflow } = (await observer.getQueueStats()).queues;
          return workflow.waiting + workflow.active + workflow.delayed + workflow.prioritized === 0;
        },
        { what: 'the workflow queue to be idle after the schedule was removed', timeoutMs: 30_000 },
      );
      const settled = await scheduledRuns(store, scheduledWorkflow.id);
      const ticks = settled.map((run) => run.metadata.scheduledFor as string);
      expect(settled.length).toBeGreaterThanOrEqual(runs.length);
      expect(new Set(ticks).size).toBe(ticks.length);
      for (const run of settled) {
        expect(run.metadata.schedulerId).toBe('schedule:every-quarter-second:every:250');
      }
      // And every execution ran its node once.
      for (const run of settled)
        await observer.waitForExecution(run.executionId, { timeoutMs: 30_000 });
      const { rows } = await pool.query<{ execution_id: string; n: number }>(
        `SELECT execution_id, count(*)::int AS n FROM "${schema}".runs GROUP BY execution_id`,
      );
      expect(rows.length).toBe(settled.length);
      expect(rows.every((row) => row.n === 1)).toBe(true);
    }, 90_000);
  });
}

defineScheduleProcessTests(redisQueue);
defineScheduleProcessTests(postgresQueue);
