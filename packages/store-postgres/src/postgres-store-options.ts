import type { PostgresPool } from 'kysely';
import type { GroupCommitOptions } from './group-commit.ts';

/**
 * Where the store connects: a connection string, or a `pg.Pool` you already have.
 *
 * @remarks
 * Ownership: with `connectionString` the store creates its pool and ends it in `close()`. A `pool`
 * you pass in stays yours: `close()` leaves it open, and you end it when you are done.
 */
export type PostgresConnectionOptions =
  | {
      /** A `postgres://` URL. The store creates a pool for it and ends that pool in `close()`. */
      connectionString: string;
      /** Connections in the store's pool. Default is 10 (pg's default). */
      poolSize?: number | undefined;
      pool?: undefined;
    }
  | {
      /**
       * Your `pg.Pool` (any pool kysely's `PostgresDialect` accepts). The store borrows clients
       * from it and never ends it.
       */
      pool: PostgresPool;
      connectionString?: undefined;
      poolSize?: undefined;
    };

/** Options of {@link PostgresExecutionStore}: a connection plus where the tables live. */
export type PostgresStoreOptions = PostgresConnectionOptions & {
  /**
   * The PostgreSQL schema that holds the store's tables (created by the migrations when missing).
   * Letters, digits, `_` and `$`, at most 63 characters. Default is `spane`.
   */
  schema?: string | undefined;
  /**
   * How concurrent node commits, and concurrent reads of some nodes' results (the read a node job
   * starts with), share statements: `maxBatch` per statement (default 64), `maxInFlight`
   * statements of each kind at once (default 4). `{ maxBatch: 1 }` sends each alone.
   */
  groupCommit?: GroupCommitOptions | undefined;
  /**
   * Send the hot statements (grouped reads, commits and creates: fixed texts) as pg named
   * statements, so PostgreSQL parses and plans each once per connection. Turn off behind a pooler
   * that cannot keep prepared statements across transactions (PgBouncer in transaction mode
   * before 1.21). Default is `true`.
   */
  preparedStatements?: boolean | undefined;
};

/** Options of {@link PostgresExecutionStore.create}. */
export type CreatePostgresStoreOptions = PostgresStoreOptions & {
  /** Bring the schema up to date before returning the store (see `migrateToLatest`). Default is `true`. */
  migrate?: boolean | undefined;
};
