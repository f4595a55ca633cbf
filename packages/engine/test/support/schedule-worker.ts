/**
 * An engine process for the schedule test: registers the scheduled workflow (as every process of a
 * deployment does) and runs workers that record each run with their pid.
 * Env: SCHEDULE_QUEUE (`redis` | `postgres`), REDIS_URL, DATABASE_URL, SCHEDULE_SCHEMA, SCHEDULE_PREFIX.
 */
import { NodeRegistry, successResult } from '@spane/core';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';
import { WorkflowEngine } from '../../src/index.ts';
import { scheduledWorkflow } from './schedule-workflow.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`schedule-worker: ${name} is not set`);
  return value;
};

const databaseUrl = env('DATABASE_URL');
const schema = env('SCHEDULE_SCHEMA');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
pool.on('error', () => undefined);
const registry = new NodeRegistry().register('record', async (ctx) => {
  await pool.query(`INSERT INTO "${schema}".runs (execution_id, pid) VALUES ($1, $2)`, [
    ctx.executionId,
    process.pid,
  ]);
  return successResult({});
});
const store = await PostgresExecutionStore.create({
  connectionString: databaseUrl,
  schema,
  poolSize: 4,
});
const engine = new WorkflowEngine({
  registry,
  store,
  connection:
    env('SCHEDULE_QUEUE') === 'postgres'
      ? { postgres: databaseUrl, poolSize: 6 }
      : env('REDIS_URL'),
  config: { prefix: env('SCHEDULE_PREFIX') },
});
await engine.registerWorkflow(scheduledWorkflow);
await engine.startWorkers(10);
process.stdout.write('ready\n');
