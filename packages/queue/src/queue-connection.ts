import { Redis, type RedisOptions } from 'ioredis';
import type pg from 'pg';
import { openPostgresQueuePool, type PostgresQueueConnection } from './postgres-queue-pool.ts';

/**
 * Where the queues live: a Redis URL or ioredis instance (BullMQ's Redis backend), or
 * `{ postgres: url | pg.Pool }` (BullMQ's PostgreSQL backend). An instance given by the caller
 * stays the caller's to close.
 */
export type QueueConnection = string | Redis | PostgresQueueConnection;

/** A Redis connection made ready for BullMQ, with what to close at the end. */
export interface ResolvedRedisConnection {
  kind: 'redis';
  /** The client shared by queues (workers duplicate it for their blocking reads). */
  client: Redis;
  /** Whether SPANE created the client and so must close it. */
  owned: boolean;
}

/** A PostgreSQL connection made ready for BullMQ: a pool pinned to the queue schema. */
export interface ResolvedPostgresConnection {
  kind: 'postgres';
  /** SPANE's own pool, its `search_path` pinned to BullMQ's schema. Closed by `close()`. */
  pool: pg.Pool;
  /** Resolves once BullMQ's migrations ran (idempotently). */
  ready: Promise<void>;
}

export type ResolvedConnection = ResolvedRedisConnection | ResolvedPostgresConnection;

/** Options SPANE applies to the Redis clients it creates. BullMQ workers need `maxRetriesPerRequest: null`. */
export const REDIS_CLIENT_OPTIONS = {
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
} as const satisfies RedisOptions;

/** Whether a connection option selects BullMQ's PostgreSQL backend. */
export function isPostgresConnection(
  connection: QueueConnection,
): connection is PostgresQueueConnection {
  return typeof connection === 'object' && connection !== null && 'postgres' in connection;
}

/**
 * Turns a {@link QueueConnection} into what the queues use. A Redis URL makes a new client (closed
 * by `close()`); an ioredis instance is used as is and must have `maxRetriesPerRequest: null`.
 * A Postgres URL or pool makes a pool of SPANE's own (see {@link PostgresQueueConnection}).
 */
export function resolveConnection(
  connection: QueueConnection,
  options: { onError?: ((error: Error) => void) | undefined } = {},
): ResolvedConnection {
  const onError = options.onError ?? (() => undefined);
  if (typeof connection === 'string') {
    if (/^postgres(ql)?:\/\//i.test(connection)) {
      throw new TypeError(
        'A Postgres URL selects the PostgreSQL backend only as `{ postgres: url }`; a bare string is a Redis URL.',
      );
    }
    const client = new Redis(connection, REDIS_CLIENT_OPTIONS);
    // ioredis reconnects by itself; without a listener it prints every failed attempt to stderr.
    client.on('error', onError);
    return { kind: 'redis', client, owned: true };
  }
  if (connection instanceof Redis) {
    if (connection.options.maxRetriesPerRequest !== null) {
      throw new TypeError(
        'The ioredis instance given as connection needs `maxRetriesPerRequest: null` (BullMQ workers block on it).',
      );
    }
    return { kind: 'redis', client: connection, owned: false };
  }
  if (isPostgresConnection(connection)) {
    const { pool, ready } = openPostgresQueuePool(connection, { onError });
    return { kind: 'postgres', pool, ready };
  }
  throw new TypeError(
    'A queue connection is a Redis URL, an ioredis instance, or { postgres: url | pg.Pool }.',
  );
}
