/**
 * One transaction on one pooled PostgreSQL client, for the coordination primitives that need more
 * than a single statement (an advisory lock, then the work it guards).
 * @module
 */
import type pg from 'pg';

/**
 * Runs `work` between `BEGIN` and `COMMIT` on one client of `pool`; rolls back and rethrows on
 * error. A client that cannot even roll back is discarded rather than returned to the pool.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client: pg.PoolClient = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
