/**
 * A worker process for the overdue-node test: its `hang` executor prints `started` and waits, so
 * the test can freeze the whole process (SIGSTOP) with the node's job active and its lock held.
 * Env: HANG_QUEUE (`redis` | `postgres`), REDIS_URL, DATABASE_URL, HANG_SCHEMA, HANG_PREFIX.
 */
import { NodeRegistry, successResult } from '@spane/core';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { WorkflowEngine } from '../../src/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`hang-worker: ${name} is not set`);
  return value;
};

const databaseUrl = env('DATABASE_URL');
const store = await PostgresExecutionStore.create({
  connectionString: databaseUrl,
  schema: env('HANG_SCHEMA'),
});
const registry = new NodeRegistry().register('hang', async (context) => {
  process.stdout.write(`started ${context.nodeId}\n`);
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  return successResult({});
});
const engine = new WorkflowEngine({
  registry,
  store,
  connection:
    env('HANG_QUEUE') === 'postgres' ? { postgres: databaseUrl, poolSize: 4 } : env('REDIS_URL'),
  // A lock far longer than the test: the frozen worker's job stays active.
  config: { prefix: env('HANG_PREFIX'), lockDuration: 120_000, recoveryIntervalMs: 0 },
});
await engine.startWorkers(1);
process.stdout.write('ready\n');
