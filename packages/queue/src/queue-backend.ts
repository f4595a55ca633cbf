import { createPostgresBackend, Queue, Worker, withBackend } from 'bullmq';
import type { ResolvedConnection } from './queue-connection.ts';
import { QUEUE_NAMES, type QueueRole } from './queue-names.ts';

/** The BullMQ classes and connection option for one backend, and how it names SPANE's queues. */
export interface QueueBackend {
  kind: ResolvedConnection['kind'];
  Queue: typeof Queue;
  Worker: typeof Worker;
  /** What BullMQ's `connection` option gets. */
  connection: unknown;
  /** BullMQ's `prefix` option (Redis only: Postgres ignores key prefixes). */
  prefix: string | undefined;
  /** The BullMQ queue name of a role. On Postgres the prefix goes into the name, keeping apps apart. */
  queueName(role: QueueRole): string;
}

let postgresClasses: { Queue: unknown; Worker: unknown } | undefined;

/** Picks BullMQ's Redis or PostgreSQL classes for a resolved connection. */
export function queueBackend(connection: ResolvedConnection, prefix: string): QueueBackend {
  if (connection.kind === 'redis') {
    return {
      kind: 'redis',
      Queue,
      Worker,
      connection: connection.client,
      prefix,
      queueName: (role) => QUEUE_NAMES[role],
    };
  }
  postgresClasses ??= withBackend(createPostgresBackend);
  const classes = postgresClasses;
  return {
    kind: 'postgres',
    Queue: classes.Queue as typeof Queue,
    Worker: classes.Worker as typeof Worker,
    connection: connection.pool,
    prefix: undefined,
    queueName: (role) => `${prefix}.${QUEUE_NAMES[role]}`,
  };
}
