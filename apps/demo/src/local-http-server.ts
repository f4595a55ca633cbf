import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny JSON API on a loopback port, so the examples fetch something real without the internet. */
export async function startLocalApi(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const body =
      request.url === '/rows'
        ? {
            rows: [
              { id: 1, name: 'ada' },
              { id: 2, name: 'grace' },
            ],
          }
        : { id: 42, title: 'hello from the local API' };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
