/**
 * Picks the {@link SignalChannel} for a {@link CoordinationConnection}.
 * @module
 */
import { type CoordinationConnection, classifyConnection } from './coordination-connection.ts';
import { PostgresSignalChannel } from './postgres-signal-channel.ts';
import { RedisSignalChannel } from './redis-signal-channel.ts';
import type { SignalChannel, SignalChannelOptions } from './signal-channel.ts';

/**
 * A signal channel on Redis pub/sub (URL or ioredis instance) or PostgreSQL LISTEN/NOTIFY
 * (`{ postgres }`; its `schema` is not used: notifications are database-wide, `prefix` isolates).
 */
export function createSignalChannel(
  connection: CoordinationConnection,
  options: SignalChannelOptions = {},
): SignalChannel {
  const classified = classifyConnection(connection);
  if (classified.kind === 'redis') {
    return new RedisSignalChannel({ ...options, connection: classified.connection });
  }
  return new PostgresSignalChannel({ ...options, connection: classified.connection });
}
