import pg from 'pg';

/** A PostgreSQL identifier in double quotes (for names that cannot be bound as parameters). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Connects to the server's `postgres` database (proving the server takes connections with these
 * credentials) and creates `database` when it is missing. Returns whether it created it.
 */
export async function ensureDatabase(options: {
  port: number;
  user: string;
  password: string;
  database: string;
}): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: options.port,
    user: options.user,
    password: options.password,
    database: 'postgres',
  });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT 1');
    if (options.database === 'postgres') return false;
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      options.database,
    ]);
    if ((found.rowCount ?? 0) > 0) return false;
    await client.query(`CREATE DATABASE ${quoteIdentifier(options.database)}`);
    return true;
  } finally {
    await client.end();
  }
}
