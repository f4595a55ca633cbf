/**
 * The Redis client of a coordination primitive (lock backend, rate limiter, signal channel): a URL
 * makes a client of its own that the primitive closes, an ioredis instance is borrowed and left open.
 * @module
 */
import { Redis, type RedisOptions } from 'ioredis';
import {
  createClusterClient,
  isRedisCluster,
  isRedisClusterConnection,
  type RedisClient,
} from '../redis-cluster-connection.ts';
import type { RedisCoordinationConnection } from './coordination-connection.ts';

/**
 * Options of the clients made from a URL. Unlike the queues' `REDIS_CLIENT_OPTIONS` (which BullMQ
 * workers need with `maxRetriesPerRequest: null`, so commands wait forever for Redis), lock,
 * rate limit and publish commands must fail while Redis is down rather than hang their caller:
 * a command is retried over at most 20 reconnection attempts (ioredis's own default), then rejects.
 */
export const COORDINATION_REDIS_CLIENT_OPTIONS = {
  maxRetriesPerRequest: 20,
  enableReadyCheck: true,
} as const satisfies RedisOptions;

/** A Redis client ready for use, and whether the primitive created it and so must close it. */
export interface CoordinationRedisClient {
  /** One server's client or a Cluster's: every primitive uses one key per command or script. */
  client: RedisClient;
  owned: boolean;
}

/** Options of {@link resolveRedisClient}. */
export interface ResolveRedisClientOptions {
  /** Names the primitive in the `TypeError` for a wrong connection, e.g. `'lock'`. */
  what: string;
  /** Errors of a client made from a URL. Default drops them (ioredis reconnects by itself). */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * Turns a Redis URL or `{ cluster }` (a new client, {@link COORDINATION_REDIS_CLIENT_OPTIONS}, with
 * an `error` listener) or an ioredis instance or `Cluster` (used as is) into a client with its
 * ownership; throws a `TypeError` for anything else.
 */
export function resolveRedisClient(
  connection: RedisCoordinationConnection,
  options: ResolveRedisClientOptions,
): CoordinationRedisClient {
  if (typeof connection === 'string') {
    const client = new Redis(connection, COORDINATION_REDIS_CLIENT_OPTIONS);
    const { onError } = options;
    client.on('error', (error: Error) => onError?.(error));
    return { client, owned: true };
  }
  if (connection instanceof Redis || isRedisCluster(connection)) {
    return { client: connection, owned: false };
  }
  if (isRedisClusterConnection(connection)) {
    const { onError } = options;
    const client = createClusterClient(connection, {
      maxRetriesPerRequest: COORDINATION_REDIS_CLIENT_OPTIONS.maxRetriesPerRequest,
      onError: (error) => onError?.(error),
    });
    return { client, owned: true };
  }
  throw new TypeError(
    `A Redis ${options.what} connection is a Redis URL, an ioredis instance or Cluster, or { cluster: nodes }.`,
  );
}

/** Quits the client if the primitive owns it and it is not closed yet; never throws. */
export async function closeRedisClient(resolved: CoordinationRedisClient): Promise<void> {
  if (resolved.owned && resolved.client.status !== 'end') {
    await resolved.client.quit().catch(() => undefined);
  }
}
