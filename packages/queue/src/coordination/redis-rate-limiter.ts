/**
 * {@link RateLimiterBackend} on Redis: one sorted set of start times per key, and one constant Lua
 * script that trims the window, counts and records atomically. Times come from the Redis server's
 * clock (`TIME`), never from the callers, so processes with skewed clocks still agree.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '@spane/core';
import type { RedisCoordinationConnection } from './coordination-connection.ts';
import type { RateLimit, RateLimitDecision, RateLimiterBackend } from './rate-limiter.ts';
import { validateRateLimit } from './rate-limiter-options.ts';
import {
  type CoordinationRedisClient,
  closeRedisClient,
  resolveRedisClient,
} from './redis-coordination-client.ts';

/** The key prefix of Redis rate limits unless told otherwise. */
export const DEFAULT_REDIS_RATE_PREFIX = 'spane:rate:';

/**
 * KEYS[1]: the sorted set of starts (score and member prefix: server time in microseconds).
 * ARGV[1]: window in ms; ARGV[2]: max; ARGV[3]: a caller-unique suffix for the member.
 * Drops starts at or before now - window, counts the rest, and records a start when below max.
 * Returns { 1, now_us, 0 } when recorded, { 0, now_us, retry_us } when not, where retry_us is the
 * time until the oldest start leaves the window. Numbers go back as strings: Lua 5.1 would print
 * 16-digit microsecond values with %.14g and lose precision, so they are formatted with %.0f.
 */
const ACQUIRE_SCRIPT = `local time = redis.call('TIME')
local now_us = tonumber(time[1]) * 1000000 + tonumber(time[2])
local window_us = tonumber(ARGV[1]) * 1000
local now = string.format('%.0f', now_us)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now_us - window_us))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {1, now, '0'}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, now, string.format('%.0f', tonumber(oldest[2]) + window_us - now_us)}`;

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** A Redis URL or `{ cluster }` (the limiter creates and closes its client), or an ioredis instance or `Cluster` (you close it). */
  connection: RedisCoordinationConnection;
  /** Prefix of every rate limit key. Default is `spane:rate:`. */
  prefix?: string | undefined;
  /** Errors of a client made from a URL (it reconnects by itself). Default drops them. */
  onError?: ((error: Error) => void) | undefined;
}

/** Turns the script's reply into a decision; microseconds become (fractional) ms. */
function toDecision(reply: unknown): RateLimitDecision {
  if (!Array.isArray(reply) || reply.length !== 3) {
    throw new TypeError(`Unexpected reply of the rate limit script: ${JSON.stringify(reply)}`);
  }
  const [allowed, nowUs, retryUs] = reply as [number, string, string];
  return {
    allowed: allowed === 1,
    retryAfterMs: allowed === 1 ? 0 : Math.max(1, Math.ceil(Number(retryUs) / 1000)),
    at: Number(nowUs) / 1000,
  };
}

/** Sliding-window rate limits as Redis sorted sets of start times, with a PX expiry of one window. */
export class RedisRateLimiter implements RateLimiterBackend {
  readonly prefix: string;
  readonly #redis: CoordinationRedisClient;
  /** Makes every recorded member unique, even for two starts in the same microsecond. */
  readonly #instance = randomBytes(8).toString('hex');
  #sequence = 0;

  constructor(options: RedisRateLimiterOptions) {
    const prefix = options.prefix ?? DEFAULT_REDIS_RATE_PREFIX;
    if (typeof prefix !== 'string') {
      throw new ConfigurationError(
        `A Redis rate limit prefix must be a string, got ${String(prefix)}`,
      );
    }
    this.prefix = prefix;
    this.#redis = resolveRedisClient(options.connection, {
      what: 'rate limiter',
      onError: options.onError,
    });
  }

  async tryAcquire(key: string, limit: RateLimit): Promise<RateLimitDecision> {
    validateRateLimit(key, limit);
    this.#sequence += 1;
    const reply = await this.#redis.client.eval(
      ACQUIRE_SCRIPT,
      1,
      this.prefix + key,
      limit.duration,
      limit.max,
      `${this.#instance}:${this.#sequence}`,
    );
    return toDecision(reply);
  }

  close(): Promise<void> {
    return closeRedisClient(this.#redis);
  }
}
