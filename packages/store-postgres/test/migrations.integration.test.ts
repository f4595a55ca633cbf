import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '@spane/core';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
  type MigrationSummary,
  migrateToLatest,
  PostgresExecutionStore,
} from '../src/index.ts';
import { databaseUrl, dropSchema, openKysely, randomSchema } from './support/test-database.ts';

const schemas: string[] = [];
function freshSchema(): string {
  const schema = randomSchema();
  schemas.push(schema);
  return schema;
}
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

const STORE_TABLES = [
  'dead_letters',
  'executions',
  'held_nodes',
  'logs',
  'node_results',
  'payloads',
  'spans',
  'workflows',
];

async function tablesOf(schema: string): Promise<string[]> {
  const db = openKysely();
  try {
    const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
    return tables
      .filter((t) => t.schema === schema)
      .map((t) => t.name)
      .sort();
  } finally {
    await db.destroy();
  }
}

async function migrationRows(schema: string): Promise<string[]> {
  const db = openKysely<Record<string, { name: string }>>();
  try {
    const rows = await db.withSchema(schema).selectFrom(MIGRATION_TABLE).select('name').execute();
    return rows.map((r) => r.name);
  } finally {
    await db.destroy();
  }
}

/** Runs `migrateToLatest` in a separate node process, importing the package's source. */
function migrateInChildProcess(schema: string): Promise<MigrationSummary> {
  const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const script = [
    `import { migrateToLatest } from ${JSON.stringify(entry)};`,
    'const summary = await migrateToLatest({ connectionString: process.env.DATABASE_URL, schema: process.env.SPANE_TEST_SCHEMA });',
    'process.stdout.write(JSON.stringify(summary));',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@spane/source', '--input-type=module', '-e', script],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl(), SPANE_TEST_SCHEMA: schema },
        // Never left behind: killed if it has not finished well within the test's timeout.
        timeout: 25_000,
        killSignal: 'SIGKILL',
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as MigrationSummary);
      else
        reject(new Error(`migration process exited with ${code ?? child.signalCode}: ${stderr}`));
    });
  });
}

describe('postgres: migrations', () => {
  it('creates the schema and every table, and is a no-op the second time', async () => {
    const schema = freshSchema();
    const first = await migrateToLatest({ connectionString: databaseUrl(), schema });
    expect(first).toEqual({ schema, applied: ['0001-initial-schema', '0002-json-as-written'] });
    const second = await migrateToLatest({ connectionString: databaseUrl(), schema });
    expect(second).toEqual({ schema, applied: [] });
    expect(await tablesOf(schema)).toEqual(
      [...STORE_TABLES, MIGRATION_TABLE, MIGRATION_LOCK_TABLE].sort(),
    );
    expect(await migrationRows(schema)).toEqual(['0001-initial-schema', '0002-json-as-written']);
  });

  it('lets two processes migrate a fresh schema at once', async () => {
    const schema = freshSchema();
    const results = await Promise.all([
      migrateInChildProcess(schema),
      migrateInChildProcess(schema),
    ]);
    expect(results.map((r) => r.applied).sort()).toEqual([
      [],
      ['0001-initial-schema', '0002-json-as-written'],
    ]);
    expect(await tablesOf(schema)).toEqual(
      [...STORE_TABLES, MIGRATION_TABLE, MIGRATION_LOCK_TABLE].sort(),
    );
    expect(await migrationRows(schema)).toEqual(['0001-initial-schema', '0002-json-as-written']);
  });

  it('lets four stores with separate pools create (and migrate) one schema at once', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () =>
        PostgresExecutionStore.create({ connectionString: databaseUrl(), schema }),
      ),
    );
    try {
      const { execution } = await stores[0]!.createExecution({
        workflowId: 'w',
        workflowVersion: 1,
      });
      expect((await stores[3]!.getExecution(execution.executionId))?.executionId).toBe(
        execution.executionId,
      );
      expect(await migrationRows(schema)).toEqual(['0001-initial-schema', '0002-json-as-written']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('creates the indexes that serve the history, logs and spans', async () => {
    const schema = freshSchema();
    await migrateToLatest({ connectionString: databaseUrl(), schema });
    const db = openKysely();
    try {
      const { rows } = await sql<{ indexname: string; indexdef: string }>`
        select indexname, indexdef from pg_indexes where schemaname = ${schema}`.execute(db);
      const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
      expect(defs.executions_workflow_started_idx).toContain(
        '(workflow_id, started_at DESC, seq DESC)',
      );
      expect(defs.executions_status_started_idx).toContain('(status, started_at DESC, seq DESC)');
      expect(defs.executions_parent_started_idx).toContain(
        '(parent_execution_id, started_at DESC, seq DESC)',
      );
      expect(defs.executions_started_idx).toContain('(started_at DESC, seq DESC)');
      expect(defs.executions_idempotency_key_key).toContain('UNIQUE');
      expect(defs.logs_execution_idx).toContain('(execution_id, "timestamp", seq)');
      expect(defs.spans_pkey).toContain('(execution_id, span_id)');
      expect(defs.node_results_pkey).toContain('(execution_id, node_id)');
    } finally {
      await db.destroy();
    }
  });

  it('runs on a pool the caller owns, and leaves it open', async () => {
    const schema = freshSchema();
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
    try {
      await migrateToLatest({ pool, schema });
      const store = await PostgresExecutionStore.create({ pool, schema });
      await store.ping();
      await store.close();
      const { rows } = await pool.query('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('ends the pool it created on close', async () => {
    const schema = freshSchema();
    const store = await PostgresExecutionStore.create({ connectionString: databaseUrl(), schema });
    await store.ping();
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'WORKFLOW_ERROR' });
  });

  it('refuses an invalid schema name with a ConfigurationError', async () => {
    expect(
      () => new PostgresExecutionStore({ connectionString: databaseUrl(), schema: 'x"; drop' }),
    ).toThrow(ConfigurationError);
    await expect(
      migrateToLatest({ connectionString: databaseUrl(), schema: '1abc' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });
});
