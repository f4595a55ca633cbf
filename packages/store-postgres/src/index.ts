/**
 * `@spane/store-postgres`: a durable `ExecutionStore` for SPANE on PostgreSQL (kysely + pg).
 * Versioned in-code migrations, atomic node commits under a row lock, optimistic locking,
 * first-write-wins results, index-served history pages, logs, spans, dead-letter records and a
 * large-payload table. Every worker and process pointed at the same database shares executions.
 *
 * ```ts
 * import { PostgresExecutionStore } from '@spane/store-postgres';
 * const store = await PostgresExecutionStore.create({ connectionString: process.env.DATABASE_URL });
 * ```
 * @module
 */
export type {
  Database,
  DeadLetterTable,
  ExecutionTable,
  HeldNodeTable,
  LogTable,
  NodeResultTable,
  PayloadTable,
  SpanTable,
  WorkflowTable,
} from './database.ts';
export type { DeadLetterInput, DeadLetterQuery, DeadLetterRecord } from './dead-letter-record.ts';
export type { GroupCommitOptions } from './group-commit.ts';
export { type MigrateOptions, type MigrationSummary, migrateToLatest } from './migrate.ts';
export { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from './migration-provider.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-size.ts';
export { PostgresExecutionStore } from './postgres-execution-store.ts';
export type {
  CreatePostgresStoreOptions,
  PostgresConnectionOptions,
  PostgresStoreOptions,
} from './postgres-store-options.ts';
export { DEFAULT_SCHEMA } from './schema-name.ts';
export { UnsupportedJsonError } from './unsupported-json-error.ts';
