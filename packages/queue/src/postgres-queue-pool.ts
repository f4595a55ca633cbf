import { DEFAULT_SCHEMA, runMigrations } from 'bullmq';
import type pg from 'pg';
import { loadPg } from './optional-pg.ts';

/** Selects BullMQ's PostgreSQL backend for SPANE's queues. */
export interface PostgresQueueConnection {
  /**
   * A connection string, or a `pg.Pool` whose connection settings are reused. SPANE opens a pool
   * of its own either way (BullMQ needs every connection's `search_path` pinned to its schema,
   * which can't be done to a pool someone else owns), and closes it on `close()`.
   */
  postgres: string | pg.Pool;
  /** Connections in SPANE's pool. Default is 20; each worker holds one more of them for LISTEN. */
  poolSize?: number | undefined;
}

/**
 * The schema of BullMQ's tables (BullMQ's own default). Applications sharing a database are kept
 * apart by the queue prefix, as on Redis; SPANE's store uses a schema of its own.
 */
export const POSTGRES_QUEUE_SCHEMA: string = DEFAULT_SCHEMA;

/**
 * Opens the pool the queues share, with its `search_path` pinned to BullMQ's schema, and starts
 * BullMQ's migrations (idempotent, under BullMQ's advisory lock, so concurrent processes are safe).
 */
export function openPostgresQueuePool(
  connection: PostgresQueueConnection,
  options: { onError?: ((error: Error) => void) | undefined } = {},
): {
  pool: pg.Pool;
  ready: Promise<void>;
} {
  const base: pg.PoolConfig =
    typeof connection.postgres === 'string'
      ? { connectionString: connection.postgres }
      : { ...connection.postgres.options };
  const searchPath = `-c search_path="${POSTGRES_QUEUE_SCHEMA}"`;
  const pool = new (loadPg().Pool)({
    ...base,
    max: connection.poolSize ?? 20,
    keepAlive: true,
    options: base.options ? `${base.options} ${searchPath}` : searchPath,
  });
  // An idle client's error (a server restart) must not crash the process; the next query reconnects.
  const onError = options.onError ?? (() => undefined);
  pool.on('error', (error) => onError(error));
  // A checked-out client (BullMQ holds some for long, e.g. to LISTEN) that loses its connection
  // emits `error` on itself, where the pool's listener does not hear it.
  pool.on('connect', (client) => client.on('error', (error) => onError(error)));
  const ready = migrate(pool);
  ready.catch(() => undefined); // surfaced to whoever awaits it
  return { pool, ready };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await runMigrations(client, POSTGRES_QUEUE_SCHEMA);
  } finally {
    client.release();
  }
}

/**
 * Runs BullMQ's PostgreSQL migrations now (for a deploy step), instead of on the first use of the
 * queues. Idempotent and safe to run from several processes at once.
 */
export async function migratePostgresQueues(connection: PostgresQueueConnection): Promise<void> {
  const { pool, ready } = openPostgresQueuePool({ ...connection, poolSize: 1 });
  try {
    await ready;
  } finally {
    await pool.end();
  }
}
