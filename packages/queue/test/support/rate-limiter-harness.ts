/**
 * Test support for the rate limiter integration tests: one harness per backend kind, with a unique
 * Redis prefix or PostgreSQL schema per harness (test files run in parallel on the same servers),
 * and the sliding-window invariant the limiter must keep.
 */
import {
  createRateLimiter,
  type RateLimitDecision,
  type RateLimiterBackend,
} from '../../src/index.ts';
import { postgresTestServer, redisTestServer } from './servers.ts';

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
  const { url, prefix, admin, cleanup } = redisTestServer('rate');
  return withLimiters(
    { kind: 'redis', url, namespace: prefix },
    { storedStarts: (key) => admin.zcard(prefix + key), teardown: cleanup },
  );
}

/** A harness on the runner's PostgreSQL, in a fresh schema that is dropped afterwards. */
export function postgresHarness(): RateLimiterHarness {
  const { url, schema, admin, cleanup } = postgresTestServer('rate');
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
      teardown: cleanup,
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

/**
 * The denials a sliding-window limiter had no reason for: a denial at `at` is due only when `max`
 * allowed starts lie in its window `(at - duration, at]`. With {@link slidingWindowViolations} this
 * checks a whole set of decisions against the rule, however long they took to make. Empty when
 * every denial was due.
 */
export function unduedDenials(
  decisions: readonly RateLimitDecision[],
  limit: { max: number; duration: number },
): string[] {
  const micros = (ms: number) => Math.round(ms * 1000);
  const starts = decisions.filter((d) => d.allowed).map((d) => micros(d.at));
  return decisions
    .filter((d) => !d.allowed)
    .flatMap((denial) => {
      const at = micros(denial.at);
      const inWindow = starts.filter((s) => s > at - limit.duration * 1000 && s <= at).length;
      return inWindow >= limit.max
        ? []
        : [`denied at ${at / 1000} with ${inWindow} starts in its window`];
    });
}
