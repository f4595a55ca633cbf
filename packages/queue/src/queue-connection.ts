import { Redis, type RedisOptions } from 'ioredis';

/** Where the queues live: a Redis URL, or an ioredis instance (the caller keeps ownership). */
export type QueueConnection = string | Redis;

/** A connection made ready for BullMQ, with what to close at the end. */
export interface ResolvedConnection {
  kind: 'redis';
  /** The client shared by queues (workers duplicate it for their blocking reads). */
  client: Redis;
  /** Whether SPANE created the client and so must close it. */
  owned: boolean;
}

/** Options SPANE applies to the Redis clients it creates. BullMQ workers need `maxRetriesPerRequest: null`. */
export const REDIS_CLIENT_OPTIONS = {
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
} as const satisfies RedisOptions;

/**
 * Turns a {@link QueueConnection} into a client. A URL makes a new client (closed by `close()`);
 * an instance is used as is and must have `maxRetriesPerRequest: null`.
 */
export function resolveConnection(connection: QueueConnection): ResolvedConnection {
  if (typeof connection === 'string') {
    return { kind: 'redis', client: new Redis(connection, REDIS_CLIENT_OPTIONS), owned: true };
  }
  if (connection instanceof Redis) {
    if (connection.options.maxRetriesPerRequest !== null) {
      throw new TypeError(
        'The ioredis instance given as connection needs `maxRetriesPerRequest: null` (BullMQ workers block on it).',
      );
    }
    return { kind: 'redis', client: connection, owned: false };
  }
  throw new TypeError('A queue connection is a Redis URL or an ioredis instance.');
}
