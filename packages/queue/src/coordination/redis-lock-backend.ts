/**
 * {@link LockBackend} on Redis: `SET key token NX PX ttl` to acquire, and two constant Lua scripts
 * that compare the token before deleting or re-expiring, so only the owner releases or extends.
 * @module
 */
import type { RedisCoordinationConnection } from './coordination-connection.ts';
import type { LockBackend, LockLease } from './lock-backend.ts';
import {
  type CoordinationRedisClient,
  closeRedisClient,
  resolveRedisClient,
} from './redis-coordination-client.ts';

/** The key prefix of Redis locks unless told otherwise. */
export const DEFAULT_REDIS_LOCK_PREFIX = 'spane:lock:';

/** Deletes KEYS[1] only while it holds ARGV[1] (the owner token). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

/** Sets KEYS[1]'s expiry to ARGV[2] ms only while it holds ARGV[1] (the owner token). */
const EXTEND_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;

/** Options of {@link RedisLockBackend}. */
export interface RedisLockBackendOptions {
  /** A Redis URL or `{ cluster }` (the backend creates and closes its client), or an ioredis instance or `Cluster` (you close it). */
  connection: RedisCoordinationConnection;
  /** Prefix of every lock key. Default is `spane:lock:`. */
  prefix?: string | undefined;
  /** Errors of a client made from a URL (it reconnects by itself). Default drops them. */
  onError?: ((error: Error) => void) | undefined;
}

/** Locks as Redis string keys holding the owner token, with a PX expiry. */
export class RedisLockBackend implements LockBackend {
  readonly prefix: string;
  readonly #redis: CoordinationRedisClient;

  constructor(options: RedisLockBackendOptions) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_LOCK_PREFIX;
    this.#redis = resolveRedisClient(options.connection, {
      what: 'lock',
      onError: options.onError,
    });
  }

  async tryAcquire(lease: LockLease): Promise<boolean> {
    const reply = await this.#redis.client.set(
      this.prefix + lease.key,
      lease.owner,
      'PX',
      lease.ttlMs,
      'NX',
    );
    return reply === 'OK';
  }

  async extend(lease: LockLease): Promise<boolean> {
    const reply = await this.#redis.client.eval(
      EXTEND_SCRIPT,
      1,
      this.prefix + lease.key,
      lease.owner,
      lease.ttlMs,
    );
    return reply === 1;
  }

  async release(lease: Omit<LockLease, 'ttlMs'>): Promise<boolean> {
    const reply = await this.#redis.client.eval(
      RELEASE_SCRIPT,
      1,
      this.prefix + lease.key,
      lease.owner,
    );
    return reply === 1;
  }

  close(): Promise<void> {
    return closeRedisClient(this.#redis);
  }
}
