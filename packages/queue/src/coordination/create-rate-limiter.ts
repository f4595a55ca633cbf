/**
 * Picks the {@link RateLimiterBackend} for a {@link CoordinationConnection}.
 * @module
 */
import { type CoordinationConnection, classifyConnection } from './coordination-connection.ts';
import { PostgresRateLimiter } from './postgres-rate-limiter.ts';
import type { RateLimiterBackend } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

/** Options of {@link createRateLimiter}. */
export interface CreateRateLimiterOptions {
  /** Key prefix of Redis rate limits. Default is `spane:rate:`. Unused on PostgreSQL. */
  prefix?: string | undefined;
  /**
   * Schema of the PostgreSQL `rate_starts` table; overrides the connection's `schema`. Default is
   * the connection's, else `spane_coordination`. Unused on Redis.
   */
  schema?: string | undefined;
  /** Errors of the connections the limiter made (a lost connection; it reconnects by itself). */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * A sliding-window rate limiter on Redis (URL or ioredis instance) or PostgreSQL
 * (`{ postgres, schema? }`). Every limiter on the same server, prefix or schema shares the counts.
 * Close it with `close()`.
 */
export function createRateLimiter(
  connection: CoordinationConnection,
  options: CreateRateLimiterOptions = {},
): RateLimiterBackend {
  const classified = classifyConnection(connection);
  if (classified.kind === 'redis') {
    return new RedisRateLimiter({
      connection: classified.connection,
      prefix: options.prefix,
      onError: options.onError,
    });
  }
  return new PostgresRateLimiter({
    connection: classified.connection,
    schema: options.schema ?? classified.schema,
    onError: options.onError,
  });
}
