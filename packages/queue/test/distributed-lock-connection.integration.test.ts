/**
 * The original SPANE's `new DistributedLock(redis, options)`: a lock given a connection instead
 * of a backend makes its own backend, excludes other locks on the same server, and closes only
 * what it made.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@spane/test-support';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DistributedLock } from '../src/index.ts';
import { postgresTestServer, redisTestServer } from './support/servers.ts';

describe('DistributedLock from a connection', () => {
  const redisServer = redisTestServer('lockconn');
  const postgresServer = postgresTestServer('lockconn');
  afterAll(async () => {
    await redisServer.cleanup();
    await postgresServer.cleanup();
  });

  it('takes an ioredis instance and options, as the seeds wrote it, and leaves the instance open', async () => {
    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    try {
      const options = { ttl: 5_000, autoRenew: true, renewalInterval: 3_000, retryDelay: 50 };
      const first = new DistributedLock(redis, { ...options, prefix: redisServer.prefix });
      const second = new DistributedLock(redis, { ...options, prefix: redisServer.prefix });
      const key = `workflow-completion:${randomUUID()}`;
      expect(await first.acquire(key)).toBe(true);
      expect(await redisServer.admin.get(redisServer.prefix + key)).toMatch(first.owner);
      expect(await second.acquire(key, { waitTimeout: 0 })).toBe(false);
      expect(await first.release(key)).toBe(true);
      expect(await second.acquire(key, { waitTimeout: 0 })).toBe(true);
      await first.close();
      await second.close();
      expect(await redisServer.admin.exists(redisServer.prefix + key)).toBe(0);
      expect(await redis.ping()).toBe('PONG'); // the caller's instance is the caller's to close
    } finally {
      await redis.quit();
    }
  });

  it('takes { postgres, schema } and closes the backend it made', async () => {
    const connection = { postgres: postgresServer.url, schema: postgresServer.schema };
    const first = new DistributedLock(connection, { ttl: 5_000 });
    const second = new DistributedLock(connection, { ttl: 5_000 });
    const key = `node:${randomUUID()}`;
    expect(await first.acquire(key, { waitTimeout: 0 })).toBe(true);
    expect(await second.acquire(key, { waitTimeout: 0 })).toBe(false);
    await first.close();
    expect(await second.acquire(key, { waitTimeout: 0 })).toBe(true);
    await second.close();
    const { rows } = await postgresServer.admin.query(
      `SELECT count(*)::int AS n FROM "${postgresServer.schema}".locks WHERE key = $1`,
      [key],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('hands the errors of the connection it made to onError (here: a port where nothing listens)', async () => {
    const errors: Error[] = [];
    const lock = new DistributedLock('redis://127.0.0.1:1', {
      onError: (error) => errors.push(error),
    });
    try {
      await waitFor(() => errors.length > 0, { timeoutMs: 10_000, what: 'a connection error' });
      expect(errors[0]?.message).toMatch(/ECONNREFUSED/);
    } finally {
      await lock.close();
    }
  });

  it('refuses a connection it cannot use, and bad defaults, at construction', () => {
    expect(() => new DistributedLock('postgres://nowhere' as never)).toThrow(/\{ postgres:/);
    expect(() => new DistributedLock(redisServer.url, { ttl: -1 })).toThrow(/ttl/);
  });
});
