import { declaredWebhookRoutes, type WebhookRoute } from '@spane/core';
import { describe, expect, it } from 'vitest';
import type { WebhookEngine, WebhookTriggerCall } from './webhook-engine.ts';
import { createWebhookHandler } from './webhook-handler.ts';
import { signWebhook } from './webhook-signature.ts';

interface Call {
  path: string;
  method: string;
  body: unknown;
  options: WebhookTriggerCall | undefined;
}

/** An engine of the handler's shape that records calls: enough for the handler's own rules. */
function fakeEngine(routes: WebhookRoute[], fail = false): WebhookEngine & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    getWebhookTriggers: (path) =>
      routes.filter((route) => path === undefined || route.path === path),
    async triggerWebhook(path, method, body, options) {
      if (fail) throw new Error('queue down');
      calls.push({ path, method, body, options });
      return routes
        .filter((r) => r.path === path && r.method === method)
        .map((r) => `${r.workflowId}-1`);
    },
  };
}

const routesOf = (
  workflowId: string,
  config: {
    path: string;
    method?: 'GET' | 'POST' | 'PUT';
    secret?: string | { env: string } | Array<string | { env: string }>;
  },
) => declaredWebhookRoutes({ id: workflowId, triggers: [{ type: 'webhook', config }] });

const url = (path: string) => `http://hooks.test/api/webhooks/${path}`;
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

