/**
 * Picks the {@link LockBackend} for a {@link CoordinationConnection}.
 * @module
 */
import { type CoordinationConnection, classifyConnection } from './coordination-connection.ts';
import type { LockBackend } from './lock-backend.ts';
import { PostgresLockBackend } from './postgres-lock-backend.ts';
import { RedisLockBackend } from './redis-lock-backend.ts';

/** Options of {@link createLockBackend}. */
export interface CreateLockBackendOptions {
  /** Key prefix of Redis locks. Default is `spane:lock:`. Unused on PostgreSQL (use `schema`). */
  prefix?: string | undefined;
  /** Errors of the connections the backend made (a lost connection; it reconnects by itself). */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * A lock backend on Redis (URL or ioredis instance) or PostgreSQL (`{ postgres, schema? }`).
 * Close it with `close()` after the `DistributedLock`s that use it.
 */
export function createLockBackend(
  connection: CoordinationConnection,
  options: CreateLockBackendOptions = {},
): LockBackend {
  const classified = classifyConnection(connection);
  if (classified.kind === 'redis') {
    return new RedisLockBackend({
      connection: classified.connection,
      prefix: options.prefix,
      onError: options.onError,
    });
  }
  return new PostgresLockBackend({
    connection: classified.connection,
    schema: classified.schema,
    onError: options.onError,
  });
}
