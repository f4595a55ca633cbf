/**
 * Test support for the rate limiter integration tests: one harness per backend kind, with a unique
 * Redis prefix or PostgreSQL schema per harness (test files run in parallel on the same servers),
 * and the sliding-window invariant the limiter must keep.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createRateLimiter, type RateLimiterBackend } from '../../src/index.ts';

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

/** How a separate process reaches the same limiter: backend kind, server and namespace. */
export interface LimiterTarget {
  kind: 'redis' | 'postgres';
  url: string;
  /** The Redis prefix or the PostgreSQL schema. */
  namespace: string;
}

/** Creates a limiter for a target, with its own connections (as another process would). */
export function limiterFor(target: LimiterTarget): RateLimiterBackend {
  return target.kind === 'redis'
    ? createRateLimiter(target.url, { prefix: target.namespace })
    : createRateLimiter({ postgres: target.url, schema: target.namespace });
}

/** What the suites need from a backend kind. */
export interface RateLimiterHarness {
  target: LimiterTarget;
  /** A new limiter with its own connections; closed by `teardown`. */
  createLimiter(): RateLimiterBackend;
  /** How many starts of `key` the server currently stores (expired ones included until trimmed). */
  storedStarts(key: string): Promise<number>;
  /** Closes the limiters and removes everything stored under the namespace. */
  teardown(): Promise<void>;
}

function withLimiters(
  target: LimiterTarget,
  rest: Omit<RateLimiterHarness, 'target' | 'createLimiter'>,
): RateLimiterHarness {
  const limiters: RateLimiterBackend[] = [];
  return {
    target,
    createLimiter() {
      const limiter = limiterFor(target);
      limiters.push(limiter);
      return limiter;
    },
    storedStarts: rest.storedStarts,
    async teardown() {
      await Promise.all(limiters.map((limiter) => limiter.close()));
      await rest.teardown();
    },
  };
}

/** A harness on the runner's Redis, under a fresh key prefix. */
export function redisHarness(): RateLimiterHarness {
  const url = requireEnv('REDIS_URL');
  const prefix = `spane-test:rate:${randomBytes(6).toString('hex')}:`;
  const admin = new Redis(url);
  return withLimiters(
    { kind: 'redis', url, namespace: prefix },
    {
      storedStarts: (key) => admin.zcard(prefix + key),
      async teardown() {
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length > 0) await admin.del(...keys);
        await admin.quit();
      },
    },
  );
}

/** A harness on the runner's PostgreSQL, in a fresh schema that is dropped afterwards. */
export function postgresHarness(): RateLimiterHarness {
  const url = requireEnv('DATABASE_URL');
  const schema = `spane_rate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  return withLimiters(
    { kind: 'postgres', url, namespace: schema },
    {
      async storedStarts(key) {
        const result = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema}".rate_starts WHERE key = $1`,
          [key],
        );
        return result.rows[0]?.n ?? 0;
      },
      async teardown() {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      },
    },
  );
}

/** Both backend kinds, for `describe.each`. */
export const HARNESSES = [
  ['Redis', redisHarness],
  ['PostgreSQL', postgresHarness],
] as const;

/**
 * The sliding-window violations among start times (ms, microsecond fraction): pairs of starts
 * `max` apart in time order that lie less than `duration` apart, i.e. `max + 1` starts in one
 * half-open window `[t, t + duration)`. Compared in whole microseconds, so float noise cannot hide
 * or invent a violation. Empty when the limit held.
 */
export function slidingWindowViolations(
  startsMs: readonly number[],
  limit: { max: number; duration: number },
): string[] {
  const micros = startsMs.map((ms) => Math.round(ms * 1000)).sort((a, b) => a - b);
  const violations: string[] = [];
  for (let i = 0; i + limit.max < micros.length; i += 1) {
    const first = micros[i] as number;
    const last = micros[i + limit.max] as number;
    if (last - first < limit.duration * 1000) {
      violations.push(
        `${limit.max + 1} starts within ${(last - first) / 1000} ms (from ${first / 1000})`,
      );
    }
  }
  return violations;
}
