import { randomBytes, randomUUID } from 'node:crypto';
import { errorResult, type NodeRegistry, successResult } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';
import { createDemoRegistry, demoNodeTypes } from '../../src/examples/executors.ts';
import { createDemoApi, type DemoApi } from '../../src/server/create-demo-api.ts';
import { type RunningHttpServer, startHttpServer } from '../../src/server/start-http-server.ts';

function requiredEnv(name: 'REDIS_URL' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm test\``);
  return value;
}

/** Switches the `flaky` node type between failing and succeeding (for DLQ retries). */
export const flaky = { failing: true };

/** The demo's executors plus a few for tests: `flaky` (fails while `flaky.failing`). */
function testRegistry(): NodeRegistry {
  return createDemoRegistry().register('flaky', async () =>
    flaky.failing ? errorResult('flaky is failing on purpose') : successResult({ recovered: true }),
  );
}

/** A real engine (Redis queue, Postgres store in a schema of its own) behind the real HTTP API. */
export interface TestApi {
  url: string;
  engine: WorkflowEngine;
  store: PostgresExecutionStore;
  api: DemoApi;
  server: RunningHttpServer;
  /** Errors the API reported as 5xx (tests expect none). */
  serverErrors: unknown[];
  /** Calls the API; parses JSON answers. */
  call(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      raw?: string | undefined;
      token?: string;
      headers?: Record<string, string>;
    },
    // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts an engine and the API on a free loopback port. */
export async function startTestApi(
  options: { token?: string; maxBodyBytes?: number; webDir?: string } = {},
): Promise<TestApi> {
  const schema = `demo_${randomBytes(5).toString('hex')}`;
  const store = await PostgresExecutionStore.create({
    connectionString: requiredEnv('DATABASE_URL'),
    schema,
    poolSize: 4,
  });
  const registry = testRegistry();
  const engine = new WorkflowEngine({
    registry,
    store,
    connection: requiredEnv('REDIS_URL'),
    config: {
      prefix: `demo-${randomUUID().slice(0, 8)}`,
      defaultRetryPolicy: { maxAttempts: 1, backoff: { type: 'fixed', delay: 10 } },
    },
  });
  await engine.startWorkers(8);
  const serverErrors: unknown[] = [];
  const api = createDemoApi({
    engine,
    store,
    registry,
    nodeTypes: demoNodeTypes,
    token: options.token,
    maxBodyBytes: options.maxBodyBytes,
    webDir: options.webDir,
    onServerError: (error) => serverErrors.push(error),
  });
  const server = await startHttpServer({ fetch: api.app.fetch, host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    engine,
    store,
    api,
    server,
    serverErrors,
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      const token = callOptions.token ?? options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = callOptions.raw;
      if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${server.url}${path}`, { method, headers, body: body ?? null });
      const text = await response.text();
      let parsed: unknown = text;
      if (response.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await server.close();
      api.close();
      await engine.close();
      await store.close();
      const client = new pg.Client({ connectionString: requiredEnv('DATABASE_URL') });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
