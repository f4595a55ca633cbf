/**
 * The Redis client of a coordination primitive (lock backend, rate limiter, signal channel): a URL
 * makes a client of its own that the primitive closes, an ioredis instance is borrowed and left open.
 * @module
 */
import { Redis, type RedisOptions } from 'ioredis';

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
  client: Redis;
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
 * Turns a Redis URL (a new client, {@link COORDINATION_REDIS_CLIENT_OPTIONS}) or an ioredis
 * instance (used as is) into a client with its ownership; throws a `TypeError` for anything else.
 */
export function resolveRedisClient(
  connection: string | Redis,
  options: ResolveRedisClientOptions,
): CoordinationRedisClient {
  if (typeof connection === 'string') {
    const client = new Redis(connection, COORDINATION_REDIS_CLIENT_OPTIONS);
    const { onError } = options;
    client.on('error', (error: Error) => onError?.(error));
    return { client, owned: true };
  }
  if (connection instanceof Redis) return { client: connection, owned: false };
  throw new TypeError(`A Redis ${options.what} connection is a Redis URL or an ioredis instance.`);
}

/** Quits the client if the primitive owns it and it is not closed yet; never throws. */
export async function closeRedisClient(resolved: CoordinationRedisClient): Promise<void> {
  if (resolved.owned && resolved.client.status !== 'end') {
    await resolved.client.quit().catch(() => undefined);
  }
}
