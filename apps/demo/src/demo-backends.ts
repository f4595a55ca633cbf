import type { QueueConnection } from '@spane/queue';
import { PostgresExecutionStore } from '@spane/store-postgres';
import type { Closers } from './closers.ts';
import { startDemoPostgres } from './demo-postgres.ts';

/** The PostgreSQL schema of the demo's store. */
export const DEMO_STORE_SCHEMA = 'spane_demo';

/** Where the demo's queue and store live, opened and registered for closing. */
export interface DemoBackends {
  /** For `WorkflowEngine`: the Redis URL, or `{ postgres: url }` for BullMQ's PostgreSQL backend. */
  connection: QueueConnection;
  store: PostgresExecutionStore;
  /** One line saying what runs where, for the console. */
  description: string;
}

/** `host:port` of a URL, so credentials never reach the console. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * Opens the demo's backends from the environment:
 * - queue: Redis when `REDIS_URL` is set, else PostgreSQL (BullMQ's PostgreSQL backend);
 * - store: `PostgresExecutionStore` on `DATABASE_URL` when set, else on an embedded PostgreSQL
 *   started here (data in `SPANE_DEMO_DATA_DIR` or apps/demo/.data/postgres).
 * Everything opened is added to `closers` (server first, so it is stopped last).
 */
export async function openDemoBackends(options: {
  env: NodeJS.ProcessEnv;
  closers: Closers;
}): Promise<DemoBackends> {
  const { env, closers } = options;
  const redisUrl = env.REDIS_URL || undefined;
  let postgresUrl = env.DATABASE_URL || undefined;
  let postgresWhere = postgresUrl ? `DATABASE_URL (${hostOf(postgresUrl)})` : '';
  if (!postgresUrl) {
    const server = await startDemoPostgres(env);
    closers.add('embedded PostgreSQL', () => server.stop());
    postgresUrl = server.url;
    postgresWhere =
      `the embedded PostgreSQL (${server.source}, pid ${server.pid}, 127.0.0.1:${server.port}, ` +
      `${server.initialized ? 'new cluster' : 'existing cluster'} in ${server.dataDir})`;
  }
  const store = await PostgresExecutionStore.create({
    connectionString: postgresUrl,
    schema: DEMO_STORE_SCHEMA,
  });
  closers.add('store', () => store.close());
  const queue = redisUrl
    ? `Redis (REDIS_URL, ${hostOf(redisUrl)})`
    : `BullMQ's PostgreSQL backend on ${postgresWhere}`;
  const storeWhere = redisUrl ? postgresWhere : 'the same server';
  return {
    connection: redisUrl ?? { postgres: postgresUrl },
    store,
    description: `SPANE demo: queue on ${queue}; store PostgresExecutionStore on ${storeWhere}`,
  };
}
