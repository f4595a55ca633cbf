import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findExecutable } from './find-executable.ts';
import { freePort } from './free-ports.ts';
import { LocalServiceError, messageOf } from './local-service-error.ts';
import { spawnManaged } from './managed-processes.ts';
import { waitUntilReady } from './wait-until-ready.ts';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The `redis-server` binary. Default: {@link findRedisServer}. */
  binary?: string | undefined;
  /** The first port to try. Default: a free loopback port. Later attempts take fresh free ports. */
  port?: number | undefined;
  /** How long to wait for PONG. Default 30 s. */
  startTimeoutMs?: number | undefined;
  /**
   * Keep the data in an append-only file (in the temp dir), so that {@link LocalRedisServer.restart}
   * comes back with it, as a production Redis would. Default `false` (nothing is kept).
   */
  persistence?: boolean | undefined;
}

/** A private redis-server started by {@link startRedisServer}. */
export interface LocalRedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The server's process id. */
  pid: number;
  /** A short description for log lines, e.g. `redis 127.0.0.1:41234`. */
  what: string;
  /**
   * Stops it (SIGTERM: with `persistence`, the append-only file is flushed) and starts it again on
   * the same port and dir after `downMs` (default 0). For tests of clients through a Redis restart.
   */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Shuts it down (SIGTERM, SIGKILL after 10 s) and deletes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

const ATTEMPTS = 3;

/** `redis-server` on PATH, or in /usr/bin, /usr/local/bin, /usr/sbin; `undefined` when absent. */
export function findRedisServer(): string | undefined {
  return findExecutable('redis-server', ['/usr/bin', '/usr/local/bin', '/usr/sbin']);
}

/** Whether something on 127.0.0.1:`port` answers PING with PONG. */
export function redisAnswersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

/**
 * Starts a private `redis-server` on a free loopback port, without persistence, in a temp dir that
 * `stop()` deletes. It never outlives this process (see `spawnManaged`). Throws a
 * {@link LocalServiceError}: `REDIS_NOT_FOUND` when there is no binary, `REDIS_START_FAILED` when
 * three attempts on different ports failed.
 */
export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<LocalRedisServer> {
  const binary = options.binary ?? findRedisServer();
  if (!binary) {
    throw new LocalServiceError({
      code: 'REDIS_NOT_FOUND',
      message: 'redis-server not found on PATH (nor in /usr/bin, /usr/local/bin, /usr/sbin)',
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-redis-'));
  const failures: string[] = [];
  const spawnServer = (port: number) =>
    spawnManaged(
      redisProcessOptions({
        name: 'redis',
        binary,
        port,
        dir,
        extraArgs: ['--appendonly', options.persistence ? 'yes' : 'no'],
      }),
    );
  const ready = (server: ReturnType<typeof spawnServer>, port: number) =>
    waitUntilReady({
      what: `redis-server (${binary}, port ${port})`,
      server,
      check: () => redisAnswersPing(port),
      timeoutMs: options.startTimeoutMs ?? 30_000,
    });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = attempt === 0 && options.port !== undefined ? options.port : await freePort();
    let server = spawnServer(port);
    try {
      await ready(server, port);
    } catch (error) {
      failures.push(messageOf(error));
      await server.stop();
      continue;
    }
    let stopped = false;
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      get pid() {
        return server.pid as number;
      },
      what: `redis 127.0.0.1:${port}`,
      restart: async (restartOptions = {}) => {
        if (stopped) throw new Error('redis was stopped: it cannot be restarted');
        await server.stop();
        if ((restartOptions.downMs ?? 0) > 0) {
          await new Promise((resolve) => setTimeout(resolve, restartOptions.downMs));
        }
        server = spawnServer(port);
        await ready(server, port);
      },
      stop: async () => {
        stopped = true;
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new LocalServiceError({
    code: 'REDIS_START_FAILED',
    message: `redis-server would not start:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
    failures,
  });
}

/** How a throwaway `redis-server` on a loopback port is spawned: no snapshots, logs in `dir`. */
export function redisProcessOptions(options: {
  name: string;
  binary: string;
  port: number;
  dir: string;
  /** Settings of this kind of server (cluster mode, append-only file). */
  extraArgs: readonly string[];
}): Parameters<typeof spawnManaged>[0] {
  const { dir, port } = options;
  return {
    name: options.name,
    command: options.binary,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      ...options.extraArgs,
      '--save',
      '',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--logfile',
      '',
      '--protected-mode',
      'no',
    ],
    logFile: path.join(dir, `redis-${port}.log`),
    cwd: dir,
    stopSequence: [{ signal: 'SIGTERM', waitMs: 10_000 }],
    killSignal: 'SIGKILL',
    removeOnCrash: [dir],
  };
}
