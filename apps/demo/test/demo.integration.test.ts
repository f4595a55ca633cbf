import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fallbackDataDir } from '@spane/local-services';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleRuns } from '../src/examples/workflows.ts';
import { scenarios } from '../src/scenarios/index.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const dataDirs: string[] = [];

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A fresh data dir for the embedded PostgreSQL, so tests never touch apps/demo/.data. Its parent
 * is made traversable: as root the server runs as the `postgres` OS user, which must reach it.
 */
function freshDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-demo-test-'));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'postgres');
  dataDirs.push(dir, fallbackDataDir(dataDir));
  return dataDir;
}

/** The demo's environment: this process's, minus REDIS_URL / DATABASE_URL unless given. */
function demoEnv(vars: {
  REDIS_URL?: string | undefined;
  DATABASE_URL?: string | undefined;
  dataDir: string;
}) {
  const env: NodeJS.ProcessEnv = { ...process.env, SPANE_DEMO_DATA_DIR: vars.dataDir };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  if (vars.REDIS_URL) env.REDIS_URL = vars.REDIS_URL;
  if (vars.DATABASE_URL) env.DATABASE_URL = vars.DATABASE_URL;
  return env;
}

/** Runs the demo as `npm run demo -- --once` does; `onStdout` sees the output as it comes. */
function runDemo(
  env: NodeJS.ProcessEnv,
  onStdout?: (soFar: string, child: ChildProcess) => void,
): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@spane/source', 'src/main.ts', '--once'], {
      cwd: appDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The embedded server's pid from the demo's description line. */
function embeddedPid(stdout: string): number {
  const match = /embedded PostgreSQL \([^)]*pid (\d+)/.exec(stdout);
  expect(match, `no embedded PostgreSQL pid in:\n${stdout}`).not.toBeNull();
  return Number(match?.[1]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids of processes whose command line mentions `text` (Linux /proc; none elsewhere). */
function processesMentioning(text: string): number[] {
  if (!fs.existsSync('/proc/self/cmdline')) return [];
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push(Number(entry));
    } catch {
      // it ended meanwhile
    }
  }
  return found;
}

/** No postgres of this data dir is left: the postmaster is gone, and nothing else runs on it. */
function expectServerGone(pid: number, dataDir: string): void {
  expect(isRunning(pid), `postgres ${pid} still running`).toBe(false);
  expect(fs.existsSync(path.join(dataDir, 'postmaster.pid')), 'postmaster.pid left').toBe(false);
  expect(processesMentioning(dataDir)).toEqual([]);
}

/** Every example printed one `completed` execution, with the expected node results. */
function expectAllCompleted(stdout: string): void {
  const runs = exampleRuns();
  expect(stdout.match(/^▶ .*: completed$/gm)).toHaveLength(runs.length);
  for (const workflowId of new Set(runs.map((run) => run.workflowId))) {
    const expected = runs.filter((run) => run.workflowId === workflowId).length;
    const pattern = new RegExp(`^▶ ${workflowId} [0-9a-f-]{36}: completed$`, 'gm');
    expect(stdout.match(pattern), workflowId).toHaveLength(expected);
  }
  expect(stdout).toMatch(
    /fetch-and-transform[\s\S]*transform\s+\{.*"title":"hello from the local API"/,
  );
  expect(stdout).toMatch(/low-value\s+skipped/);
  expect(stdout).toMatch(/high-value\s+skipped/);
  // Then one scenario per feature, each checking itself.
  expect(stdout).not.toContain('FAILED');
  for (const scenario of scenarios) expect(stdout).toContain(`■ ${scenario.name}: ok`);
}

afterEach(() => {
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo', () => {
  it('by default runs queue and store on an embedded PostgreSQL, keeps its data, and stops it', async () => {
    const dataDir = freshDataDir();
    const first = await runDemo(demoEnv({ dataDir }));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      "queue on BullMQ's PostgreSQL backend on the embedded PostgreSQL",
    );
    expect(first.stdout).toContain(`new cluster in ${dataDir}`);
    expect(first.stderr).not.toMatch(/error/i);
    expectAllCompleted(first.stdout);
    expectServerGone(embeddedPid(first.stdout), dataDir);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION')), 'the cluster is kept').toBe(true);

    const second = await runDemo(demoEnv({ dataDir }));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`existing cluster in ${dataDir}`);
    expectAllCompleted(second.stdout);
    expectServerGone(embeddedPid(second.stdout), dataDir);
  }, 90_000);

  it('with REDIS_URL only, runs the queue on Redis and the store on the embedded PostgreSQL', async () => {
    expect(process.env.REDIS_URL, 'REDIS_URL from the test setup').toBeTruthy();
    const dataDir = freshDataDir();
    const run = await runDemo(demoEnv({ REDIS_URL: process.env.REDIS_URL, dataDir }));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/queue on Redis \(REDIS_URL, 127\.0\.0\.1:\d+\)/);
    expect(run.stdout).toContain('store PostgresExecutionStore on the embedded PostgreSQL');
    expectAllCompleted(run.stdout);
    expectServerGone(embeddedPid(run.stdout), dataDir);
  }, 70_000);

  it('with REDIS_URL and DATABASE_URL, starts no PostgreSQL of its own', async () => {
    expect(process.env.DATABASE_URL, 'DATABASE_URL from the test setup').toBeTruthy();
    const dataDir = freshDataDir();
    const run = await runDemo(
      demoEnv({
        REDIS_URL: process.env.REDIS_URL,
        DATABASE_URL: process.env.DATABASE_URL,
        dataDir,
      }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/queue on Redis .*; store PostgresExecutionStore on DATABASE_URL/);
    expect(run.stdout).not.toContain('embedded');
    expect(fs.existsSync(dataDir), 'no data dir made').toBe(false);
    expectAllCompleted(run.stdout);
  }, 70_000);

  it('stops the embedded PostgreSQL on SIGTERM', async () => {
    const dataDir = freshDataDir();
    let signalled = false;
    const run = await runDemo(demoEnv({ dataDir }), (soFar, child) => {
      if (!signalled && soFar.includes('SPANE demo:')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    expect(signalled, run.stdout).toBe(true);
    expect(run.code, run.stderr).toBe(143);
    expect(run.stdout).toContain('SIGTERM: shutting down');
    expectServerGone(embeddedPid(run.stdout), dataDir);
  }, 70_000);
});
