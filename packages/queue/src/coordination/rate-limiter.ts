/**
 * The port of the cross-process rate limiter: a sliding window of start times per key, kept on a
 * shared server so every worker and process counts the same starts. Redis and PostgreSQL implement
 * it; the engine uses it to enforce `registry.registerRateLimit(type, { max, duration })`.
 * @module
 */

/** At most `max` starts in any window of `duration` ms. Both are positive integers. */
export interface RateLimit {
  max: number;
  /** Length of the sliding window, in ms. */
  duration: number;
}

/** The outcome of one {@link RateLimiterBackend.tryAcquire} attempt. */
export interface RateLimitDecision {
  /** Whether a start was recorded (and so may happen now). */
  allowed: boolean;
  /**
   * When denied: ms until the oldest start in the window leaves it, in `(0, duration]`, after which
   * an attempt can succeed (unless someone else takes the slot first). 0 when allowed.
   */
  retryAfterMs: number;
  /**
   * The server's time of the decision, in ms since the epoch with microsecond fraction. When
   * allowed, this is exactly the start that was recorded. Server-side, so processes agree on it.
   */
  at: number;
}

/**
 * Where the start times live. `tryAcquire` is atomic on the server: checking the window and
 * recording a start happen together, so concurrent callers anywhere never exceed the limit.
 */
export interface RateLimiterBackend {
  /** Records a start for `key` if fewer than `limit.max` starts lie in the last `limit.duration` ms. */
  tryAcquire(key: string, limit: RateLimit): Promise<RateLimitDecision>;
  /** Closes the connections this backend created itself; a given client or pool stays open. */
  close(): Promise<void>;
}
