/**
 * Picks the {@link EventLog} for a connection.
 * @module
 */
import {
  type CoordinationConnection,
  classifyConnection,
} from '../coordination/coordination-connection.ts';
import type { EventLog, EventLogOptions } from './event-log.ts';
import { PostgresEventLog } from './postgres-event-log.ts';
import { RedisEventLog } from './redis-event-log.ts';

/**
 * A durable event log on the queue's own server: a capped Redis stream (URL or ioredis instance)
 * or a PostgreSQL table with LISTEN/NOTIFY (`{ postgres, schema? }`).
 *
 * ```ts
 * const log = createEventLog('redis://127.0.0.1:6379', { prefix: 'myapp:events:' });
 * await log.append([{ type: 'node:completed', executionId, timestamp: Date.now(), data: {} }]);
 * for await (const event of log.follow({ after: lastSeenId })) console.log(event.id, event.type);
 * ```
 */
export function createEventLog(
  connection: CoordinationConnection,
  options: EventLogOptions = {},
): EventLog {
  const classified = classifyConnection(connection);
  if (classified.kind === 'redis') {
    return new RedisEventLog({ ...options, connection: classified.connection });
  }
  return new PostgresEventLog({
    ...options,
    connection: classified.connection,
    schema: classified.schema,
  });
}
