import type { Migration, MigrationProvider } from 'kysely/migration';
import { initialSchema } from './migrations/0001-initial-schema.ts';
import { jsonAsWritten } from './migrations/0002-json-as-written.ts';

/** The migration history table, in the store's schema. */
export const MIGRATION_TABLE = 'spane_migration';
/** The migration lock table, in the store's schema. */
export const MIGRATION_LOCK_TABLE = 'spane_migration_lock';

/** Every migration, by name; names sort in the order they run. Never rename or edit one. */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial-schema': initialSchema,
  '0002-json-as-written': jsonAsWritten,
};

function inSchema(migration: Migration, schema: string): Migration {
  const { down } = migration;
  return {
    up: (db) => migration.up(db.withSchema(schema)),
    ...(down === undefined ? {} : { down: (db) => down(db.withSchema(schema)) }),
  };
}

/**
 * The store's migrations as an in-code provider (they bundle with the package; no `.sql` files),
 * each run with `schema` applied to its unqualified table names.
 */
export function createMigrationProvider(schema: string): MigrationProvider {
  const migrations = Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, migration]) => [name, inSchema(migration, schema)]),
  );
  return { getMigrations: async () => migrations };
}
