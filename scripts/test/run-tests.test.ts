import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const scripts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = path.join(scripts, 'test', 'fixtures', 'runner-project');

/** Runs scripts/run-tests.ts on the fixture project's files; its last line and exit code. */
function runRunner(
  files: readonly string[],
): Promise<{ code: number | null; last: string; out: string }> {
  // The runner's vitest must not think it is a worker of this vitest.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'TEST'),
  );
  const child = spawn(
    process.execPath,
    [
      path.join(scripts, 'run-tests.ts'),
      '--root',
      fixture,
      '--config',
      path.join(fixture, 'vitest.config.ts'),
      ...files,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 50_000, killSignal: 'SIGKILL' },
  );
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    out += String(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const last = out.trimEnd().split('\n').at(-1) ?? '';
      resolve({ code, last, out });
    });
  });
}

describe('scripts/run-tests.ts', () => {
  it('ends a green run with "N passed, 0 failed" and exit code 0', async () => {
    const run = await runRunner(['passing.fixture.ts']);
    expect(run.last, run.out).toBe('1 passed, 0 failed');
    expect(run.code).toBe(0);
    // The slowest tests come before the summary, with their file and name.
    expect(run.out).toMatch(
      /the 1 slowest tests:\n +\d+\.\d s {2}\S*passing\.fixture\.ts > passes/,
    );
  });

  it('counts a failing test, and a skipped one, and fails the run', async () => {
    const run = await runRunner([]);
    expect(run.last, run.out).toBe('1 passed, 1 failed, 1 skipped');
    expect(run.code).not.toBe(0);
  });

  it('fails a run whose only problem is a skipped test, saying why', async () => {
    const run = await runRunner(['passing.fixture.ts', 'skipped.fixture.ts']);
    expect(run.last, run.out).toBe('1 passed, 0 failed, 1 skipped');
    expect(run.out).toMatch(/1 test\(s\) skipped; the project allows none/);
    expect(run.code).not.toBe(0);
  });

  it('fails a run in which no test ran', async () => {
    const run = await runRunner(['no-such-file.fixture.ts']);
    expect(run.last, run.out).toBe('0 passed, 0 failed');
    expect(run.code).not.toBe(0);
  });
});
