import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import type pg from 'pg';
import { openPostgresQueuePool, type PostgresQueueConnection } from './postgres-queue-pool.ts';
import {
  createClusterClient,
  isRedisCluster,
  isRedisClusterConnection,
  type RedisClient,
  type RedisClusterConnection,
} from './redis-cluster-connection.ts';

/**
 * Where the queues live: a Redis URL or ioredis instance (BullMQ's Redis backend), a Redis Cluster
 * (an ioredis `Cluster`, or `{ cluster: nodes, clusterOptions? }`; the prefix must then be a hash
 * tag such as `{spane}`), or `{ postgres: url | pg.Pool }` (BullMQ's PostgreSQL backend). An
 * instance given by the caller stays the caller's to close.
 */
export type QueueConnection =
  | string
  | Redis
  | Cluster
  | RedisClusterConnection
  | PostgresQueueConnection;

/** A Redis connection made ready for BullMQ, with what to close at the end. */
export interface ResolvedRedisConnection {
  kind: 'redis';
  /** The client shared by queues (workers duplicate it for their blocking reads). */
  client: RedisClient;
  /** Whether it is a Redis Cluster (keys of one queue must then share a hash tag). */
  cluster: boolean;
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
 * Turns a {@link QueueConnection} into what the queues use. A Redis URL or `{ cluster }` makes a new
 * client (closed by `close()`, with an `error` listener); an ioredis instance or `Cluster` is used
 * as is and must have `maxRetriesPerRequest: null` (a Cluster's in its `redisOptions`).
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
    return { kind: 'redis', client, owned: true, cluster: false };
  }
  if (connection instanceof Redis) {
    if (connection.options.maxRetriesPerRequest !== null) {
      throw new TypeError(
        'The ioredis instance given as connection needs `maxRetriesPerRequest: null` (BullMQ workers block on it).',
      );
    }
    return { kind: 'redis', client: connection, owned: false, cluster: false };
  }
  if (isRedisCluster(connection)) {
    if (connection.options.redisOptions?.maxRetriesPerRequest !== null) {
      throw new TypeError(
        'The ioredis Cluster given as connection needs `redisOptions: { maxRetriesPerRequest: null }` (BullMQ workers block on it).',
      );
    }
    return { kind: 'redis', client: connection, owned: false, cluster: true };
  }
  if (isRedisClusterConnection(connection)) {
    const client = createClusterClient(connection, { maxRetriesPerRequest: null, onError });
    return { kind: 'redis', client, owned: true, cluster: true };
  }
  if (isPostgresConnection(connection)) {
    const { pool, ready } = openPostgresQueuePool(connection, { onError });
    return { kind: 'postgres', pool, ready };
  }
  throw new TypeError(
    'A queue connection is a Redis URL, an ioredis instance or Cluster, { cluster: nodes, clusterOptions? }, or { postgres: url | pg.Pool }.',
  );
}

/** Whether a connection option is a Redis Cluster (an ioredis `Cluster` or `{ cluster: nodes }`). */
export function isClusterQueueConnection(connection: QueueConnection): boolean {
  return isRedisCluster(connection) || isRedisClusterConnection(connection);
}
