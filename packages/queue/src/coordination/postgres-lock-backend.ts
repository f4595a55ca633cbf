/**
 * {@link LockBackend} on PostgreSQL: one row per held key in `<schema>.locks`, with the owner token
 * and an expiry on the server's clock. Session advisory locks do not fit: they have no TTL and die
 * with the connection, while a lease must outlive a pooled connection and expire on its own.
 * @module
 */
import type pg from 'pg';
import type { LockBackend, LockLease } from './lock-backend.ts';
import {
  DEFAULT_COORDINATION_SCHEMA,
  type PostgresConnection,
  quoteIdentifier,
  type ResolvedPool,
  resolvePool,
  validateIdentifier,
} from './postgres-connection.ts';

/** Options of {@link PostgresLockBackend}. */
export interface PostgresLockBackendOptions {
  /** A connection string (the backend creates and ends its pool) or a `pg.Pool` (you end it). */
  connection: PostgresConnection;
  /** Schema of the `locks` table, created if missing. Default is `spane_coordination`. */
  schema?: string | undefined;
  /** Errors of idle clients of a pool the backend created. Default ignores them. */
  onError?: ((error: Error) => void) | undefined;
}

/** The SQL statements for one schema; the schema name is validated before it gets here. */
interface LockStatements {
  ddl: readonly string[];
  acquire: string;
  extend: string;
  release: string;
}

function lockStatements(schema: string): LockStatements {
  const s = quoteIdentifier(schema);
  const table = `${s}.locks`;
  return {
    ddl: [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${table} (
        key text PRIMARY KEY,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    ],
    acquire: `INSERT INTO ${table} AS l (key, owner, expires_at)
      VALUES ($1, $2, clock_timestamp() + $3::bigint * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE l.expires_at <= clock_timestamp()
      RETURNING l.owner`,
    extend: `UPDATE ${table}
      SET expires_at = clock_timestamp() + $3::bigint * interval '1 millisecond'
      WHERE key = $1 AND owner = $2 AND expires_at > clock_timestamp()`,
    release: `DELETE FROM ${table} WHERE key = $1 AND owner = $2`,
  };
}

/** Serializes concurrent DDL of every SPANE process on one database (a fixed advisory lock key). */
const DDL_LOCK_KEY = 'spane_coordination_ddl';

/** Locks as rows of `<schema>.locks(key, owner, expires_at)`; the table is created on first use. */
export class PostgresLockBackend implements LockBackend {
  readonly schema: string;
  readonly #pool: ResolvedPool;
  readonly #sql: LockStatements;
  #ready: Promise<void> | undefined;

  constructor(options: PostgresLockBackendOptions) {
    this.schema = validateIdentifier(options.schema ?? DEFAULT_COORDINATION_SCHEMA);
    this.#sql = lockStatements(this.schema);
    this.#pool = resolvePool(options.connection, { onError: options.onError });
  }

  /** Creates the schema and table if missing. Called by every operation; call it to fail early. */
  ensureTable(): Promise<void> {
    this.#ready ??= this.#createTable().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async tryAcquire(lease: LockLease): Promise<boolean> {
    await this.ensureTable();
    const result = await this.#pool.pool.query(this.#sql.acquire, [
      lease.key,
      lease.owner,
      lease.ttlMs,
    ]);
    return result.rowCount === 1;
  }

  async extend(lease: LockLease): Promise<boolean> {
    await this.ensureTable();
    const result = await this.#pool.pool.query(this.#sql.extend, [
      lease.key,
      lease.owner,
      lease.ttlMs,
    ]);
    return result.rowCount === 1;
  }

  async release(lease: Omit<LockLease, 'ttlMs'>): Promise<boolean> {
    await this.ensureTable();
    const result = await this.#pool.pool.query(this.#sql.release, [lease.key, lease.owner]);
    return result.rowCount === 1;
  }

  async close(): Promise<void> {
    if (this.#pool.owned && !this.#pool.pool.ended) await this.#pool.pool.end();
  }

  async #createTable(): Promise<void> {
    const client: pg.PoolClient = await this.#pool.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [DDL_LOCK_KEY]);
      for (const statement of this.#sql.ddl) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
