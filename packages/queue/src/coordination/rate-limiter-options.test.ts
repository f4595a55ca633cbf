import { ConfigurationError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { MAX_RATE_LIMIT_DURATION_MS, validateRateLimit } from './rate-limiter-options.ts';

describe('validateRateLimit', () => {
  it.each([
    { max: 1, duration: 1 },
    { max: 5, duration: 500 },
    { max: 10_000, duration: MAX_RATE_LIMIT_DURATION_MS },
  ])('accepts %j', (limit) => {
    expect(() => validateRateLimit('http', limit)).not.toThrow();
  });

  it.each([
    [{ max: 0, duration: 1_000 }, /max/],
    [{ max: -1, duration: 1_000 }, /max/],
    [{ max: 2.5, duration: 1_000 }, /max/],
    [{ max: Number.NaN, duration: 1_000 }, /max/],
    [{ max: Number.POSITIVE_INFINITY, duration: 1_000 }, /max/],
    [{ max: '5', duration: 1_000 }, /max/],
    [{ max: 5, duration: 0 }, /duration/],
    [{ max: 5, duration: -100 }, /duration/],
    [{ max: 5, duration: 0.5 }, /duration/],
    [{ max: 5, duration: Number.NaN }, /duration/],
    [{ max: 5, duration: MAX_RATE_LIMIT_DURATION_MS + 1 }, /duration/],
    [{ max: 5 }, /duration/],
  ])('rejects %j', (limit, message) => {
    const call = () => validateRateLimit('http', limit as never);
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(message);
  });

  it.each(['', undefined, 42])('rejects the key %j', (key) => {
    const call = () => validateRateLimit(key as never, { max: 1, duration: 1 });
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(/key/);
  });

  it('rejects a missing limit', () => {
    expect(() => validateRateLimit('http', undefined as never)).toThrow(ConfigurationError);
  });
});
