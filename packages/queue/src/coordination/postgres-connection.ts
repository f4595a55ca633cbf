/**
 * Shared PostgreSQL plumbing of the coordination primitives: turning a connection string or a pool
 * into a pool with its ownership, and validating and quoting the identifiers we put in SQL text.
 * @module
 */
import { ConfigurationError } from '@spane/core';
import type pg from 'pg';
import { loadPg } from '../optional-pg.ts';

/** The schema of the coordination tables unless told otherwise. */
export const DEFAULT_COORDINATION_SCHEMA = 'spane_coordination';

/** A PostgreSQL connection string, or a `pg.Pool` that the caller keeps and closes. */
export type PostgresConnection = string | pg.Pool;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;
/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Checks that `name` is a plain SQL identifier (letters, digits, underscores; not starting with a
 * digit; at most 63 bytes) and returns it. Throws a `ConfigurationError` otherwise.
 */
export function validateIdentifier(name: string, what = 'schema name'): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || name.length > MAX_IDENTIFIER_BYTES) {
    throw new ConfigurationError(
      `Invalid ${what} ${JSON.stringify(name)}: use letters, digits and underscores (not starting with a digit), at most ${MAX_IDENTIFIER_BYTES} characters`,
    );
  }
  return name;
}

/** Quotes an identifier for SQL text: `"name"`, inner quotes doubled. Validate it first. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A pool ready for use, and whether we created it and so must end it. */
export interface ResolvedPool {
  pool: pg.Pool;
  owned: boolean;
}

/**
 * Turns a {@link PostgresConnection} into a pool. A string makes a new small pool (ended by whoever
 * resolved it); errors of its idle clients are passed to `onError` instead of crashing the process.
 */
export function resolvePool(
  connection: PostgresConnection,
  options: { max?: number; onError?: ((error: Error) => void) | undefined } = {},
): ResolvedPool {
  if (typeof connection === 'string') {
    const pool = new (loadPg().Pool)({ connectionString: connection, max: options.max ?? 4 });
    pool.on('error', (error) => options.onError?.(error));
    // A checked-out client (a transaction) that loses its connection emits `error` on itself.
    pool.on('connect', (client) => client.on('error', (error) => options.onError?.(error)));
    return { pool, owned: true };
  }
  if (isPool(connection)) return { pool: connection, owned: false };
  throw new TypeError('A PostgreSQL connection is a connection string or a pg.Pool.');
}

/** Whether `value` looks like a `pg.Pool` (duck-typed, so a pool from another copy of pg works). */
export function isPool(value: unknown): value is pg.Pool {
  const candidate = value as Partial<pg.Pool> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.query === 'function' &&
    typeof candidate.connect === 'function' &&
    typeof candidate.totalCount === 'number'
  );
}
