import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ExecutionStore,
  NodeRegistry,
  successResult,
  type WorkflowDefinition,
} from '@spane/core';
import { type QueueConnection, WorkflowEngine } from '@spane/engine';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, signWebhook, toNodeListener } from '../src/index.ts';

function requiredEnv(name: 'REDIS_URL' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm test\``);
  return value;
}

interface Backend {
  name: string;
  connection(): QueueConnection;
  store(): Promise<{ store: ExecutionStore; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'Redis queue, memory store',
    connection: () => requiredEnv('REDIS_URL'),
    store: async () => ({ store: new InMemoryExecutionStore(), close: async () => undefined }),
  },
  {
    name: 'Postgres queue, Postgres store',
    connection: () => ({ postgres: requiredEnv('DATABASE_URL'), poolSize: 6 }),
    async store() {
      const schema = `hooks_${randomBytes(5).toString('hex')}`;
      const store = await PostgresExecutionStore.create({
        connectionString: requiredEnv('DATABASE_URL'),
        schema,
        poolSize: 4,
      });
      return {
        store,
        async close() {
          await store.close();
          const { default: pg } = await import('pg');
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
    },
  },
];

const hooked = (id: string, triggers: WorkflowDefinition['triggers']): WorkflowDefinition => ({
  id,
  nodes: [{ id: 'a', type: 'echo' }],
  triggers,
});

const MAX_BODY = 256 * 1024;

/** POSTs `total` bytes in 64 KiB chunks with no Content-Length (chunked), stopping once answered. */
async function postChunked(
  url: string,
  total: number,
): Promise<{ status: number; body: string; written: number }> {
  const target = new URL(url);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => {
          body += part;
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body, written });
          req.destroy();
        });
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.byteLength;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

