/**
 * A worker process for the crash test: runs the crash workflow's nodes until it is killed.
 * Env: CRASH_QUEUE (`redis` | `cluster` | `postgres`), REDIS_URL or REDIS_CLUSTER_NODES, DATABASE_URL,
 * CRASH_SCHEMA, CRASH_PREFIX (hash-tagged on a cluster), and
 * CRASH_HANG_NODES / CRASH_HANG_AFTER (see `CrashHang`).
 */
import { PostgresExecutionStore } from '@spane/store-postgres';
import { type QueueConnection, WorkflowEngine } from '../../src/index.ts';
import { crashRegistry, pg } from './crash-workflow.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`crash-worker: ${name} is not set`);
  return value;
};

const databaseUrl = env('DATABASE_URL');

function crashConnection(queue: string): QueueConnection {
  if (queue === 'postgres') return { postgres: databaseUrl, poolSize: 8 };
  if (queue === 'cluster') {
    const cluster = env('REDIS_CLUSTER_NODES')
      .split(',')
      .map((address) => {
        const [host, port] = address.split(':');
        return { host: host as string, port: Number(port) };
      });
    return { cluster };
  }
  return env('REDIS_URL');
}
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
  connection: crashConnection(env('CRASH_QUEUE')),
  config: { prefix: env('CRASH_PREFIX'), lockDuration: 1_500, stalledInterval: 500 },
});
await engine.startWorkers(8);
process.stdout.write('ready\n');
