import { ConfigurationError } from '@spane/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter.ts';
import { DEFAULT_COORDINATION_SCHEMA } from './postgres-connection.ts';
import { PostgresRateLimiter } from './postgres-rate-limiter.ts';
import { DEFAULT_REDIS_RATE_PREFIX, RedisRateLimiter } from './redis-rate-limiter.ts';

/** Nothing listens here; the pools below are never queried. */
const UNUSED_POSTGRES = 'postgres://user@127.0.0.1:1/db';

describe('createRateLimiter', () => {
  it('builds a Redis limiter on an ioredis instance, with the default or a given prefix', async () => {
    const client = new Redis({ lazyConnect: true });
    const plain = createRateLimiter(client);
    expect(plain).toBeInstanceOf(RedisRateLimiter);
    expect((plain as RedisRateLimiter).prefix).toBe(DEFAULT_REDIS_RATE_PREFIX);
    expect(DEFAULT_REDIS_RATE_PREFIX).toBe('spane:rate:');
    const prefixed = createRateLimiter(client, { prefix: 'app:' });
    expect((prefixed as RedisRateLimiter).prefix).toBe('app:');
    // A given client is not closed by the limiter.
    await plain.close();
    expect(client.status).toBe('wait');
    client.disconnect();
  });

  it('builds a PostgreSQL limiter with the default schema, the connection one, or the option', async () => {
    const byDefault = createRateLimiter({ postgres: UNUSED_POSTGRES });
    expect(byDefault).toBeInstanceOf(PostgresRateLimiter);
    expect((byDefault as PostgresRateLimiter).schema).toBe(DEFAULT_COORDINATION_SCHEMA);
    const fromConnection = createRateLimiter({ postgres: UNUSED_POSTGRES, schema: 'conn_schema' });
    expect((fromConnection as PostgresRateLimiter).schema).toBe('conn_schema');
    const fromOption = createRateLimiter(
      { postgres: UNUSED_POSTGRES, schema: 'conn_schema' },
      { schema: 'option_schema' },
    );
    expect((fromOption as PostgresRateLimiter).schema).toBe('option_schema');
    await Promise.all([byDefault.close(), fromConnection.close(), fromOption.close()]);
  });

  it('leaves a given pool open on close', async () => {
    const pool = new pg.Pool({ connectionString: UNUSED_POSTGRES });
    const limiter = createRateLimiter({ postgres: pool });
    await limiter.close();
    expect(pool.ended).toBe(false);
    await pool.end();
  });

  it.each(['bad-name', 'x"; DROP SCHEMA public; --', '1abc', ''])(
    'refuses the schema %j',
    (schema) => {
      expect(() => createRateLimiter({ postgres: UNUSED_POSTGRES }, { schema })).toThrow(
        ConfigurationError,
      );
      expect(() => createRateLimiter({ postgres: UNUSED_POSTGRES, schema })).toThrow(
        ConfigurationError,
      );
    },
  );

  it('refuses a non-string prefix', () => {
    const client = new Redis({ lazyConnect: true });
    expect(() => createRateLimiter(client, { prefix: 42 as never })).toThrow(ConfigurationError);
    client.disconnect();
  });

  it.each(['postgres://u@h/db', 'http://example', {}])('refuses the connection %j', (value) => {
    expect(() => createRateLimiter(value as never)).toThrow(TypeError);
  });

  it('validates the limit before reaching the server', async () => {
    const client = new Redis({ lazyConnect: true });
    const redis = createRateLimiter(client);
    const postgres = createRateLimiter({ postgres: UNUSED_POSTGRES });
    for (const limiter of [redis, postgres]) {
      await expect(limiter.tryAcquire('http', { max: 0, duration: 1_000 })).rejects.toThrow(
        ConfigurationError,
      );
      await expect(limiter.tryAcquire('', { max: 1, duration: 1_000 })).rejects.toThrow(
        ConfigurationError,
      );
    }
    expect(client.status).toBe('wait');
    await postgres.close();
    client.disconnect();
  });
});
