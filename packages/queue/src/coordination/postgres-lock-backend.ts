/**
 * {@link LockBackend} on PostgreSQL: one row per held key in `<schema>.locks`, with the owner token
 * and an expiry on the server's clock. Session advisory locks do not fit: they have no TTL and die
 * with the connection, while a lease must outlive a pooled connection and expire on its own.
 * @module
 */
import type { LockBackend, LockLease } from './lock-backend.ts';
import { type PostgresConnection, quoteIdentifier } from './postgres-connection.ts';
import { CoordinationTable } from './postgres-coordination-table.ts';

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

/** Locks as rows of `<schema>.locks(key, owner, expires_at)`; the table is created on first use. */
export class PostgresLockBackend implements LockBackend {
  readonly schema: string;
  readonly #table: CoordinationTable<LockStatements>;

  constructor(options: PostgresLockBackendOptions) {
    this.#table = new CoordinationTable({ ...options, statements: lockStatements });
    this.schema = this.#table.schema;
  }

  /** Creates the schema and table if missing. Called by every operation; call it to fail early. */
  ensureTable(): Promise<void> {
    return this.#table.ensure();
  }

  async tryAcquire(lease: LockLease): Promise<boolean> {
    await this.ensureTable();
    const result = await this.#table.pool.query(this.#table.sql.acquire, [
      lease.key,
      lease.owner,
      lease.ttlMs,
    ]);
    return result.rowCount === 1;
  }

  async extend(lease: LockLease): Promise<boolean> {
    await this.ensureTable();
    const result = await this.#table.pool.query(this.#table.sql.extend, [
      lease.key,
      lease.owner,
      lease.ttlMs,
    ]);
    return result.rowCount === 1;
  }

  async release(lease: Omit<LockLease, 'ttlMs'>): Promise<boolean> {
    await this.ensureTable();
    const result = await this.#table.pool.query(this.#table.sql.release, [lease.key, lease.owner]);
    return result.rowCount === 1;
  }

  close(): Promise<void> {
    return this.#table.close();
  }
}
