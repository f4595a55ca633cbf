/**
 * A worker process for the crash test: runs the crash workflow's nodes until it is killed.
 * Env: CRASH_QUEUE (`redis` | `postgres`), REDIS_URL, DATABASE_URL, CRASH_SCHEMA, CRASH_PREFIX, and
 * CRASH_HANG_NODES / CRASH_HANG_AFTER (see `CrashHang`).
 */
import { PostgresExecutionStore } from '@spane/store-postgres';
import { WorkflowEngine } from '../../src/index.ts';
import { crashRegistry, pg } from './crash-workflow.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`crash-worker: ${name} is not set`);
  return value;
};

const databaseUrl = env('DATABASE_URL');
const schema = env('CRASH_SCHEMA');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const store = await PostgresExecutionStore.create({ connectionString: databaseUrl, schema });
const engine = new WorkflowEngine({
  registry: crashRegistry(pool, schema, {
    hang: process.env.CRASH_HANG_NODES
      ? {
          nodeIds: process.env.CRASH_HANG_NODES.split(','),
          afterEnds: Number(process.env.CRASH_HANG_AFTER ?? 0),
        }
      : undefined,
  }),
  store,
  connection:
    env('CRASH_QUEUE') === 'postgres' ? { postgres: databaseUrl, poolSize: 8 } : env('REDIS_URL'),
  config: { prefix: env('CRASH_PREFIX'), lockDuration: 1_500, stalledInterval: 500 },
});
await engine.startWorkers(8);
process.stdout.write('ready\n');
