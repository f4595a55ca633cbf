import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `pnpm build` puts the page: apps/demo/dist/web. */
export const WEB_DIR: string = fileURLToPath(new URL('../dist/web', import.meta.url));
const WEB_SOURCES = fileURLToPath(new URL('../web', import.meta.url));
const VITE_CONFIG = path.join(WEB_SOURCES, 'vite.config.ts');

/** The newest modification time of the files under `dir` (ms since the epoch). */
function newestChange(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds the page with Vite when it has not been built yet (a fresh clone) or its sources changed
 * since; returns its folder.
 */
export async function ensureWebBuild(): Promise<string> {
  const index = path.join(WEB_DIR, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (built > 0 && built >= newestChange(WEB_SOURCES)) return WEB_DIR;
  console.log(`[demo] building the page (${built > 0 ? 'its sources changed' : 'first run'})…`);
  const { build } = await import('vite');
  // Built aside, then swapped in: a server (or a second build) never sees a half-written folder.
  const fresh = `${WEB_DIR}.${process.pid}.tmp`;
  await build({
    configFile: VITE_CONFIG,
    logLevel: 'warn',
    build: { outDir: fresh, emptyOutDir: true },
  });
  const old = `${WEB_DIR}.${process.pid}.old`;
  if (fs.existsSync(WEB_DIR)) fs.renameSync(WEB_DIR, old);
  fs.renameSync(fresh, WEB_DIR);
  fs.rmSync(old, { recursive: true, force: true });
  return WEB_DIR;
}
