/**
 * The PostgreSQL coordination table against a real server: concurrent creators (as separate
 * processes would be) all succeed, a failed attempt rolls back and is tried again on the next call,
 * and only a pool created by the table is ended by `close`.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../src/coordination/postgres-connection.ts';
import { CoordinationTable } from '../src/coordination/postgres-coordination-table.ts';
import { type PostgresTestServer, postgresTestServer } from './support/servers.ts';

/** Statements of a small table in `schema`, as a primitive would define them. */
function thingStatements(schema: string): { ddl: string[] } {
  const s = quoteIdentifier(schema);
  return {
    ddl: [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${s}.things (key text PRIMARY KEY)`,
      `CREATE INDEX IF NOT EXISTS things_key_idx ON ${s}.things (key)`,
    ],
  };
}

describe('CoordinationTable on PostgreSQL', () => {
  let server: PostgresTestServer;
  const tables: Array<CoordinationTable<{ ddl: string[] }>> = [];

  async function schemaExists(name: string): Promise<boolean> {
    const result = await server.admin.query(
      'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1',
      [name],
    );
    return result.rowCount === 1;
  }

  beforeAll(() => {
    server = postgresTestServer('ddl');
  });

  afterAll(async () => {
    await Promise.all(tables.map((table) => table.close()));
    await server.cleanup();
  });

  it('lets many creators with their own pools create the same table at once', async () => {
    const creators = Array.from({ length: 8 }, () => {
      const table = new CoordinationTable({
        connection: server.url,
        schema: server.schema,
        statements: thingStatements,
      });
      tables.push(table);
      return table;
    });
    await Promise.all(creators.map((table) => table.ensure()));
    expect(await schemaExists(server.schema)).toBe(true);
    const result = await server.admin.query(
      `SELECT count(*)::int AS n FROM ${quoteIdentifier(server.schema)}.things`,
    );
    expect(result.rows).toEqual([{ n: 0 }]);
    // One instance shares one attempt between concurrent callers.
    const [first] = creators as [CoordinationTable<{ ddl: string[] }>];
    expect(first.ensure()).toBe(first.ensure());
    expect(first.schema).toBe(server.schema);
  });

  it('rolls a failed attempt back and tries again on the next call', async () => {
    const schema = `${server.schema}_retry`;
    const s = quoteIdentifier(schema);
    const table = new CoordinationTable({
      connection: server.url,
      schema,
      statements: () => ({
        ddl: [
          `CREATE SCHEMA IF NOT EXISTS ${s}`,
          `CREATE TABLE IF NOT EXISTS ${s}.child (id int REFERENCES ${s}.parent (id))`,
        ],
      }),
    });
    tables.push(table);
    try {
      await expect(table.ensure()).rejects.toThrow(/parent/);
      // The schema was created in the same transaction as the failed table: rolled back too.
      expect(await schemaExists(schema)).toBe(false);
      await server.admin.query(`CREATE SCHEMA ${s}`);
      await server.admin.query(`CREATE TABLE ${s}.parent (id int PRIMARY KEY)`);
      await table.ensure();
      const child = await server.admin.query(`SELECT count(*)::int AS n FROM ${s}.child`);
      expect(child.rows).toEqual([{ n: 0 }]);
    } finally {
      await server.admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    }
  });

  it('ends a pool it created, and leaves a given pool open', async () => {
    const given = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      const borrowing = new CoordinationTable({
        connection: given,
        schema: server.schema,
        statements: thingStatements,
      });
      await borrowing.ensure();
      await borrowing.close();
      expect(given.ended).toBe(false);
      const owning = new CoordinationTable({
        connection: server.url,
        schema: server.schema,
        statements: thingStatements,
      });
      await owning.ensure();
      await owning.close();
      expect(owning.pool.ended).toBe(true);
      await owning.close();
    } finally {
      await given.end();
    }
  });
});
