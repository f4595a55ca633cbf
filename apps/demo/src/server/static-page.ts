import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

/** Paths the page never answers: the API's own 404s stay JSON. */
const API_PREFIXES = ['/api/', '/health', '/metrics', '/circuit-breakers', '/shutdown'];

/**
 * Serves the built page from `webDir`: its files as they are, and `index.html` for every other
 * GET (the page routes itself: `/executions/:id` is a link people can share).
 */
export function serveStaticPage(app: Hono, webDir: string): void {
  const indexFile = path.join(webDir, 'index.html');
  app.use('/assets/*', serveStatic({ root: webDir }));
  app.get('*', async (c, next) => {
    if (API_PREFIXES.some((prefix) => c.req.path.startsWith(prefix))) return next();
    const html = await fs.promises.readFile(indexFile, 'utf8').catch(() => undefined);
    if (html === undefined) {
      return c.text(
        'The page is not built: run `pnpm build` (npm run demo builds it when missing).',
        503,
      );
    }
    return c.html(html);
  });
}
