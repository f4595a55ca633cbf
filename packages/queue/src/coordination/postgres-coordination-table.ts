/**
 * Where a PostgreSQL coordination primitive keeps its rows (`locks`, `rate_starts`): the validated
 * schema, the statements for it, the pool with its ownership, and the idempotent creation of the
 * table on first use. Every process runs that DDL, serialized database-wide by one
 * transaction-level advisory lock, since concurrent `CREATE ... IF NOT EXISTS` of the same object
 * can still fail on a unique violation.
 * @module
 */
import type pg from 'pg';
import {
  DEFAULT_COORDINATION_SCHEMA,
  type PostgresConnection,
  resolvePool,
  validateIdentifier,
} from './postgres-connection.ts';
import { withTransaction } from './postgres-transaction.ts';

/** The advisory lock key that serializes the coordination DDL of every SPANE process on one database. */
export const COORDINATION_DDL_LOCK_KEY = 'spane_coordination_ddl';

/** What a primitive's statements must hold: idempotent DDL (`CREATE ... IF NOT EXISTS`), in order. */
export interface CoordinationStatements {
  ddl: readonly string[];
}

/** Options of {@link CoordinationTable}. */
export interface CoordinationTableOptions<S extends CoordinationStatements> {
  /** A connection string (a pool is created, and ended by `close`) or a `pg.Pool` (left open). */
  connection: PostgresConnection;
  /** Schema of the table. Default is `spane_coordination`. */
  schema?: string | undefined;
  /** Errors of idle clients of a pool created here. Default ignores them. */
  onError?: ((error: Error) => void) | undefined;
  /** The statements for the (validated) schema name. */
  statements: (schema: string) => S;
}

/** Runs `ddl` on `pool` in one transaction under {@link COORDINATION_DDL_LOCK_KEY}. */
export async function createCoordinationTable(
  pool: pg.Pool,
  ddl: readonly string[],
): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [COORDINATION_DDL_LOCK_KEY]);
    for (const statement of ddl) await client.query(statement);
  });
}

/**
 * A coordination table and the pool it is reached through. {@link CoordinationTable.ensure} creates
 * it once: concurrent callers share one attempt, and a failed attempt is forgotten so the next call
 * tries again.
 */
export class CoordinationTable<S extends CoordinationStatements> {
  /** The validated schema name. */
  readonly schema: string;
  /** The statements for {@link CoordinationTable.schema}. */
  readonly sql: S;
  /** The pool to query; ended by `close` only if it was created here. */
  readonly pool: pg.Pool;
  readonly #ownsPool: boolean;
  #ready: Promise<void> | undefined;

  /** Validates the schema (throws a `ConfigurationError`) and resolves the connection. */
  constructor(options: CoordinationTableOptions<S>) {
    this.schema = validateIdentifier(options.schema ?? DEFAULT_COORDINATION_SCHEMA);
    this.sql = options.statements(this.schema);
    const resolved = resolvePool(options.connection, { onError: options.onError });
    this.pool = resolved.pool;
    this.#ownsPool = resolved.owned;
  }

  /** Resolves once the table exists; rejects with the DDL's error (and retries on the next call). */
  ensure(): Promise<void> {
    this.#ready ??= createCoordinationTable(this.pool, this.sql.ddl).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** Ends the pool if it was created here. */
  async close(): Promise<void> {
    if (this.#ownsPool && !this.pool.ended) await this.pool.end();
  }
}
