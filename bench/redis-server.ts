/**
 * The Redis the benchmark runs on: `REDIS_URL` when set (used as is, never stopped), otherwise a
 * private `redis-server` on a free loopback port, without persistence, stopped by `stop()`.
 *
 * No orphan is left behind: `stop()` shuts it down, an `exit` handler kills it synchronously, and a
 * tiny `sh` watchdog holding a pipe to this process kills it if this process dies in any other way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface BenchRedis {
  url: string;
  /** What runs it, for the report header. */
  what: string;
  /** Whether this process started it (and so may reset its stats). */
  owned: boolean;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function findRedisServer(): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean),
    '/usr/bin',
    '/usr/local/bin',
    '/usr/sbin',
  ];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'redis-server');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Waits until the port accepts a connection and answers PING. */
async function waitForPong(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!isAlive(child)) throw new Error(`redis-server exited at start:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let reply = '';
      socket.setTimeout(500);
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        reply += chunk.toString();
        if (reply.includes('\r\n')) {
          socket.destroy();
          resolve(reply.startsWith('+PONG'));
        }
      });
      socket.on('error', () => resolve(false));
      socket.on('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer in time:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The Redis to benchmark on. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const external = process.env.REDIS_URL;
  if (external) {
    return { url: external, what: `REDIS_URL (${external})`, owned: false, stop: async () => {} };
  }
  const binary = findRedisServer();
  if (!binary) {
    throw new Error(
      'redis-server not found: install Redis (>= 6.2) so that redis-server is on PATH, or set REDIS_URL',
    );
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-bench-redis-'));
  const logFile = path.join(dir, 'redis.log');
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      logFile,
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const log = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const cleanupDir = () => fs.rmSync(dir, { recursive: true, force: true });
  const killNow = () => {
    if (isAlive(child)) child.kill('SIGKILL');
    cleanupDir();
  };
  process.once('exit', killNow);
  // Ctrl-C / SIGTERM: stop the server and wait for it, so it is reaped (not left a zombie).
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (!isAlive(child)) process.exit(code);
    child.once('exit', () => process.exit(code));
    child.kill('SIGKILL');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // The watchdog: when this process dies its end of the pipe closes, `read` returns, redis goes.
  const watchdog = spawn(
    'sh',
    ['-c', `read _ ; kill -9 ${child.pid} 2>/dev/null; rm -rf '${dir}'`],
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  const stdinSocket = watchdog.stdin as unknown as { _handle?: { unref?: () => void } };
  stdinSocket._handle?.unref?.();

  try {
    await waitForPong(port, child, log);
  } catch (error) {
    killNow();
    watchdog.kill('SIGKILL');
    throw error;
  }

  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    what: `private redis-server (pid ${child.pid}, port ${port})`,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killNow);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      if (isAlive(child)) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      watchdog.kill('SIGKILL');
      cleanupDir();
    },
  };
}
