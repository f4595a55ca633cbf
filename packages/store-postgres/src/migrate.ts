import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import {
  createMigrationProvider,
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
} from './migration-provider.ts';
import { openDatabase } from './open-database.ts';
import type { PostgresConnectionOptions } from './postgres-store-options.ts';
import { resolveSchemaName } from './schema-name.ts';
import { wrapDriverError } from './wrap-driver-error.ts';

/** Options of {@link migrateToLatest}: a kysely instance, a pool or a connection string, and the schema. */
export type MigrateOptions<DB = unknown> = (
  | {
      /** A kysely instance (not a transaction) on PostgreSQL. Left open. */
      db: Kysely<DB>;
      pool?: undefined;
      connectionString?: undefined;
    }
  | (PostgresConnectionOptions & { db?: undefined })
) & {
  /** The schema to create and migrate. Default is `spane`. */
  schema?: string | undefined;
};

/** What {@link migrateToLatest} did. */
export interface MigrationSummary {
  schema: string;
  /** The migrations applied by this call, in order; empty when the schema was up to date. */
  applied: string[];
}

/**
 * Creates the store's schema if missing and applies every pending migration, with kysely's
 * `Migrator` (history in `<schema>.spane_migration`, lock in `<schema>.spane_migration_lock`).
 *
 * Idempotent, and safe when several processes run it at once: the whole run (schema creation
 * included) holds a PostgreSQL advisory lock keyed by the schema name, and each migration runs in
 * a transaction. `PostgresExecutionStore.create` calls it for you.
 *
 * ```ts
 * import { migrateToLatest } from '@spane/store-postgres';
 * const { applied } = await migrateToLatest({ connectionString: process.env.DATABASE_URL, schema: 'spane' });
 * ```
 *
 * @remarks
 * A pool or kysely instance you pass in stays open; a pool made for `connectionString` is ended
 * before this returns.
 * @throws `ConfigurationError` for an invalid schema name; a `WorkflowError` (with the driver's or
 * the migration's error as `cause`) when a migration fails.
 */
export async function migrateToLatest<DB>(options: MigrateOptions<DB>): Promise<MigrationSummary> {
  const schema = resolveSchemaName(options.schema);
  const opened =
    options.db === undefined
      ? openDatabase<unknown>(options)
      : { db: options.db as unknown as Kysely<unknown>, ownsPool: false };
  const lockKey = `spane.migrate:${schema}`;
  try {
    // One session for the advisory lock, the schema and the migrator, so the lock covers them all.
    return await opened.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(hashtextextended(${lockKey}, 0))`.execute(conn);
      try {
        await conn.schema.createSchema(schema).ifNotExists().execute();
        const migrator = new Migrator({
          db: conn,
          provider: createMigrationProvider(schema),
          migrationTableSchema: schema,
          migrationTableName: MIGRATION_TABLE,
          migrationLockTableName: MIGRATION_LOCK_TABLE,
        });
        const { error, results = [] } = await migrator.migrateToLatest();
        if (error !== undefined) {
          const failed = results.find((r) => r.status === 'Error')?.migrationName;
          throw wrapDriverError(error, failed ? `migration "${failed}"` : 'migration');
        }
        return {
          schema,
          applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
        };
      } finally {
        await sql`select pg_advisory_unlock(hashtextextended(${lockKey}, 0))`.execute(conn);
      }
    });
  } catch (error) {
    throw wrapDriverError(error, 'migrateToLatest');
  } finally {
    if (opened.ownsPool) await opened.db.destroy();
  }
}
