import { ConfigurationError } from '@spane/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isPool, quoteIdentifier, resolvePool, validateIdentifier } from './postgres-connection.ts';

describe('validateIdentifier', () => {
  it.each(['spane_coordination', 'Schema1', '_x', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(validateIdentifier(name)).toBe(name);
  });

  it.each([
    '',
    '1abc',
    'has-dash',
    'has space',
    'x"; DROP SCHEMA public; --',
    'café',
    'a'.repeat(64),
  ])('refuses %j', (name) => {
    expect(() => validateIdentifier(name)).toThrow(ConfigurationError);
  });
});

describe('quoteIdentifier', () => {
  it('wraps in double quotes and doubles inner ones', () => {
    expect(quoteIdentifier('spane')).toBe('"spane"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});

describe('resolvePool', () => {
  it('creates and owns a pool for a connection string, and borrows a given pool', async () => {
    const created = resolvePool('postgres://user@127.0.0.1:1/db');
    expect(created.owned).toBe(true);
    expect(isPool(created.pool)).toBe(true);
    const given = new pg.Pool({ connectionString: 'postgres://user@127.0.0.1:1/db' });
    expect(resolvePool(given)).toEqual({ pool: given, owned: false });
    await Promise.all([created.pool.end(), given.end()]);
  });

  it('refuses anything else', () => {
    expect(() => resolvePool({} as unknown as string)).toThrow(TypeError);
  });
});
