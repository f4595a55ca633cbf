/**
 * A worker process for the rate-limit test: runs `limited` nodes, recording each start.
 * Env: RATE_QUEUE (`redis` | `postgres`), REDIS_URL, DATABASE_URL, RATE_SCHEMA, RATE_PREFIX.
 */
import { NodeRegistry, successResult } from '@spane/core';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';
import { WorkflowEngine } from '../../src/index.ts';
import { RATE_LIMIT } from './rate-workflow.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`rate-worker: ${name} is not set`);
  return value;
};

const databaseUrl = env('DATABASE_URL');
const schema = env('RATE_SCHEMA');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
pool.on('error', (error) => console.error(`rate-worker: idle client error: ${error.message}`));
const registry = new NodeRegistry()
  .register('limited', async (ctx) => {
    await pool.query(`INSERT INTO "${schema}".starts (pid, at) VALUES ($1, $2)`, [
      process.pid,
      Date.now(),
    ]);
    return successResult({ node: ctx.nodeId });
  })
  .registerRateLimit('limited', RATE_LIMIT);
const store = await PostgresExecutionStore.create({
  connectionString: databaseUrl,
  schema,
  poolSize: 4,
});
const engine = new WorkflowEngine({
  registry,
  store,
  connection:
    env('RATE_QUEUE') === 'postgres' ? { postgres: databaseUrl, poolSize: 6 } : env('REDIS_URL'),
  config: { prefix: env('RATE_PREFIX') },
});
await engine.startWorkers(10);
process.stdout.write('ready\n');
