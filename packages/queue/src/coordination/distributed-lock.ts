/**
 * A mutual-exclusion lock shared by every process that uses the same {@link LockBackend}: acquire
 * with retries and a wait limit, optional automatic renewal, owner-only release, and detection of
 * a hold that was lost.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { CoordinationConnection } from './coordination-connection.ts';
import { LockNotAcquiredError } from './coordination-errors.ts';
import { createLockBackend } from './create-lock-backend.ts';
import type { LockBackend } from './lock-backend.ts';
import { type LockOptions, type ResolvedLockOptions, resolveLockOptions } from './lock-options.ts';

/** Defaults of a {@link DistributedLock}: every {@link LockOptions} field, and where its keys go. */
export interface DistributedLockOptions extends LockOptions {
  /**
   * Key prefix of Redis locks, when the lock is given a connection (not a backend) and makes its
   * own backend. Default is `spane:lock:`. On PostgreSQL, give `{ postgres, schema }` instead.
   */
  prefix?: string | undefined;
  /**
   * Errors of the connection the lock made for itself (a lost Redis or PostgreSQL connection; it
   * reconnects by itself, and the calls made meanwhile reject). Default drops them.
   */
  onError?: ((error: Error) => void) | undefined;
}

function isLockBackend(value: unknown): value is LockBackend {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof LockBackend, unknown>>;
  return (
    typeof candidate.tryAcquire === 'function' &&
    typeof candidate.extend === 'function' &&
    typeof candidate.release === 'function'
  );
}

/** One key this instance holds. */
interface Hold {
  key: string;
  /** The token of this acquisition (the instance's owner id and a sequence number). */
  token: string;
  options: ResolvedLockOptions;
  /** When the hold ends unless extended, by the local clock (a conservative estimate). */
  expiresAt: number;
  timer: NodeJS.Timeout | undefined;
  renewing: boolean;
  /** Aborted when the hold is lost (for `withLock` callbacks). */
  controller: AbortController;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

/**
 * Distributed mutual exclusion on string keys, e.g. `workflow-completion:<executionId>`.
 *
 * Each instance has a random {@link DistributedLock.owner} id, and each acquisition a token
 * derived from it, so only the acquirer can release or extend its hold: `release` of a key this
 * instance does not hold is a no-op that returns false. Renewal timers are unref'd; `close()`
 * stops them and releases everything held. A backend given is not closed: it may be shared.
 *
 * ```ts
 * const lock = new DistributedLock(backend, { ttl: 5000, autoRenew: true, renewalInterval: 3000 });
 * if (await lock.acquire('workflow-completion:exec-123')) {
 *   try { ... } finally { await lock.release('workflow-completion:exec-123'); }
 * }
 * await lock.withLock('node:exec-123:n1', async (signal) => { ... }, LockPresets.nodeExecution());
 * ```
 */
export class DistributedLock {
  /** This instance's owner id; the tokens of its acquisitions start with it. */
  readonly owner: string = randomUUID();
  readonly #backend: LockBackend;
  readonly #defaults: LockOptions;
  readonly #holds = new Map<string, Hold>();
  #sequence = 0;
  #closed = false;

  /** The backend this lock made from a connection (closed by `close()`), if it made one. */
  readonly #ownBackend: LockBackend | undefined;

  /**
   * Takes a {@link LockBackend} (shared; you close it), or, as the original SPANE did, a
   * connection: an ioredis instance or Redis URL, or `{ postgres, schema? }`. From a connection the
   * lock makes its own backend, which `close()` closes (an ioredis instance you gave stays open).
   *
   * ```ts
   * const lock = new DistributedLock(redis, { ttl: 5000, autoRenew: true, renewalInterval: 3000 });
   * ```
   */
  constructor(
    backend: LockBackend | CoordinationConnection,
    defaults: DistributedLockOptions = {},
  ) {
    const { prefix, onError, ...lockDefaults } = defaults;
    resolveLockOptions(lockDefaults); // fail early on bad defaults
    if (isLockBackend(backend)) {
      this.#backend = backend;
    } else {
      this.#ownBackend = createLockBackend(backend, { prefix, onError });
      this.#backend = this.#ownBackend;
    }
    this.#defaults = lockDefaults;
  }

