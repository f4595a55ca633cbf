/**
 * DistributedLock against real servers: one suite, run on Redis and on PostgreSQL. Every lock
 * instance is created on its own (as separate processes would), and backends are shared only to
 * keep the number of connections small.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@spane/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLockBackend,
  DistributedLock,
  type LockBackend,
  LockNotAcquiredError,
  LockPresets,
} from '../src/index.ts';
import { postgresTestServer, redisTestServer } from './support/servers.ts';

/** What the suite needs from a backend kind. */
interface LockHarness {
  /** A new backend with its own connections (as another process would have). */
  createBackend(): LockBackend;
  /** Removes a key behind the owner's back, as an operator or a failover would. */
  deleteKey(key: string): Promise<void>;
  /** The server-side remaining time of a key, in ms (negative or -2 when absent). */
  remainingTtl(key: string): Promise<number>;
  teardown(): Promise<void>;
}

function redisHarness(): LockHarness {
  const { url, prefix, admin, cleanup } = redisTestServer('lock');
  const backends: LockBackend[] = [];
  return {
    createBackend() {
      const backend = createLockBackend(url, { prefix });
      backends.push(backend);
      return backend;
    },
    async deleteKey(key) {
      await admin.del(prefix + key);
    },
    remainingTtl: (key) => admin.pttl(prefix + key),
    async teardown() {
      await Promise.all(backends.map((backend) => backend.close()));
      await cleanup();
    },
  };
}

function postgresHarness(): LockHarness {
  const { url, schema, admin, cleanup } = postgresTestServer('lock');
  const backends: LockBackend[] = [];
  return {
    createBackend() {
      const backend = createLockBackend({ postgres: url, schema });
      backends.push(backend);
      return backend;
    },
    async deleteKey(key) {
      await admin.query(`DELETE FROM "${schema}".locks WHERE key = $1`, [key]);
    },
    async remainingTtl(key) {
      const result = await admin.query<{ ms: string }>(
        `SELECT (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint AS ms
         FROM "${schema}".locks WHERE key = $1`,
        [key],
      );
      const row = result.rows[0];
      return row ? Number(row.ms) : -2;
    },
    async teardown() {
      await Promise.all(backends.map((backend) => backend.close()));
      await cleanup();
    },
  };
}

function uniqueKey(name: string): string {
  return `${name}:${randomUUID()}`;
}

