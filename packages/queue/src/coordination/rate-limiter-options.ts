/**
 * Validation of what a rate limiter is asked: a non-empty key and a limit of positive integers,
 * checked before anything reaches the server (where a NaN or a fraction would mean a wrong window).
 * @module
 */
import { ConfigurationError } from '@spane/core';
import type { RateLimit } from './rate-limiter.ts';

/**
 * The longest window accepted, in ms (365 days): every start inside the window stays stored, so a
 * longer one is almost surely a unit mistake.
 */
export const MAX_RATE_LIMIT_DURATION_MS = 31_536_000_000;

/**
 * Checks a key and a limit: `key` a non-empty string, `max` a positive integer, `duration` a
 * positive integer of ms up to 365 days. Throws a `ConfigurationError` otherwise.
 */
export function validateRateLimit(key: string, limit: RateLimit): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ConfigurationError(
      `A rate limit key must be a non-empty string, got ${JSON.stringify(key)}`,
    );
  }
  const { max, duration } = limit ?? ({} as Partial<RateLimit>);
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw new ConfigurationError(
      `Rate limit of "${key}": max must be a positive integer, got ${String(max)}`,
    );
  }
  if (
    typeof duration !== 'number' ||
    !Number.isSafeInteger(duration) ||
    duration < 1 ||
    duration > MAX_RATE_LIMIT_DURATION_MS
  ) {
    throw new ConfigurationError(
      `Rate limit of "${key}": duration must be a positive integer of ms up to ${MAX_RATE_LIMIT_DURATION_MS}, got ${String(duration)}`,
    );
  }
}
