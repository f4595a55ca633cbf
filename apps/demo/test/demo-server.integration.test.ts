import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fallbackDataDir } from '@spane/local-services';
import { afterEach, describe, expect, it } from 'vitest';
import { serverStartRuns } from '../src/examples/workflows.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const dirs: string[] = [];

function freshDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-demo-serve-'));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'postgres');
  dirs.push(dir, fallbackDataDir(dataDir));
  return dataDir;
}

/** Every process below `root` (Linux /proc). */
function descendantsOf(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  for (const pid of parentOf.keys()) {
    for (let up = parentOf.get(pid); up !== undefined && up > 1; up = parentOf.get(up)) {
      if (up === root) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

function isRunning(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run demo (the service)', () => {
  it('prints its URL, serves the API and the page, and on SIGTERM shuts down with exit 0 leaving no process', async () => {
    const dataDir = freshDataDir();
    const env: NodeJS.ProcessEnv = { ...process.env, SPANE_DEMO_DATA_DIR: dataDir, PORT: '0' };
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    delete env.SPANE_API_TOKEN;
    delete env.HOST;
    const child = spawn('npm', ['run', 'demo'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /^SPANE demo at (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
          if (match?.[1]) resolve(match[1]);
        });
        void exited.then(() => reject(new Error(`the demo ended early:\n${stdout}\n${stderr}`)));
      });
      expect(stdout.match(/^SPANE demo at /gm)).toHaveLength(1);

      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status, await ready.clone().text()).toBe(200);
      expect(((await ready.json()) as { ready: boolean }).ready).toBe(true);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const workflows = (await (await fetch(`${url}/api/workflows`)).json()) as {
        items: Array<{ workflowId: string }>;
      };
      expect(workflows.items.map((item) => item.workflowId)).toEqual(
        expect.arrayContaining([
          'fetch-and-transform',
          'order-fulfilment',
          'conditional-branching',
        ]),
      );
      // Each example ran once at start: there is history to look at.
      const history = (await (
        await fetch(`${url}/api/executions?status=completed&limit=100`)
      ).json()) as {
        items: Array<{ workflowId: string }>;
      };
      for (const run of serverStartRuns()) {
        expect(history.items.map((item) => item.workflowId)).toContain(run.workflowId);
      }

      const processes = descendantsOf(child.pid as number);
      expect(processes.length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      const { code } = await exited;
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      expect(stdout).toContain('SIGTERM: shutting down');
      await expect.poll(() => processes.filter(isRunning), { timeout: 10_000 }).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'postmaster.pid')), 'postmaster.pid left').toBe(
        false,
      );
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('refuses to listen on a non-loopback host without SPANE_API_TOKEN, starting nothing', async () => {
    const dataDir = freshDataDir();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SPANE_DEMO_DATA_DIR: dataDir,
      HOST: '0.0.0.0',
    };
    delete env.SPANE_API_TOKEN;
    const child = spawn(process.execPath, ['--conditions=@spane/source', 'src/main.ts'], {
      cwd: path.join(repoRoot, 'apps/demo'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(output).toContain('Refusing to listen on 0.0.0.0 without SPANE_API_TOKEN');
    expect(fs.existsSync(dataDir), 'no PostgreSQL was started').toBe(false);
  }, 30_000);
});
