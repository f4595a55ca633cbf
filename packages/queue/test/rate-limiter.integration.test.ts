/**
 * The sliding-window rate limiter against real servers: one suite, run on Redis and on PostgreSQL.
 * Limiters are created separately, each with its own connections, as two processes would have.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitDecision, RateLimiterBackend } from '../src/index.ts';
import {
  HARNESSES,
  type RateLimiterHarness,
  slidingWindowViolations,
} from './support/rate-limiter-harness.ts';

function uniqueKey(name: string): string {
  return `${name}:${randomUUID()}`;
}

/** `count` attempts at once, spread round-robin over `limiters`. */
function burst(
  limiters: readonly RateLimiterBackend[],
  key: string,
  limit: { max: number; duration: number },
  count: number,
): Promise<RateLimitDecision[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      (limiters[i % limiters.length] as RateLimiterBackend).tryAcquire(key, limit),
    ),
  );
}

/** The server-time span of a set of decisions, in ms. */
function span(decisions: readonly RateLimitDecision[]): number {
  const times = decisions.map((d) => d.at);
  return Math.max(...times) - Math.min(...times);
}

describe('slidingWindowViolations', () => {
  it('finds max + 1 starts inside one window, and only then', () => {
    const limit = { max: 2, duration: 10 };
    expect(slidingWindowViolations([0, 5, 9.999], limit)).toHaveLength(1);
    expect(slidingWindowViolations([0, 5, 10], limit)).toEqual([]);
    expect(slidingWindowViolations([30, 0, 12, 18, 21], limit)).toHaveLength(1);
  });
});

describe.each(HARNESSES)('rate limiter on %s', (_name, makeHarness) => {
  let harness: RateLimiterHarness;
  /** Two limiters with separate connections, as two processes would have. */
  let limiters: [RateLimiterBackend, RateLimiterBackend];

  beforeAll(() => {
    harness = makeHarness();
    limiters = [harness.createLimiter(), harness.createLimiter()];
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('allows exactly max of 40 concurrent attempts from two limiters, then again after the window', async () => {
    const key = uniqueKey('burst');
    const limit = { max: 5, duration: 500 };
    const first = await burst(limiters, key, limit, 40);
    // Every attempt must have been decided inside one window for "exactly max" to be the rule.
    expect(span(first)).toBeLessThan(limit.duration);
    expect(first.filter((d) => d.allowed)).toHaveLength(5);
    expect(await harness.storedStarts(key)).toBe(5);

    await sleep(limit.duration + 50);
    const second = await burst(limiters, key, limit, 40);
    expect(span(second)).toBeLessThan(limit.duration);
    expect(second.filter((d) => d.allowed)).toHaveLength(5);
    // The starts of the first window were trimmed, not kept beside the new ones.
    expect(await harness.storedStarts(key)).toBe(5);
    expect(
      slidingWindowViolations(
        [...first, ...second].filter((d) => d.allowed).map((d) => d.at),
        limit,
      ),
    ).toEqual([]);
  });

  it('never lets more than max starts into any window during 1.5 s of continuous attempts', async () => {
    const key = uniqueKey('sliding');
    const limit = { max: 5, duration: 500 };
    const allowed: number[] = [];
    let attempts = 0;
    const deadline = Date.now() + 1_500;
    // Two loops per limiter, each attempting again as soon as the last attempt is decided.
    await Promise.all(
      [...limiters, ...limiters].map(async (limiter) => {
        while (Date.now() < deadline) {
          const decision = await limiter.tryAcquire(key, limit);
          attempts += 1;
          if (decision.allowed) allowed.push(decision.at);
        }
      }),
    );
    expect(attempts).toBeGreaterThan(allowed.length * 2);
    expect(slidingWindowViolations(allowed, limit)).toEqual([]);
    // 1.5 s covers at least three windows: the limit must have let starts through repeatedly.
    expect(allowed.length).toBeGreaterThanOrEqual(3 * limit.max);
  }, 20_000);

  it('answers a denial with the time until the oldest start leaves the window', async () => {
    const key = uniqueKey('retry');
    const limit = { max: 1, duration: 1_000 };
    const [a, b] = limiters;
    const granted = await a.tryAcquire(key, limit);
    expect(granted).toMatchObject({ allowed: true, retryAfterMs: 0 });

    await sleep(300);
    const denied = await b.tryAcquire(key, limit);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(limit.duration - 250);
    // Exactly when the granted start leaves the window, on the server's clock (rounded up to ms).
    expect(Math.abs(denied.retryAfterMs - (granted.at + limit.duration - denied.at))).toBeLessThan(
      1,
    );
    const immediate = await a.tryAcquire(key, limit);
    expect(immediate.allowed).toBe(false);
    expect(immediate.retryAfterMs).toBeGreaterThan(0);
    expect(immediate.retryAfterMs).toBeLessThanOrEqual(denied.retryAfterMs);

    await sleep(immediate.retryAfterMs + 20);
    const after = await b.tryAcquire(key, limit);
    expect(after).toMatchObject({ allowed: true, retryAfterMs: 0 });
    expect(after.at - granted.at).toBeGreaterThanOrEqual(limit.duration);
  });

  it('keeps every denial retryAfterMs within (0, duration]', async () => {
    const key = uniqueKey('bounds');
    const limit = { max: 3, duration: 400 };
    const decisions = await burst(limiters, key, limit, 20);
    const denied = decisions.filter((d) => !d.allowed);
    expect(denied).toHaveLength(17);
    for (const decision of denied) {
      expect(decision.retryAfterMs).toBeGreaterThan(0);
      expect(decision.retryAfterMs).toBeLessThanOrEqual(limit.duration);
    }
    for (const decision of decisions.filter((d) => d.allowed)) {
      expect(decision.retryAfterMs).toBe(0);
    }
  });

  it('counts every key on its own', async () => {
    const busy = uniqueKey('busy');
    const idle = uniqueKey('idle');
    const limit = { max: 2, duration: 5_000 };
    const [a, b] = limiters;
    expect((await burst(limiters, busy, limit, 6)).filter((d) => d.allowed)).toHaveLength(2);
    expect((await a.tryAcquire(busy, limit)).allowed).toBe(false);

    expect((await b.tryAcquire(idle, limit)).allowed).toBe(true);
    expect((await a.tryAcquire(idle, limit)).allowed).toBe(true);
    expect((await b.tryAcquire(idle, limit)).allowed).toBe(false);
    // Another limit on the same key does not reset or split its window.
    expect((await a.tryAcquire(busy, { max: 3, duration: 5_000 })).allowed).toBe(true);
    expect((await a.tryAcquire(busy, { max: 3, duration: 5_000 })).allowed).toBe(false);
    expect(await harness.storedStarts(busy)).toBe(3);
    expect(await harness.storedStarts(idle)).toBe(2);
  });
});