for (const backend of backends) {
  describe(`webhook handler on a real engine: ${backend.name}`, () => {
    let engine: WorkflowEngine;
    let store: ExecutionStore;
    let closeStore: () => Promise<void>;
    let server: Server;
    let base: string;
    let handlerBytes = 0;
    const runs: unknown[] = [];

    beforeAll(async () => {
      const made = await backend.store();
      store = made.store;
      closeStore = made.close;
      engine = new WorkflowEngine({
        registry: new NodeRegistry().register('echo', async (ctx) => {
          runs.push(ctx.inputData);
          return successResult({ input: ctx.inputData });
        }),
        store,
        connection: backend.connection(),
        config: { prefix: `hooks-${randomUUID().slice(0, 8)}` },
      });
      await engine.registerWorkflow(
        hooked('shared-a', [{ type: 'webhook', config: { path: 'shared' } }]),
      );
      await engine.registerWorkflow(
        hooked('shared-b', [{ type: 'webhook', config: { path: 'shared' } }]),
      );
      await engine.registerWorkflow(
        hooked('signed', [
          {
            type: 'webhook',
            config: {
              path: 'signed',
              method: 'PUT',
              secret: [{ env: 'HOOK_SECRET_OLD' }, 'new-secret'],
            },
          },
        ]),
      );
      await engine.registerWorkflow(
        hooked('small', [{ type: 'webhook', config: { path: 'small' } }]),
      );
      await engine.startWorkers(4);
      const handler = createWebhookHandler({
        engine,
        maxBodyBytes: MAX_BODY,
        env: { HOOK_SECRET_OLD: 'old-secret' },
      });
      // Counts the body bytes the handler actually pulls from the socket.
      const counted = (request: Request) => {
        if (!request.body) return handler(request);
        const counter = new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            handlerBytes += chunk.byteLength;
            controller.enqueue(chunk);
          },
        });
        return handler(
          new Request(request, {
            body: request.body.pipeThrough(counter),
            duplex: 'half',
          } as RequestInit),
        );
      };
      server = createServer(toNodeListener(counted));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks`;
    });

    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      await engine?.close();
      await closeStore?.();
    });

    it('a real Request: 202 with both workflows of a shared path, which run with the body and metadata', async () => {
      const handler = createWebhookHandler({ engine });
      const response = await handler(
        new Request('http://service.local/api/webhooks/shared?ref=abc', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer nope',
            'user-agent': 'test',
          },
          body: JSON.stringify({ order: 42 }),
        }),
      );
      expect(response.status).toBe(202);
      const { executionIds } = (await response.json()) as { executionIds: string[] };
      expect(executionIds).toHaveLength(2);
      const done = await Promise.all(executionIds.map((id) => engine.waitForExecution(id)));
      expect(done.map((execution) => execution.workflowId).sort()).toEqual([
        'shared-a',
        'shared-b',
      ]);
      for (const execution of done) {
        expect(execution.status).toBe('completed');
        expect(execution.initialData).toEqual({ order: 42 });
        expect(execution.metadata).toMatchObject({
          trigger: 'webhook',
          path: 'shared',
          method: 'POST',
          query: { ref: 'abc' },
          headers: { 'content-type': 'application/json', 'user-agent': 'test' },
        });
        expect(JSON.stringify(execution.metadata)).not.toMatch(/Bearer/);
      }
    });

    it('over HTTP: the same Idempotency-Key gives the same ids and one run per workflow', async () => {
      const send = () =>
        fetch(`${base}/shared`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `key-${backend.name}` },
          body: JSON.stringify({ once: true }),
        });
      const first = (await (await send()).json()) as { executionIds: string[] };
      const second = await send();
      expect(second.status).toBe(202);
      expect(await second.json()).toEqual(first);
      await Promise.all(first.executionIds.map((id) => engine.waitForExecution(id)));
      expect(runs.filter((input) => (input as { once?: boolean })?.once === true)).toHaveLength(2);
    });

    it('over HTTP: 404, 405 with Allow, 400 for bad JSON and content type, 413 by Content-Length', async () => {
      const unknown = await fetch(`${base}/nope`, { method: 'POST' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({
        error: { code: 'NOT_FOUND', message: expect.any(String) },
      });
      const wrong = await fetch(`${base}/signed`, { method: 'POST' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('PUT');
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe(
        'METHOD_NOT_ALLOWED',
      );
      const badJson = await fetch(`${base}/small`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":',
      });
      expect(badJson.status).toBe(400);
      expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe(
        'INVALID_JSON',
      );
      const badType = await fetch(`${base}/small`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: 'x',
      });
      expect(badType.status).toBe(400);
      expect(((await badType.json()) as { error: { code: string } }).error.code).toBe(
        'UNSUPPORTED_CONTENT_TYPE',
      );
      const declared = await fetch(`${base}/small`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x'.repeat(MAX_BODY + 1),
      });
      expect(declared.status).toBe(413);
      expect(((await declared.json()) as { error: { code: string } }).error.code).toBe(
        'PAYLOAD_TOO_LARGE',
      );
      const form = await fetch(`${base}/small`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&b=2',
      });
      expect(form.status).toBe(202);
      const [id] = ((await form.json()) as { executionIds: string[] }).executionIds;
      expect((await engine.waitForExecution(id as string)).initialData).toEqual({ a: '1', b: '2' });
    });

    it('over HTTP: a 5 MB chunked body gets 413 and is never read past the limit', async () => {
      handlerBytes = 0;
      const result = await postChunked(`${base}/small`, 5 * 1024 * 1024);
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toEqual({
        error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) },
      });
      expect(handlerBytes).toBeGreaterThan(MAX_BODY);
      expect(handlerBytes).toBeLessThan(MAX_BODY + 256 * 1024);
      // The server still answers on new connections.
      expect((await fetch(`${base}/nope`, { method: 'POST' })).status).toBe(404);
    });

    it('a closed engine: 503 TRIGGER_FAILED through a Request and over HTTP, never a 500', async () => {
      const closed = new WorkflowEngine({
        registry: new NodeRegistry().register('echo', async () => successResult({})),
        store,
        connection: backend.connection(),
        config: { prefix: `hooks-${randomUUID().slice(0, 8)}` },
      });
      await closed.registerWorkflow(
        hooked('closed', [{ type: 'webhook', config: { path: 'closed' } }]),
      );
      await closed.close();
      const errors: unknown[] = [];
      const handler = createWebhookHandler({
        engine: closed,
        onError: (error) => errors.push(error),
      });
      const direct = await handler(
        new Request('http://service.local/api/webhooks/closed', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      );
      expect(direct.status).toBe(503);
      expect(((await direct.json()) as { error: { code: string } }).error.code).toBe(
        'TRIGGER_FAILED',
      );
      const http = createServer(toNodeListener(handler));
      http.listen(0, '127.0.0.1');
      await once(http, 'listening');
      try {
        const response = await fetch(
          `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/webhooks/closed`,
          { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
        );
        expect(response.status).toBe(503);
        expect(await response.json()).toEqual({
          error: { code: 'TRIGGER_FAILED', message: expect.any(String) },
        });
      } finally {
        http.closeAllConnections();
        await new Promise((resolve) => http.close(resolve));
      }
      expect(errors).toHaveLength(2);
    });

    it('over HTTP: signatures accepted, rejected, expired, and rotated', async () => {
      const body = JSON.stringify({ paid: true });
      const put = (signature?: string) =>
        fetch(`${base}/signed`, {
          method: 'PUT',
          headers: {
            'content-type': 'application/json',
            ...(signature ? { 'x-spane-signature': signature } : {}),
          },
          body,
        });
      const accepted = await put(signWebhook(body, { secret: 'new-secret' }));
      expect(accepted.status).toBe(202);
      const [id] = ((await accepted.json()) as { executionIds: string[] }).executionIds;
      const done = await engine.waitForExecution(id as string);
      expect(done.status).toBe('completed');
      expect(JSON.stringify(done.metadata)).not.toMatch(/v1=/);
      const rotated = await put(signWebhook(body, { secret: 'old-secret' }));
      expect(rotated.status).toBe(202);
      for (const signature of [
        undefined,
        signWebhook(body, { secret: 'wrong' }),
        signWebhook(`${body}\n`, { secret: 'new-secret' }),
        signWebhook(body, { secret: 'new-secret', timestamp: Math.floor(Date.now() / 1000) - 301 }),
      ]) {
        const refused = await put(signature);
        expect(refused.status).toBe(401);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
          'INVALID_SIGNATURE',
        );
      }
      expect((await store.getExecutionsByWorkflow('signed')).items).toHaveLength(2);
    });
  });
}
