import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { REDIS_CLIENT_OPTIONS } from '../queue-connection.ts';
import {
  COORDINATION_REDIS_CLIENT_OPTIONS,
  closeRedisClient,
  resolveRedisClient,
} from './redis-coordination-client.ts';

/** Nothing listens here: the clients below never reach a server. */
const UNUSED_REDIS = 'redis://127.0.0.1:1';

describe('resolveRedisClient', () => {
  it('makes an owned client from a URL, whose commands give up instead of waiting forever', async () => {
    const errors: Error[] = [];
    const resolved = resolveRedisClient(UNUSED_REDIS, {
      what: 'lock',
      onError: (error) => errors.push(error),
    });
    try {
      expect(resolved.owned).toBe(true);
      expect((resolved.client as Redis).options.maxRetriesPerRequest).toBe(20);
      expect(COORDINATION_REDIS_CLIENT_OPTIONS.maxRetriesPerRequest).not.toBe(
        REDIS_CLIENT_OPTIONS.maxRetriesPerRequest,
      );
      expect(resolved.client.listenerCount('error')).toBe(1);
    } finally {
      resolved.client.disconnect();
    }
  });

  it('borrows an ioredis instance and leaves it open on close', async () => {
    const client = new Redis({ lazyConnect: true });
    const resolved = resolveRedisClient(client, { what: 'lock' });
    expect(resolved).toEqual({ client, owned: false });
    await closeRedisClient(resolved);
    expect(client.status).toBe('wait');
    client.disconnect();
  });

  it('closes an owned client, and again without throwing', async () => {
    const resolved = resolveRedisClient(UNUSED_REDIS, { what: 'lock', onError: () => undefined });
    const ended = new Promise<void>((resolve) => resolved.client.once('end', resolve));
    await closeRedisClient(resolved);
    // Never connected, so quit disconnects at once; the socket reports its end a moment later.
    await ended;
    expect(resolved.client.status).toBe('end');
    await expect(closeRedisClient(resolved)).resolves.toBeUndefined();
  });

  it.each([42, {}, null])('refuses the connection %j, naming the primitive', (value) => {
    expect(() => resolveRedisClient(value as never, { what: 'rate limiter' })).toThrow(
      new TypeError(
        'A Redis rate limiter connection is a Redis URL, an ioredis instance or Cluster, or { cluster: nodes }.',
      ),
    );
  });
});
