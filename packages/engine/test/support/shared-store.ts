import { randomBytes } from 'node:crypto';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';
import { databaseUrl } from '../harness.ts';

/**
 * What a multi-process test shares with its worker processes: a Postgres store in a fresh schema,
 * a small pool on the same database for the test's own tables, and a fresh queue prefix.
 * `cleanups` gets what undoes it (run them in reverse).
 */
export async function sharedStore(
  tag: string,
  cleanups: Array<() => Promise<void>>,
): Promise<{ store: PostgresExecutionStore; pool: pg.Pool; schema: string; prefix: string }> {
  const schema = `${tag}_${randomBytes(5).toString('hex')}`;
  const prefix = `${tag}-${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4 });
  pool.on('error', () => undefined); // an idle client's error; the next query reports it
  cleanups.push(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  const store = await PostgresExecutionStore.create({
    connectionString: databaseUrl(),
    schema,
    poolSize: 4,
  });
  cleanups.push(() => store.close());
  return { store, pool, schema, prefix };
}
