import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));

function runDemo(env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, ['--conditions=@spane/source', 'src/main.ts'], {
    cwd: appDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('demo', () => {
  it('runs every example to completion on Redis and prints the node results', () => {
    expect(process.env.REDIS_URL, 'REDIS_URL from the test setup').toBeTruthy();
    const run = runDemo({});
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('BullMQ workers');
    expect(run.stdout.match(/: completed/g)).toHaveLength(4);
    expect(run.stdout).toMatch(
      /fetch-and-transform[\s\S]*transform\s+\{.*"title":"hello from the local API"/,
    );
    expect(run.stdout).toMatch(/low-value\s+skipped/);
    expect(run.stdout).toMatch(/high-value\s+skipped/);
  }, 70_000);

  it('falls back to a labelled dry run when no Redis is available', () => {
    const run = runDemo({ REDIS_URL: '', PATH: '/nonexistent' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('DRY RUN');
    expect(run.stdout.match(/\(dry run\): completed/g)).toHaveLength(4);
  }, 70_000);
});
