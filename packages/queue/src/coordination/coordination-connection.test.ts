import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { classifyConnection } from './coordination-connection.ts';

describe('classifyConnection', () => {
  it('takes redis:// and rediss:// URLs as Redis', () => {
    expect(classifyConnection('redis://127.0.0.1:6379')).toEqual({
      kind: 'redis',
      connection: 'redis://127.0.0.1:6379',
    });
    expect(classifyConnection('rediss://host:6380').kind).toBe('redis');
  });

  it('takes an ioredis instance as Redis', () => {
    const client = new Redis({ lazyConnect: true });
    expect(classifyConnection(client)).toEqual({ kind: 'redis', connection: client });
    client.disconnect();
  });

  it('takes { postgres } with a string or a pool as PostgreSQL', async () => {
    expect(classifyConnection({ postgres: 'postgres://u@h/db', schema: 's' })).toEqual({
      kind: 'postgres',
      connection: 'postgres://u@h/db',
      schema: 's',
    });
    const pool = new pg.Pool();
    expect(classifyConnection({ postgres: pool })).toEqual({
      kind: 'postgres',
      connection: pool,
      schema: undefined,
    });
    await pool.end();
  });

  it('says how to pass a bare PostgreSQL URL', () => {
    expect(() => classifyConnection('postgres://u@h/db')).toThrow(/\{ postgres:/);
  });

  it.each(['http://example', 42, null, {}, { postgres: 42 }])('refuses %j', (value) => {
    expect(() => classifyConnection(value as never)).toThrow(TypeError);
  });
});