function lockSuite(name: string, makeHarness: () => LockHarness): void {
  describe(`DistributedLock on ${name}`, () => {
    let harness: LockHarness;
    /** A few shared backends; each test's locks are spread over them. */
    let backends: LockBackend[];
    const locks: DistributedLock[] = [];

    function newLock(index = 0, options: ConstructorParameters<typeof DistributedLock>[1] = {}) {
      const backend = backends[index % backends.length];
      if (!backend) throw new Error('no backend');
      const lock = new DistributedLock(backend, { retryDelay: 20, ...options });
      locks.push(lock);
      return lock;
    }

    beforeAll(() => {
      harness = makeHarness();
      backends = [harness.createBackend(), harness.createBackend(), harness.createBackend()];
    });
    afterAll(async () => {
      await Promise.all(locks.map((lock) => lock.close()));
      await harness?.teardown();
    });

    it('lets only one of 20 concurrent acquirers hold a key at a time', async () => {
      const key = uniqueKey('mutex');
      let active = 0;
      let maxActive = 0;
      let runs = 0;
      const contenders = Array.from({ length: 20 }, (_, i) => newLock(i));
      await Promise.all(
        contenders.map((lock) =>
          lock.withLock(
            key,
            async () => {
              active += 1;
              maxActive = Math.max(maxActive, active);
              await sleep(15);
              runs += 1;
              active -= 1;
            },
            { ttl: 10_000, waitTimeout: 30_000, retryDelay: 10 },
          ),
        ),
      );
      expect(runs).toBe(20);
      expect(maxActive).toBe(1);
    }, 40_000);

    it('lets only the owner release a key', async () => {
      const key = uniqueKey('owner');
      const owner = newLock(0);
      const other = newLock(1);
      expect(await owner.acquire(key, { ttl: 10_000 })).toBe(true);

      expect(await other.release(key)).toBe(false);
      // A forged token at the backend level changes nothing either.
      const backend = backends[1] as LockBackend;
      expect(await backend.release({ key, owner: `${other.owner}:1` })).toBe(false);
      expect(await backend.extend({ key, owner: `${other.owner}:1`, ttlMs: 60_000 })).toBe(false);
      expect(await other.acquire(key, { waitTimeout: 0 })).toBe(false);

      expect(owner.isHeld(key)).toBe(true);
      expect(await owner.release(key)).toBe(true);
      expect(await owner.release(key)).toBe(false);
      expect(owner.isHeld(key)).toBe(false);
      expect(await other.acquire(key, { waitTimeout: 0 })).toBe(true);
      expect(await other.release(key)).toBe(true);
    });

    it('lets another owner in once the ttl has passed, and the late release does not free it', async () => {
      const key = uniqueKey('expiry');
      const first = newLock(0);
      const second = newLock(1);
      const third = newLock(2);
      expect(await first.acquire(key, { ttl: 300 })).toBe(true);
      expect(await second.acquire(key, { waitTimeout: 0 })).toBe(false);

      const started = Date.now();
      expect(await second.acquire(key, { ttl: 10_000, waitTimeout: 5_000 })).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);

      // The first owner's hold ended; its release must not remove the second owner's.
      expect(await first.release(key)).toBe(false);
      expect(await third.acquire(key, { waitTimeout: 0 })).toBe(false);
      expect(await second.release(key)).toBe(true);
    });

    it('keeps an auto-renewed lock well beyond its ttl', async () => {
      const key = uniqueKey('renew');
      const holder = newLock(0);
      const other = newLock(1);
      const renewing = { ttl: 1_000, autoRenew: true, renewalInterval: 200 } as const;
      expect(await holder.acquire(key, renewing)).toBe(true);
      await sleep(2_500);
      expect(holder.isHeld(key)).toBe(true);
      expect(await other.acquire(key, { waitTimeout: 0 })).toBe(false);
      expect(await harness.remainingTtl(key)).toBeGreaterThan(0);
      expect(await holder.release(key)).toBe(true);
      expect(await other.acquire(key, { waitTimeout: 0 })).toBe(true);
      await other.release(key);
    });

    it('applies a preset ttl on the server', async () => {
      const key = uniqueKey('preset');
      const holder = newLock(0);
      expect(await holder.acquire(key, LockPresets.workflowCompletion())).toBe(true);
      const remaining = await harness.remainingTtl(key);
      expect(remaining).toBeGreaterThan(3_000);
      expect(remaining).toBeLessThanOrEqual(5_000);
      await holder.release(key);
    });

    it('detects a lost lock on renewal: onLost, isHeld false, the withLock signal aborts', async () => {
      const key = uniqueKey('lost');
      const lostKeys: string[] = [];
      const holder = newLock(0, { onLost: (k) => lostKeys.push(k) });
      const thief = newLock(1);
      const renewing = { ttl: 2_000, autoRenew: true, renewalInterval: 100 } as const;

      let signal: AbortSignal | undefined;
      const held = holder.withLock(
        key,
        async (s) => {
          signal = s;
          await harness.deleteKey(key);
          expect(await thief.acquire(key, { ttl: 10_000, waitTimeout: 0 })).toBe(true);
          await waitFor(() => s.aborted, {
            what: 'the renewal to find the lock lost and abort the signal',
            timeoutMs: 5_000,
          });
          return 'done';
        },
        renewing,
      );
      expect(await held).toBe('done');
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBeInstanceOf(LockNotAcquiredError);
      expect(signal?.reason).toMatchObject({ code: 'LOCK_NOT_ACQUIRED', reason: 'lost' });
      expect(lostKeys).toEqual([key]);
      expect(holder.isHeld(key)).toBe(false);
      // The thief's hold survived the loser's withLock release.
      expect(await holder.acquire(key, { waitTimeout: 0 })).toBe(false);
      expect(await thief.release(key)).toBe(true);
    });

    it('gives up after waitTimeout: acquire returns false, withLock throws LockNotAcquiredError', async () => {
      const key = uniqueKey('wait');
      const holder = newLock(0);
      const waiter = newLock(1);
      expect(await holder.acquire(key, { ttl: 10_000 })).toBe(true);

      const started = Date.now();
      expect(await waiter.acquire(key, { waitTimeout: 300, retryDelay: 50 })).toBe(false);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(280);
      expect(waited).toBeLessThan(3_000);

      let ran = false;
      const error = await waiter
        .withLock(
          key,
          () => {
            ran = true;
          },
          { waitTimeout: 100 },
        )
        .catch((e: unknown) => e);
      expect(ran).toBe(false);
      expect(error).toBeInstanceOf(LockNotAcquiredError);
      expect(error).toMatchObject({ code: 'LOCK_NOT_ACQUIRED', reason: 'timeout', key });
      await holder.release(key);
    });

    it('releases in withLock when the callback throws', async () => {
      const key = uniqueKey('throw');
      const holder = newLock(0);
      const other = newLock(1);
      await expect(
        holder.withLock(key, async () => {
          expect(await other.acquire(key, { waitTimeout: 0 })).toBe(false);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(holder.isHeld(key)).toBe(false);
      expect(await other.acquire(key, { waitTimeout: 0 })).toBe(true);
      await other.release(key);
    });

    it('close() releases every held key, stops renewals and refuses new acquisitions', async () => {
      const keys = [uniqueKey('close-a'), uniqueKey('close-b')];
      const holder = newLock(0, LockPresets.longRunning());
      const other = newLock(1);
      for (const key of keys) expect(await holder.acquire(key)).toBe(true);
      expect(holder.heldKeys().sort()).toEqual([...keys].sort());
      await holder.close();
      expect(holder.heldKeys()).toEqual([]);
      for (const key of keys) expect(await other.acquire(key, { waitTimeout: 0 })).toBe(true);
      await expect(holder.acquire(uniqueKey('after-close'))).rejects.toMatchObject({
        code: 'LOCK_NOT_ACQUIRED',
        reason: 'closed',
      });
      await other.releaseAll();
      expect(other.heldKeys()).toEqual([]);
    });
  });
}

lockSuite('Redis', redisHarness);
lockSuite('PostgreSQL', postgresHarness);