describe('createWebhookHandler', () => {
  it('answers 202 with the execution ids of every workflow on the path, passing body, query and headers', async () => {
    const engine = fakeEngine([
      ...routesOf('a', { path: 'orders' }),
      ...routesOf('b', { path: '/orders/' }),
    ]);
    const handler = createWebhookHandler({ engine });
    const response = await handler(
      new Request(
        url('orders?source=shop&tag=1&tag=2'),
        json({ id: 7 }, { 'idempotency-key': 'k-1' }),
      ),
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ executionIds: ['a-1', 'b-1'] });
    expect(engine.calls).toHaveLength(1);
    expect(engine.calls[0]).toMatchObject({
      path: 'orders',
      method: 'POST',
      body: { id: 7 },
      options: { query: { source: 'shop', tag: ['1', '2'] }, idempotencyKey: 'k-1' },
    });
    expect(engine.calls[0]?.options?.headers?.['content-type']).toBe('application/json');
  });

  it('parses form-urlencoded and text bodies, and passes the query when there is no body', async () => {
    const engine = fakeEngine(
      routesOf('a', { path: 'p' }).concat(routesOf('g', { path: 'p', method: 'GET' })),
    );
    const handler = createWebhookHandler({ engine });
    const form = await handler(
      new Request(url('p'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&b=x+y&a=2',
      }),
    );
    expect(form.status).toBe(202);
    const text = await handler(
      new Request(url('p'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'hello',
      }),
    );
    expect(text.status).toBe(202);
    const get = await handler(new Request(url('p?x=1')));
    expect(get.status).toBe(202);
    expect(engine.calls.map((call) => call.body)).toEqual([
      { a: ['1', '2'], b: 'x y' },
      'hello',
      { x: '1' },
    ]);
  });

  it('answers 404 for an unknown path or one outside the base path, 405 with Allow for another method', async () => {
    const engine = fakeEngine([
      ...routesOf('a', { path: 'orders' }),
      ...routesOf('b', { path: 'orders', method: 'PUT' }),
    ]);
    const handler = createWebhookHandler({ engine, basePath: '/hooks/' });
    const unknown = await handler(new Request('http://x/hooks/nope', json({})));
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('NOT_FOUND');
    const outside = await handler(new Request('http://x/api/webhooks/orders', json({})));
    expect(outside.status).toBe(404);
    const base = await handler(new Request('http://x/hooks', json({})));
    expect(base.status).toBe(404);
    const wrong = await handler(new Request('http://x/hooks/orders', { method: 'DELETE' }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, PUT');
    expect((await errorOf(wrong)).code).toBe('METHOD_NOT_ALLOWED');
    expect(engine.calls).toEqual([]);
  });

  it('answers 400 for malformed JSON, an unsupported content type, bad UTF-8 or a bad idempotency key', async () => {
    const engine = fakeEngine(routesOf('a', { path: 'p' }));
    const handler = createWebhookHandler({ engine });
    const cases: Array<[RequestInit, string]> = [
      [
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' },
        'INVALID_JSON',
      ],
      [
        { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' },
        'UNSUPPORTED_CONTENT_TYPE',
      ],
      [{ method: 'POST', body: new Uint8Array([1, 2, 3]) }, 'UNSUPPORTED_CONTENT_TYPE'],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: new Uint8Array([0xff, 0xfe]),
        },
        'INVALID_BODY',
      ],
      [
        {
          ...json({}),
          headers: { 'content-type': 'application/json', 'idempotency-key': 'x'.repeat(300) },
        },
        'INVALID_IDEMPOTENCY_KEY',
      ],
    ];
    for (const [init, code] of cases) {
      const response = await handler(new Request(url('p'), init));
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe(code);
    }
    expect(engine.calls).toEqual([]);
  });

  it('answers 413 above maxBodyBytes, by declared length or by what the stream delivers, without reading it all', async () => {
    const engine = fakeEngine(routesOf('a', { path: 'p' }));
    const handler = createWebhookHandler({ engine, maxBodyBytes: 1024 });
    const declared = await handler(new Request(url('p'), json({ blob: 'x'.repeat(2000) })));
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).code).toBe('PAYLOAD_TOO_LARGE');

    const big = createWebhookHandler({ engine }); // the default limit: 1 MiB
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let pulled = 0;
    const fiveMegabytes = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 5 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamed = await big(
      new Request(url('p'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: fiveMegabytes,
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    expect(engine.calls).toEqual([]);
  });

  describe('signatures', () => {
    const body = JSON.stringify({ event: 'paid' });
    const signed = (header: string | undefined, payload = body) =>
      new Request(url('pay'), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(header ? { 'x-spane-signature': header } : {}),
        },
        body: payload,
      });

    it('accepts a fresh signature of the raw body and refuses a missing, wrong or expired one with 401', async () => {
      const engine = fakeEngine(routesOf('a', { path: 'pay', secret: 'whsec' }));
      const handler = createWebhookHandler({ engine });
      expect((await handler(signed(signWebhook(body, { secret: 'whsec' })))).status).toBe(202);
      const refusals: Array<[string | undefined, RegExp]> = [
        [undefined, /not signed/],
        ['t=1,v1=zz', /malformed/],
        [signWebhook(body, { secret: 'other' }), /does not match/],
        [signWebhook(`${body} `, { secret: 'whsec' }), /does not match/],
        [
          signWebhook(body, { secret: 'whsec', timestamp: Math.floor(Date.now() / 1000) - 600 }),
          /tolerance/,
        ],
      ];
      for (const [header, message] of refusals) {
        const response = await handler(signed(header));
        expect(response.status).toBe(401);
        const error = await errorOf(response);
        expect(error.code).toBe('INVALID_SIGNATURE');
        expect(error.message).toMatch(message);
      }
      expect(engine.calls).toHaveLength(1);
    });

    it('accepts any secret of a rotation, and reads { env } secrets from the given environment', async () => {
      const engine = fakeEngine(
        routesOf('a', { path: 'pay', secret: [{ env: 'OLD_SECRET' }, 'new-secret'] }),
      );
      const handler = createWebhookHandler({ engine, env: { OLD_SECRET: 'old-secret' } });
      expect((await handler(signed(signWebhook(body, { secret: 'old-secret' })))).status).toBe(202);
      expect((await handler(signed(signWebhook(body, { secret: 'new-secret' })))).status).toBe(202);
      expect((await handler(signed(signWebhook(body, { secret: 'OLD_SECRET' })))).status).toBe(401);
    });

    it('refuses every request when the referenced variable is not set, and says so to onError', async () => {
      const engine = fakeEngine(routesOf('a', { path: 'pay', secret: { env: 'UNSET_SECRET' } }));
      const errors: unknown[] = [];
      const handler = createWebhookHandler({
        engine,
        env: {},
        onError: (error) => errors.push(error),
      });
      expect((await handler(signed(signWebhook(body, { secret: 'anything' })))).status).toBe(401);
      expect(String(errors[0])).toMatch(/no secret set/);
      expect(String(errors[0])).not.toMatch(/UNSET_SECRET=/);
    });

    it('requires every signed workflow on a shared path to accept the request', async () => {
      const engine = fakeEngine([
        ...routesOf('open', { path: 'pay' }),
        ...routesOf('signed', { path: 'pay', secret: 'whsec' }),
      ]);
      const handler = createWebhookHandler({ engine });
      expect((await handler(signed(undefined))).status).toBe(401);
      expect(engine.calls).toEqual([]);
      const ok = await handler(signed(signWebhook(body, { secret: 'whsec' })));
      expect(await ok.json()).toEqual({ executionIds: ['open-1', 'signed-1'] });
    });
  });

  it('answers 503, never 500, when the engine cannot start the workflows', async () => {
    const errors: unknown[] = [];
    const handler = createWebhookHandler({
      engine: fakeEngine(routesOf('a', { path: 'p' }), true),
      onError: (error) => errors.push(error),
    });
    const response = await handler(new Request(url('p'), json({})));
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe('TRIGGER_FAILED');
    expect(errors).toHaveLength(1);
  });
});