  /**
   * Tries to take `key`, every `retryDelay` ms until `waitTimeout` ms have passed. Returns true
   * once held (renewed in the background when `autoRenew`), false when the wait ran out. Throws
   * a {@link LockNotAcquiredError} with reason `closed` after `close()`, and backend errors as is.
   */
  async acquire(key: string, options: LockOptions = {}): Promise<boolean> {
    return (await this.#acquire(key, resolveLockOptions(this.#defaults, options))) !== undefined;
  }

  /** Frees `key` if this instance holds it. False when it does not (or the hold was lost). */
  async release(key: string): Promise<boolean> {
    const hold = this.#holds.get(key);
    if (!hold) return false;
    return this.#release(hold);
  }

  /**
   * Runs `fn` while holding `key` and releases it afterwards, also when `fn` throws. `fn` gets a
   * signal that aborts if the hold is lost. Throws {@link LockNotAcquiredError} when the wait ran
   * out; `fn` does not run then.
   */
  async withLock<T>(
    key: string,
    fn: (signal: AbortSignal) => Promise<T> | T,
    options: LockOptions = {},
  ): Promise<T> {
    const resolved = resolveLockOptions(this.#defaults, options);
    const started = Date.now();
    const hold = await this.#acquire(key, resolved);
    if (!hold) {
      throw new LockNotAcquiredError(key, { reason: 'timeout', waitedMs: Date.now() - started });
    }
    try {
      return await fn(hold.controller.signal);
    } finally {
      await this.#release(hold);
    }
  }

  /** Whether this instance holds `key` as far as it knows (false once a renewal found it lost). */
  isHeld(key: string): boolean {
    return this.#holds.has(key);
  }

  /** The keys this instance holds. */
  heldKeys(): string[] {
    return [...this.#holds.keys()];
  }

  /** Stops every renewal and releases every key this instance holds. It stays usable. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#holds.values()].map((hold) => this.#release(hold)));
  }

  /**
   * Releases everything held and refuses further acquisitions. A backend you gave stays open; one
   * the lock made from a connection is closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.releaseAll();
    } finally {
      await this.#ownBackend?.close();
    }
  }

  async #acquire(key: string, options: ResolvedLockOptions): Promise<Hold | undefined> {
    const started = Date.now();
    const token = `${this.owner}:${++this.#sequence}`;
    for (;;) {
      if (this.#closed) throw new LockNotAcquiredError(key, { reason: 'closed' });
      const attemptAt = Date.now();
      if (await this.#backend.tryAcquire({ key, owner: token, ttlMs: options.ttl })) {
        const hold = this.#track(key, token, options, attemptAt);
        if (this.#closed) {
          await this.#release(hold);
          throw new LockNotAcquiredError(key, { reason: 'closed' });
        }
        return hold;
      }
      const remaining = options.waitTimeout - (Date.now() - started);
      if (remaining <= 0) return undefined;
      // A little jitter keeps many waiters from retrying in lockstep.
      const jitter = Math.floor(Math.random() * Math.min(options.retryDelay, 50) * 0.5);
      await sleep(Math.min(options.retryDelay + jitter, remaining));
    }
  }

  #track(key: string, token: string, options: ResolvedLockOptions, attemptAt: number): Hold {
    const previous = this.#holds.get(key);
    // Only possible when a hold of ours expired unnoticed and another acquisition of ours won.
    if (previous) this.#forget(previous);
    const hold: Hold = {
      key,
      token,
      options,
      expiresAt: attemptAt + options.ttl,
      timer: undefined,
      renewing: false,
      controller: new AbortController(),
    };
    if (options.autoRenew) {
      hold.timer = setInterval(() => void this.#renew(hold), options.renewalInterval);
      hold.timer.unref();
    }
    this.#holds.set(key, hold);
    return hold;
  }

  async #renew(hold: Hold): Promise<void> {
    if (this.#holds.get(hold.key) !== hold) return;
    if (hold.renewing) {
      // The previous renewal is still pending (a stalled connection): past the expiry it is lost.
      if (Date.now() >= hold.expiresAt) this.#lose(hold);
      return;
    }
    hold.renewing = true;
    const attemptAt = Date.now();
    try {
      const extended = await this.#backend.extend({
        key: hold.key,
        owner: hold.token,
        ttlMs: hold.options.ttl,
      });
      if (this.#holds.get(hold.key) !== hold) return; // released meanwhile
      if (extended) hold.expiresAt = attemptAt + hold.options.ttl;
      else this.#lose(hold);
    } catch {
      // The backend is unreachable: keep trying until the hold has surely expired.
      if (this.#holds.get(hold.key) === hold && Date.now() >= hold.expiresAt) this.#lose(hold);
    } finally {
      hold.renewing = false;
    }
  }

  #lose(hold: Hold): void {
    this.#forget(hold);
    hold.controller.abort(new LockNotAcquiredError(hold.key, { reason: 'lost' }));
    try {
      hold.options.onLost?.(hold.key);
    } catch {
      // A failing callback must not break the renewal timer of other keys.
    }
  }

  /** Stops tracking a hold (and its renewals); returns whether it was still the current one. */
  #forget(hold: Hold): boolean {
    if (hold.timer) clearInterval(hold.timer);
    hold.timer = undefined;
    if (this.#holds.get(hold.key) !== hold) return false;
    this.#holds.delete(hold.key);
    return true;
  }

  async #release(hold: Hold): Promise<boolean> {
    if (!this.#forget(hold)) return false;
    return this.#backend.release({ key: hold.key, owner: hold.token });
  }
}
