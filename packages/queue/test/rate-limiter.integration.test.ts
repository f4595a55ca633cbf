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
  unduedDenials,
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

describe('slidingWindowViolations', () => {
  it('finds max + 1 starts inside one window, and only then', () => {
    const limit = { max: 2, duration: 10 };
    expect(slidingWindowViolations([0, 5, 9.999], limit)).toHaveLength(1);
    expect(slidingWindowViolations([0, 5, 10], limit)).toEqual([]);
    expect(slidingWindowViolations([30, 0, 12, 18, 21], limit)).toHaveLength(1);
  });
});

describe('unduedDenials', () => {
  const limit = { max: 2, duration: 10 };
  const allowed = (at: number) => ({ allowed: true, retryAfterMs: 0, at });
  const denied = (at: number) => ({ allowed: false, retryAfterMs: 1, at });

  it('accepts a denial whose window holds max starts, and only that', () => {
    expect(unduedDenials([allowed(0), allowed(5), denied(9.999)], limit)).toEqual([]);
    expect(unduedDenials([allowed(0), allowed(5), denied(10)], limit)).toHaveLength(1);
    expect(unduedDenials([allowed(5), denied(6), allowed(20)], limit)).toHaveLength(1);
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

  it('decides 40 concurrent attempts from two limiters by the sliding window, then again after it', async () => {
    const key = uniqueKey('burst');
    const limit = { max: 5, duration: 500 };
    // However long a burst takes, each decision must follow the rule: never more than max starts in
    // a window, and a denial only when its window is full. Within one window that means exactly max.
    const check = (decisions: readonly RateLimitDecision[]) => {
      const allowed = decisions.filter((d) => d.allowed);
      expect(allowed.length).toBeGreaterThanOrEqual(limit.max);
      expect(
        slidingWindowViolations(
          allowed.map((d) => d.at),
          limit,
        ),
      ).toEqual([]);
      expect(unduedDenials(decisions, limit)).toEqual([]);
      return allowed;
    };
    const first = check(await burst(limiters, key, limit, 40));
    const storedFirst = await harness.storedStarts(key);
    expect(storedFirst).toBeGreaterThanOrEqual(1);
    expect(storedFirst).toBeLessThanOrEqual(first.length);

    await sleep(limit.duration + 50); // every start of the first burst leaves the window
    const secondDecisions = await burst(limiters, key, limit, 40);
    const second = check(secondDecisions);
    // The starts of the first burst were trimmed, not kept beside the new ones.
    const storedSecond = await harness.storedStarts(key);
    expect(storedSecond).toBeGreaterThanOrEqual(1);
    expect(storedSecond).toBeLessThanOrEqual(second.length);
    expect(
      slidingWindowViolations(
        [...first, ...second].map((d) => d.at),
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
