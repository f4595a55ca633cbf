import { ConfigurationError } from '@spane/core';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import type { PostgresConnectionOptions } from './postgres-store-options.ts';
import { type PreparedTexts, preparedPool } from './prepared-pool.ts';

/** A kysely instance over the configured connection, and whether its pool is ours to end. */
export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  ownsPool: boolean;
}

/**
 * Opens kysely on a caller's pool or on a new pool for a connection string. Our own pool and every
 * client it opens get an `error` listener that passes the error to `onError`: a client that loses
 * its connection is dropped by the pool (the next query reconnects), and without a listener that
 * event would crash the process. With `prepared`, the texts it holds go as named statements
 * ({@link preparedPool}). Throws `ConfigurationError` when neither is given.
 */
export function openDatabase<DB>(
  options: PostgresConnectionOptions,
  onError: (error: Error) => void = () => undefined,
  prepared?: PreparedTexts,
): OpenedDatabase<DB> {
  const dialect = (pool: PostgresPool) =>
    new PostgresDialect({ pool: prepared === undefined ? pool : preparedPool(pool, prepared) });
  if (options.pool !== undefined) {
    return { db: new Kysely<DB>({ dialect: dialect(options.pool) }), ownsPool: false };
  }
  if (typeof options.connectionString !== 'string' || options.connectionString === '') {
    throw new ConfigurationError(
      'PostgreSQL store: pass either `connectionString` or `pool` (a pg.Pool)',
    );
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ...(options.poolSize === undefined ? {} : { max: options.poolSize }),
  });
  pool.on('error', onError);
  // A client checked out (a transaction) whose connection is ended (a server restart) emits
  // `error` on itself, where the pool's listener does not hear it: without this it would crash.
  pool.on('connect', (client) => client.on('error', onError));
  return { db: new Kysely<DB>({ dialect: dialect(pool) }), ownsPool: true };
}
