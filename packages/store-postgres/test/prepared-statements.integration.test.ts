import type { NodeOutcomeCommit } from '@spane/core/store';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresExecutionStore } from '../src/index.ts';
import { databaseUrl, dropSchema, randomSchema } from './support/test-database.ts';

const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

function resolved(executionId: string, nodeId: string, children: string[]): NodeOutcomeCommit {
  return {
    executionId,
    nodeId,
    result: { success: true, data: { nodeId } },
    resolution: 'resolved',
    edges: children.map((child) => ({ child, active: true, parentCount: 1 })),
    totalNodes: 1 + children.length,
  };
}

/** Runs a create, a node-start read and two commits, then lists the session's prepared statements. */
async function preparedAfterWork(store: PostgresExecutionStore): Promise<string[]> {
  const { execution } = await store.createExecution({ workflowId: 'wf-prep', workflowVersion: 1 });
  const id = execution.executionId;
  await store.getExecution(id, { nodeIds: ['a'] });
  await store.commitNodeOutcome(resolved(id, 'a', ['b']));
  await store.commitNodeOutcome(resolved(id, 'b', []));
  const read = await store.getExecution(id);
  expect(read?.status).toBe('completed');
  expect(Object.keys(read?.nodeResults ?? {}).sort()).toEqual(['a', 'b']);
  // One connection in the pool: this query runs in the session that ran the work.
  const { rows } = await sql<{
    name: string;
  }>`select name from pg_prepared_statements order by name`.execute(store.db);
  return rows.map((row) => row.name);
}

async function storeOnOneConnection(preparedStatements?: boolean) {
  const schema = randomSchema();
  schemas.push(schema);
  return PostgresExecutionStore.create({
    connectionString: databaseUrl(),
    poolSize: 1,
    schema,
    ...(preparedStatements === undefined ? {} : { preparedStatements }),
  });
}

describe('postgres: prepared statements', () => {
  it('sends the grouped create, read and commit as named statements, prepared once per session', async () => {
    const store = await storeOnOneConnection();
    try {
      const names = await preparedAfterWork(store);
      expect(names).toHaveLength(3);
      for (const name of names) expect(name).toMatch(/^spane_[0-9a-f]{24}$/);
      // More work on the same session prepares nothing new.
      expect(await preparedAfterWork(store)).toEqual(names);
    } finally {
      await store.close();
    }
  });

  it('prepares nothing with preparedStatements: false, and works the same', async () => {
    const store = await storeOnOneConnection(false);
    try {
      expect(await preparedAfterWork(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('lets stores of two schemas share one caller pool (their statements have distinct names)', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1 });
    const [first, second] = [randomSchema(), randomSchema()];
    schemas.push(first, second);
    const stores = await Promise.all(
      [first, second].map((schema) => PostgresExecutionStore.create({ pool, schema })),
    );
    try {
      const [a, b] = [await preparedAfterWork(stores[0]!), await preparedAfterWork(stores[1]!)];
      expect(a).toHaveLength(3);
      // The second store's session is the same one: it holds both stores' statements.
      expect(b).toHaveLength(6);
      expect(b).toEqual(expect.arrayContaining(a));
    } finally {
      for (const store of stores) await store.close();
      await pool.end();
    }
  });

  it('recovers when a migration from elsewhere changes a column a prepared statement returns', async () => {
    const store = await storeOnOneConnection();
    const other = new pg.Client({ connectionString: databaseUrl() });
    await other.connect();
    try {
      expect(await preparedAfterWork(store)).toHaveLength(3);
      // Another process alters a column the prepared read returns: PostgreSQL then refuses the
      // prepared statement ("cached plan must not change result type", 0A000).
      await other.query(`alter table "${store.schema}".executions alter column error type varchar`);
      const { execution } = await store.createExecution({
        workflowId: 'wf-prep',
        workflowVersion: 1,
      });
      const read = await store.getExecution(execution.executionId, { nodeIds: ['a'] });
      expect(read?.executionId).toBe(execution.executionId);
      // The stale session was dropped; the next one prepares afresh and keeps working.
      expect(await preparedAfterWork(store)).toHaveLength(3);
    } finally {
      await other.end();
      await store.close();
    }
  });
});
