import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PostgresExecutionStore } from '../../src/index.ts';

/** The server under test; fails loudly (never skips) when it is not configured. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: the @spane/store-postgres integration tests need a real PostgreSQL. ' +
        'Run them through the root test command (which starts one), or set DATABASE_URL=postgres://user@host:port/db.',
    );
  }
  return url;
}

/** A fresh schema name, so each test file works in isolation. */
export function randomSchema(): string {
  return `spane_test_${randomBytes(6).toString('hex')}`;
}

/** A kysely instance on its own small pool, for raw checks and cleanup. */
export function openKysely<DB = unknown>(): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: databaseUrl(), max: 2 }),
    }),
  });
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const db = openKysely();
  try {
    await db.schema.dropSchema(schema).ifExists().cascade().execute();
  } finally {
    await db.destroy();
  }
}

/** A migrated store in a fresh schema, and the cleanup that drops it. */
export async function createTestStore(): Promise<{
  store: PostgresExecutionStore;
  schema: string;
  cleanup: () => Promise<void>;
}> {
  const schema = randomSchema();
  const store = await PostgresExecutionStore.create({ connectionString: databaseUrl(), schema });
  return {
    store,
    schema,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}
