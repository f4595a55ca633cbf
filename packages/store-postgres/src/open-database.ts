import { ConfigurationError } from '@spane/core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { PostgresConnectionOptions } from './postgres-store-options.ts';

/** A kysely instance over the configured connection, and whether its pool is ours to end. */
export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  ownsPool: boolean;
}

/**
 * Opens kysely on a caller's pool or on a new pool for a connection string. Our own pool and every
 * client it opens get an `error` listener that passes the error to `onError`: a client that loses
 * its connection is dropped by the pool (the next query reconnects), and without a listener that
 * event would crash the process. Throws `ConfigurationError` when neither is given.
 */
export function openDatabase<DB>(
  options: PostgresConnectionOptions,
  onError: (error: Error) => void = () => undefined,
): OpenedDatabase<DB> {
  if (options.pool !== undefined) {
    return {
      db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: options.pool }) }),
      ownsPool: false,
    };
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
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), ownsPool: true };
}
