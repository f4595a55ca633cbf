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
 * Opens kysely on a caller's pool or on a new pool for a connection string. Our own pool gets an
 * `error` listener: an idle client that loses its connection is dropped by the pool, and without a
 * listener that event would crash the process. Throws `ConfigurationError` when neither is given.
 */
export function openDatabase<DB>(options: PostgresConnectionOptions): OpenedDatabase<DB> {
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
  pool.on('error', () => {});
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), ownsPool: true };
}
