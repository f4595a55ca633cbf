import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
  MAX_BACKOFF_DELAY_MS,
} from '../constants.ts';
import {
  computeBackoffDelay,
  DEFAULT_RETRY_POLICY,
  resolveNodeTimeout,
  resolveRetryPolicy,
} from './retry-policy.ts';

describe('resolveRetryPolicy', () => {
  it('uses the engine default for a node without a policy', () => {
    expect(resolveRetryPolicy({})).toEqual({
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      backoff: { type: 'exponential', delay: DEFAULT_RETRY_DELAY_MS },
      continueOnFail: false,
    });
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(3);
  });

  it("lets the node's fields override the defaults one by one", () => {
    const defaults = {
      maxAttempts: 7,
      backoff: { type: 'fixed' as const, delay: 50 },
      continueOnFail: true,
    };
    expect(resolveRetryPolicy({ retryPolicy: { maxAttempts: 2 } }, defaults)).toEqual({
      maxAttempts: 2,
      backoff: { type: 'fixed', delay: 50 },
      continueOnFail: true,
    });
    expect(
      resolveRetryPolicy(
        { retryPolicy: { backoff: { type: 'exponential', delay: 10 }, continueOnFail: false } },
        defaults,
      ),
    ).toEqual({
      maxAttempts: 7,
      backoff: { type: 'exponential', delay: 10 },
      continueOnFail: false,
    });
  });

  it('falls back to the built-in default for fields the engine default leaves out', () => {
    expect(
      resolveRetryPolicy({ retryPolicy: { continueOnFail: true } }, { maxAttempts: 4 }),
    ).toEqual({
      maxAttempts: 4,
      backoff: { type: 'exponential', delay: DEFAULT_RETRY_DELAY_MS },
      continueOnFail: true,
    });
  });

  it('returns a backoff the caller may change without touching the defaults', () => {
    const resolved = resolveRetryPolicy({});
    resolved.backoff.delay = 1;
    expect(DEFAULT_RETRY_POLICY.backoff.delay).toBe(DEFAULT_RETRY_DELAY_MS);
  });
});

describe('computeBackoffDelay', () => {
  it('waits the same delay after every attempt with a fixed backoff', () => {
    const backoff = { type: 'fixed' as const, delay: 250 };
    expect([1, 2, 3, 10].map((n) => computeBackoffDelay(backoff, n))).toEqual([250, 250, 250, 250]);
  });

  it('doubles the delay after every attempt with an exponential backoff', () => {
    const backoff = { type: 'exponential' as const, delay: 100 };
    expect([1, 2, 3, 4].map((n) => computeBackoffDelay(backoff, n))).toEqual([100, 200, 400, 800]);
  });

  it('treats zero attempts made like the first', () => {
    expect(computeBackoffDelay({ type: 'exponential', delay: 100 }, 0)).toBe(100);
  });

  it('caps the delay at MAX_BACKOFF_DELAY_MS', () => {
    expect(computeBackoffDelay({ type: 'exponential', delay: 1000 }, 50)).toBe(
      MAX_BACKOFF_DELAY_MS,
    );
    expect(computeBackoffDelay({ type: 'exponential', delay: 1000 }, 5000)).toBe(
      MAX_BACKOFF_DELAY_MS,
    );
    expect(computeBackoffDelay({ type: 'fixed', delay: MAX_BACKOFF_DELAY_MS * 2 }, 1)).toBe(
      MAX_BACKOFF_DELAY_MS,
    );
  });
});

describe('resolveNodeTimeout', () => {
  it("prefers the node's timeout over config.timeout", () => {
    expect(resolveNodeTimeout({ timeout: 500, config: { timeout: 9000 } })).toBe(500);
  });

  it('honours config.timeout when the node has none', () => {
    expect(resolveNodeTimeout({ config: { timeout: 9000 } })).toBe(9000);
  });

  it('has no timeout when neither is set, or config.timeout is not a positive number', () => {
    expect(resolveNodeTimeout({})).toBeUndefined();
    expect(resolveNodeTimeout({ config: { timeout: '5s' } })).toBeUndefined();
    expect(resolveNodeTimeout({ config: { timeout: 0 } })).toBeUndefined();
  });
});
