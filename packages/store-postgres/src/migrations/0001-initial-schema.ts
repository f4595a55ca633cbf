/**
 * The first schema of the store: workflows, executions, node results and counters, held nodes,
 * logs, spans, payloads and dead letters. Table names are unqualified: the migration provider runs
 * it with the configured schema applied.
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

const STATUSES = sql`('pending', 'running', 'paused', 'completed', 'failed', 'cancelled')`;
const timestamp = sql`timestamptz(3)`;

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workflows')
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('workflows_pkey', ['workflow_id', 'version'])
    .execute();

  await db.schema
    .createTable('executions')
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('workflow_version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${STATUSES}`))
    .addColumn('initial_data', 'jsonb')
    .addColumn('parent_execution_id', 'text')
    .addColumn('parent_node_id', 'text')
    .addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'text')
    .addColumn('resolved_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('started_at', timestamp, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', timestamp, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', timestamp)
    .execute();
  // History listings: newest first by (started_at, seq), optionally filtered.
  await db.schema
    .createIndex('executions_started_idx')
    .on('executions')
    .columns(['started_at desc', 'seq desc'])
    .execute();
  await db.schema
    .createIndex('executions_workflow_started_idx')
    .on('executions')
    .columns(['workflow_id', 'started_at desc', 'seq desc'])
    .execute();
  await db.schema
    .createIndex('executions_status_started_idx')
    .on('executions')
    .columns(['status', 'started_at desc', 'seq desc'])
    .execute();
  await db.schema
    .createIndex('executions_parent_started_idx')
    .on('executions')
    .columns(['parent_execution_id', 'started_at desc', 'seq desc'])
    .where(sql.ref('parent_execution_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('node_results')
    .addColumn('execution_id', 'text', (c) =>
      c.notNull().references('executions.id').onDelete('cascade'),
    )
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb')
    .addColumn('failed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('resolved_parents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active_parents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', timestamp, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('node_results_pkey', ['execution_id', 'node_id'])
    .execute();

  await db.schema
    .createTable('held_nodes')
    .addColumn('execution_id', 'text', (c) =>
      c.notNull().references('executions.id').onDelete('cascade'),
    )
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('held_nodes_pkey', ['execution_id', 'node_id'])
    .execute();

  await db.schema
    .createTable('logs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addColumn('execution_id', 'text', (c) =>
      c.notNull().references('executions.id').onDelete('cascade'),
    )
    .addColumn('node_id', 'text')
    .addColumn('level', 'text', (c) =>
      c.notNull().check(sql`level in ('debug', 'info', 'warn', 'error')`),
    )
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb')
    .addColumn('timestamp', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('logs_execution_idx')
    .on('logs')
    .columns(['execution_id', 'timestamp', 'seq'])
    .execute();

  await db.schema
    .createTable('spans')
    .addColumn('execution_id', 'text', (c) =>
      c.notNull().references('executions.id').onDelete('cascade'),
    )
    .addColumn('span_id', 'text', (c) => c.notNull())
    .addColumn('parent_span_id', 'text')
    .addColumn('node_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'error', 'unset')`))
    .addColumn('start_time', timestamp, (c) => c.notNull())
    .addColumn('end_time', timestamp)
    .addColumn('attributes', 'jsonb')
    .addPrimaryKeyConstraint('spans_pkey', ['execution_id', 'span_id'])
    .execute();

  await db.schema
    .createTable('payloads')
    .addColumn('reference', 'text', (c) => c.primaryKey())
    .addColumn('execution_id', 'text', (c) =>
      c.notNull().references('executions.id').onDelete('cascade'),
    )
    .addColumn('value', 'jsonb')
    .addColumn('created_at', timestamp, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('payloads_execution_idx')
    .on('payloads')
    .column('execution_id')
    .execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb')
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('dead_letters_created_idx')
    .on('dead_letters')
    .columns(['created_at desc', 'seq desc'])
    .execute();
  await db.schema
    .createIndex('dead_letters_execution_idx')
    .on('dead_letters')
    .column('execution_id')
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'dead_letters',
    'payloads',
    'spans',
    'logs',
    'held_nodes',
    'node_results',
    'executions',
    'workflows',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/** Migration `0001-initial-schema`: creates every table and index of the store. */
export const initialSchema: Migration = { up, down };
