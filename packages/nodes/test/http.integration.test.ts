import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEngine } from './support/engine.ts';
import { type SeenRequest, sendJson, startLocalServer } from './support/local-server.ts';

let server: Awaited<ReturnType<typeof startLocalServer>>;
let limited = 0;
/** Requests to /slow whose connection closed before an answer. */
let abandoned = 0;

function route(request: SeenRequest, response: ServerResponse) {
  if (request.url === '/down') return sendJson(response, 500, { error: 'down' });
  if (request.url === '/limited') {
    limited += 1;
    if (limited === 1)
      return sendJson(response, 429, { error: 'slow down' }, { 'retry-after': '1' });
    return sendJson(response, 200, { items: [{ n: 1 }, { n: 5 }, { n: 9 }] });
  }
  if (request.url === '/slow') {
    const timer = setTimeout(() => sendJson(response, 200, { late: true }), 5_000);
    response.on('close', () => {
      if (!response.writableEnded) abandoned += 1;
      clearTimeout(timer);
    });
    return;
  }
  sendJson(response, 404, { error: 'no route' });
}

beforeAll(async () => {
  server = await startLocalServer(route);
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
  limited = 0;
  abandoned = 0;
});

describe('the http node through the engine (Redis) against a local server', () => {
  it('waits out a 429 Retry-After, then feeds the answer to transform, filter, condition and switch', async () => {
    const engine = await startEngine([
      {
        id: 'fetch',
        nodes: [
          {
            id: 'get',
            type: 'http',
            outputs: ['items'],
            config: { url: { $expr: `'${server.url}/' & path` }, retry: { delay: 10 } },
          },
          {
            id: 'items',
            type: 'transform',
            outputs: ['big'],
            config: { expression: 'body.items' },
          },
          { id: 'big', type: 'filter', outputs: ['any'], config: { condition: 'n > 3' } },
          {
            id: 'any',
            type: 'condition',
            outputs: ['route'],
            config: { expression: '$count($) > 0', branches: { true: ['route'] } },
          },
          {
            id: 'route',
            type: 'switch',
            outputs: ['sum'],
            config: { cases: [{ when: '$count($) = 2', next: ['sum'] }] },
          },
          { id: 'sum', type: 'transform', config: { expression: '$sum(n)' } },
        ],
      },
    ]);
    const execution = await engine.waitForExecution(
      await engine.enqueueWorkflow('fetch', { path: 'limited' }),
    );
    expect(execution.status).toBe('completed');
    expect(execution.nodeResults.get?.data).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { items: [{ n: 1 }, { n: 5 }, { n: 9 }] },
    });
    expect(execution.nodeResults.get?.metadata).toMatchObject({ requests: 2 });
    expect(execution.nodeResults.sum?.data).toBe(14);
    const [first, second] = server.seen;
    // Retry-After: 1 asked for a second, not the 10 ms backoff.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('retries a 500 in the node and by the retry policy, then fails the execution', async () => {
    const engine = await startEngine([
      {
        id: 'down',
        nodes: [
          {
            id: 'get',
            type: 'http',
            retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 10 } },
            config: { url: `${server.url}/down`, retry: { maxRetries: 1, delay: 10 } },
          },
        ],
      },
    ]);
    const execution = await engine.waitForExecution(await engine.enqueueWorkflow('down', {}));
    expect(execution.status).toBe('failed');
    expect(execution.nodeResults.get?.error).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/down answered 500/,
    );
    expect(execution.nodeResults.get?.metadata).toMatchObject({
      code: 'HTTP_REQUEST_FAILED',
      attempts: 2,
    });
    // Two attempts of two requests each.
    expect(server.seen.filter((request) => request.url === '/down')).toHaveLength(4);
  });

  it('times out a slow response: the request timeout, and the node timeout aborting the request', async () => {
    const engine = await startEngine([
      {
        id: 'slow-request',
        nodes: [
          {
            id: 'get',
            type: 'http',
            config: { url: `${server.url}/slow`, requestTimeout: 300, retry: { maxRetries: 0 } },
          },
        ],
      },
      {
        id: 'slow-node',
        nodes: [{ id: 'get', type: 'http', timeout: 400, config: { url: `${server.url}/slow` } }],
      },
    ]);
    let started = Date.now();
    const byRequest = await engine.waitForExecution(
      await engine.enqueueWorkflow('slow-request', {}),
    );
    expect(byRequest.status).toBe('failed');
    expect(byRequest.nodeResults.get?.error).toMatch(/timed out after 300 ms \(1 request\)/);
    expect(Date.now() - started).toBeLessThan(4_000);

    started = Date.now();
    const byNode = await engine.waitForExecution(await engine.enqueueWorkflow('slow-node', {}));
    expect(byNode.status).toBe('failed');
    expect(byNode.nodeResults.get?.metadata).toMatchObject({ code: 'NODE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(4_000);
    // Both requests were given up on, the server saw their connections close.
    await expect.poll(() => abandoned, { timeout: 3_000 }).toBe(2);
  });
});
