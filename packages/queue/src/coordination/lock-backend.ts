/**
 * The storage port of {@link DistributedLock}: three atomic compare-and-set operations on a key
 * with an owner token and an expiry. Redis and PostgreSQL implement it.
 * @module
 */

/** A key, the token of the owner that holds (or wants) it, and how long the hold lasts. */
export interface LockLease {
  key: string;
  /** An opaque token identifying one acquisition; only this token can extend or release. */
  owner: string;
  /** Time to live, in ms, counted from now on the server's clock. */
  ttlMs: number;
}

/**
 * Where locks live. Every operation is atomic on the server, so two processes never both succeed
 * in acquiring the same unexpired key.
 */
export interface LockBackend {
  /** Takes `key` for `owner` if no one holds it or the last hold expired. True when taken. */
  tryAcquire(lease: LockLease): Promise<boolean>;
  /** Resets the expiry to `ttlMs` from now, only while `owner` still holds `key`. */
  extend(lease: LockLease): Promise<boolean>;
  /** Frees `key` only if `owner` holds it. False (and nothing changes) otherwise. */
  release(lease: Omit<LockLease, 'ttlMs'>): Promise<boolean>;
  /** Closes the connections this backend created itself; a given client or pool stays open. */
  close(): Promise<void>;
}
