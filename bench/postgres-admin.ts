/**
 * Leaves the PostgreSQL database as the bench found it: after each side, the rows of its BullMQ
 * queues (every table of BullMQ's schema that has a `queue` column, for queue names under the
 * side's prefix) and the schema of its `PostgresExecutionStore`. Runs outside measured windows.
 */
import { DEFAULT_SCHEMA } from 'bullmq';
import pg from 'pg';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$-]*$/;

export class PostgresAdmin {
  readonly #pool: pg.Pool;
  #queueTables: Promise<string[]> | undefined;

  constructor(url: string) {
    this.#pool = new pg.Pool({ connectionString: url, max: 2 });
    this.#pool.on('error', () => undefined);
  }

  /** Deletes every BullMQ row of the queues named `${prefix}.…` (the bench's Postgres queues). */
  async deleteQueues(prefix: string): Promise<void> {
    // The tables are looked up again until BullMQ's migrations have created them.
    this.#queueTables ??= this.#findQueueTables();
    const tables = await this.#queueTables;
    if (tables.length === 0) this.#queueTables = undefined;
    const start = `${prefix}.`;
    // `job` first: its job_log and job_dependency rows go with it (ON DELETE CASCADE).
    for (const table of tables) {
      await this.#pool.query(
        `DELETE FROM "${DEFAULT_SCHEMA}"."${table}" WHERE left(queue, $1) = $2`,
        [start.length, start],
      );
    }
  }

  /** Drops a store's schema and everything in it. */
  async dropSchema(schema: string): Promise<void> {
    if (!IDENTIFIER.test(schema)) throw new Error(`not a schema name the bench makes: ${schema}`);
    await this.#pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }

  async #findQueueTables(): Promise<string[]> {
    const { rows } = await this.#pool.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = $1 AND c.column_name = 'queue' AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name <> 'job', c.table_name`,
      [DEFAULT_SCHEMA],
    );
    return rows.map((row) => row.table_name).filter((name) => IDENTIFIER.test(name));
  }
}
