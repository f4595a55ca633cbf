import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migratePostgresQueues, POSTGRES_QUEUE_SCHEMA, WorkflowQueues } from '../src/index.ts';
import { requireEnv } from './support/servers.ts';

const databaseUrl = () => requireEnv('DATABASE_URL');

describe("WorkflowQueues on BullMQ's PostgreSQL backend", () => {
  it('migrates idempotently, from several processes at once', async () => {
    await Promise.all([1, 2, 3].map(() => migratePostgresQueues({ postgres: databaseUrl() })));
    await migratePostgresQueues({ postgres: databaseUrl() });
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
        [POSTGRES_QUEUE_SCHEMA, 'job'],
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('keeps node, workflow and dead-letter jobs in Postgres under the prefix, with stats and lookups', async () => {
    const prefix = `pgq-${randomBytes(4).toString('hex')}`;
    const queues = new WorkflowQueues({ connection: { postgres: databaseUrl() }, prefix });
    try {
      expect(queues.backend).toBe('postgres');
      await queues.addNodeJobs([
        {
          data: { executionId: 'e1', workflowId: 'w', workflowVersion: 1, nodeId: 'a' },
          options: { jobId: 'e1.a', attempts: 1, backoff: { type: 'fixed', delay: 10 } },
        },
        {
          data: { executionId: 'e1', workflowId: 'w', workflowVersion: 1, nodeId: 'b' },
          options: {
            jobId: 'e1.b',
            attempts: 1,
            backoff: { type: 'fixed', delay: 10 },
            delay: 60_000,
          },
        },
      ]);
      await queues.addWorkflowJob({ workflowId: 'w', executionId: 'e2' }, { jobId: 'start.e2' });
      const dlq = await queues.addDeadLetter({
        executionId: 'e1',
        workflowId: 'w',
        workflowVersion: 1,
        nodeId: 'a',
        jobId: 'e1.a',
        error: 'boom',
        attemptsMade: 1,
        failedAt: new Date().toISOString(),
      });
      const stats = await queues.getStats();
      expect(stats.queues.node).toMatchObject({ waiting: 1, delayed: 1 });
      expect(stats.queues.workflow).toMatchObject({ waiting: 1 });
      expect(await queues.getJobStatus('e1.b')).toMatchObject({
        exists: true,
        status: 'delayed',
        queue: 'node',
      });
      expect((await queues.getDeadLetters()).map((item) => item.id)).toEqual([dlq]);
      expect(await queues.removeNodeJob('e1.b')).toBe(true);
      expect((await queues.getJobStatus('e1.b')).exists).toBe(false);
      expect(await queues.removeDeadLetter(dlq)).toBe(true);

      // The rows are BullMQ's, in its schema, with the prefix in the queue names.
      const client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      try {
        const { rows } = await client.query<{ queue: string }>(
          `SELECT DISTINCT queue FROM "${POSTGRES_QUEUE_SCHEMA}".job WHERE queue LIKE $1 ORDER BY queue`,
          [`${prefix}.%`],
        );
        expect(rows.map((row) => row.queue)).toEqual([
          `${prefix}.node-execution`,
          `${prefix}.workflow-execution`,
        ]);
      } finally {
        await client.end();
      }
    } finally {
      await queues.close();
    }
  });

  it('rejects a bare postgres:// string, which would otherwise be taken for Redis', () => {
    expect(() => new WorkflowQueues({ connection: databaseUrl() })).toThrow(/postgres: url/);
  });
});
