/**
 * The real servers of the @spane/queue integration tests, as the root test runner provides them
 * (`REDIS_URL`, `DATABASE_URL`), each with a namespace of its own: test files run in parallel on
 * the same servers, so every harness gets a fresh Redis key prefix or PostgreSQL schema.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The server URL the root test runner sets, or a clear error when a test runs without it. */
export function requireEnv(name: 'REDIS_URL' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: the @spane/queue integration tests need a real server. Run them through ` +
        '`node scripts/run-tests.ts --project queue`, which starts Redis and PostgreSQL.',
    );
  }
  return value;
}

/** A random hex suffix that keeps parallel test files apart. */
function uniqueSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** The runner's Redis, with a fresh key prefix and an admin client to look behind the code's back. */
export interface RedisTestServer {
  url: string;
  /** `spane-test:<tag>:<random>:`. */
  prefix: string;
  admin: Redis;
  /** Deletes every key under `prefix` and closes `admin`. */
  cleanup(): Promise<void>;
}

/** Connects to the runner's Redis under a fresh `spane-test:<tag>:<random>:` prefix. */
export function redisTestServer(tag: string): RedisTestServer {
  const url = requireEnv('REDIS_URL');
  const prefix = `spane-test:${tag}:${uniqueSuffix()}:`;
  const admin = new Redis(url);
  return {
    url,
    prefix,
    admin,
    async cleanup() {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    },
  };
}

/** The runner's PostgreSQL, with a fresh schema name and a one-connection admin pool. */
export interface PostgresTestServer {
  url: string;
  /** `spane_<tag>_test_<random>`; created by the code under test, dropped by `cleanup`. */
  schema: string;
  admin: pg.Pool;
  /** Drops `schema` (if it was created) and ends `admin`. */
  cleanup(): Promise<void>;
}

/** Connects to the runner's PostgreSQL with a fresh `spane_<tag>_test_<random>` schema name. */
export function postgresTestServer(tag: string): PostgresTestServer {
  const url = requireEnv('DATABASE_URL');
  const schema = `spane_${tag}_test_${uniqueSuffix()}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  return {
    url,
    schema,
    admin,
    async cleanup() {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}
