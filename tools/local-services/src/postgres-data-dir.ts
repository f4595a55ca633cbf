import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chownToPostgres, type PostgresOsUser } from './postgres-user.ts';
import { runCommand } from './run-command.ts';

/** Whether `dataDir` holds an initialised PostgreSQL cluster. */
export function hasCluster(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/** Where the data of `requested` goes when the PostgreSQL user cannot reach it: a temp dir named from its hash. */
export function fallbackDataDir(requested: string): string {
  const hash = createHash('sha256').update(path.resolve(requested)).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `spane-pg-data-${hash}`);
}

/** Whether the PostgreSQL user can `cd` into `dir` (every ancestor traversable). */
async function canEnter(dir: string, user: PostgresOsUser): Promise<boolean> {
  if (user.uid === undefined) return true;
  const probe = await runCommand('sh', ['-c', 'cd -- "$1"', 'spane-probe', dir], {
    ...user,
    cwd: '/',
  });
  return probe.code === 0;
}

/**
 * Picks the data dir of a persistent cluster: `requested` when the PostgreSQL user can reach it,
 * else (as root, e.g. a checkout under a 0700 /root) {@link fallbackDataDir}, saying so through
 * `log`. Creates its parent; the data dir itself is created by initdb (see `initCluster`).
 */
export async function resolvePersistentDataDir(options: {
  requested: string;
  user: PostgresOsUser;
  log: (message: string) => void;
}): Promise<string> {
  const requested = path.resolve(options.requested);
  fs.mkdirSync(path.dirname(requested), { recursive: true });
  if (await canEnter(path.dirname(requested), options.user)) return requested;
  const fallback = fallbackDataDir(requested);
  options.log(
    `the "postgres" OS user cannot reach ${path.dirname(requested)}; ` +
      `keeping the PostgreSQL data of ${requested} in ${fallback} instead`,
  );
  return fallback;
}

/**
 * A fresh directory for initdb beside `dataDir`, owned by the PostgreSQL user (mode 0700); initdb
 * fills it and the caller renames it to `dataDir`, so a crash never leaves a half-made cluster.
 */
export function makeStagingDir(dataDir: string, user: PostgresOsUser): string {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const staging = `${dataDir}.initdb-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { mode: 0o700 });
  chownToPostgres(staging, user);
  return staging;
}
