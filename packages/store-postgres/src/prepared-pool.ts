import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

/** pg's `client.query`, as far as named statements go: it also takes `{ name, text, values }`. */
type Query = (
  sql: string | { name: string; text: string; values: readonly unknown[] } | object,
  parameters?: readonly unknown[],
) => unknown;

/**
 * The names of the statements the store prepares: its hot, fixed texts (group reads, commits,
 * creates), each named after a hash of its text, so two stores on one pool (another schema, so
 * another text) never share a name.
 */
export class PreparedTexts {
  readonly #names = new Map<string, string>();

  /** Registers `text` to be sent as a named (prepared) statement; returns it unchanged. */
  add(text: string): string {
    if (!this.#names.has(text)) {
      const hash = createHash('sha256').update(text).digest('hex').slice(0, 24);
      this.#names.set(text, `spane_${hash}`);
    }
    return text;
  }

  /** The statement name of `text`, or `undefined` when it is not one of them. */
  nameOf(text: string): string | undefined {
    return this.#names.get(text);
  }
}

/**
 * A pool for kysely's `PostgresDialect` whose clients send the registered texts as pg named
 * statements: PostgreSQL parses and plans each once per connection instead of once per call. All
 * other SQL (kysely's builders, transactions) goes through unchanged. The query still goes through
 * kysely (a `CompiledQuery` with parameters); only the wire protocol differs.
 *
 * `end()` ends the wrapped pool: kysely calls it only from `destroy()`, which the store does only
 * for a pool it created.
 */
export function preparedPool(pool: PostgresPool, texts: PreparedTexts): PostgresPool {
  const clients = new WeakMap<PostgresPoolClient, PostgresPoolClient>();
  return {
    // kysely's cancel path opens a control client of the pool's class with its options.
    ...(pool.Client === undefined ? {} : { Client: pool.Client }),
    options: pool.options,
    async connect() {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (wrapped === undefined) {
        wrapped = namingClient(client, texts);
        clients.set(client, wrapped);
      }
      return wrapped;
    },
    end: () => pool.end(),
  };
}

/**
 * PostgreSQL's answer when a prepared statement's result columns changed under it (a migration
 * altered a column it returns, from another process): `cached plan must not change result type`.
 */
const STALE_PLAN = '0A000';

function namingClient(client: PostgresPoolClient, texts: PreparedTexts): PostgresPoolClient {
  const query = client.query.bind(client) as Query;
  /** Set when a named statement went stale: the connection is dropped when it is released. */
  let stale = false;
  const named = async (name: string, sql: string, values: readonly unknown[]) => {
    try {
      return await query({ name, text: sql, values });
    } catch (error) {
      if ((error as { code?: unknown }).code !== STALE_PLAN) throw error;
      // A failed statement wrote nothing (each is one statement outside a transaction), so it is
      // sent again unnamed; the connection, whose statement stays stale, goes at release.
      stale = true;
      return query(sql, values);
    }
  };
  const wrapped = {
    query(sql: string | object, parameters?: readonly unknown[]): unknown {
      // A cursor (kysely's `stream()` with a cursor class) goes through as it is.
      if (typeof sql !== 'string') return query(sql);
      const name = texts.nameOf(sql);
      return name === undefined || stale
        ? query(sql, parameters ?? [])
        : named(name, sql, parameters ?? []);
    },
    release(destroy?: boolean) {
      client.release(stale ? true : destroy);
    },
    get processID() {
      return client.processID;
    },
  };
  return wrapped as unknown as PostgresPoolClient;
}
