import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../test/support/context.ts';
import { sendJson, startLocalServer } from '../../test/support/local-server.ts';
import { HttpRequestError } from '../errors.ts';
import { createBuiltinNodes } from '../register-builtin-nodes.ts';

const [http] = createBuiltinNodes({ types: ['http'] });
if (!http) throw new Error('no http node');
const target = { nodeId: 'n1', outputs: [] };
let server: Awaited<ReturnType<typeof startLocalServer>>;
let flaky = 0;

beforeAll(async () => {
  server = await startLocalServer((request, response) => {
    if (request.url.startsWith('/echo')) {
      return sendJson(response, 201, {
        method: request.method,
        url: request.url,
        auth: request.headers.authorization,
        type: request.headers['content-type'],
        body: request.body,
      });
    }
    if (request.url === '/text') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      return response.end('hello');
    }
    if (request.url === '/flaky') {
      flaky += 1;
      if (flaky < 3) return sendJson(response, 503, { error: 'busy' });
      return sendJson(response, 200, { ok: flaky });
    }
    if (request.url === '/later') return sendJson(response, 429, {}, { 'retry-after': '60' });
    if (request.url === '/missing') return sendJson(response, 404, { error: 'nope' });
    if (request.url === '/big') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      return response.end('x'.repeat(2_000));
    }
    response.writeHead(500);
    response.end();
  });
});
afterAll(() => server.close());

describe('http node', () => {
  it('builds method, URL, headers and body from expressions and outputs the JSON response', async () => {
    const ctx = contextFor(
      { user: { id: 7, name: 'Ada' }, token: 's3cret' },
      {
        url: { $expr: `'${server.url}/echo/' & user.id & '?v=1'` },
        method: { $expr: "'post'" },
        headers: { authorization: { $expr: "'Bearer ' & token" }, 'x-fixed': 'yes' },
        body: { name: { $expr: 'user.name' }, kind: 'user', tags: ['a', { $expr: '"b"' }] },
      },
    );
    const result = await http.execute(ctx);
    expect(result.data).toMatchObject({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: {
        method: 'POST',
        url: '/echo/7?v=1',
        auth: 'Bearer s3cret',
        type: 'application/json',
        body: JSON.stringify({ name: 'Ada', kind: 'user', tags: ['a', 'b'] }),
      },
    });
    expect(result.metadata).toEqual({ requests: 1 });
  });

  it('keeps a text body as text', async () => {
    const result = await http.execute(contextFor({}, { url: `${server.url}/text` }));
    expect(result.data).toMatchObject({ status: 200, body: 'hello' });
  });

  it('retries a 5xx with backoff and returns the answer that came through', async () => {
    flaky = 0;
    const ctx = contextFor({}, { url: `${server.url}/flaky`, retry: { delay: 20 } });
    const result = await http.execute(ctx);
    expect(result.data).toMatchObject({ status: 200, body: { ok: 3 } });
    expect(result.metadata).toEqual({ requests: 3 });
    expect(ctx.captured.warnings).toHaveLength(2);
    expect(ctx.captured.warnings[0]).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/flaky answered 503/);
  });

  it('fails a 4xx at once (not retryable) unless failOnStatus is false', async () => {
    const error = await http
      .execute(contextFor({}, { url: `${server.url}/missing` }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(error).toMatchObject({ status: 404, retryable: false, requests: 1, failure: 'status' });
    const kept = await http.execute(
      contextFor({}, { url: `${server.url}/missing`, failOnStatus: false }),
    );
    expect(kept.data).toMatchObject({ status: 404, body: { error: 'nope' } });
  });

  it('fails retryably after its retries of a 5xx, and refuses a body over the limit', async () => {
    const error = await http
      .execute(contextFor({}, { url: `${server.url}/down`, retry: { maxRetries: 1, delay: 5 } }))
      .catch((e) => e);
    expect(error).toMatchObject({ status: 500, retryable: true, requests: 2 });
    const big = await http
      .execute(contextFor({}, { url: `${server.url}/big`, maxResponseBytes: 100 }))
      .catch((e) => e);
    expect(big).toMatchObject({ failure: 'too-large', retryable: false });
  });

  it('refuses at registration bad URLs, methods and expressions, with their paths', () => {
    expect(http.validateConfig({ url: 'https://example.com/x' }, target)).toEqual([]);
    expect(http.validateConfig({ url: 'ftp://example.com' }, target).map((i) => i.path)).toEqual([
      'url',
    ]);
    expect(
      http.validateConfig({ url: 'https://x.test', method: 'FETCH' }, target).map((i) => i.path),
    ).toEqual(['method']);
    const issues = http.validateConfig(
      {
        url: { $expr: "'https://x.test/' &" },
        headers: { a: { $expr: '(' } },
        body: { deep: [{ $expr: 'ok' }, { $expr: '}' }] },
      },
      target,
    );
    expect(issues.map((i) => i.path)).toEqual([
      'url.$expr',
      'headers.a.$expr',
      'body.deep[1].$expr',
    ]);
  });

  it('refuses a URL from an expression that is not http(s)', async () => {
    const error = await http
      .execute(contextFor({}, { url: { $expr: "'file:///etc/passwd'" } }))
      .catch((e) => e);
    expect(error.code).toBe('CONFIGURATION_ERROR');
  });

  it('gives up at once on a Retry-After beyond maxDelay or past the node deadline', async () => {
    const started = Date.now();
    const beyond = await http
      .execute(contextFor({}, { url: `${server.url}/later`, retry: { maxDelay: 1_000 } }))
      .catch((e) => e);
    expect(beyond).toMatchObject({ status: 429, retryable: true, requests: 1 });
    expect(beyond.message).toContain('retry.maxDelay (1000 ms)');
    const pastDeadline = await http
      .execute(
        contextFor(
          {},
          { url: `${server.url}/later`, retry: { maxDelay: 120_000 } },
          { deadline: Date.now() + 5_000 },
        ),
      )
      .catch((e) => e);
    expect(pastDeadline.message).toContain("past the node's deadline");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
