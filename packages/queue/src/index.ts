/**
 * `@spane/queue`: SPANE on BullMQ. The node, workflow and dead-letter queues under one prefix, the
 * job shapes that travel through them, and workers with concurrency, limiter and stalled-job
 * settings, on BullMQ's Redis backend or its PostgreSQL backend.
 * @module
 */
export type {
  DeadLetterJobData,
  NodeJobData,
  NodeJobOptions,
  WorkflowJobData,
} from './job-shapes.ts';
export {
  POSTGRES_QUEUE_SCHEMA,
  type PostgresQueueConnection,
} from './postgres-queue-pool.ts';
export {
  isPostgresConnection,
  type QueueConnection,
  REDIS_CLIENT_OPTIONS,
  type ResolvedConnection,
  resolveConnection,
} from './queue-connection.ts';
export {
  DEFAULT_QUEUE_PREFIX,
  nodeJobId,
  QUEUE_NAMES,
  type QueueRole,
  startJobId,
} from './queue-names.ts';
export type { JobStatus, QueueCounts, QueueStats } from './queue-stats.ts';
export {
  type Job,
  type QueueWorkerOptions,
  WorkflowQueues,
  type WorkflowQueuesOptions,
} from './workflow-queues.ts';
