/**
 * Where the coordination primitives live: Redis (a URL or an ioredis instance) or PostgreSQL
 * (`{ postgres }`), and the one place that tells them apart for the factories.
 * @module
 */
import { type Cluster, Redis } from 'ioredis';
import type pg from 'pg';
import {
  isRedisCluster,
  isRedisClusterConnection,
  type RedisClusterConnection,
} from '../redis-cluster-connection.ts';
import { isPool } from './postgres-connection.ts';

/** PostgreSQL as a coordination backend: a connection string or a `pg.Pool` (you end a pool you give). */
export interface PostgresCoordinationConnection {
  postgres: string | pg.Pool;
  /** Schema of the coordination tables. Default is `spane_coordination`. */
  schema?: string | undefined;
}

/**
 * A Redis URL (`redis://`, `rediss://`; a client is created and closed for you), an ioredis
 * instance or `Cluster` (you close it), `{ cluster: nodes, clusterOptions? }` (a `Cluster` is
 * created and closed for you), or `{ postgres, schema? }`.
 */
export type CoordinationConnection =
  | string
  | Redis
  | Cluster
  | RedisClusterConnection
  | PostgresCoordinationConnection;

/** What a Redis primitive accepts: a URL, an ioredis instance or `Cluster`, or `{ cluster }`. */
export type RedisCoordinationConnection = string | Redis | Cluster | RedisClusterConnection;

/** A {@link CoordinationConnection} sorted by backend. */
export type ClassifiedConnection =
  | { kind: 'redis'; connection: RedisCoordinationConnection }
  | { kind: 'postgres'; connection: string | pg.Pool; schema: string | undefined };

/** Sorts a connection by backend; throws a `TypeError` for anything else. */
export function classifyConnection(connection: CoordinationConnection): ClassifiedConnection {
  if (typeof connection === 'string') {
    if (/^rediss?:\/\//i.test(connection)) return { kind: 'redis', connection };
    if (/^postgres(ql)?:\/\//i.test(connection)) {
      throw new TypeError(
        'A PostgreSQL connection string must be given as { postgres: "postgres://..." }.',
      );
    }
    throw new TypeError('A coordination connection string must be a redis:// or rediss:// URL.');
  }
  if (connection instanceof Redis) return { kind: 'redis', connection };
  if (isRedisCluster(connection) || isRedisClusterConnection(connection)) {
    return { kind: 'redis', connection };
  }
  if (typeof connection === 'object' && connection !== null && 'postgres' in connection) {
    const { postgres, schema } = connection;
    if (typeof postgres === 'string' || isPool(postgres)) {
      return { kind: 'postgres', connection: postgres, schema };
    }
  }
  throw new TypeError(
    'A coordination connection is a Redis URL, an ioredis instance or Cluster, { cluster: nodes, clusterOptions? }, or { postgres: connection string | pg.Pool, schema? }.',
  );
}
