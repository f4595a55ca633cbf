import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `pnpm build` puts the page: apps/demo/dist/web. */
export const WEB_DIR: string = fileURLToPath(new URL('../dist/web', import.meta.url));
const VITE_CONFIG = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url));

/** Builds the page with Vite when it has not been built yet (a fresh clone); returns its folder. */
export async function ensureWebBuild(): Promise<string> {
  if (fs.existsSync(path.join(WEB_DIR, 'index.html'))) return WEB_DIR;
  console.log('[demo] building the page (first run)…');
  const { build } = await import('vite');
  await build({ configFile: VITE_CONFIG, logLevel: 'warn' });
  return WEB_DIR;
}
