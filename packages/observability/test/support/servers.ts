/**
 * What the observability integration tests share: the servers the root test runner started, fresh
 * queue prefixes and store schemas, and a condition poll with a deadline (never a fixed sleep).
 */
import { randomBytes } from 'node:crypto';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';

export function requireEnv(name: 'REDIS_URL' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests through \`npm test\` (it starts the servers)`,
    );
  }
  return value;
}

/** A fresh queue prefix. */
export function freshPrefix(tag: string): string {
  return `obs-${tag}-${randomBytes(4).toString('hex')}`;
}

/** Resolves once `check` returns true; rejects after `timeoutMs` with the last value described. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A Postgres store in a fresh schema that other processes can open too; `drop` removes it. */
export async function sharedPostgresStore(tag: string): Promise<{
  store: PostgresExecutionStore;
  schema: string;
  drop(): Promise<void>;
}> {
  const url = requireEnv('DATABASE_URL');
  const schema = `obs_${tag}_${randomBytes(5).toString('hex')}`;
  const store = await PostgresExecutionStore.create({ connectionString: url, schema, poolSize: 4 });
  return {
    store,
    schema,
    async drop() {
      await store.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
