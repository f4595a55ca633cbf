import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@spane/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findExecutable,
  findRedisServer,
  freePorts,
  LocalServiceError,
  logTail,
  redisAnswersPing,
  runCommand,
  startRedisServer,
} from '../src/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-local-services-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Whether a process is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local services helpers', () => {
  it('freePorts gives distinct loopback ports that can be bound', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('findExecutable finds an executable file on PATH or in extra dirs, and nothing else', () => {
    expect(findExecutable('node', [path.dirname(process.execPath)])).toMatch(/node$/);
    const plain = path.join(dir, 'not-executable');
    fs.writeFileSync(plain, '#!/bin/sh\n', { mode: 0o644 });
    expect(findExecutable('not-executable', [dir])).toBeUndefined();
    fs.chmodSync(plain, 0o755);
    expect(findExecutable('not-executable', [dir])).toBe(plain);
    expect(findExecutable('spane-no-such-binary', [dir])).toBeUndefined();
  });

  it('logTail gives the last lines of a log, or says there is none', () => {
    const log = path.join(dir, 'server.log');
    fs.writeFileSync(log, `${Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n')}\n`);
    expect(logTail(log, 3)).toBe('line 37\nline 38\nline 39');
    expect(logTail(path.join(dir, 'missing.log'))).toBe('(no log)');
  });

  it('runCommand captures output and exit code, feeds stdin, and never throws', async () => {
    const script =
      "process.stdin.pipe(process.stdout); process.stdin.on('end', () => process.exit(3));";
    const result = await runCommand(process.execPath, ['-e', script], { input: 'hello' });
    expect(result).toEqual({ code: 3, output: 'hello' });
    const missing = await runCommand(path.join(dir, 'no-such-command'), []);
    expect(missing.code).toBeNull();
    expect(missing.output).toMatch(/ENOENT/);
  });
});

describe('startRedisServer', () => {
  it('starts a private redis-server that answers PING, and stop() ends it and is idempotent', async () => {
    expect(findRedisServer()).toBeDefined(); // the test setup needs it too: fail loudly if missing
    const server = await startRedisServer();
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(await redisAnswersPing(server.port)).toBe(true);
      expect(alive(server.pid)).toBe(true);
    } finally {
      await server.stop();
    }
    await waitFor(() => !alive(server.pid), { what: `redis-server ${server.pid} to exit` });
    expect(await redisAnswersPing(server.port)).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('refuses a redis-server that cannot start with REDIS_START_FAILED, listing each attempt', async () => {
    const failing = path.join(dir, 'fake-redis-server');
    fs.writeFileSync(failing, '#!/bin/sh\necho "fake redis cannot start" >&2\nexit 1\n', {
      mode: 0o755,
    });
    const failure = await startRedisServer({ binary: failing, startTimeoutMs: 5_000 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(LocalServiceError);
    expect(failure).toMatchObject({ code: 'REDIS_START_FAILED' });
    expect((failure as LocalServiceError).failures.length).toBeGreaterThan(0);
  });
});
