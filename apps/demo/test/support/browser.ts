import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); Playwright's own download does not work here. */
export const CHROMIUM_PATH = process.env.SPANE_CHROMIUM ?? '/usr/bin/chromium';

/** Where browser tests keep their screenshots (git-ignored). */
export const SCREENSHOT_DIR: string = path.resolve(
  import.meta.dirname,
  '../../test-results/screenshots',
);

/**
 * Launches headless chromium with a fresh profile (user-data-dir) and no background traffic;
 * `close()` ends the browser and removes the profile.
 */
export async function launchBrowser(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
