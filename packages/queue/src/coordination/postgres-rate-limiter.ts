/**
 * {@link RateLimiterBackend} on PostgreSQL: one row per recorded start in `<schema>.rate_starts`.
 * Each attempt is one transaction that first takes a transaction-level advisory lock on the key,
 * so attempts on a key run one after the other, then trims, counts and records in one statement
 * on the database's clock (`clock_timestamp()`, read after the lock, so it only moves forward in
 * the order attempts are decided; `now()` would be the older transaction start).
 * @module
 */

import { type PostgresConnection, quoteIdentifier } from './postgres-connection.ts';
import { CoordinationTable } from './postgres-coordination-table.ts';
import { withTransaction } from './postgres-transaction.ts';
import type { RateLimit, RateLimitDecision, RateLimiterBackend } from './rate-limiter.ts';
import { validateRateLimit } from './rate-limiter-options.ts';

/** Options of {@link PostgresRateLimiter}. */
export interface PostgresRateLimiterOptions {
  /** A connection string (the limiter creates and ends its pool) or a `pg.Pool` (you end it). */
  connection: PostgresConnection;
  /** Schema of the `rate_starts` table, created if missing. Default is `spane_coordination`. */
  schema?: string | undefined;
  /** Errors of idle clients of a pool the limiter created. Default ignores them. */
  onError?: ((error: Error) => void) | undefined;
}

/** The SQL statements for one schema; the schema name is validated before it gets here. */
interface RateStatements {
  ddl: readonly string[];
  acquire: string;
}

/**
 * `acquire` takes $1 key, $2 window in ms, $3 max. Every CTE sees the same snapshot, so `live`
 * filters by the cutoff itself rather than relying on `expired` having run. Times come back as
 * integer microseconds in text, as pg returns every bigint.
 */
function rateStatements(schema: string): RateStatements {
  const s = quoteIdentifier(schema);
  const table = `${s}.rate_starts`;
  const window = `$2::bigint * interval '1 millisecond'`;
  return {
    ddl: [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${table} (
        key text NOT NULL,
        started_at timestamptz NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS rate_starts_key_started_at_idx ON ${table} (key, started_at)`,
    ],
    acquire: `WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS t),
      expired AS (
        DELETE FROM ${table} WHERE key = $1 AND started_at <= (SELECT t FROM clock) - ${window}
      ),
      live AS (
        SELECT count(*) AS n, min(started_at) AS oldest FROM ${table}
        WHERE key = $1 AND started_at > (SELECT t FROM clock) - ${window}
      ),
      inserted AS (
        INSERT INTO ${table} (key, started_at)
        SELECT $1, clock.t FROM clock, live WHERE live.n < $3::int
        RETURNING started_at
      )
      SELECT
        (SELECT count(*) FROM inserted) = 1 AS allowed,
        round(extract(epoch FROM clock.t) * 1000000)::bigint::text AS at_us,
        CASE WHEN live.n < $3::int THEN '0'
          ELSE round(extract(epoch FROM live.oldest + ${window} - clock.t) * 1000000)::bigint::text
        END AS retry_us
      FROM clock, live`,
  };
}

/** One row of the acquire statement. */
interface AcquireRow {
  allowed: boolean;
  at_us: string;
  retry_us: string;
}

/** Sliding-window rate limits as rows of `<schema>.rate_starts(key, started_at)`. */
export class PostgresRateLimiter implements RateLimiterBackend {
  readonly schema: string;
  readonly #table: CoordinationTable<RateStatements>;

  constructor(options: PostgresRateLimiterOptions) {
    this.#table = new CoordinationTable({ ...options, statements: rateStatements });
    this.schema = this.#table.schema;
  }

  /** Creates the schema, table and index if missing. Called by every attempt; call it to fail early. */
  ensureTable(): Promise<void> {
    return this.#table.ensure();
  }

  async tryAcquire(key: string, limit: RateLimit): Promise<RateLimitDecision> {
    validateRateLimit(key, limit);
    await this.ensureTable();
    const row = await withTransaction(this.#table.pool, async (client) => {
      // Namespaced by schema so it does not contend with other users of hashtext(key) locks.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `spane_rate:${this.schema}:${key}`,
      ]);
      // A statement of its own after the lock: its snapshot includes the previous holder's commit.
      const result = await client.query<AcquireRow>(this.#table.sql.acquire, [
        key,
        limit.duration,
        limit.max,
      ]);
      return result.rows[0];
    });
    if (!row) throw new Error('The rate limit statement returned no row');
    return {
      allowed: row.allowed,
      retryAfterMs: row.allowed ? 0 : Math.max(1, Math.ceil(Number(row.retry_us) / 1000)),
      at: Number(row.at_us) / 1000,
    };
  }

  close(): Promise<void> {
    return this.#table.close();
  }
}
