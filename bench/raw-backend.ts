/**
 * Where the raw BullMQ side's queue lives: BullMQ's Redis backend (one ioredis client, the side's
 * prefix as BullMQ `prefix`) or its PostgreSQL backend (one `pg.Pool` of 20 with `search_path`
 * pinned to BullMQ's schema; the prefix goes into the queue name, which Postgres keeps apart).
 */
import {
  createPostgresBackend,
  DEFAULT_SCHEMA,
  Queue,
  runMigrations,
  Worker,
  withBackend,
} from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { QueueTarget } from './side.ts';

/** The BullMQ classes and options one raw side uses, and what to close at the end. */
export interface RawBackend {
  Queue: typeof Queue;
  Worker: typeof Worker;
  /** The node queue's name. */
  queueName: string;
  /** BullMQ's `connection` (and, on Redis, `prefix`) options. */
  options: { connection: never; prefix?: string };
  /** The Redis client, for join counters with `INCR` (Redis only). */
  redis: Redis | undefined;
  /** Closes the client or ends the pool (after the queue and worker are closed). */
  close(): Promise<void>;
}

const QUEUE_NAME = 'node-execution';

let postgresClasses: { Queue: unknown; Worker: unknown } | undefined;

/** Connects to the side's backend; on Postgres, runs BullMQ's migrations (idempotent) first. */
export async function openRawBackend(target: QueueTarget, prefix: string): Promise<RawBackend> {
  if (target.backend === 'redis') {
    const redis = new Redis(target.url, { maxRetriesPerRequest: null, enableReadyCheck: true });
    return {
      Queue,
      Worker,
      queueName: QUEUE_NAME,
      options: { connection: redis as never, prefix },
      redis,
      close: async () => {
        await redis.quit().catch(() => undefined);
      },
    };
  }
  // BullMQ's ESM build cannot require('pg') itself: it gets a pool made here, whose every
  // connection has BullMQ's schema first on its search_path.
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 20,
    options: `-c search_path="${DEFAULT_SCHEMA}"`,
  });
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await runMigrations(client, DEFAULT_SCHEMA);
  } finally {
    client.release();
  }
  postgresClasses ??= withBackend(createPostgresBackend);
  return {
    Queue: postgresClasses.Queue as typeof Queue,
    Worker: postgresClasses.Worker as typeof Worker,
    queueName: `${prefix}.${QUEUE_NAME}`,
    options: { connection: pool as never },
    redis: undefined,
    close: async () => {
      await pool.end().catch(() => undefined);
    },
  };
}
