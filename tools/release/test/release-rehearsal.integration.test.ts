import { ensureDatabase } from '@spane/local-services';
import { describe, expect, it } from 'vitest';
import { NOT_IN_FIRST_INSTALL, rehearseRelease } from '../src/rehearse.ts';

/** A database of its own on the tests' server, so the example's default schema meets no other test. */
async function ownDatabase(databaseUrl: string): Promise<string> {
  const url = new URL(databaseUrl);
  const database = 'spane_rehearsal';
  await ensureDatabase({
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  });
  url.pathname = `/${database}`;
  return url.toString();
}

describe('release rehearsal', () => {
  it('publishes to a local registry, installs outside the workspace and runs the README example on Redis, then PostgreSQL', async () => {
    const redisUrl = process.env.REDIS_URL;
    const databaseUrl = process.env.DATABASE_URL;
    if (!redisUrl || !databaseUrl)
      throw new Error('REDIS_URL and DATABASE_URL are set by the test setup');
    const started = Date.now();
    const report = await rehearseRelease({
      redisUrl,
      databaseUrl: await ownDatabase(databaseUrl),
      log: (line) => console.log(`[rehearsal] ${line}`),
    });
    console.log(`[rehearsal] passed in ${Date.now() - started} ms`);
    expect(report.version).toMatch(/^0\.0\.0-rehearsal-/);
    expect(report.published).toEqual(
      expect.arrayContaining([
        '@spane/core',
        '@spane/engine',
        '@spane/queue',
        '@spane/store-memory',
        '@spane/store-postgres',
      ]),
    );
    expect(report.firstInstall).toEqual(
      expect.arrayContaining(['@spane/engine', '@spane/store-memory', 'bullmq']),
    );
    for (const name of NOT_IN_FIRST_INSTALL) expect(report.firstInstall).not.toContain(name);
    // The example prints the execution's status first, and exits 0 only when it completed.
    expect(report.outputs.redis).toMatch(/^completed\b/m);
    expect(report.outputs.postgres).toMatch(/^completed\b/m);
    const untimed = (output: string) => output.replace(/\d{10,}/g, 'T');
    expect(untimed(report.outputs.postgres)).toBe(untimed(report.outputs.redis));
  }, 900_000);
});
