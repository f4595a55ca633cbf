/**
 * A worker process of the chaos suite: runs the chaos workflow's nodes until it is killed.
 * Env: CHAOS_QUEUE (`redis` | `postgres`), REDIS_URL, DATABASE_URL, CHAOS_SCHEMA, CHAOS_PREFIX,
 * CHAOS_RECOVERY_MS (optional).
 * Prints `ready` once its workers listen, and `error <context>` lines for the engine's errors.
 */
import { WorkflowEngine } from '@spane/engine';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';
import { chaosRegistry } from './chaos-workflow.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`chaos-worker: ${name} is not set`);
  return value;
};

/** `CHAOS_RECOVERY_MS`: the sweep's interval and quiet time, in ms. */
function recoveryConfig(value: string | undefined) {
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? { recoveryIntervalMs: ms, recoveryQuietMs: ms } : {};
}

const databaseUrl = env('DATABASE_URL');
const schema = env('CHAOS_SCHEMA');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
pool.on('error', () => undefined);
pool.on('connect', (client) => client.on('error', () => undefined));
const store = await PostgresExecutionStore.create({ connectionString: databaseUrl, schema });
const engine = new WorkflowEngine({
  registry: chaosRegistry(pool, schema),
  store,
  connection:
    env('CHAOS_QUEUE') === 'postgres' ? { postgres: databaseUrl, poolSize: 8 } : env('REDIS_URL'),
  // The defaults for lock duration and stalled interval: the suite measures them. The recovery
  // sweep runs at its defaults unless the scenario asks for a quicker one (CHAOS_RECOVERY_MS).
  config: { prefix: env('CHAOS_PREFIX'), ...recoveryConfig(process.env.CHAOS_RECOVERY_MS) },
});
engine.on('error', ({ context }) => process.stdout.write(`error ${context}\n`));
await engine.startWorkers(8);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void engine
    .gracefulShutdown({ timeoutMs: 2_000 })
    .then(() => store.close())
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
