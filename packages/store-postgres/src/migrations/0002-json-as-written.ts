/**
 * Data columns become `json` (kept as written) instead of `jsonb` (parsed, keys reordered): node
 * results, initial data, payloads, log data, span attributes and dead-letter data come back with
 * their keys in the order they were written, and strings may hold U+0000 and lone surrogates
 * (`json` keeps the escapes `JSON.stringify` writes). Metadata (merged in SQL) and workflow
 * definitions (compared by content hash) stay `jsonb`.
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

const COLUMNS: ReadonlyArray<[table: string, column: string]> = [
  ['executions', 'initial_data'],
  ['node_results', 'result'],
  ['payloads', 'value'],
  ['logs', 'data'],
  ['spans', 'attributes'],
  ['dead_letters', 'data'],
];

async function alterTo(db: Kysely<unknown>, type: 'json' | 'jsonb'): Promise<void> {
  for (const [table, column] of COLUMNS) {
    await db.schema
      .alterTable(table)
      .alterColumn(column, (c) => c.setDataType(sql.raw(type)))
      .execute();
  }
}

/** Migration `0002-json-as-written`: data columns as `json`, so key order and escapes are kept. */
export const jsonAsWritten: Migration = {
  up: (db) => alterTo(db, 'json'),
  // Back to jsonb fails on values jsonb cannot hold (U+0000, lone surrogates): that is wanted.
  down: (db) => alterTo(db, 'jsonb'),
};
