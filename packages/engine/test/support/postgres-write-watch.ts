import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** Tables of BullMQ's PostgreSQL backend that hold job payloads, with their queue column. */
const WATCHED: ReadonlyArray<{ table: string; queueColumn: string }> = [
  { table: 'job', queueColumn: 'queue' },
  { table: 'job_log', queueColumn: 'queue' },
  { table: 'job_dependency', queueColumn: 'child_queue' },
  { table: 'event', queueColumn: 'queue' },
  { table: 'dedup_next', queueColumn: 'queue' },
];

/** What a {@link watchQueueWrites} saw. */
export interface QueueWrites {
  /** Rows written (inserted or updated) to the watched tables for the prefix. */
  count: number;
  /** The largest such row, as text (uncompressed: a blob cannot hide in TOAST compression). */
  largest: number;
}

/**
 * Records every row BullMQ's PostgreSQL backend writes for a queue prefix, with AFTER triggers on
 * its payload tables, so a test sees what was written, not only what is still there when it looks.
 * The triggers fire only for the prefix's queues; `stop` removes them.
 */
export async function watchQueueWrites(
  pool: pg.Pool,
  prefix: string,
): Promise<{ read(): Promise<QueueWrites>; stop(): Promise<void> }> {
  if (!/^[\w-]+$/.test(prefix)) throw new TypeError(`Unexpected queue prefix "${prefix}"`);
  const schema = `watch_${randomBytes(5).toString('hex')}`;
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".writes (tbl text NOT NULL, size integer NOT NULL)`);
  await pool.query(`
    CREATE FUNCTION "${schema}".record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO "${schema}".writes VALUES (TG_TABLE_NAME, octet_length(NEW::text));
      RETURN NULL;
    END $$`);
  for (const { table, queueColumn } of WATCHED) {
    await pool.query(
      `CREATE TRIGGER "${schema}_${table}" AFTER INSERT OR UPDATE ON bullmq.${table}
         FOR EACH ROW WHEN (NEW.${queueColumn} LIKE '${prefix}.%')
         EXECUTE FUNCTION "${schema}".record()`,
    );
  }
  return {
    async read() {
      const { rows } = await pool.query<{ count: number; largest: number | null }>(
        `SELECT count(*)::int AS count, max(size)::int AS largest FROM "${schema}".writes`,
      );
      return { count: rows[0]?.count ?? 0, largest: rows[0]?.largest ?? 0 };
    },
    async stop() {
      // Dropping the function drops the triggers that call it.
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}
