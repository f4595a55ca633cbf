import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toNodeListener } from './node-listener.ts';

async function serve(handler: (request: Request) => Promise<Response>) {
  const server = createServer(toNodeListener(handler));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('toNodeListener', () => {
  it('hands the handler a Request with method, URL, headers and streamed body, and writes the Response back', async () => {
    const seen: Array<{ method: string; url: string; header: string | null; body: string }> = [];
    const server = await serve(async (request) => {
      seen.push({
        method: request.method,
        url: request.url,
        header: request.headers.get('x-thing'),
        body: request.body ? await request.text() : '',
      });
      return new Response('made', { status: 201, headers: { 'x-reply': 'yes' } });
    });
    try {
      const posted = await fetch(`${server.base}/a/b?c=1`, {
        method: 'POST',
        headers: { 'x-thing': 'one' },
        body: 'hello',
      });
      expect(posted.status).toBe(201);
      expect(posted.headers.get('x-reply')).toBe('yes');
      expect(await posted.text()).toBe('made');
      const got = await fetch(`${server.base}/plain`);
      expect(got.status).toBe(201);
      expect(seen).toEqual([
        { method: 'POST', url: `${server.base}/a/b?c=1`, header: 'one', body: 'hello' },
        { method: 'GET', url: `${server.base}/plain`, header: null, body: '' },
      ]);
    } finally {
      await server.close();
    }
  });

  it('drains a body the handler did not read, so the kept-alive connection serves the next request', async () => {
    let calls = 0;
    const server = await serve(async () => {
      calls += 1;
      return new Response(null, { status: 204 });
    });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${server.base}/x`, {
          method: 'POST',
          body: 'y'.repeat(200_000),
        });
        expect(response.status).toBe(204);
      }
      expect(calls).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('answers 400 with an error body when no Request can be made of the message', async () => {
    const server = await serve(async () => new Response('unreachable'));
    try {
      const { request } = await import('node:http');
      const url = new URL(server.base);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: '/x',
            method: 'POST',
            headers: { host: 'bad host' },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (part: string) => {
              body += part;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end('z');
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'INVALID_BODY', message: expect.any(String) },
      });
    } finally {
      await server.close();
    }
  });
});
