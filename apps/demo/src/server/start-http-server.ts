import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** A listening server and how to stop it. */
export interface RunningHttpServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  /** Stops accepting, ends open connections (event streams too) and resolves once closed. */
  close(): Promise<void>;
}

/** Listens with a Web-standard `fetch` handler on `host:port` (`@hono/node-server`). */
export function startHttpServer(options: {
  fetch: (request: Request) => Response | Promise<Response>;
  host: string;
  port: number;
}): Promise<RunningHttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: options.fetch,
      hostname: options.host,
      port: options.port,
    }) as Server;
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      server.on('error', (error) => console.error('HTTP server error:', error));
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            server.closeAllConnections();
          }),
      });
    });
  });
}
